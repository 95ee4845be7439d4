"""Figures counted from an uploaded document (issue 20, item 8): the work report's counts of 高 and 新 (F115–F116)
come from the latest work report uploaded for the year, with the document as the figure's record; bad uploads
name the field and keep nothing."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gaoxin.core import clock
from gaoxin.core.calendar import SHANGHAI
from gaoxin.core.errors import ApplicationError, PermissionDenied
from gaoxin.indicators import services
from gaoxin.indicators.figures import figure_values, system_actor
from gaoxin.indicators.models import SourceDocument
from gaoxin.indicators.provenance import figure_provenance, record_rows

pytestmark = pytest.mark.django_db

# 高: 高新区, 高质量, 高位 = 3; 新: 高新区, 创新, 新年, 新气象 = 4.
TEXT = "高新区坚持创新驱动，推动高质量发展。", "新年新气象，高位推进。"
NOW = dt.datetime(2024, 2, 20, 10, tzinfo=SHANGHAI)


def work_report(paragraphs: tuple[str, ...] = TEXT, name: str = "工作报告.docx") -> SimpleUploadedFile:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def upload(actor, file=None, **kw):
    values: dict[str, Any] = {"kind": "work_report", "period": 2023, "title": "2024年郑州高新区管委会工作报告",
              "issuer": "郑州高新区管委会", "issued_on": "2024-01-15", "file": file or work_report()}
    values.update(kw)
    with clock.frozen(NOW):
        return services.document_upload(actor=actor, **values)


def figures(*refs: str) -> dict:
    return figure_values(actor=system_actor(), year=2023, refs=list(refs))


def test_the_counts_come_from_the_latest_work_report_with_the_document_as_record(officers):
    assert figures("F115")["F115"].missing
    first = upload(officers.officer)
    assert (first.name, first.period, first.text) == ("工作报告.docx", "2023", "\n".join(TEXT))
    found = figures("F115", "F116")
    assert (found["F115"].value, found["F116"].value) == (3, 4)
    prov = figure_provenance(actor=officers.approver, year=2023, ref="F115")
    assert prov.records is not None
    assert list(prov.records) == [first]
    assert prov.adds_up is True
    rows = record_rows(prov, page=1)
    assert rows["rows"][0]["url"] == f"/indicators/documents/{first.pk}/file/"
    # A corrected upload replaces it for the figures; both stay on record.
    second = upload(officers.officer, SimpleUploadedFile("工作报告（修订）.txt", "高新区。".encode()))
    assert (figures("F115")["F115"].value, figures("F116")["F116"].value) == (1, 1)
    assert list(figure_provenance(actor=officers.approver, year=2023, ref="F115").records or []) == [second]
    assert SourceDocument.objects.count() == 2


@pytest.mark.parametrize(("who", "kw", "field", "code"), [
    ("officer", {"title": " "}, "title", "required"),
    ("officer", {"issuer": ""}, "issuer", "required"),
    ("officer", {"issued_on": "2024-13-01"}, "issued_on", "bad_date"),
    ("officer", {"kind": "memo"}, "kind", "invalid"),
    ("officer", {"file": SimpleUploadedFile("报告.exe", b"MZ")}, "file", "unsupported_type"),
    ("officer", {"file": SimpleUploadedFile("报告.txt", b"")}, "file", "empty_file"),
    ("officer", {"file": SimpleUploadedFile("报告.docx", b"not a zip")}, "file", "bad_docx"),
    ("officer", {"file": SimpleUploadedFile("报告.txt", b"   \n")}, "file", "no_text"),
    ("citizen", {}, None, "document_role"),
])
def test_bad_uploads_name_the_field_and_keep_nothing(officers, who, kw, field, code):
    with pytest.raises(ApplicationError) as err:
        upload(getattr(officers, who), **kw)
    assert (err.value.field, err.value.code) == (field, code)
    assert isinstance(err.value, PermissionDenied) == (who == "citizen")
    assert SourceDocument.objects.count() == 0


def test_the_data_officer_uploads_on_the_page_and_the_figure_links_the_document(officers):
    client = Client()
    client.force_login(officers.officer)
    with clock.frozen(NOW):
        response = client.post("/indicators/documents/?year=2023", {
            "year": "2023", "kind": "work_report", "title": "2024年工作报告", "issuer": "管委会",
            "issued_on": "2024-01-15", "file": work_report()})
    document = SourceDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/indicators/documents/?year=2023&saved={document.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "已上传并提取正文" in page
    assert "<td>3</td><td>4</td>" in page
    download = client.get(f"/indicators/documents/{document.pk}/file/")
    assert download.status_code == 200
    assert download.getvalue() == document.file.open("rb").read()
    # The leader reads the counts and the figure's provenance, without the upload form.
    client.force_login(officers.approver)
    page = client.get("/indicators/documents/?year=2023").content.decode()
    assert "<td>3</td><td>4</td>" in page
    assert 'type="file"' not in page
    detail = client.get("/indicators/F115/?year=2023").content.decode()
    assert f'href="/indicators/documents/{document.pk}/file/"' in detail
    # A refused upload re-shows the form with the field named and writes nothing.
    client.force_login(officers.officer)
    refused = client.post("/indicators/documents/?year=2023", {"year": "2023", "kind": "work_report", "title": "",
                                                               "issuer": "管委会", "issued_on": "2024-01-15",
                                                               "file": work_report()})
    assert refused.status_code == 400
    assert 'data-field="title"' in refused.content.decode()
    assert SourceDocument.objects.count() == 1
    client.force_login(officers.citizen)
    assert client.get("/indicators/documents/?year=2023").status_code == 403
    assert client.get(f"/indicators/documents/{document.pk}/file/").status_code == 403

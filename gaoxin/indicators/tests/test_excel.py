"""The department's Excel sheet: template, fill, upload; bad cells named, nothing half-saved."""

import io

import pytest
from openpyxl import load_workbook

from gaoxin.core.errors import ApplicationError
from gaoxin.indicators import excel
from gaoxin.indicators.models import Submission, SubmissionEvent

from .conftest import approved


def filled(template: bytes, values: dict[str, object], extra_rows=()) -> bytes:
    wb = load_workbook(io.BytesIO(template))
    ws = wb[excel.SHEET]
    for row in ws.iter_rows(min_row=2):
        if row[0].value in values:
            row[3].value = values[row[0].value]
    for extra in extra_rows:
        ws.append(list(extra))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_template_lists_the_departments_indicators_and_upload_saves_drafts(officers):
    template = excel.template_workbook(department=officers.economy, year=2023)
    ws = load_workbook(io.BytesIO(template))[excel.SHEET]
    refs = [r[0].value for r in ws.iter_rows(min_row=2)]
    assert refs == ["F001", "F005", "F006", "F011", "F012", "F013", "F014"]
    assert [c.value for c in ws[1]] == list(excel.HEADERS)
    saved = excel.submissions_import(actor=officers.officer,
                                     file=filled(template, {"F011": 434.6, "F013": "58", "F014": "228.1"}))
    assert sorted((s.indicator.ref, str(s.value.normalize()), s.status) for s in saved) == [
        ("F011", "434.6", "draft"), ("F013", "58", "draft"), ("F014", "228.1", "draft")]


def test_bad_cells_are_named_and_nothing_is_saved(officers):
    approved(officers, "F012", "348.2")
    template = excel.template_workbook(department=officers.economy, year=2023)
    before = (Submission.objects.count(), SubmissionEvent.objects.count())
    upload = filled(template, {"F011": "四百三十四", "F012": 1, "F013": -3, "F014": 228.1},
                    extra_rows=[("F025", "入库国家科技型中小企业数", "家", 3045), ("F013", "", "", 58)])
    with pytest.raises(ApplicationError) as exc:
        excel.submissions_import(actor=officers.officer, file=upload)
    assert exc.value.code == "bad_cells"
    assert exc.value.extra["errors"] == [
        {"cell": "D5", "message": "数值必须是数字（收到“四百三十四”）"},
        {"cell": "D6", "message": "F012 2023 年的数值已审核，不能修改"},
        {"cell": "D7", "message": "数值不能为负数"},
        {"cell": "A9", "message": "编号“F025”不是经济发展局填报的指标"},
        {"cell": "A10", "message": "编号 F013 重复（已在第 7 行）"},
    ]
    assert (Submission.objects.count(), SubmissionEvent.objects.count()) == before


def test_an_upload_that_is_not_a_workbook_is_refused(officers):
    with pytest.raises(ApplicationError) as exc:
        excel.submissions_import(actor=officers.officer, file=b"not a workbook")
    assert exc.value.field == "file" and exc.value.code == "not_a_workbook"


def test_an_officer_cannot_upload_another_departments_sheet(officers):
    template = excel.template_workbook(department=officers.economy, year=2023)
    before = Submission.objects.count()
    with pytest.raises(ApplicationError) as exc:
        excel.submissions_import(actor=officers.officer_science, file=filled(template, {"F011": 1, "F013": 2}))
    assert exc.value.code == "submission_not_owner"
    assert Submission.objects.count() == before

"""The department's Excel sheet: template, fill, upload; bad cells named, nothing half-saved."""

import io

import pytest
from django.core.files.base import ContentFile
from openpyxl import load_workbook

from gaoxin.core.errors import ApplicationError
from gaoxin.indicators import excel, services
from gaoxin.indicators.models import Submission, SubmissionEvent

from .conftest import approved, indicator


def filled(template: bytes, values: dict[str, object], extra_rows=(), notes: dict[str, str] | None = None) -> bytes:
    wb = load_workbook(io.BytesIO(template))
    ws = wb[excel.SHEET]
    for row in ws.iter_rows(min_row=2):
        if row[0].value in values:
            row[3].value = values[row[0].value]
        if notes and row[0].value in notes:
            row[4].value = notes[row[0].value]
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
    # F012 is approved, so the template no longer offers it; a row typed in for it is still refused.
    upload = filled(template, {"F011": "四百三十四", "F013": -3, "F014": 228.1},
                    extra_rows=[("F012", "", "", 1), ("F025", "入库国家科技型中小企业数", "家", 3045),
                                ("F013", "", "", 58)])
    with pytest.raises(ApplicationError) as exc:
        excel.submissions_import(actor=officers.officer, file=upload)
    assert exc.value.code == "bad_cells"
    assert exc.value.extra["errors"] == [
        {"cell": "D5", "message": "数值必须是数字（收到“四百三十四”）"},
        {"cell": "D6", "message": "数值不能为负数"},
        {"cell": "D8", "message": "F012 2023 年的数值已审核，不能修改"},
        {"cell": "A9", "message": "编号“F025”不是经济发展局填报的指标"},
        {"cell": "A10", "message": "编号 F013 重复（已在第 6 行）"},
    ]
    assert (Submission.objects.count(), SubmissionEvent.objects.count()) == before


def test_an_upload_that_is_not_a_workbook_is_refused(officers):
    with pytest.raises(ApplicationError) as exc:
        excel.submissions_import(actor=officers.officer, file=b"not a workbook")
    assert exc.value.field == "file"
    assert exc.value.code == "ledger_unreadable"  # the code every ledger uses


def test_an_officer_cannot_upload_another_departments_sheet(officers):
    template = excel.template_workbook(department=officers.economy, year=2023)
    before = Submission.objects.count()
    with pytest.raises(ApplicationError) as exc:
        excel.submissions_import(actor=officers.officer_science, file=filled(template, {"F011": 1, "F013": 2}))
    assert exc.value.code == "submission_not_owner"
    assert Submission.objects.count() == before


def submitted(o, ref: str, value: object, *, year: int = 2023) -> Submission:
    sub = services.submission_save(actor=o.officer, indicator=indicator(ref), period=year, value=value)
    services.submission_evidence_add(actor=o.officer, submission=sub, file=ContentFile(b"%PDF-1.4 evidence"),
                                     name=f"{ref}-证明.pdf")
    return services.submission_submit(actor=o.officer, submission=sub)


def rows_of(ws) -> list[tuple]:
    return [tuple(r) for r in ws.iter_rows(min_row=2, values_only=True)]


def test_the_template_offers_only_what_the_department_may_still_submit(officers):
    approved(officers, "F012", "348.2")
    submitted(officers, "F013", "58")
    services.submission_save(actor=officers.officer, indicator=indicator("F011"), period=2023, value="434.6",
                             note="初报")
    wb = load_workbook(io.BytesIO(excel.template_workbook(department=officers.economy, year=2023)))
    assert wb.sheetnames == [excel.SHEET, excel.LOCKED, excel.META, "填表说明"]
    ws = wb[excel.SHEET]
    assert [r[0] for r in rows_of(ws)] == ["F001", "F005", "F006", "F011", "F014"]
    assert rows_of(ws)[3][3:] == (434.6, "初报", "草稿")
    assert (ws["D2"].fill.fgColor.rgb, ws["E2"].fill.fgColor.rgb) == ("00FFF2CC", "00FFF2CC")  # fill these
    locked = wb[excel.LOCKED]
    assert [(r[0], r[3], r[5]) for r in rows_of(locked)] == [("F012", 348.2, "已审核"), ("F013", 58, "已提交")]
    assert locked.protection.sheet is True
    meta = wb[excel.META]
    assert [(meta[f"A{n}"].value, meta[f"B{n}"].value) for n in (1, 2)] == [("部门编码", "GX-D10"), ("统计期", "2023")]


def test_a_filled_template_uploads_although_some_values_are_already_approved(officers):
    # Issue 15 #6: the template offered the approved F013, so the filled template was refused ("D7：F013 … 已审核").
    approved(officers, "F013", "58")
    template = excel.template_workbook(department=officers.economy, year=2023)
    saved = excel.submissions_import(actor=officers.officer, file=filled(template, {"F011": 434.6, "F014": "228.1"}))
    assert sorted((s.indicator.ref, str(s.value.normalize()), s.status) for s in saved) == [
        ("F011", "434.6", "draft"), ("F014", "228.1", "draft")]
    assert Submission.objects.get(indicator__ref="F013").status == "approved"


def test_an_unchanged_template_says_there_is_nothing_to_import(officers):
    approved(officers, "F013", "58")
    template = excel.template_workbook(department=officers.economy, year=2023)
    before = (Submission.objects.count(), SubmissionEvent.objects.count())
    with pytest.raises(ApplicationError) as exc:
        excel.submissions_import(actor=officers.officer, file=template)
    assert (exc.value.code, exc.value.field, exc.value.message) == (
        "empty_upload", "file", "模板中没有填写任何数值，没有需要导入的内容")

    # With a draft pre-filled, the unchanged template does not save the draft again (no new audit event).
    services.submission_save(actor=officers.officer, indicator=indicator("F011"), period=2023, value="434.6",
                             note="初报")
    before = (Submission.objects.count(), SubmissionEvent.objects.count())
    template = excel.template_workbook(department=officers.economy, year=2023)
    with pytest.raises(ApplicationError) as exc:
        excel.submissions_import(actor=officers.officer, file=template)
    assert (exc.value.code, exc.value.message) == ("empty_upload", "表格中的数值与已保存的草稿相同，没有需要导入的内容")
    assert (Submission.objects.count(), SubmissionEvent.objects.count()) == before

    # Changing the draft's note alone is a change.
    saved = excel.submissions_import(actor=officers.officer, file=filled(template, {}, notes={"F011": "复核后"}))
    assert [(s.indicator.ref, s.note) for s in saved] == [("F011", "复核后")]


def test_a_returned_value_is_offered_again_and_can_be_corrected(officers):
    sub = submitted(officers, "F014", "228.1")
    services.submission_return(actor=officers.approver, submission=sub, reason="请核对口径")
    template = excel.template_workbook(department=officers.economy, year=2023)
    ws = load_workbook(io.BytesIO(template))[excel.SHEET]
    assert [r for r in rows_of(ws) if r[0] == "F014"][0][3:] == (228.1, None, "已退回")
    saved = excel.submissions_import(actor=officers.officer, file=filled(template, {"F014": 230.5}))
    assert [(s.indicator.ref, str(s.value.normalize()), s.status) for s in saved] == [("F014", "230.5", "draft")]


def test_the_parameters_are_checked_and_named_by_their_cell(officers):
    wb = load_workbook(io.BytesIO(excel.template_workbook(department=officers.economy, year=2023)))
    wb[excel.META]["B1"].value = "GX-D99"
    wb[excel.META]["B2"].value = "二〇二三"
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ApplicationError) as exc:
        excel.submissions_import(actor=officers.officer, file=out.getvalue())
    assert exc.value.extra["errors"] == [
        {"cell": "参数!B1", "message": "未知的部门编码“GX-D99”"},
        {"cell": "参数!B2", "message": "统计期必须是四位年份，如 2023"},
    ]

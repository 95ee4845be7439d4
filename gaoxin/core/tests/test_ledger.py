"""The shared Excel ledger base, through a small kind made up for the test (a staff list with a period form),
so that nothing here depends on a domain app. The enterprise ledger's tests cover the same flow end to end."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.auth.models import Group
from openpyxl import Workbook, load_workbook

from gaoxin.core.errors import ApplicationError, PermissionDenied
from gaoxin.core.ledger import (
    ERROR_HEADER,
    Column,
    LedgerHasErrors,
    LedgerKind,
    LedgerRow,
    LedgerUpload,
    SheetSpec,
    export_workbook,
    import_commit,
    import_preview,
    read,
    template_workbook,
)
from gaoxin.core.validation import clean_text, parse_date

STAFF = SheetSpec("人员名录", (
    Column("code", "工号", required=True, width=10, text=True, note="6位数字"),
    Column("name", "姓名", required=True),
    Column("team", "班组", options="teams"),
    Column("skills", "技能", options="skills", multiple=True, note="可填多个，用顿号“、”分隔"),
    Column("joined", "入职日期"),
    Column("unit", "所属单位", export_only=True),
))
PERIOD = SheetSpec("参数", (Column("period", "统计期", prefilled=True),), form=True, notes=("参数由平台填写",))
HEADER = ["工号*", "姓名*", "班组", "技能", "入职日期"]


def _validate(actor: str, upload: LedgerUpload) -> None:
    if actor == "intruder":
        raise PermissionDenied("无权导入")
    form = upload.form(PERIOD)
    period = clean_text(form.raw.get("period"))
    if not (len(period) == 4 and period.isdigit()):
        form.add("period", f"“{period}”不是年份")
    form.values["period"] = period
    seen: dict[str, LedgerRow] = {}
    for row in upload.rows(STAFF):
        code = clean_text(row.raw.get("code"))
        if not (len(code) == 6 and code.isdigit()):
            row.add("code", "应为6位数字")
        elif code in seen:
            row.add("code", f"与第{seen[code].row_number}行重复", "duplicate")
        else:
            seen[code] = row
        name = clean_text(row.raw.get("name"))
        if not name:
            row.add("name", "不能为空", "required")
        team = clean_text(row.raw.get("team"))
        if team and team not in ("甲班", "乙班"):
            row.add("team", f"班组“{team}”不存在", "unknown")
        try:
            joined = parse_date(row.raw.get("joined"))
        except ValueError:
            joined = None
            row.add("joined", "不是日期")
        row.values = {"code": code, "name": name, "team": team, "joined": joined}


def _write(actor: str, upload: LedgerUpload) -> dict[str, int]:
    period = upload.form(PERIOD).values["period"]
    rows = upload.rows(STAFF)
    for row in rows:
        row.record = Group.objects.create(name=f"{period}-{row.values['code']}-{row.values['name']}")
    return {"staff": len(rows)}


def _check_actor(actor: str) -> None:
    if actor == "citizen":
        raise PermissionDenied("只有管理员可以导入人员名录", code="staff_role")


KIND = LedgerKind[str](
    name="staff", label="人员台账", sheets=(STAFF, PERIOD), instructions=("每行一名人员。",),
    validate=_validate, write=_write, check_actor=_check_actor,
    options=lambda: {"teams": ["甲班", "乙班"], "skills": ["焊接", "电工", "=危险"]},
)
STRICT = LedgerKind[str](
    name="strict", label="严格台账", sheets=(STAFF, PERIOD), instructions=(),
    validate=_validate, write=_write, partial_import=False,
)
KINDS = (KIND,)


def upload(rows: list[list[object]], *, period: object = "2023", header: list[str] = HEADER,
           title: str = STAFF.title) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for row in rows:
        ws.append(row)
    form = wb.create_sheet(PERIOD.title)
    form.append(["统计期", period])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


MIXED: list[list[object]] = [
    ["000101", "张三", "甲班", "焊接、电工", "2023-03-01"],
    ["12", "", "丙班", None, "明天"],
    ["000103", "王五", None, None, None],
    ["000101", "张三重复", None, None, None],
]


def test_template_has_headers_lists_instructions_and_a_protected_form():
    wb = load_workbook(io.BytesIO(template_workbook(KIND)))
    assert wb.sheetnames == ["人员名录", "参数", "填表说明", "选项"]
    ws = wb["人员名录"]
    assert [c.value for c in ws[1]] == [*HEADER, "所属单位"]
    assert (ws["A1"].font.color.rgb, ws["C1"].font.color.rgb) == ("00C00000", "00000000")
    assert ws["F1"].fill.fgColor.rgb == "00EDEDED"  # export-only: grey
    assert ws["A1"].comment.text == "6位数字"
    assert ws.freeze_panes == "A2"
    assert ws["A2"].number_format == "@"
    assert ws["A1001"].number_format == "@"
    validations = {dv.formula1: dv for dv in ws.data_validations.dataValidation}
    assert sorted(validations) == ["'选项'!$A$2:$A$4", "'选项'!$B$2:$B$3"]  # skills (3), teams (2)
    assert validations["'选项'!$B$2:$B$3"].showErrorMessage is True
    assert validations["'选项'!$A$2:$A$4"].showErrorMessage is False  # several values: suggest, do not refuse
    assert str(validations["'选项'!$B$2:$B$3"].sqref) == "C2:C50000"
    assert wb["选项"].sheet_state == "hidden"
    assert [wb["参数"].cell(row=r, column=1).value for r in (1, 2)] == ["统计期", "说明"]
    assert wb["参数"].protection.sheet is True
    assert ws.protection.sheet is False
    lines = [r[0] for r in wb["填表说明"].iter_rows(values_only=True)]
    assert lines[:2] == ["人员台账填表说明", "每行一名人员。"]
    assert "技能（选填）：可填多个，用顿号“、”分隔" in lines
    assert "所属单位（导出信息，导入时忽略）" in lines
    assert "统计期（平台预填，请勿修改）" in lines


FORMULAS = ["=HYPERLINK(\"http://x\",\"点我\")", "+8613812341234", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "＝1+1"]


def test_export_neutralises_text_that_could_run_as_a_formula():
    rows = [{"code": "000101", "name": value, "team": "甲班", "unit": value} for value in FORMULAS]
    rows.append({"code": "000199", "name": "普通-文字", "joined": "2023-03-01"})
    exported = export_workbook(KIND, {STAFF.title: rows, PERIOD.title: [{"period": "=2023"}]})
    wb = load_workbook(io.BytesIO(exported))
    ws = wb[STAFF.title]
    for number, value in enumerate(FORMULAS, start=2):
        for column in ("B", "F"):
            cell = ws[f"{column}{number}"]
            assert cell.value == value
            assert cell.data_type == "s"
            assert cell.quotePrefix is True
    assert ws[f"B{len(FORMULAS) + 2}"].quotePrefix is False
    assert wb[PERIOD.title]["B1"].quotePrefix is True
    assert wb["选项"]["A4"].quotePrefix is True  # the drop-down list's "=危险"
    with zipfile.ZipFile(io.BytesIO(exported)) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any(b"<f>" in xml or b"<f " in xml for xml in sheets)  # no formula anywhere


def test_an_export_imports_again(db):
    rows = [{"code": "000101", "name": "=张三", "team": "甲班", "skills": "焊接、电工", "joined": "2023-03-01",
             "unit": "一车间"}]
    exported = export_workbook(KIND, {STAFF.title: rows, PERIOD.title: [{"period": "2023"}]})
    result = import_commit(KINDS, actor="admin", file=exported)
    assert dict(result.created) == {"staff": 1}
    assert list(Group.objects.values_list("name", flat=True)) == ["2023-000101-=张三"]
    assert [r.record for r in result.rows if r.sheet == STAFF.title] == [Group.objects.get()]


def test_preview_names_every_bad_field_with_its_cell_and_writes_nothing(db):
    preview = import_preview(KINDS, actor="admin", file=upload(MIXED))
    assert preview.kind == "staff"
    assert preview.summary() == {"rows": 5, "clean": 3, "bad": 2}
    assert [(r.sheet, r.row_number, r.error_text) for r in preview.rows] == [
        ("参数", 0, ""),
        ("人员名录", 2, ""),
        ("人员名录", 3, "工号: 应为6位数字；姓名: 不能为空；班组: 班组“丙班”不存在；入职日期: 不是日期"),
        ("人员名录", 4, ""),
        ("人员名录", 5, "工号: 与第2行重复"),
    ]
    bad = preview.rows[2]
    assert [bad.cell(e.field) for e in bad.errors] == ["A3", "B3", "C3", "E3"]
    assert Group.objects.count() == 0

    wb = load_workbook(io.BytesIO(preview.error_workbook()))
    ws = wb[STAFF.title]
    assert ws["F1"].value == ERROR_HEADER
    assert [ws.cell(row=r, column=6).value for r in range(2, 6)] == [None, bad.error_text, None, "工号: 与第2行重复"]
    assert ws["B2"].value == "张三"


def test_commit_is_all_or_nothing_unless_the_clean_rows_alone_are_asked_for(db):
    source = upload(MIXED)
    with pytest.raises(LedgerHasErrors) as exc:
        import_commit(KINDS, actor="admin", file=source)
    assert (exc.value.code, exc.value.field) == ("ledger_has_errors", "file")
    assert exc.value.message == "台账有 2 行错误，未导入任何数据；请修正后重新导入，或选择只导入无误的行"
    assert exc.value.extra["bad_rows"][1] == {"sheet": "人员名录", "row": 5, "errors": "工号: 与第2行重复"}
    assert [r.row_number for r in exc.value.preview.bad_rows] == [3, 5]
    assert Group.objects.count() == 0

    result = import_commit(KINDS, actor="admin", file=source, clean_rows_only=True)
    assert dict(result.created) == {"staff": 2}
    assert [r.row_number for r in result.skipped_rows] == [3, 5]
    assert sorted(Group.objects.values_list("name", flat=True)) == ["2023-000101-张三", "2023-000103-王五"]


def test_a_bad_form_refuses_the_file_even_for_clean_rows_only(db):
    source = upload([["000101", "张三", None, None, None]], period="二〇二三")
    preview = import_preview(KINDS, actor="admin", file=source)
    form = preview.bad_rows[0]
    assert (form.sheet, form.error_text, form.cell("period")) == ("参数", "统计期: “二〇二三”不是年份", "B1")
    assert load_workbook(io.BytesIO(preview.error_workbook()))["参数"]["C1"].value == "统计期: “二〇二三”不是年份"
    with pytest.raises(LedgerHasErrors):
        import_commit(KINDS, actor="admin", file=source, clean_rows_only=True)
    assert Group.objects.count() == 0


def test_a_kind_without_partial_import_refuses_clean_rows_only(db):
    source = upload([["000101", "张三", None, None, None]])
    with pytest.raises(ApplicationError) as exc:
        import_commit((STRICT,), actor="admin", file=source, clean_rows_only=True)
    assert (exc.value.code, exc.value.field) == ("ledger_partial_refused", "clean_rows_only")
    bad = upload([["12", "张三", None, None, None]])
    with pytest.raises(LedgerHasErrors) as refused:
        import_commit((STRICT,), actor="admin", file=bad)
    assert refused.value.message == "台账有 1 行错误，未导入任何数据；请修正后重新导入"
    assert Group.objects.count() == 0


def test_the_writer_runs_in_one_transaction(db, monkeypatch):
    def failing(actor: str, upload: LedgerUpload) -> dict[str, int]:
        _write(actor, upload)
        raise ApplicationError("写入失败", field="file")

    kind = LedgerKind[str](name="staff", label="人员台账", sheets=(STAFF, PERIOD), instructions=(),
                           validate=_validate, write=failing)
    with pytest.raises(ApplicationError):
        import_commit((kind,), actor="admin", file=upload([["000101", "张三", None, None, None]]))
    assert Group.objects.count() == 0


def test_who_may_import_is_checked_before_anything_is_read(db):
    with pytest.raises(PermissionDenied) as exc:
        import_preview(KINDS, actor="citizen", file=upload(MIXED))
    assert exc.value.code == "staff_role"
    with pytest.raises(PermissionDenied):
        import_commit(KINDS, actor="intruder", file=upload(MIXED[:1]))
    assert Group.objects.count() == 0


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _refusal(source: object, **kw: object) -> tuple[str | None, str, str]:
    with pytest.raises(ApplicationError) as exc:
        import_preview(KINDS, actor="admin", file=source, **kw)  # type: ignore[arg-type]  # deliberately bad input
    return exc.value.field, exc.value.code, exc.value.message


def test_uploads_that_are_not_plain_xlsx_are_refused():
    assert _refusal(b"not a workbook") == ("file", "ledger_unreadable", "无法读取文件，请上传 .xlsx 格式的台账")
    assert _refusal(read.OLE_MAGIC + b"\0" * 512)[1:] == (
        "ledger_not_xlsx", "这是旧版 Excel 文件（.xls），请在 Excel 中“另存为” .xlsx 后再上传")
    assert _refusal(_zip({"hello.txt": b"hi"}))[1] == "ledger_unreadable"
    with zipfile.ZipFile(io.BytesIO(upload(MIXED))) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    assert _refusal(_zip({**members, "xl/vbaProject.bin": b"macro"}))[1:] == (
        "ledger_not_xlsx", "不接受含宏的文件（.xlsm），请另存为 .xlsx 后再上传")
    broken = {**members, "xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row r='1'>"}
    assert _refusal(_zip(broken))[1] == "ledger_unreadable"


def test_size_limits(monkeypatch):
    too_big = io.BytesIO(b"PK" + b"\0" * read.MAX_UPLOAD_BYTES)
    assert _refusal(too_big)[1:] == ("ledger_too_large", "文件超过 10 MB，请分批导入")
    assert too_big.tell() == read.MAX_UPLOAD_BYTES + 1  # reading stopped at the limit
    monkeypatch.setattr(read, "MAX_UNPACKED_BYTES", 2 * 2**20)
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                 "xl/worksheets/sheet1.xml": b"\0" * (2 * 2**20 + 1)})
    assert len(bomb) < 10_000  # a thousandfold: refused from the zip directory, before anything is unpacked
    assert _refusal(bomb)[1:] == ("ledger_too_large", "文件解压后超过 2 MB，请分批导入")
    monkeypatch.setattr(read, "MAX_ROWS", 3)
    assert _refusal(upload(MIXED))[1:] == ("ledger_too_large", "工作表“人员名录”超过 3 行，请分批导入")


def test_kind_sheets_and_columns_are_checked():
    assert _refusal(upload(MIXED), kind="books")[:2] == ("kind", "ledger_kind")
    assert _refusal(upload(MIXED, title="随便"))[1:] == ("ledger_kind", "文件中没有可识别的工作表（应包含 “人员名录”）")
    assert _refusal(upload(MIXED, header=["工号", "班组"]))[1:] == (
        "ledger_missing_column", "工作表“人员名录”缺少列：姓名")
    wb = load_workbook(io.BytesIO(upload(MIXED)))
    del wb[PERIOD.title]
    out = io.BytesIO()
    wb.save(out)
    assert _refusal(out.getvalue())[1:] == ("ledger_missing_sheet", "缺少工作表“参数”")


def test_columns_are_found_by_header_in_any_order_and_wrong_dimensions_do_not_hide_rows(db):
    source = upload([["张三", "000101"], ["李四", "000102"]], header=["姓名*", "工号"])
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    assert b'<dimension ref="A1:B3"/>' in sheet
    members["xl/worksheets/sheet1.xml"] = sheet.replace(b'<dimension ref="A1:B3"/>', b'<dimension ref="A1"/>')
    preview = import_preview(KINDS, actor="admin", file=_zip(members))
    assert [(r.row_number, r.raw["code"], r.raw["name"], r.cell("code")) for r in preview.rows[1:]] == [
        (2, "000101", "张三", "B2"), (3, "000102", "李四", "B3")]


def test_an_export_only_kind_refuses_an_upload_by_its_reason():
    from gaoxin.core.errors import ApplicationError
    from gaoxin.core.ledger import LedgerUpload, export_only_kind

    sheet = SheetSpec("表", (Column("a", "甲"),))
    kind = export_only_kind(name="x", label="某台账", sheets=(sheet,), instructions=(), reason="请在页面上登记")
    upload = LedgerUpload(kind=kind.name, sheets={})
    for step in (kind.validate, kind.write):
        with pytest.raises(ApplicationError) as err:
            step(None, upload)
        assert (err.value.field, err.value.code, err.value.message) == ("file", "export_only",
                                                                        "该台账只能导出：请在页面上登记")

"""The department's Excel sheet, a ledger kind on ``gaoxin.core.ledger``: a template listing the indicators the
department may still submit for a year (value and note to fill in), filled offline and uploaded back. Values
already submitted or approved are locked: they are listed on a read-only sheet, not offered for filling. Every
cell of the upload is checked first; one bad cell refuses the whole upload (each bad cell named, e.g. ``D5``),
and nothing is saved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.core.errors import ApplicationError
from gaoxin.core.ledger import (
    Column,
    FileInput,
    LedgerHasErrors,
    LedgerKind,
    LedgerRow,
    LedgerUpload,
    SheetSpec,
    import_commit,
)
from gaoxin.core.ledger import template_workbook as ledger_template_workbook
from gaoxin.core.validation import clean_text
from gaoxin.indicators import services
from gaoxin.indicators.models import Indicator, Submission

SHEET = "指标填报"
LOCKED = "已提交或审核的指标"
META = "参数"
HEADERS = ("编号", "指标名称", "单位", "数值", "说明", "当前状态")

COLUMNS = (
    Column("ref", "编号", prefilled=True, width=8, note="平台预填，请勿修改"),
    Column("name", "指标名称", export_only=True, width=48),
    Column("unit", "单位", export_only=True, width=10),
    Column("value", "数值", width=14, note="空白表示本次不填报该指标"),
    Column("note", "说明", width=30),
    Column("status", "当前状态", export_only=True, width=10),
)
ROWS = SheetSpec(SHEET, COLUMNS, input_fill=True)
LOCKED_ROWS = SheetSpec(LOCKED, COLUMNS, read_only=True)
PARAMS = SheetSpec(
    META,
    (Column("department", "部门编码", prefilled=True), Column("period", "统计期", prefilled=True)),
    form=True,
    notes=("只填写黄色单元格；编号列不要修改；空白数值表示本次不填报该指标。",),
)


@dataclass(frozen=True)
class CellError:
    cell: str
    message: str

    def __str__(self) -> str:
        return f"{self.cell}：{self.message}"


def department_indicators(department: OrgUnit) -> list[Indicator]:
    return list(Indicator.objects.filter(source=Indicator.Source.SUBMITTED, owner_code=department.code)
                .order_by("sort_order"))


def _zone_submissions(indicators: list[Indicator], period: str) -> dict[str, Submission]:
    return {s.indicator.ref: s for s in Submission.objects.filter(
        indicator__in=indicators, period=period, org_unit=services.zone_unit()).select_related("indicator")}


def _validate(actor: User, upload: LedgerUpload) -> None:
    form = upload.form(PARAMS)
    code = form.raw.get("department")
    department = OrgUnit.objects.filter(code=clean_text(code)).first()
    if department is None:
        form.add("department", f"未知的部门编码“{code}”")
    period = ""
    try:
        period = services.parse_period(form.raw.get("period"))
    except ApplicationError as exc:
        form.add("period", exc.message)
    if department is None or not form.ok:
        return
    form.values.update(department=department, period=period)
    own = {i.ref: i for i in department_indicators(department)}
    current = _zone_submissions(list(own.values()), period)
    seen: dict[str, int] = {}
    for row in upload.rows(ROWS):
        ref, raw = clean_text(row.raw.get("ref")), row.raw.get("value")
        if not ref and raw in (None, ""):
            continue  # only a note: nothing to submit
        if ref not in own:
            row.add("ref", f"编号“{ref}”不是{department.name}填报的指标")
            continue
        if ref in seen:
            row.add("ref", f"编号 {ref} 重复（已在第 {seen[ref]} 行）")
            continue
        seen[ref] = row.row_number
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue  # left blank: not submitted this time
        try:
            value = services.parse_value(raw, indicator=own[ref])
        except ApplicationError as exc:
            row.add("value", exc.message)
            continue
        existing = current.get(ref)
        if existing is not None and not services.is_open_for_entry(existing):
            row.add("value", f"{ref} {period} 年的数值{existing.get_status_display()}，不能修改")
            continue
        note = "" if row.raw.get("note") is None else str(row.raw["note"])
        row.values = {"indicator": own[ref], "raw": raw, "note": note,
                      "unchanged": existing is not None and existing.value == value and existing.note == note}
    if all(r.ok for r in upload.rows(ROWS)):
        # Who may submit is checked once the cells are right, as the saving itself would.
        zone = services.zone_unit()
        for row in upload.rows(ROWS):
            if "indicator" in row.values:
                services.check_submitter(actor=actor, indicator=row.values["indicator"], org_unit=zone)


def _write(actor: User, upload: LedgerUpload) -> dict[str, int]:
    filled = [r for r in upload.rows(ROWS) if "indicator" in r.values]
    if not filled:
        raise ApplicationError("模板中没有填写任何数值，没有需要导入的内容", field="file", code="empty_upload")
    changed = [r for r in filled if not r.values["unchanged"]]
    if not changed:
        raise ApplicationError("表格中的数值与已保存的草稿相同，没有需要导入的内容", field="file",
                               code="empty_upload")
    period = upload.form(PARAMS).values["period"]
    for row in changed:
        row.record = services.submission_save(actor=actor, indicator=row.values["indicator"], period=period,
                                              value=row.values["raw"], note=row.values["note"])
    return {"submissions": len(changed)}


INDICATOR_LEDGER = LedgerKind[User](
    name="indicators",
    label="部门指标填报表",
    sheets=(ROWS, LOCKED_ROWS, PARAMS),
    instructions=(
        f"“{SHEET}”每行一项本部门可以填报的指标：在黄色的“数值”和“说明”单元格中填写，数值留空表示本次不填报。",
        f"已提交或已审核的数值不能再修改，只列在“{LOCKED}”中供核对。",
        "上传后保存为草稿；提交审核前请在平台上为每项数值上传证明材料。",
    ),
    validate=_validate,
    write=_write,
    partial_import=False,
)
KINDS = (INDICATOR_LEDGER,)


def _template_rows(*, department: OrgUnit, year: int) -> dict[str, list[dict[str, object]]]:
    """The rows of the template: the indicators still open for ``year`` (with the draft or returned value, if
    any) to fill, the locked ones to read, and the parameters."""
    indicators = department_indicators(department)
    if not indicators:
        raise ApplicationError(f"{department.name}没有需要填报的指标", field="department", code="no_indicators")
    current = _zone_submissions(indicators, str(year))
    open_rows: list[dict[str, object]] = []
    locked_rows: list[dict[str, object]] = []
    for indicator in indicators:
        sub = current.get(indicator.ref)
        real = sub is not None and not sub.is_simulated  # a simulated value is left blank, for the real one
        row: dict[str, object] = {"ref": indicator.ref, "name": indicator.name, "unit": indicator.unit,
               "value": float(sub.value) if real and sub is not None else None,
               "note": sub.note if real and sub is not None else "",
               "status": "" if sub is None else "模拟数据（待填报取代）" if sub.is_simulated
               else sub.get_status_display()}
        (open_rows if sub is None or services.is_open_for_entry(sub) else locked_rows).append(row)
    return {SHEET: open_rows, LOCKED: locked_rows, META: [{"department": department.code, "period": str(year)}]}


def template_workbook(*, department: OrgUnit, year: int) -> bytes:
    """The template for ``department`` and ``year``: only what the department may still fill in."""
    return ledger_template_workbook(INDICATOR_LEDGER, rows=_template_rows(department=department, year=year),
                                    blank_rows=0)


def submissions_import(*, actor: User, file: FileInput) -> list[Submission]:
    """Save the filled template as drafts. Raises ``ApplicationError`` (code ``bad_cells``, ``extra["errors"]``
    a list of ``{"cell", "message"}``) when any cell is wrong; then nothing is saved. Rows left as they were
    (blank, or the draft's own value and note) are not saved again; an upload with nothing new is refused with
    the code ``empty_upload``."""
    try:
        result = import_commit(KINDS, actor=actor, file=file, kind=INDICATOR_LEDGER.name)
    except LedgerHasErrors as exc:
        _refuse([_cell_error(row, error.field, error.message) for row in exc.preview.bad_rows
                 for error in row.errors])
    return [row.record for row in result.rows if isinstance(row.record, Submission)]


def _cell_error(row: LedgerRow, name: str, message: str) -> CellError:
    cell = row.cell(name)
    return CellError(cell if row.sheet == SHEET else f"{row.sheet}!{cell}", message)


def _refuse(errors: list[CellError]) -> NoReturn:
    raise ApplicationError(
        f"上传的表格有 {len(errors)} 处错误，未保存任何数据：" + "；".join(str(e) for e in errors[:10]),
        field="file", code="bad_cells", extra={"errors": [{"cell": e.cell, "message": e.message} for e in errors]},
    )

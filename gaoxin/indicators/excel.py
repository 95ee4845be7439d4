"""The department's Excel sheet: a template listing the indicators it submits for a year, filled offline and
uploaded back. Every cell of the upload is checked first; one bad cell refuses the whole upload (each bad cell
named, e.g. ``D5``), and nothing is saved."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.protection import SheetProtection

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.core.errors import ApplicationError
from gaoxin.indicators import services
from gaoxin.indicators.models import Indicator, Submission

SHEET = "指标填报"
META = "参数"
HEADERS = ("编号", "指标名称", "单位", "数值", "说明", "当前状态")
VALUE_COLUMN, NOTE_COLUMN, REF_COLUMN = "D", "E", "A"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")


@dataclass(frozen=True)
class CellError:
    cell: str
    message: str

    def __str__(self) -> str:
        return f"{self.cell}：{self.message}"


def department_indicators(department: OrgUnit) -> list[Indicator]:
    return list(Indicator.objects.filter(source=Indicator.Source.SUBMITTED, owner_code=department.code)
                .order_by("sort_order"))


def template_workbook(*, department: OrgUnit, year: int) -> bytes:
    """The template for ``department`` and ``year``, with the zone-level values already entered."""
    indicators = department_indicators(department)
    if not indicators:
        raise ApplicationError(f"{department.name}没有需要填报的指标", field="department", code="no_indicators")
    zone = services.zone_unit()
    current = {s.indicator_id: s for s in Submission.objects.filter(indicator__in=indicators, period=str(year),
                                                                      org_unit=zone)}
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook has its sheet
    ws.title = SHEET
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for indicator in indicators:
        sub = current.get(indicator.pk)
        ws.append([indicator.ref, indicator.name, indicator.unit, None if sub is None else float(sub.value),
                   "" if sub is None else sub.note, "" if sub is None else sub.get_status_display()])
        ws[f"{VALUE_COLUMN}{ws.max_row}"].fill = INPUT_FILL
        ws[f"{NOTE_COLUMN}{ws.max_row}"].fill = INPUT_FILL
    for column, width in zip("ABCDEF", (8, 48, 10, 14, 30, 10), strict=True):
        ws.column_dimensions[column].width = width
    meta = wb.create_sheet(META)
    meta.append(["部门编码", department.code])
    meta.append(["统计期", str(year)])
    meta.append(["说明", "只填写黄色单元格；编号列不要修改；空白数值表示本次不填报该指标。"])
    meta.protection = SheetProtection(sheet=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _read(file: bytes | IO[bytes]) -> Any:
    try:
        return load_workbook(io.BytesIO(file) if isinstance(file, bytes) else file, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ApplicationError("无法读取该文件，请上传由模板填写的 .xlsx 文件", field="file",
                               code="not_a_workbook") from exc


def submissions_import(*, actor: User, file: bytes | IO[bytes]) -> list[Submission]:
    """Save the filled template as drafts. Raises ``ApplicationError`` (code ``bad_cells``, ``extra["errors"]``
    a list of ``{"cell", "message"}``) when any cell is wrong; then nothing is saved."""
    wb = _read(file)
    if SHEET not in wb.sheetnames or META not in wb.sheetnames:
        raise ApplicationError(f"工作簿缺少“{SHEET}”或“{META}”工作表，请使用下载的模板", field="file",
                               code="not_a_template")
    meta = wb[META]
    department = OrgUnit.objects.filter(code=str(meta["B1"].value or "")).first()
    errors: list[CellError] = []
    if department is None:
        errors.append(CellError(f"{META}!B1", f"未知的部门编码“{meta['B1'].value}”"))
    try:
        period = services.parse_period(meta["B2"].value)
    except ApplicationError as exc:
        errors.append(CellError(f"{META}!B2", exc.message))
        period = ""
    if errors:
        _refuse(errors)
    assert department is not None
    own = {i.ref: i for i in department_indicators(department)}
    zone = services.zone_unit()
    states = dict(Submission.objects.filter(indicator__in=own.values(), period=period, org_unit=zone)
                  .values_list("indicator__ref", "status"))
    ws = wb[SHEET]
    rows: list[tuple[Indicator, Any, str]] = []
    seen: dict[str, int] = {}
    for row in ws.iter_rows(min_row=2):
        cells = {c.column_letter: c for c in row if c.column_letter in "ABCDEF"}
        ref_cell, value_cell = cells.get(REF_COLUMN), cells.get(VALUE_COLUMN)
        ref = str(ref_cell.value).strip() if ref_cell is not None and ref_cell.value is not None else ""
        raw = value_cell.value if value_cell is not None else None
        if not ref and raw in (None, ""):
            continue
        n = row[0].row
        if ref not in own:
            errors.append(CellError(f"{REF_COLUMN}{n}", f"编号“{ref}”不是{department.name}填报的指标"))
            continue
        if ref in seen:
            errors.append(CellError(f"{REF_COLUMN}{n}", f"编号 {ref} 重复（已在第 {seen[ref]} 行）"))
            continue
        seen[ref] = n
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        try:
            services.parse_value(raw, indicator=own[ref])
        except ApplicationError as exc:
            errors.append(CellError(f"{VALUE_COLUMN}{n}", exc.message))
            continue
        status = states.get(ref)
        if status in (Submission.Status.SUBMITTED, Submission.Status.APPROVED):
            label = Submission.Status(status).label
            errors.append(CellError(f"{VALUE_COLUMN}{n}", f"{ref} {period} 年的数值{label}，不能修改"))
            continue
        note_cell = cells.get(NOTE_COLUMN)
        rows.append((own[ref], raw, str(note_cell.value or "") if note_cell is not None else ""))
    if errors:
        _refuse(errors)
    if not rows:
        raise ApplicationError("模板中没有填写任何数值", field="file", code="empty_upload")
    with transaction.atomic():
        return [services.submission_save(actor=actor, indicator=indicator, period=period, value=raw, note=note)
                for indicator, raw, note in rows]


def _refuse(errors: list[CellError]) -> None:
    raise ApplicationError(
        f"上传的表格有 {len(errors)} 处错误，未保存任何数据：" + "；".join(str(e) for e in errors[:10]),
        field="file", code="bad_cells", extra={"errors": [{"cell": e.cell, "message": e.message} for e in errors]},
    )

"""The machinery shared by every ledger kind: sheet specs, writing templates and exports, reading uploads,
the two-step import and the error workbook."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from gaoxin.accounts.models import User
from gaoxin.core.errors import ApplicationError
from gaoxin.core.validation import FieldError
from gaoxin.enterprises.validation import LABELS

ERROR_HEADER = "错误说明"
INSTRUCTIONS_TITLE = "填表说明"
OPTIONS_TITLE = "选项"
MAX_ROWS = 50_000
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
EXPORT_ONLY_FILL = PatternFill("solid", fgColor="EDEDED")

FileInput = bytes | IO[bytes]


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    required: bool = False
    width: int = 14
    options: str | None = None  # name of a drop-down list (see Kind.options)
    note: str = ""
    text: bool = False  # keep as text (codes with leading zeros or 18 digits)
    export_only: bool = False  # written on export, ignored on import

    @property
    def title(self) -> str:
        return f"{self.header}*" if self.required else self.header


@dataclass(frozen=True)
class SheetSpec:
    title: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)


@dataclass
class LedgerRow:
    """One data row of an uploaded workbook and what the check found."""

    sheet: str
    row_number: int  # as Excel numbers it (the header is row 1)
    raw: dict[str, Any]
    errors: list[FieldError] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # cleaned, for the writer

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_text(self) -> str:
        return "；".join(str(e) for e in self.errors)

    def add(self, name: str, message: str, code: str = "invalid") -> None:
        self.errors.append(FieldError(name, message, code, LABELS.get(name, name)))


@dataclass
class LedgerPreview:
    kind: str
    rows: list[LedgerRow]
    source: bytes = field(repr=False, default=b"")

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)

    @property
    def clean_rows(self) -> list[LedgerRow]:
        return [r for r in self.rows if r.ok]

    @property
    def bad_rows(self) -> list[LedgerRow]:
        return [r for r in self.rows if not r.ok]

    def summary(self) -> dict[str, int]:
        return {"rows": len(self.rows), "clean": len(self.clean_rows), "bad": len(self.bad_rows)}

    def error_workbook(self) -> bytes:
        """The uploaded workbook with a ``错误说明`` column on every data sheet (empty for clean rows)."""
        wb = load_workbook(io.BytesIO(self.source))
        by_sheet: dict[str, dict[int, LedgerRow]] = {}
        for row in self.rows:
            by_sheet.setdefault(row.sheet, {})[row.row_number] = row
        for spec in KINDS[self.kind].sheets:
            if spec.title not in wb.sheetnames:
                continue
            ws = wb[spec.title]
            col = _error_column(ws)
            header = ws.cell(row=1, column=col, value=ERROR_HEADER)
            header.font = Font(bold=True, color="9C0006")
            header.fill = ERROR_FILL
            ws.column_dimensions[get_column_letter(col)].width = 60
            rows = by_sheet.get(spec.title, {})
            for number in range(2, ws.max_row + 1):
                found = rows.get(number)
                cell = ws.cell(row=number, column=col, value=found.error_text if found and not found.ok else None)
                if found and not found.ok:
                    cell.fill = ERROR_FILL
                    cell.alignment = Alignment(wrap_text=True)
        return _save(wb)


@dataclass
class LedgerImportResult:
    kind: str
    created: dict[str, int]
    skipped_rows: list[LedgerRow]


Validator = Callable[[User, dict[str, list[LedgerRow]]], None]
Writer = Callable[[User, dict[str, list[LedgerRow]]], dict[str, int]]


@dataclass
class Kind:
    """A ledger kind: its sheets, instructions, drop-down lists, row checker and writer."""

    name: str
    label: str
    sheets: tuple[SheetSpec, ...]
    instructions: tuple[str, ...]
    options: Callable[[], dict[str, list[str]]]
    validate: Validator
    write: Writer
    require_actor: Callable[[User], None]


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def _kinds() -> dict[str, Kind]:
    # The kinds register themselves on import.
    from gaoxin.enterprises.ledger import enterprises, visits  # noqa: F401

    return KINDS


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _error_column(ws: Worksheet) -> int:
    for cell in ws[1]:
        if str(cell.value or "").strip() == ERROR_HEADER:
            return int(cell.column)
    last = 0
    for cell in ws[1]:
        if cell.value not in (None, ""):
            last = int(cell.column)
    return last + 1


# --- writing ---------------------------------------------------------------------------------------------------


def new_workbook(kind: Kind, *, text_rows: int = 0) -> tuple[Workbook, dict[str, Worksheet]]:
    """A workbook with the kind's data sheets (headers, widths, drop-downs), instructions and hidden options.
    ``text_rows`` empty rows get the text format in code columns, so that Excel keeps an all-digit credit code
    as typed instead of turning it into a rounded number."""
    wb = Workbook()
    sheets: dict[str, Worksheet] = {}
    first = True
    for spec in kind.sheets:
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        first = False
        ws.title = spec.title
        sheets[spec.title] = ws
        for index, column in enumerate(spec.columns, start=1):
            cell = ws.cell(row=1, column=index, value=column.title)
            cell.font = Font(bold=True, color="C00000" if column.required else "000000")
            cell.fill = EXPORT_ONLY_FILL if column.export_only else HEADER_FILL
            if column.note:
                cell.comment = Comment(column.note, "高新区运营平台")
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = column.width
            if column.text:
                for row in range(2, text_rows + 2):
                    ws.cell(row=row, column=index).number_format = "@"
        ws.freeze_panes = "A2"

    instructions = wb.create_sheet(INSTRUCTIONS_TITLE)
    instructions.column_dimensions["A"].width = 110
    instructions.cell(row=1, column=1, value=f"{kind.label}填表说明").font = Font(bold=True, size=14)
    lines = [
        *kind.instructions,
        "",
        "带 * 的列必须填写；灰色表头的列只在导出时填写，导入时忽略。",
        f"导入时先逐行检查，有错误的行会在表格最后一列“{ERROR_HEADER}”中逐项写明"
        "（例如“统一社会信用代码: 校验位错误，应为 X”）；文件全部无误才会写入，或由操作人明确选择只导入无误的行。",
    ]
    for row, line in enumerate(lines, start=2):
        instructions.cell(row=row, column=1, value=line).alignment = Alignment(wrap_text=True)
    for spec in kind.sheets:
        instructions.append([])
        instructions.append([f"【{spec.title}】"])
        for column in spec.columns:
            flag = "必填" if column.required else ("导出信息" if column.export_only else "选填")
            instructions.append([f"{column.header}（{flag}）：{column.note}" if column.note
                                 else f"{column.header}（{flag}）"])

    options = kind.options()
    if options:
        sheet = wb.create_sheet(OPTIONS_TITLE)
        sheet.sheet_state = "hidden"
        ranges: dict[str, str] = {}
        for col, (name, values) in enumerate(sorted(options.items()), start=1):
            sheet.cell(row=1, column=col, value=name)
            for row, value in enumerate(values, start=2):
                sheet.cell(row=row, column=col, value=value)
            letter = get_column_letter(col)
            ranges[name] = f"{quote_sheetname(OPTIONS_TITLE)}!${letter}$2:${letter}${max(len(values), 1) + 1}"
        for spec in kind.sheets:
            ws = sheets[spec.title]
            for index, column in enumerate(spec.columns, start=1):
                if column.options and column.options in ranges and not column.export_only:
                    validation = DataValidation(
                        type="list", formula1=ranges[column.options], allow_blank=not column.required,
                        showErrorMessage=column.options != "multi",
                    )
                    validation.error = f"请从列表中选择{column.header}"
                    validation.errorTitle = column.header
                    letter = get_column_letter(index)
                    validation.add(f"{letter}2:{letter}{MAX_ROWS}")
                    ws.add_data_validation(validation)
    return wb, sheets


def append_rows(ws: Worksheet, spec: SheetSpec, rows: Iterable[dict[str, Any]]) -> None:
    """Write data rows from row 2 on (the template's pre-formatted empty rows are overwritten, not appended to)."""
    for number, data in enumerate(rows, start=2):
        for index, column in enumerate(spec.columns, start=1):
            cell = ws.cell(row=number, column=index, value=data.get(column.field))
            if column.text:
                cell.number_format = "@"


def ledger_template(*, kind: str) -> bytes:
    """An empty ledger of ``kind`` ("enterprises" or "visits")."""
    wb, _ = new_workbook(_kind(kind), text_rows=1000)
    return _save(wb)


# --- reading ---------------------------------------------------------------------------------------------------


def _kind(name: str) -> Kind:
    kinds = _kinds()
    if name not in kinds:
        raise ApplicationError(f"未知的台账类型：{name}", field="kind", code="ledger_kind")
    return kinds[name]


def _read_bytes(file: FileInput) -> bytes:
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    if hasattr(file, "seek"):
        file.seek(0)
    return file.read()


def _open(source: bytes) -> Workbook:
    try:
        return load_workbook(io.BytesIO(source), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ApplicationError("无法读取文件，请上传 .xlsx 格式的台账", field="file", code="ledger_unreadable") from exc


def detect_kind(wb: Workbook) -> Kind:
    for kind in _kinds().values():
        if kind.sheets[0].title in wb.sheetnames:
            return kind
    expected = "、".join(f"“{k.sheets[0].title}”" for k in _kinds().values())
    raise ApplicationError(f"文件中没有可识别的工作表（应包含 {expected}）", field="file", code="ledger_kind")


def _header_key(value: Any) -> str:
    return str(value or "").strip().rstrip("*＊").strip()


def read_sheet(wb: Workbook, spec: SheetSpec, *, required: bool) -> list[LedgerRow]:
    if spec.title not in wb.sheetnames:
        if required:
            raise ApplicationError(f"缺少工作表“{spec.title}”", field="file", code="ledger_missing_sheet")
        return []
    ws = wb[spec.title]
    by_header = {c.header: c for c in spec.columns if not c.export_only}
    positions: dict[int, Column] = {}
    for cell in ws[1]:
        column = by_header.get(_header_key(cell.value))
        if column is not None:
            positions[int(cell.column) - 1] = column
    missing = [c.header for c in spec.columns if c.required and c not in positions.values()]
    if missing:
        raise ApplicationError(f"工作表“{spec.title}”缺少列：{'、'.join(missing)}", field="file",
                               code="ledger_missing_column")
    rows: list[LedgerRow] = []
    for number, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        raw = {c.field: values[i] if i < len(values) else None for i, c in positions.items()}
        raw = {k: (v.strip() if isinstance(v, str) else v) for k, v in raw.items()}
        if all(v in (None, "") for v in raw.values()):
            continue
        rows.append(LedgerRow(sheet=spec.title, row_number=number, raw=raw))
        if len(rows) > MAX_ROWS:
            raise ApplicationError(f"工作表“{spec.title}”超过 {MAX_ROWS} 行，请分批导入", field="file",
                                   code="ledger_too_large")
    return rows


def _check(actor: User, source: bytes, kind_name: str | None) -> LedgerPreview:
    wb = _open(source)
    kind = _kind(kind_name) if kind_name else detect_kind(wb)
    kind.require_actor(actor)
    sheets = {spec.title: read_sheet(wb, spec, required=index == 0) for index, spec in enumerate(kind.sheets)}
    kind.validate(actor, sheets)
    rows = [row for spec in kind.sheets for row in sheets[spec.title]]
    return LedgerPreview(kind=kind.name, rows=rows, source=source)


def ledger_import_preview(*, actor: User, file: FileInput, kind: str | None = None) -> LedgerPreview:
    """Check every row of an uploaded ledger; writes nothing. The kind is recognised from the sheets."""
    return _check(actor, _read_bytes(file), kind)


def ledger_import_commit(
    *, actor: User, file: FileInput, kind: str | None = None, clean_rows_only: bool = False
) -> LedgerImportResult:
    """Check again and write, in one transaction. A file with bad rows writes nothing unless
    ``clean_rows_only``; then the clean rows are written and the bad ones returned as skipped."""
    source = _read_bytes(file)
    with transaction.atomic():
        preview = _check(actor, source, kind)
        bad = preview.bad_rows
        if bad and not clean_rows_only:
            raise ApplicationError(
                f"台账有 {len(bad)} 行错误，未导入任何数据；请修正后重新导入，或选择只导入无误的行",
                field="file", code="ledger_has_errors",
                extra={"bad_rows": [{"sheet": r.sheet, "row": r.row_number, "errors": r.error_text} for r in bad]},
            )
        sheets: dict[str, list[LedgerRow]] = {}
        for row in preview.clean_rows:
            sheets.setdefault(row.sheet, []).append(row)
        created = KINDS[preview.kind].write(actor, sheets)
    return LedgerImportResult(kind=preview.kind, created=created, skipped_rows=bad)

"""Writing ledgers: the template (headers, instructions, drop-downs) and the export in the template's layout, so
that an export imports again. Workbooks are written in openpyxl's write-only mode, row by row from the iterables
the domain passes, so an export of many rows does not hold them all in memory.

Every text cell goes through ``text_cell`` / ``set_value``: text that a spreadsheet could take for a formula
(starting with ``= + - @``, a tab or a carriage return, or their full-width forms) is stored as plain text with
Excel's quote prefix, the OWASP rule against formula (CSV) injection. The value itself is unchanged, so an export
still imports as it was."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from gaoxin.core.ledger.read import MAX_ROWS
from gaoxin.core.ledger.spec import Column, LedgerKind, LedgerRow, SheetSpec

ERROR_HEADER = "错误说明"
INSTRUCTIONS_TITLE = "填表说明"
OPTIONS_TITLE = "选项"
AUTHOR = "高新区运营平台"
TEMPLATE_BLANK_ROWS = 1000
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
EXPORT_ONLY_FILL = PatternFill("solid", fgColor="EDEDED")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")

# Rows to write, by sheet title: table sheets take any number of mappings (field → value), a form sheet one.
SheetRows = Mapping[str, Iterable[Mapping[str, Any]]]


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def text_cell(ws: Any, value: object, *, text: bool = False, fill: PatternFill | None = None,
              font: Font | None = None) -> Cell:
    """A cell for a write-only sheet holding ``value``, neutralised when it could be read as a formula."""
    cell = WriteOnlyCell(ws, value=value)
    if is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    if text:
        cell.number_format = "@"
    if fill is not None:
        cell.fill = fill
    if font is not None:
        cell.font = font
    return cell


def set_value(cell: Cell, value: object) -> None:
    """Set ``value`` on a cell of an ordinary (editable) sheet, neutralised like ``text_cell``."""
    cell.value = value
    if is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True


def _header(ws: Any, column: Column) -> Cell:
    cell = text_cell(ws, column.title, font=Font(bold=True, color="C00000" if column.required else "000000"),
                     fill=EXPORT_ONLY_FILL if column.export_only else HEADER_FILL)
    if column.note:
        cell.comment = Comment(column.note, AUTHOR)
    return cell


def _option_ranges(options: Mapping[str, list[str]]) -> dict[str, str]:
    ranges: dict[str, str] = {}
    for index, (name, values) in enumerate(sorted(options.items()), start=1):
        letter = get_column_letter(index)
        ranges[name] = f"{quote_sheetname(OPTIONS_TITLE)}!${letter}$2:${letter}${max(len(values), 1) + 1}"
    return ranges


def _write_table(ws: Any, spec: SheetSpec, rows: Iterable[Mapping[str, Any]], *, ranges: Mapping[str, str],
                 blank_rows: int) -> None:
    for index, column in enumerate(spec.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    if not spec.read_only:
        for index, column in enumerate(spec.columns, start=1):
            if column.options is not None and column.options in ranges and column.is_input:
                validation = DataValidation(type="list", formula1=ranges[column.options],
                                            allow_blank=not column.required, showErrorMessage=not column.multiple)
                validation.error = f"请从列表中选择{column.header}"
                validation.errorTitle = column.header
                letter = get_column_letter(index)
                validation.add(f"{letter}2:{letter}{MAX_ROWS}")
                ws.data_validations.append(validation)
    ws.append([_header(ws, c) for c in spec.columns])
    fill_inputs = spec.input_fill and not spec.read_only
    styled = [c.text or (fill_inputs and c.is_input) for c in spec.columns]
    for data in rows:
        values = [data.get(c.field) for c in spec.columns]
        ws.append([
            # A plain value needs no cell object of its own (the write-only sheet reuses one): faster exports.
            text_cell(ws, v, text=c.text, fill=INPUT_FILL if fill_inputs and c.is_input else None)
            if style or is_formula_like(v) else v
            for c, v, style in zip(spec.columns, values, styled, strict=True)
        ])
    if any(c.text for c in spec.columns):
        # Empty rows formatted as text in code columns, so that Excel keeps an all-digit code as typed instead
        # of turning it into a rounded number.
        for _ in range(blank_rows):
            ws.append([text_cell(ws, None, text=True) if c.text else None for c in spec.columns])


def _write_form(ws: Any, spec: SheetSpec, values: Mapping[str, Any]) -> None:
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 60
    for column in spec.columns:
        ws.append([text_cell(ws, column.header, font=Font(bold=True)),
                   text_cell(ws, values.get(column.field), text=column.text,
                             fill=INPUT_FILL if spec.input_fill and column.is_input else None)])
    for note in spec.notes:
        ws.append([text_cell(ws, "说明", font=Font(bold=True)), text_cell(ws, note)])


def _instruction_lines(kind: LedgerKind[Any]) -> list[str]:
    if kind.partial_import:
        checking = (f"导入时先逐行检查，有错误的行会在表格最后一列“{ERROR_HEADER}”中逐项写明（列名: 问题）；"
                    "文件全部无误才会写入，或由操作人明确选择只导入无误的行。")
    else:
        checking = "导入时先逐行检查，每处错误都写明所在的单元格和问题；有任何错误时不保存任何数据。"
    lines = [*kind.instructions, "", "带 * 的列必须填写；灰色表头的列只在导出时填写，导入时忽略。", checking]
    for spec in kind.sheets:
        lines += ["", f"【{spec.title}】" + ("（只读，导入时忽略）" if spec.read_only else "")]
        lines += [f"{c.header}（{c.role}）：{c.note}" if c.note else f"{c.header}（{c.role}）" for c in spec.columns]
    return lines


def _write_instructions(ws: Any, kind: LedgerKind[Any]) -> None:
    ws.column_dimensions["A"].width = 110
    ws.append([text_cell(ws, f"{kind.label}填表说明", font=Font(bold=True, size=14))])
    wrap = Alignment(wrap_text=True)
    for line in _instruction_lines(kind):
        cell = text_cell(ws, line or None)
        cell.alignment = wrap
        ws.append([cell])


def _write_options(ws: Any, options: Mapping[str, list[str]]) -> None:
    ws.sheet_state = "hidden"
    columns = [options[name] for name in sorted(options)]
    ws.append([text_cell(ws, name) for name in sorted(options)])
    for index in range(max((len(c) for c in columns), default=0)):
        ws.append([text_cell(ws, values[index]) if index < len(values) else None for values in columns])


def write_workbook(kind: LedgerKind[Any], rows: SheetRows, out: IO[bytes], *, blank_rows: int = 0) -> None:
    """Write a ledger of ``kind`` to ``out``: every sheet with its rows from ``rows`` (by sheet title; absent
    sheets get their headers only), the instructions and the hidden drop-down lists. ``blank_rows`` empty rows
    are formatted as text in code columns (templates)."""
    wb = Workbook(write_only=True)
    options = {name: list(values) for name, values in kind.options().items()}
    ranges = _option_ranges(options)
    for spec in kind.sheets:
        ws = wb.create_sheet(spec.title)
        if spec.form:
            _write_form(ws, spec, next(iter(rows.get(spec.title, ())), {}))
        else:
            _write_table(ws, spec, rows.get(spec.title, ()), ranges=ranges,
                         blank_rows=0 if spec.read_only else blank_rows)
        if spec.protected:
            ws.protection.sheet = True
    _write_instructions(wb.create_sheet(INSTRUCTIONS_TITLE), kind)
    if options:
        _write_options(wb.create_sheet(OPTIONS_TITLE), options)
    wb.save(out)


def export_workbook(kind: LedgerKind[Any], rows: SheetRows) -> bytes:
    """A ledger of ``kind`` holding ``rows``, in the template's layout (so it imports again), as bytes."""
    out = io.BytesIO()
    write_workbook(kind, rows, out)
    return out.getvalue()


def template_workbook(kind: LedgerKind[Any], *, rows: SheetRows | None = None,
                      blank_rows: int = TEMPLATE_BLANK_ROWS) -> bytes:
    """The template of ``kind``: empty, or holding the pre-filled ``rows`` the user completes."""
    out = io.BytesIO()
    write_workbook(kind, rows or {}, out, blank_rows=blank_rows)
    return out.getvalue()


def _error_column(ws: Worksheet) -> int:
    """The column of ``错误说明`` in an uploaded sheet: the existing one, or the one after the last header."""
    last = 0
    for cell in ws[1]:
        value = str(cell.value or "").strip()
        if value == ERROR_HEADER:
            return int(cell.column)
        if value:
            last = int(cell.column)
    return last + 1


def error_workbook(source: bytes, sheets: Sequence[SheetSpec], rows: Sequence[LedgerRow]) -> bytes:
    """The uploaded workbook with each problem written beside it: a ``错误说明`` column on every table sheet
    (empty for clean rows, so a corrected file can be uploaded again as it is), and on a form the problem of a
    field in column C of its row."""
    wb = load_workbook(io.BytesIO(source))
    by_sheet: dict[str, dict[int, LedgerRow]] = {}
    for row in rows:
        by_sheet.setdefault(row.sheet, {})[row.row_number] = row
    wrap = Alignment(wrap_text=True)
    for spec in sheets:
        if spec.read_only or spec.title not in wb.sheetnames:
            continue
        ws = wb[spec.title]
        found = by_sheet.get(spec.title, {})
        if spec.form:
            for row in found.values():
                for error in row.errors:
                    if error.field in row.positions:
                        cell = ws.cell(row=row.positions[error.field], column=3)
                        set_value(cell, f"{error.name}: {error.message}")
                        cell.fill, cell.alignment = ERROR_FILL, wrap
            continue
        col = _error_column(ws)
        header = ws.cell(row=1, column=col)
        set_value(header, ERROR_HEADER)
        header.font, header.fill = Font(bold=True, color="9C0006"), ERROR_FILL
        ws.column_dimensions[get_column_letter(col)].width = 60
        for number in range(2, ws.max_row + 1):
            checked = found.get(number)
            cell = ws.cell(row=number, column=col)
            set_value(cell, checked.error_text if checked is not None and not checked.ok else None)
            if checked is not None and not checked.ok:
                cell.fill, cell.alignment = ERROR_FILL, wrap
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

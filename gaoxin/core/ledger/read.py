"""Reading uploaded ledgers, with limits: only .xlsx (no .xls, no macros), at most ``MAX_UPLOAD_BYTES`` as sent
and ``MAX_UNPACKED_BYTES`` unpacked (a zip bomb is refused before any XML is parsed), at most ``MAX_ROWS``
filled rows per sheet. Sheets are read in openpyxl's read-only mode, row by row. Every refusal is an
``ApplicationError`` on the field ``file`` with a Chinese message."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import IO, Any

from openpyxl import load_workbook

from gaoxin.core.errors import ApplicationError
from gaoxin.core.ledger.spec import A, Column, LedgerKind, LedgerRow, LedgerUpload, SheetSpec

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # the reverse proxy's client_max_body_size too (README)
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 2000
MAX_ROWS = 50_000
MAX_FORM_ROWS = 100
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and other pre-2007 Office files

FileInput = bytes | IO[bytes]


def _unreadable() -> ApplicationError:
    return ApplicationError("无法读取文件，请上传 .xlsx 格式的台账", field="file", code="ledger_unreadable")


def read_source(file: FileInput) -> bytes:
    """The bytes of an upload, refused beyond ``MAX_UPLOAD_BYTES`` (reading stops there)."""
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ApplicationError(f"文件超过 {MAX_UPLOAD_BYTES // 2**20} MB，请分批导入", field="file",
                               code="ledger_too_large")
    return data


def check_archive(source: bytes) -> None:
    """Refuse what is not a plain .xlsx, or what would unpack too large, from the zip directory alone."""
    if source.startswith(OLE_MAGIC):
        raise ApplicationError("这是旧版 Excel 文件（.xls），请在 Excel 中“另存为” .xlsx 后再上传", field="file",
                               code="ledger_not_xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(source)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ARCHIVE_MEMBERS:
                raise _unreadable()
            if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                raise ApplicationError(
                    f"文件解压后超过 {MAX_UNPACKED_BYTES // 2**20} MB，请分批导入", field="file",
                    code="ledger_too_large")
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise _unreadable()
            if "xl/vbaProject.bin" in names or b"macroEnabled" in archive.read("[Content_Types].xml"):
                raise ApplicationError("不接受含宏的文件（.xlsm），请另存为 .xlsx 后再上传", field="file",
                                       code="ledger_not_xlsx")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise _unreadable() from exc


def open_workbook(source: bytes) -> Any:
    """A read-only workbook of cell values (formulas give their last computed value). Close it after use."""
    check_archive(source)
    try:
        return load_workbook(io.BytesIO(source), read_only=True, data_only=True)
    except ApplicationError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise _unreadable() from exc


def detect_kind(kinds: Sequence[LedgerKind[A]], sheetnames: Sequence[str]) -> LedgerKind[A]:
    """The kind whose first sheet the workbook has."""
    for kind in kinds:
        if kind.sheets[0].title in sheetnames:
            return kind
    expected = "、".join(f"“{k.sheets[0].title}”" for k in kinds)
    raise ApplicationError(f"文件中没有可识别的工作表（应包含 {expected}）", field="file", code="ledger_kind")


def _header_key(value: Any) -> str:
    return str(value or "").strip().rstrip("*＊").strip()


def _clean(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _missing(spec: SheetSpec, positions: dict[str, int], what: str) -> None:
    missing = [c.header for c in spec.columns if (c.required or c.prefilled) and c.field not in positions]
    if missing:
        raise ApplicationError(f"工作表“{spec.title}”缺少{what}：{'、'.join(missing)}", field="file",
                               code="ledger_missing_column")


def _readable_columns(spec: SheetSpec) -> dict[str, Column]:
    return {c.header: c for c in spec.columns if not c.export_only}


def read_table(ws: Any, spec: SheetSpec) -> list[LedgerRow]:
    """The filled rows of a table sheet, columns found by their headers (in any order; ``*`` ignored)."""
    by_header = _readable_columns(spec)
    rows_iter = ws.iter_rows(values_only=True)
    positions: dict[str, int] = {}
    for index, value in enumerate(next(rows_iter, ()), start=1):
        column = by_header.get(_header_key(value))
        if column is not None and column.field not in positions:
            positions[column.field] = index
    _missing(spec, positions, "列")
    rows: list[LedgerRow] = []
    for number, values in enumerate(rows_iter, start=2):
        raw = {name: _clean(values[i - 1]) if i <= len(values) else None for name, i in positions.items()}
        if all(v in (None, "") for v in raw.values()):
            continue
        if len(rows) == MAX_ROWS:
            raise ApplicationError(f"工作表“{spec.title}”超过 {MAX_ROWS} 行，请分批导入", field="file",
                                   code="ledger_too_large")
        rows.append(LedgerRow(spec=spec, row_number=number, raw=raw, positions=positions))
    return rows


def read_form(ws: Any, spec: SheetSpec) -> LedgerRow:
    """A form sheet as one row: each field's value from column B of the row labelled with its header."""
    by_header = _readable_columns(spec)
    positions: dict[str, int] = {}
    raw: dict[str, Any] = {}
    for number, values in enumerate(ws.iter_rows(max_row=MAX_FORM_ROWS, max_col=2, values_only=True), start=1):
        column = by_header.get(_header_key(values[0] if values else None))
        if column is not None and column.field not in positions:
            positions[column.field] = number
            raw[column.field] = _clean(values[1]) if len(values) > 1 else None
    _missing(spec, positions, "")
    return LedgerRow(spec=spec, row_number=0, raw=raw, positions=positions)


def read_upload(wb: Any, kind: LedgerKind[A]) -> LedgerUpload:
    """Every sheet of ``kind`` that is read on import. The first sheet and forms must be there; other tables
    may be left out."""
    sheets: dict[str, list[LedgerRow]] = {}
    for index, spec in enumerate(kind.sheets):
        if spec.read_only:
            continue
        if spec.title not in wb.sheetnames:
            if index == 0 or spec.form:
                raise ApplicationError(f"缺少工作表“{spec.title}”", field="file", code="ledger_missing_sheet")
            continue
        ws = wb[spec.title]
        ws.reset_dimensions()  # the stored dimensions may be wrong (some tools write A1); read what is there
        try:
            sheets[spec.title] = [read_form(ws, spec)] if spec.form else read_table(ws, spec)
        except ApplicationError:
            raise
        except Exception as exc:  # a damaged sheet surfaces only when its rows are parsed
            raise _unreadable() from exc
    return LedgerUpload(kind=kind.name, sheets=sheets)

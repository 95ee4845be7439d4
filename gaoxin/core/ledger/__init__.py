"""Excel ledgers (台账), the shared base: a domain declares a ``LedgerKind`` — its sheets and columns, drop-down
lists, a validator that checks every row and a writer — and gets:

- ``template_workbook(kind)``: Chinese headers (``*`` marks required columns), an instructions sheet, drop-down
  lists, code columns formatted as text; or pre-filled rows the user completes.
- ``export_workbook(kind, rows)`` / ``write_workbook``: rows written in the template's layout (so an export
  imports again), streamed from the iterables given; every text cell neutralised against formula injection.
- ``import_preview(kinds, actor=..., file=...)`` → ``LedgerPreview``: upload limits checked, every row checked,
  every bad field named; ``preview.error_workbook()`` is the upload with an added ``错误说明`` column. Nothing is
  written.
- ``import_commit(kinds, actor=..., file=..., clean_rows_only=False)``: checked again inside one transaction,
  everything written — or nothing (``LedgerHasErrors``) unless the clean rows alone were asked for.

There is no global registry: each app keeps a tuple of its kinds and passes it. docs/ARCHITECTURE.md, "Excel
ledgers (台账): the shared base", walks through adding one; ``gaoxin.enterprises.ledger`` is the worked example.
This package imports nothing from the domain apps."""

from gaoxin.core.ledger.importing import (
    LedgerHasErrors,
    LedgerImportResult,
    LedgerPreview,
    import_commit,
    import_preview,
)
from gaoxin.core.ledger.read import (
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_UPLOAD_BYTES,
    FileInput,
    open_workbook,
    read_source,
)
from gaoxin.core.ledger.spec import (
    Column,
    LedgerKind,
    LedgerRow,
    LedgerUpload,
    SheetSpec,
    export_only_kind,
    resolve_kind,
)
from gaoxin.core.ledger.write import (
    ERROR_HEADER,
    INSTRUCTIONS_TITLE,
    OPTIONS_TITLE,
    SheetRows,
    error_workbook,
    export_workbook,
    is_formula_like,
    template_workbook,
    write_workbook,
)

__all__ = [
    "ERROR_HEADER",
    "INSTRUCTIONS_TITLE",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "MAX_UPLOAD_BYTES",
    "OPTIONS_TITLE",
    "Column",
    "FileInput",
    "LedgerHasErrors",
    "LedgerImportResult",
    "LedgerKind",
    "LedgerPreview",
    "LedgerRow",
    "LedgerUpload",
    "SheetRows",
    "SheetSpec",
    "error_workbook",
    "export_only_kind",
    "export_workbook",
    "import_commit",
    "import_preview",
    "is_formula_like",
    "open_workbook",
    "read_source",
    "resolve_kind",
    "template_workbook",
    "write_workbook",
]

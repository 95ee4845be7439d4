"""Excel ledgers (台账): downloadable templates, two-step validated import, filtered export.

- ``ledger_template(kind=...)`` → .xlsx bytes: Chinese headers (``*`` marks required columns), an
  instructions sheet, drop-down lists where the values are a closed list.
- ``ledger_import_preview(actor=..., file=...)`` → ``LedgerPreview``: every row checked, every bad field
  named; ``preview.error_workbook()`` is the uploaded workbook with an added ``错误说明`` column.
  Nothing is written.
- ``ledger_import_commit(actor=..., file=..., clean_rows_only=False)`` checks again inside one transaction and
  writes everything — or, when the file has bad rows, nothing (``ApplicationError`` code
  ``ledger_has_errors``) unless ``clean_rows_only`` asks for the clean rows alone.
- ``ledger_export_enterprises`` / ``ledger_export_visits`` → .xlsx bytes in the template's layout, so an
  export imports again.
"""

from gaoxin.enterprises.ledger.base import (
    ERROR_HEADER,
    LedgerImportResult,
    LedgerPreview,
    LedgerRow,
    ledger_import_commit,
    ledger_import_preview,
    ledger_template,
)
from gaoxin.enterprises.ledger.enterprises import ledger_export_enterprises
from gaoxin.enterprises.ledger.visits import ledger_export_visits

__all__ = [
    "ERROR_HEADER",
    "LedgerImportResult",
    "LedgerPreview",
    "LedgerRow",
    "ledger_export_enterprises",
    "ledger_export_visits",
    "ledger_import_commit",
    "ledger_import_preview",
    "ledger_template",
]

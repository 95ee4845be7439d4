"""Excel ledgers (台账) of the enterprise service, on the shared base ``gaoxin.core.ledger``.

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

``KINDS`` is the app's registry of ledger kinds: 企业库台账 (``ledger.enterprises``) and 万人助万企走访台账
(``ledger.visits``); an upload is recognised among them by its first sheet.
"""

from __future__ import annotations

from gaoxin.accounts.models import User
from gaoxin.core.ledger import (
    ERROR_HEADER,
    FileInput,
    LedgerImportResult,
    LedgerKind,
    LedgerPreview,
    LedgerRow,
    import_commit,
    import_preview,
    resolve_kind,
    template_workbook,
)
from gaoxin.enterprises.ledger.enterprises import ENTERPRISE_LEDGER, ledger_export_enterprises
from gaoxin.enterprises.ledger.visits import VISIT_LEDGER, ledger_export_visits

KINDS: tuple[LedgerKind[User], ...] = (ENTERPRISE_LEDGER, VISIT_LEDGER)


def ledger_template(*, kind: str) -> bytes:
    """An empty ledger of ``kind`` ("enterprises" or "visits")."""
    return template_workbook(resolve_kind(KINDS, kind))


def ledger_import_preview(*, actor: User, file: FileInput, kind: str | None = None) -> LedgerPreview:
    """Check every row of an uploaded ledger; writes nothing. The kind is recognised from the sheets."""
    return import_preview(KINDS, actor=actor, file=file, kind=kind)


def ledger_import_commit(
    *, actor: User, file: FileInput, kind: str | None = None, clean_rows_only: bool = False
) -> LedgerImportResult:
    """Check again and write, in one transaction. A file with bad rows writes nothing unless
    ``clean_rows_only``; then the clean rows are written and the bad ones returned as skipped."""
    return import_commit(KINDS, actor=actor, file=file, kind=kind, clean_rows_only=clean_rows_only)


__all__ = [
    "ERROR_HEADER",
    "KINDS",
    "LedgerImportResult",
    "LedgerPreview",
    "LedgerRow",
    "ledger_export_enterprises",
    "ledger_export_visits",
    "ledger_import_commit",
    "ledger_import_preview",
    "ledger_template",
]

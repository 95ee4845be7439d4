"""Excel ledgers of the key projects on ``gaoxin.core.ledger``: the monthly investment report (项目投资月报).

Every row is checked with the identities of ``projects.identities`` (each violated one named by its cell), in
month order per project, against the months on record and the earlier months of the same file; nothing is
written until the whole file is clean (``partial_import=False``)."""

from __future__ import annotations

from gaoxin.accounts.models import User
from gaoxin.core.ledger import FileInput, LedgerImportResult, LedgerKind, LedgerPreview, import_commit, import_preview
from gaoxin.core.ledger import template_workbook as _template
from gaoxin.projects.ledger.reports import REPORT_LEDGER, ledger_export_reports

KINDS: tuple[LedgerKind[User], ...] = (REPORT_LEDGER,)


def ledger_template() -> bytes:
    return _template(REPORT_LEDGER)


def ledger_import_preview(*, actor: User, file: FileInput) -> LedgerPreview:
    return import_preview(KINDS, actor=actor, file=file, kind=REPORT_LEDGER.name)


def ledger_import_commit(*, actor: User, file: FileInput) -> LedgerImportResult:
    return import_commit(KINDS, actor=actor, file=file, kind=REPORT_LEDGER.name)


__all__ = ["KINDS", "ledger_export_reports", "ledger_import_commit", "ledger_import_preview", "ledger_template"]

"""The two-step import every ledger shares: ``import_preview`` checks every row and writes nothing;
``import_commit`` checks again inside one transaction and writes everything, or — when a row is bad — nothing,
unless the operator asked for the clean rows alone (``clean_rows_only``, where the kind allows it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction

from gaoxin.core.errors import ApplicationError
from gaoxin.core.ledger.read import FileInput, detect_kind, open_workbook, read_source, read_upload
from gaoxin.core.ledger.spec import A, LedgerKind, LedgerRow, LedgerUpload, SheetSpec, resolve_kind
from gaoxin.core.ledger.write import error_workbook


@dataclass
class LedgerPreview:
    """Every row of an upload with what the check found (forms first, then the tables in sheet order)."""

    kind: str
    rows: list[LedgerRow]
    source: bytes = field(repr=False, default=b"")
    sheets: tuple[SheetSpec, ...] = field(repr=False, default=())

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
        """The uploaded workbook with an added ``错误说明`` column (empty for clean rows)."""
        return error_workbook(self.source, self.sheets, self.rows)


@dataclass
class LedgerImportResult:
    """What a commit wrote: ``created`` counts from the kind's writer, the ``rows`` handed to it (with any
    ``record`` it left), and the bad rows skipped under ``clean_rows_only``."""

    kind: str
    created: Mapping[str, int]
    skipped_rows: list[LedgerRow]
    rows: list[LedgerRow] = field(default_factory=list)


class LedgerHasErrors(ApplicationError):
    """A commit refused because rows are bad; nothing was written. ``preview`` holds every row and its errors."""

    def __init__(self, preview: LedgerPreview, *, partial_import: bool) -> None:
        bad = preview.bad_rows
        advice = "请修正后重新导入，或选择只导入无误的行" if partial_import else "请修正后重新导入"
        super().__init__(
            f"台账有 {len(bad)} 行错误，未导入任何数据；{advice}", field="file", code="ledger_has_errors",
            extra={"bad_rows": [{"sheet": r.sheet, "row": r.row_number, "errors": r.error_text} for r in bad]},
        )
        self.preview = preview


def _check(kinds: Sequence[LedgerKind[A]], actor: A, source: bytes,
           kind_name: str | None) -> tuple[LedgerKind[A], LedgerPreview]:
    wb = open_workbook(source)
    try:
        kind = resolve_kind(kinds, kind_name) if kind_name else detect_kind(kinds, wb.sheetnames)
        kind.check_actor(actor)
        upload = read_upload(wb, kind)
    finally:
        wb.close()
    kind.validate(actor, upload)
    forms = [row for spec in kind.sheets if spec.form for row in upload.rows(spec)]
    tables = [row for spec in kind.sheets if not spec.form for row in upload.rows(spec)]
    return kind, LedgerPreview(kind=kind.name, rows=forms + tables, source=source, sheets=kind.sheets)


def import_preview(kinds: Sequence[LedgerKind[A]], *, actor: A, file: FileInput,
                   kind: str | None = None) -> LedgerPreview:
    """Check every row of an uploaded ledger; writes nothing. Without ``kind`` the kind is recognised among
    ``kinds`` by its first sheet."""
    return _check(kinds, actor, read_source(file), kind)[1]


def import_commit(kinds: Sequence[LedgerKind[A]], *, actor: A, file: FileInput, kind: str | None = None,
                  clean_rows_only: bool = False) -> LedgerImportResult:
    """Check again and write, in one transaction. A file with bad rows writes nothing (``LedgerHasErrors``,
    code ``ledger_has_errors``) unless ``clean_rows_only``: then the clean rows are written and the bad ones
    returned as skipped. A bad form (the parameters every row depends on) always refuses the file."""
    source = read_source(file)
    with transaction.atomic():
        found, preview = _check(kinds, actor, source, kind)
        bad = preview.bad_rows
        if clean_rows_only and not found.partial_import:
            raise ApplicationError(f"{found.label}不能只导入部分行：有错误时请修正后重新导入", field="clean_rows_only",
                                   code="ledger_partial_refused")
        if bad and (not clean_rows_only or any(r.spec.form for r in bad)):
            raise LedgerHasErrors(preview, partial_import=found.partial_import)
        clean = preview.clean_rows
        sheets: dict[str, list[LedgerRow]] = {}
        for row in clean:
            sheets.setdefault(row.sheet, []).append(row)
        created = found.write(actor, LedgerUpload(kind=found.name, sheets=sheets))
    return LedgerImportResult(kind=found.name, created=created, skipped_rows=bad, rows=clean)

"""Excel templates generated from a ledger's definition, and their upload, on ``core.ledger``: one table sheet
(填报单位, 统计期, then a column per field; attachments are given on the web form), every row checked with the
definition's rules and its cell named, nothing written until the file is clean (or the clean rows alone, when
asked). The rows written are submitted entries of the current version, through the services."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from gaoxin.accounts.models import User
from gaoxin.core.errors import ApplicationError, PermissionDenied
from gaoxin.core.ledger import (
    Column,
    FileInput,
    LedgerImportResult,
    LedgerKind,
    LedgerPreview,
    LedgerUpload,
    SheetSpec,
    import_commit,
    import_preview,
    template_workbook,
)
from gaoxin.ledgers import bulk, periods, policy, services
from gaoxin.ledgers.definition import TEXT_KINDS, check_values, fields_from_json
from gaoxin.ledgers.models import Ledger, LedgerVersion

_PERIOD_NOTE = {"monthly": "写作 2023-03", "quarterly": "写作 2023Q1", "yearly": "写作 2023", "once": "写作 2023"}


def _rule_note(constraint: str, message: str) -> str:
    return message or (f"规则：{constraint}" if constraint else "")


def ledger_kind(ledger: Ledger) -> LedgerKind[User]:
    """The Excel ledger of ``ledger``'s current version."""
    version = ledger.current_version
    if version is None:
        raise ApplicationError("该台账尚未发布", field="ledger", code="ledger_unpublished")
    fields = [f for f in fields_from_json(version.fields) if f.kind != "attachment"]
    columns = [
        Column("unit", "填报单位", required=True, width=20, options="units", note="填写单位名称或编码"),
        Column("period", "统计期", required=True, width=12, text=True, note=_PERIOD_NOTE[version.period]),
    ]
    for f in fields:
        columns.append(Column(f.name, f.header, required=f.required, width=16,
                              options=f"list_{f.list_name}" if f.kind == "choice" else None,
                              text=f.kind in TEXT_KINDS or f.kind == "text",
                              note=f.hint or _rule_note(f.constraint, f.constraint_message)))
    sheet = SheetSpec(ledger.name[:31], tuple(columns))

    def options() -> Mapping[str, Sequence[str]]:
        from gaoxin.accounts.models import OrgUnit

        out: dict[str, Sequence[str]] = {
            "units": list(OrgUnit.objects.filter(code__in=version.fillers).order_by("code").values_list("name",
                                                                                                        flat=True))}
        for name, items in version.choices.items():
            out[f"list_{name}"] = [label for _, label in items]
        return out

    def check_actor(actor: User) -> None:
        if not policy.fillable_units(actor, version.fillers):
            raise PermissionDenied(f"您不是{ledger.name}的填报单位")

    def validate(actor: User, upload: LedgerUpload) -> None:
        specs = fields_from_json(version.fields)
        unit_names = services.filler_unit_map(version)  # read once for every row
        units = {}
        for u in policy.fillable_units(actor, version.fillers):
            units[u.code] = u
            units[u.name] = u
        for row in upload.rows(sheet):
            unit_text = str(row.raw.get("unit") or "").strip()
            unit = units.get(unit_text)
            if not unit_text:
                row.add("unit", "不能为空", "required")
            elif unit is None:
                row.add("unit", f"“{unit_text}”不是您可以填报的单位", "scope")
            try:
                start = periods.parse(version.period, row.raw.get("period"))
            except ApplicationError as exc:
                row.add("period", exc.message, "period")
                start = None
            checked = check_values(specs, version.choices, row.raw, units=unit_names)
            services.check_references(specs, checked, actor=actor)
            row.errors.extend(checked.errors)
            row.values = {"unit": unit, "period_start": start, "values": checked.values}

    def write(actor: User, upload: LedgerUpload) -> Mapping[str, int]:
        rows = upload.rows(sheet)
        made = bulk.entries_submit_many(actor=actor, ledger=ledger, version=version, rows=[
            (row.values["unit"], row.values["period_start"], row.values["values"]) for row in rows])
        for row, entry in zip(rows, made, strict=True):
            row.record = entry
        return {"entries": len(made)}

    return LedgerKind[User](
        name=f"ledger_{ledger.code}", label=ledger.name, sheets=(sheet,),
        instructions=(f"{ledger.name}（定义第 {version.number} 版）：每行一条台账记录，导入后即报送审核。",
                      f"统计期{_PERIOD_NOTE[version.period]}；截止日为统计期结束后次月 {version.due_day} 日。",
                      "附件类字段请在网页表单中上传。"),
        options=options, validate=validate, write=write, check_actor=check_actor)


def _current(ledger: Ledger) -> Ledger:
    return Ledger.objects.select_related("current_version").get(pk=ledger.pk)


def ledger_template(*, ledger: Ledger) -> bytes:
    return template_workbook(ledger_kind(_current(ledger)), blank_rows=20)


def ledger_import_preview(*, actor: User, ledger: Ledger, file: FileInput) -> LedgerPreview:
    kind = ledger_kind(_current(ledger))
    return import_preview((kind,), actor=actor, file=file, kind=kind.name)


def ledger_import_commit(*, actor: User, ledger: Ledger, file: FileInput,
                         clean_rows_only: bool = False) -> LedgerImportResult:
    kind = ledger_kind(_current(ledger))
    return import_commit((kind,), actor=actor, file=file, kind=kind.name, clean_rows_only=clean_rows_only)


def version_of(ledger: Ledger) -> LedgerVersion | None:
    return _current(ledger).current_version

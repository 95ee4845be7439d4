"""Every write of the ledger engine: definitions imported from XLSForm and published, entries saved as drafts,
submitted, approved or returned, revised — keyword-only, validated (errors name the field), atomic, and, for
entries, audited in the hash-chained history (``LedgerEntryEvent``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.cases.models import Case
from gaoxin.cases.selectors import case_scope_q
from gaoxin.core import audit, clock
from gaoxin.core.errors import ApplicationError, Conflict
from gaoxin.core.validation import Checked
from gaoxin.enterprises.models import Enterprise
from gaoxin.enterprises.scope import enterprise_scope_q
from gaoxin.ledgers import periods, policy, workflow
from gaoxin.ledgers.definition import (
    Definition,
    FieldSpec,
    case_numbers,
    check_values,
    fields_from_json,
    read_xlsform,
)
from gaoxin.ledgers.models import (
    Ledger,
    LedgerAttachment,
    LedgerEntry,
    LedgerEntryEvent,
    LedgerReminder,
    LedgerVersion,
)

MAX_ATTACHMENT = 10 * 1024 * 1024


# --- definitions ----------------------------------------------------------------------------------------------


def _units(codes: list[str], *, what: str) -> dict[str, OrgUnit]:
    found = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ApplicationError(f"settings 表 {what}：机构编码不存在：{'、'.join(missing)}", field="file",
                               code="xlsform_unit")
    return found


def _version_create(*, actor: User | None, source: bytes, definition: Definition,
                    synthetic: bool = False) -> LedgerVersion:
    owner = _units([definition.owner], what="gx_owner")[definition.owner]
    fillers = _units(definition.fillers, what="gx_fillers")
    for target in definition.targets:
        if target["unit"] not in fillers:
            raise ApplicationError(f"targets 表：{target['unit']} 不是本台账的填报单位", field="file",
                                   code="xlsform_unit")
    ledger, created = Ledger.objects.get_or_create(
        code=definition.code, defaults={"name": definition.title, "owner": owner, "is_synthetic": synthetic})
    if not created and ledger.owner_id != owner.pk:
        raise ApplicationError(f"台账 {ledger.code} 的主管部门是 {ledger.owner.code}，不能改为 {owner.code}",
                               field="file", code="xlsform_owner")
    last = ledger.versions.order_by("-number").first()
    return LedgerVersion.objects.create(
        ledger=ledger, number=(last.number + 1) if last else 1, title=definition.title, period=definition.period,
        due_day=definition.due_day, fields=definition.fields_json(), choices=definition.choices,
        fillers=definition.fillers, targets=definition.targets, xlsform=source, created_at=clock.now(),
        created_by=actor)


@transaction.atomic
def ledger_definition_import(*, actor: User, source: bytes) -> LedgerVersion:
    """A new draft version of the ledger an XLSForm defines (the ledger itself when it is new)."""
    policy.check(policy.may_design(actor), "只有台账设计人员（平台管理员）可以导入台账定义")
    return _version_create(actor=actor, source=source, definition=read_xlsform(source))


def _publish(version: LedgerVersion, *, name: str) -> LedgerVersion:
    version.status = LedgerVersion.Status.PUBLISHED
    version.published_at = clock.now()
    version.save(update_fields=["status", "published_at"])
    Ledger.objects.filter(pk=version.ledger_id).update(current_version=version, name=name)
    version.ledger.refresh_from_db()
    return version


@transaction.atomic
def ledger_version_publish(*, actor: User, version: LedgerVersion) -> LedgerVersion:
    """Make a draft version the one new entries are filled under (entries filled before keep theirs)."""
    policy.check(policy.may_design(actor), "只有台账设计人员（平台管理员）可以发布台账定义")
    version = LedgerVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != LedgerVersion.Status.DRAFT:
        raise Conflict("该版本已发布", code="version_published")
    return _publish(version, name=version.title)


@transaction.atomic
def ledger_definition_load(*, source: bytes, synthetic: bool = False) -> LedgerVersion | None:
    """Load a shipped definition (command and simulation): a new published version unless the current one defines
    the same (workbooks written twice differ in their bytes). Returns the new version, or None when nothing
    changed."""
    definition = read_xlsform(source)
    ledger = Ledger.objects.filter(code=definition.code).select_related("current_version").first()
    if ledger is not None and ledger.current_version is not None and read_xlsform(
            bytes(ledger.current_version.xlsform)) == definition:
        return None
    version = _version_create(actor=None, source=source, definition=definition, synthetic=synthetic)
    return _publish(version, name=definition.title)


# --- entries --------------------------------------------------------------------------------------------------


def filler_unit_map(version: LedgerVersion) -> dict[str, str]:
    """What an org-unit field may name (a filler's code or name) → its code."""
    out: dict[str, str] = {}
    for code, name in OrgUnit.objects.filter(code__in=version.fillers).values_list("code", "name"):
        out[code] = code
        out[name] = code
    return out


def check_entry_values(version: LedgerVersion, raw: Mapping[str, Any], *, actor: User | None,
                       complete: bool = True) -> Checked:
    fields = fields_from_json(version.fields)
    checked = check_values(fields, version.choices, raw, units=filler_unit_map(version), complete=complete)
    check_references(fields, checked, actor=actor)
    return checked


def check_references(fields: list[FieldSpec], checked: Checked, *, actor: User | None) -> None:
    """Case numbers and credit codes must name records the actor may see (one that does not exist and one out of
    scope read alike); ``actor`` None (the loader) checks existence only."""
    for f in fields:
        value = checked.values.get(f.name)
        if not value or f.kind not in {"case", "enterprise"}:
            continue
        if f.kind == "case":
            numbers = case_numbers(value)
            cases = Case.objects.filter(number__in=numbers)
            if actor is not None:
                cases = cases.filter(case_scope_q(actor=actor))
            unknown = sorted(set(numbers) - set(cases.values_list("number", flat=True)))
            if unknown:
                checked.add(f.name, f"案件不存在（或不在您的管辖范围内）：{'、'.join(unknown)}", "reference")
        else:
            found = Enterprise.objects.filter(credit_code=value)
            if actor is not None:
                found = found.filter(enterprise_scope_q(actor=actor))
            if not found.exists():
                checked.add(f.name, "不在企业库中（或不在您的管辖范围内）", "reference")


def _event(entry: LedgerEntry, *, actor: User | None, action: str, before: str, note: str = "",
           payload: dict[str, Any] | None = None) -> None:
    audit.append(LedgerEntryEvent, entry, actor=actor, at=clock.now(), note=note, payload=payload or {},
                 action=action, from_state=before, to_state=entry.state)


def _move(entry: LedgerEntry, action: str) -> str:
    after = workflow.next_state(entry.state, action)
    if after is None:
        raise Conflict(f"条目当前状态为“{entry.get_state_display()}”，不能{workflow.ACTION_LABELS[action]}",
                       code="entry_state")
    return after


def period_of(version: LedgerVersion, period_start: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    start, end = periods.bounds(version.period, period_start)
    if start != period_start:
        raise ApplicationError(f"统计期应从 {start.isoformat()} 开始", field="period", code="period")
    return start, end, periods.due_date(end, version.due_day)


def _missing_attachments(entry: LedgerEntry) -> list[str]:
    have = set(entry.attachments.values_list("field", flat=True)) if entry.pk else set()
    return [f.label for f in fields_from_json(entry.version.fields)
            if f.kind == "attachment" and f.required and f.name not in have]


def create_checked(*, actor: User | None, ledger: Ledger, version: LedgerVersion, unit: OrgUnit,
                    period_start: dt.date, values: dict[str, Any], state: str = workflow.DRAFT,
                    revises: LedgerEntry | None = None, reason: str = "", synthetic: bool = False) -> LedgerEntry:
    start, end, due = period_of(version, period_start)
    now = clock.now()
    entry = LedgerEntry.objects.create(
        ledger=ledger, version=version, org_unit=unit, period_start=start, period_end=end, due_date=due,
        state=workflow.DRAFT, values=values, created_by=actor, created_at=now, revises=revises,
        revision=(revises.revision + 1) if revises else 0, reason=reason, is_synthetic=synthetic)
    _event(entry, actor=actor, action="revise" if revises else "create", before="", note=reason,
           payload={"values": values, "version": version.number})
    if state == workflow.SUBMITTED:
        _submit_checked(entry, actor=actor)
    return entry


def _submit_checked(entry: LedgerEntry, *, actor: User | None) -> None:
    before = entry.state
    entry.state = _move(entry, "submit")
    if entry.submitted_at is None:
        entry.submitted_at = clock.now()
    entry.save(update_fields=["state", "submitted_at"])
    _event(entry, actor=actor, action="submit", before=before)


def _fill_context(*, actor: User, ledger: Ledger, unit: OrgUnit) -> LedgerVersion:
    version = Ledger.objects.select_related("current_version").get(pk=ledger.pk).current_version
    if version is None:
        raise ApplicationError("该台账尚未发布", field="ledger", code="ledger_unpublished")
    policy.check(policy.may_fill(actor, version.fillers, unit), f"{unit.name}不是您可以填报的{ledger.name}填报单位")
    return version


@transaction.atomic
def entry_create(*, actor: User, ledger: Ledger, org_unit: OrgUnit, period_start: dt.date,
                 values: Mapping[str, Any], submit: bool = False, synthetic: bool = False) -> LedgerEntry:
    """A new entry of ``org_unit`` for the period starting on ``period_start``, under the ledger's current
    version: a draft (values may be incomplete, never wrong) or, with ``submit``, submitted for review.
    ``synthetic`` marks an entry the simulated year writes (模拟)."""
    version = _fill_context(actor=actor, ledger=ledger, unit=org_unit)
    checked = check_entry_values(version, values, actor=actor, complete=submit)
    checked.raise_first()
    if submit and _missing_attachments_for(version):
        raise ApplicationError(f"{_missing_attachments_for(version)[0]}：请先保存草稿并上传附件", field="attachments",
                               code="attachment_required")
    return create_checked(actor=actor, ledger=ledger, version=version, unit=org_unit, period_start=period_start,
                           values=checked.values, state=workflow.SUBMITTED if submit else workflow.DRAFT,
                           synthetic=synthetic)


def _missing_attachments_for(version: LedgerVersion) -> list[str]:
    return [f.label for f in fields_from_json(version.fields) if f.kind == "attachment" and f.required]


def _locked_own(actor: User, entry: LedgerEntry) -> LedgerEntry:
    entry = LedgerEntry.objects.select_for_update().select_related("ledger", "version", "org_unit").get(pk=entry.pk)
    policy.check(policy.may_fill(actor, entry.version.fillers, entry.org_unit), "您不能修改该单位的台账条目")
    return entry


@transaction.atomic
def entry_update(*, actor: User, entry: LedgerEntry, values: Mapping[str, Any], submit: bool = False) -> LedgerEntry:
    """Change a draft or a returned entry (and submit it with ``submit``); approved entries are locked."""
    entry = _locked_own(actor, entry)
    action = "submit" if submit else "save"
    _move(entry, action)
    checked = check_entry_values(entry.version, values, actor=actor, complete=submit)
    checked.raise_first()
    before = entry.state
    entry.values = checked.values
    entry.save(update_fields=["values"])
    _event(entry, actor=actor, action="save", before=before, payload={"values": checked.values})
    if submit:
        _require_attachments(entry)
        _submit_checked(entry, actor=actor)
    return entry


def _require_attachments(entry: LedgerEntry) -> None:
    missing = _missing_attachments(entry)
    if missing:
        raise ApplicationError(f"{missing[0]}：必须上传附件", field="attachments", code="attachment_required")


@transaction.atomic
def entry_submit(*, actor: User, entry: LedgerEntry) -> LedgerEntry:
    entry = _locked_own(actor, entry)
    _move(entry, "submit")
    check_entry_values(entry.version, entry.values, actor=actor).raise_first()
    _require_attachments(entry)
    _submit_checked(entry, actor=actor)
    return entry


@transaction.atomic
def entry_attach(*, actor: User, entry: LedgerEntry, field: str, file: UploadedFile) -> LedgerAttachment:
    """Evidence for an attachment field of a draft or returned entry."""
    entry = _locked_own(actor, entry)
    _move(entry, "save")
    names = {f.name for f in fields_from_json(entry.version.fields) if f.kind == "attachment"}
    if field not in names:
        raise ApplicationError("该台账没有这个附件字段", field="field", code="attachment_field")
    if file.size is None or file.size > MAX_ATTACHMENT:
        raise ApplicationError("附件不能超过 10 MB", field="file", code="attachment_too_large")
    attachment = LedgerAttachment.objects.create(entry=entry, field=field, file=file, name=(file.name or "")[:200],
                                                 uploaded_at=clock.now())
    _event(entry, actor=actor, action="save", before=entry.state, payload={"attachment": field,
                                                                            "name": attachment.name})
    return attachment


def _locked_for_review(actor: User, entry: LedgerEntry) -> LedgerEntry:
    entry = LedgerEntry.objects.select_for_update().select_related("ledger").get(pk=entry.pk)
    policy.check(policy.may_review(actor, entry), "您不能审核该条目（仅主管部门审核，且不能审核本人填报的条目）")
    return entry


def _approve_checked(entry: LedgerEntry, *, actor: User | None) -> None:
    before = entry.state
    entry.state = _move(entry, "approve")
    entry.approved_at = clock.now()
    entry.save(update_fields=["state", "approved_at"])
    _event(entry, actor=actor, action="approve", before=before)
    if entry.revises_id is not None:
        old = LedgerEntry.objects.select_for_update().get(pk=entry.revises_id)
        old_before = old.state
        old.state = _move(old, "supersede")
        old.save(update_fields=["state"])
        _event(old, actor=actor, action="supersede", before=old_before, payload={"by": entry.pk})


def _return_checked(entry: LedgerEntry, *, actor: User | None, reason: str) -> None:
    before = entry.state
    entry.state = _move(entry, "return")
    entry.reason = reason
    entry.save(update_fields=["state", "reason"])
    _event(entry, actor=actor, action="return", before=before, note=reason)


@transaction.atomic
def entry_approve(*, actor: User, entry: LedgerEntry) -> LedgerEntry:
    """Approve a submitted entry: it counts in the figures and is locked. An approved revision replaces the entry
    it revises."""
    entry = _locked_for_review(actor, entry)
    _approve_checked(entry, actor=actor)
    return entry


def _reason(reason: str, *, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("原因：不能为空", field=field, code="required")
    if len(reason) > 500:
        raise ApplicationError("原因：不能超过500字", field=field, code="invalid")
    return reason


@transaction.atomic
def entry_return(*, actor: User, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """Return a submitted entry to its unit with the reason."""
    reason = _reason(reason)
    entry = _locked_for_review(actor, entry)
    _return_checked(entry, actor=actor, reason=reason)
    return entry


@transaction.atomic
def entry_revise(*, actor: User, entry: LedgerEntry, values: Mapping[str, Any], reason: str) -> LedgerEntry:
    """Correct an approved entry: a new entry (the next revision, under the ledger's current version) submitted
    with the reason; the approved one counts until the revision is approved."""
    reason = _reason(reason)
    entry = _locked_own(actor, entry)
    if entry.state != workflow.APPROVED:
        raise Conflict("只有已通过的条目需要修订；草稿或退回的条目可直接修改", code="entry_state")
    if entry.revisions.exclude(state=workflow.SUPERSEDED).exclude(state=workflow.APPROVED).exists():
        raise Conflict("该条目已有待审核的修订", code="revision_pending")
    version = _fill_context(actor=actor, ledger=entry.ledger, unit=entry.org_unit)
    checked = check_entry_values(version, values, actor=actor)
    checked.raise_first()
    return create_checked(actor=actor, ledger=entry.ledger, version=version, unit=entry.org_unit,
                           period_start=entry.period_start, values=checked.values, state=workflow.SUBMITTED,
                           revises=entry, reason=reason)


# --- reminders (催报) -------------------------------------------------------------------------------------------


@transaction.atomic
def ledger_reminders_queue(*, year: int, today: dt.date | None = None) -> int:
    """Queue a reminder for every report of ``year`` past its due date and still not submitted (once per ledger,
    unit and period), and mark answered those whose report has come in since. Returns the reminders queued."""
    from gaoxin.ledgers.selectors import due_periods

    today = today or clock.now().date()
    now = clock.now()
    queued = 0
    submitted: set[tuple[int, int, dt.date]] = set()
    for due in due_periods(year=year, until=today):
        key = f"{due.ledger.code}:{due.unit.code}:{due.period_start.isoformat()}"
        if due.submitted:
            submitted.add((due.ledger.pk, due.unit.pk, due.period_start))
            continue
        if due.due_date >= today:
            continue
        _, created = LedgerReminder.objects.get_or_create(message_id=key, defaults={
            "ledger": due.ledger, "org_unit": due.unit, "period_start": due.period_start, "due_date": due.due_date,
            "text": f"请尽快报送{due.ledger.name}（{due.label}），截止日期 {due.due_date.isoformat()} 已过",
            "created_at": now})
        queued += created
    for reminder in LedgerReminder.objects.filter(answered_at=None, period_start__year=year):
        if (reminder.ledger_id, reminder.org_unit_id, reminder.period_start) in submitted:
            reminder.answered_at = now
            reminder.save(update_fields=["answered_at"])
    return queued

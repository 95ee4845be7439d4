"""Writes of the indicators app: submissions and their workflow (draft → submitted → approved / returned, approved
values locked, every change an append-only event), evidence files, reference values, the catalog, and the
approved simulated submissions of the seed year."""

from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import transaction

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import Role
from gaoxin.accounts.selectors import org_unit_in_scope
from gaoxin.core import audit, clock, textstats
from gaoxin.core.errors import ApplicationError, Conflict, PermissionDenied
from gaoxin.core.validation import parse_date
from gaoxin.indicators import catalog, references
from gaoxin.indicators.models import (
    Indicator,
    ReferenceValue,
    SourceDocument,
    Submission,
    SubmissionEvent,
    SubmissionEvidence,
    YearClose,
)

SUBMITTER_ROLES = frozenset({Role.DATA_OFFICER, Role.ADMIN})
APPROVER_ROLES = frozenset({Role.LEADER, Role.ADMIN})
EDITABLE = (Submission.Status.DRAFT, Submission.Status.RETURNED, Submission.Status.WITHDRAWN)
MAX_VALUE = Decimal("1e15")
S = Submission.Status


def catalog_sync() -> int:
    """Bring the database's catalog in line with ``catalog.definitions()`` (the code is the source)."""
    return catalog.catalog_ensure()


def zone_unit() -> OrgUnit:
    unit = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    if unit is None:
        raise ApplicationError("尚未建立管委会（根机构），无法填报全区指标", field="org_unit", code="no_zone_unit")
    return unit


def parse_value(raw: Any, *, indicator: Indicator, field: str = "value") -> Decimal:
    """A submitted number: finite, not negative, at most 4 decimals; a rank is a whole number ≥ 1."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ApplicationError("数值不能为空", field=field, code="required")
    if isinstance(raw, bool):
        raise ApplicationError("数值必须是数字", field=field, code="not_a_number")
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        raise ApplicationError(f"数值必须是数字（收到“{raw}”）", field=field, code="not_a_number") from None
    if not value.is_finite():
        raise ApplicationError("数值必须是有限的数字", field=field, code="not_a_number")
    if value < 0:
        raise ApplicationError("数值不能为负数", field=field, code="negative")
    if value >= MAX_VALUE:
        raise ApplicationError("数值过大", field=field, code="too_large")
    if value != value.quantize(Decimal("0.0001")):
        raise ApplicationError("数值最多保留 4 位小数", field=field, code="too_precise")
    if indicator.measure == Indicator.Measure.RANK and (value < 1 or value != value.to_integral_value()):
        raise ApplicationError("排名必须是不小于 1 的整数", field=field, code="bad_rank")
    return value


def parse_period(period: Any) -> str:
    text = str(period).strip()
    if not (len(text) == 4 and text.isdecimal() and 2000 <= int(text) <= 2100):
        raise ApplicationError("统计期必须是四位年份，如 2023", field="period", code="bad_period")
    return text


def check_submitter(*, actor: User, indicator: Indicator, org_unit: OrgUnit) -> None:
    if not (actor.is_superuser or actor.role in SUBMITTER_ROLES):
        raise PermissionDenied("只有数据填报员和管理员可以填报指标", code="submission_role")
    if indicator.source != Indicator.Source.SUBMITTED:
        raise ApplicationError(f"{indicator.ref} 由平台{indicator.get_source_display()}，不接受填报",
                               field="indicator", code="not_submitted_indicator")
    is_admin = actor.is_superuser or actor.role == Role.ADMIN
    home = actor.org_unit
    if not is_admin and (home is None or home.code != indicator.owner_code):
        raise PermissionDenied(f"{indicator.ref} 由编码为 {indicator.owner_code} 的部门填报", field="indicator",
                               code="submission_not_owner")
    if not is_admin and org_unit.parent_id is not None and not org_unit_in_scope(actor=actor, unit=org_unit):
        raise PermissionDenied("该统计单位不在您的管辖范围内", field="org_unit", code="submission_out_of_scope")


def _log(submission: Submission, *, actor: User | None, action: str, from_status: str,
         value_before: Decimal | None = None, note: str = "") -> None:
    audit.append(SubmissionEvent, submission, actor=actor if actor is not None and actor.pk else None,
                 at=clock.now(), action=action, from_status=from_status, to_status=submission.status,
                 value_before=value_before, value_after=submission.value, note=note[:500])


def check_period_open(period: str) -> None:
    """Refuse a change to a submission of a closed year (年度关账: that year's figures are frozen)."""
    if period.isdecimal() and YearClose.objects.filter(year=int(period)).exists():
        raise Conflict(f"{period} 年已关账，该年度的填报不能再修改；如数值有误，请由领导在关账页登记调整并说明原因",
                       field="period", code="year_closed")


def is_open_for_entry(submission: Submission) -> bool:
    """Whether a department may enter a value into this slot: a draft, returned or withdrawn submission, or a
    simulated value, which a real one supersedes."""
    return submission.status in EDITABLE or submission.is_simulated


def _reason(reason: str | None, *, what: str) -> str:
    if not reason or not reason.strip():
        raise ApplicationError(f"{what}时必须填写原因", field="reason", code="reason_required")
    return reason.strip()[:500]


def _locked(submission: Submission) -> Submission:
    return Submission.objects.select_for_update().select_related("indicator").get(pk=submission.pk)


@transaction.atomic
def submission_save(
    *, actor: User, indicator: Indicator, period: Any, value: Any, org_unit: OrgUnit | None = None, note: str = "",
) -> Submission:
    """Create or change the draft of ``indicator`` × ``period`` × ``org_unit`` (the zone when omitted). A returned
    submission becomes a draft again; a submitted or approved one cannot be changed."""
    unit = org_unit or zone_unit()
    period = parse_period(period)
    check_submitter(actor=actor, indicator=indicator, org_unit=unit)
    check_period_open(period)
    number = parse_value(value, indicator=indicator)
    now = clock.now()
    existing = Submission.objects.select_for_update().filter(indicator=indicator, period=period, org_unit=unit).first()
    if existing is None:
        submission = Submission.objects.create(indicator=indicator, period=period, org_unit=unit, value=number,
                                               note=note[:500], created_by=actor, created_at=now, updated_at=now)
        _log(submission, actor=actor, action="create", from_status="", note=note)
        return submission
    if existing.is_simulated:
        return _supersede_simulated(existing, actor=actor, value=number, note=note, now=now)
    if existing.status not in EDITABLE:
        raise Conflict(f"{indicator.ref} {period} 年的数值{existing.get_status_display()}，不能直接修改；"
                       "如需更正，请在填报页“修订”并说明原因", field="value", code="submission_locked")
    before, from_status = existing.value, existing.status
    existing.value, existing.note, existing.status, existing.updated_at = number, note[:500], S.DRAFT, now
    existing.save(update_fields=["value", "note", "status", "updated_at"])
    _log(existing, actor=actor, action="edit", from_status=from_status, value_before=before, note=note)
    return existing


def _supersede_simulated(existing: Submission, *, actor: User, value: Decimal, note: str, now: Any) -> Submission:
    """A department's real value takes the slot of a simulated one: a draft of the department, reviewed as any
    other; the simulated value stays in the history (``value_before``)."""
    before, from_status = existing.value, existing.status
    existing.value, existing.note, existing.status, existing.updated_at = value, note[:500], S.DRAFT, now
    existing.is_simulated, existing.created_by = False, actor
    existing.submitted_at = existing.approved_at = existing.approved_by = None
    existing.return_reason = ""
    existing.save(update_fields=["value", "note", "status", "updated_at", "is_simulated", "created_by",
                                 "submitted_at", "approved_at", "approved_by", "return_reason"])
    _log(existing, actor=actor, action="supersede", from_status=from_status, value_before=before,
         note=f"以部门填报取代模拟数据（原值 {before.normalize()}）")
    return existing


@transaction.atomic
def submission_revise(*, actor: User, submission: Submission, value: Any, reason: str) -> Submission:
    """Correct an approved value: the new value, with the reason, goes back to review (approved → submitted);
    until it is approved again the figure has no value."""
    why = _reason(reason, what="修订")
    locked = _locked(submission)
    check_period_open(locked.period)
    check_submitter(actor=actor, indicator=locked.indicator, org_unit=locked.org_unit)
    if locked.status != S.APPROVED or locked.is_simulated:
        raise Conflict(f"只有已审核的部门填报可以修订（当前：{locked.get_status_display()}）", field="status",
                       code="submission_bad_state")
    number = parse_value(value, indicator=locked.indicator)
    before, now = locked.value, clock.now()
    locked.value, locked.status, locked.submitted_at, locked.updated_at = number, S.SUBMITTED, now, now
    locked.approved_by, locked.approved_at = None, None
    locked.save(update_fields=["value", "status", "submitted_at", "updated_at", "approved_by", "approved_at"])
    _log(locked, actor=actor, action="revise", from_status=S.APPROVED, value_before=before, note=why)
    return locked


@transaction.atomic
def submission_withdraw(*, actor: User, submission: Submission, reason: str) -> Submission:
    """Withdraw a submitted or approved value with a reason: the figure has no value until one is approved again
    (the department may enter it anew)."""
    why = _reason(reason, what="撤回")
    locked = _locked(submission)
    check_period_open(locked.period)
    check_submitter(actor=actor, indicator=locked.indicator, org_unit=locked.org_unit)
    if locked.status not in (S.SUBMITTED, S.APPROVED):
        raise Conflict(f"只有已提交或已审核的填报可以撤回（当前：{locked.get_status_display()}）", field="status",
                       code="submission_bad_state")
    from_status = locked.status
    locked.status, locked.updated_at = S.WITHDRAWN, clock.now()
    locked.approved_by, locked.approved_at = None, None
    locked.save(update_fields=["status", "updated_at", "approved_by", "approved_at"])
    _log(locked, actor=actor, action="withdraw", from_status=from_status, note=why)
    return locked


def submission_actions(*, actor: User, submission: Submission) -> list[str]:
    """The actions ``actor`` may take on ``submission`` now (the page shows these buttons and no other)."""
    actions: list[str] = []
    try:
        check_submitter(actor=actor, indicator=submission.indicator, org_unit=submission.org_unit)
        may_submit = True
    except ApplicationError:
        may_submit = False
    if may_submit and is_open_for_entry(submission):
        actions += ["evidence", "submit"] if submission.status in EDITABLE else ["supersede"]
    if may_submit and submission.status == S.APPROVED and not submission.is_simulated:
        actions.append("revise")
    if may_submit and submission.status in (S.SUBMITTED, S.APPROVED) and not submission.is_simulated:
        actions.append("withdraw")
    try:
        _check_approver(actor, submission)
        actions += ["approve", "return"]
    except ApplicationError:
        pass
    return actions


@transaction.atomic
def submission_submit(*, actor: User, submission: Submission) -> Submission:
    locked = _locked(submission)
    check_period_open(locked.period)
    check_submitter(actor=actor, indicator=locked.indicator, org_unit=locked.org_unit)
    if locked.status not in EDITABLE:
        raise Conflict(f"只有草稿或退回的填报可以提交（当前：{locked.get_status_display()}）", field="status",
                       code="submission_bad_state")
    if not locked.evidence.exists():
        raise ApplicationError("提交前请上传至少一份证明材料", field="evidence", code="evidence_required")
    from_status = locked.status
    locked.status, locked.submitted_at, locked.updated_at = S.SUBMITTED, clock.now(), clock.now()
    locked.return_reason = ""
    locked.save(update_fields=["status", "submitted_at", "updated_at", "return_reason"])
    _log(locked, actor=actor, action="submit", from_status=from_status)
    return locked


def _check_approver(actor: User, submission: Submission) -> None:
    if not (actor.is_superuser or actor.role in APPROVER_ROLES):
        raise PermissionDenied("只有领导和管理员可以审核填报", code="approval_role")
    if submission.created_by_id == actor.pk or submission.events.filter(
            action__in=["edit", "submit", "supersede", "revise"], actor=actor).exists():
        raise PermissionDenied("填报人不能审核自己的填报", code="approval_self")
    if submission.status != S.SUBMITTED:
        raise Conflict(f"只有已提交的填报可以审核（当前：{submission.get_status_display()}）", field="status",
                       code="submission_bad_state")


@transaction.atomic
def submission_approve(*, actor: User, submission: Submission, note: str = "") -> Submission:
    """Approve a submitted value: from now on it is locked and the figure uses it."""
    locked = _locked(submission)
    check_period_open(locked.period)
    _check_approver(actor, locked)
    locked.status, locked.approved_by, locked.approved_at = S.APPROVED, actor, clock.now()
    locked.updated_at = locked.approved_at
    locked.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    _log(locked, actor=actor, action="approve", from_status=S.SUBMITTED, note=note)
    return locked


@transaction.atomic
def submission_return(*, actor: User, submission: Submission, reason: str) -> Submission:
    """Send a submitted value back to its department with a reason."""
    why = _reason(reason, what="退回")
    locked = _locked(submission)
    check_period_open(locked.period)
    _check_approver(actor, locked)
    locked.status, locked.return_reason, locked.updated_at = S.RETURNED, why, clock.now()
    locked.save(update_fields=["status", "return_reason", "updated_at"])
    _log(locked, actor=actor, action="return", from_status=S.SUBMITTED, note=reason)
    return locked


@transaction.atomic
def submission_evidence_add(*, actor: User, submission: Submission, file: File, name: str = "") -> SubmissionEvidence:
    """Attach an evidence file to a draft or returned submission."""
    locked = _locked(submission)
    check_period_open(locked.period)
    check_submitter(actor=actor, indicator=locked.indicator, org_unit=locked.org_unit)
    if locked.status not in EDITABLE:
        raise Conflict(f"{locked.get_status_display()}的填报不能再添加材料", field="evidence",
                       code="submission_locked")
    content = file.read()
    if not content:
        raise ApplicationError("证明材料为空文件", field="evidence", code="empty_file")
    if len(content) > 10 * 1024 * 1024:
        raise ApplicationError("证明材料不能超过 10 MB", field="evidence", code="file_too_large")
    original = (name or getattr(file, "name", "") or "evidence").rsplit("/", 1)[-1][:200]
    evidence = SubmissionEvidence(submission=locked, original_name=original,
                                  sha256=hashlib.sha256(content).hexdigest(), uploaded_by=actor,
                                  uploaded_at=clock.now())
    evidence.file.save(original, ContentFile(content), save=False)
    evidence.save()
    _log(locked, actor=actor, action="evidence", from_status=locked.status, note=original)
    return evidence


@transaction.atomic
def reference_value_set(
    *, actor: User | None, key: str, period: Any, scope: str, value: Any, source: str, peer: str = "",
    unit: str = "", is_synthetic: bool = False, document: str = "", issuer: str = "", issued_on: Any = None,
) -> ReferenceValue:
    """Create or replace one reference value (``key`` an indicator code or a free key). An official value carries
    its citation — the document (title and number), the issuing body and the date; only a value marked
    synthetic (模拟) may go without."""
    if actor is not None and not (actor.is_superuser or actor.role in (Role.ADMIN, Role.DATA_OFFICER)):
        raise PermissionDenied("只有数据填报员和管理员可以维护参考值", code="reference_role")
    if scope not in ReferenceValue.Scope.values:
        raise ApplicationError(f"未知的参考范围：{scope}", field="scope")
    if not source.strip():
        raise ApplicationError("参考值必须注明来源", field="source", code="source_required")
    try:
        issued = parse_date(issued_on)
    except ValueError:
        raise ApplicationError(f"发布日期格式不正确（收到“{issued_on}”），应为 YYYY-MM-DD", field="issued_on",
                               code="bad_date") from None
    if not is_synthetic:
        citation = (("document", "文件名称及文号", document.strip()), ("issuer", "发布机关", issuer.strip()),
                    ("issued_on", "发布日期", issued))
        for name, label, given in citation:
            if not given:
                raise ApplicationError(f"非模拟的参考值必须注明{label}", field=name, code="citation_required")
    period = parse_period(period)
    indicator = Indicator.objects.filter(code=key).first()
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ApplicationError("数值必须是数字", field="value", code="not_a_number") from None
    row, _ = ReferenceValue.objects.update_or_create(
        key=key, period=period, scope=scope, peer=peer,
        defaults={"indicator": indicator, "value": number, "unit": unit, "source": source[:300],
                  "is_synthetic": is_synthetic, "document": document.strip()[:200], "issuer": issuer.strip()[:100],
                  "issued_on": issued},
    )
    return row


MAX_DOCUMENT = 20 * 1024 * 1024


def may_upload_documents(actor: User) -> bool:
    return actor.is_superuser or actor.role in SUBMITTER_ROLES


@transaction.atomic
def document_upload(*, actor: User, kind: str, period: Any, title: str, issuer: str, issued_on: Any, file: File,
                    name: str = "") -> SourceDocument:
    """Keep an official document (the work report …) a figure is counted from, with its citation and its text
    extracted (``core.textstats``); refused with the field named when a field is missing or the text cannot be
    read. A year already closed takes no new document."""
    if not may_upload_documents(actor):
        raise PermissionDenied("只有数据填报员和管理员可以上传来源文件", code="document_role")
    if kind not in SourceDocument.Kind.values:
        raise ApplicationError(f"未知的文件类型：{kind}", field="kind")
    period = parse_period(period)
    check_period_open(period)
    citation = (("title", "文件名称及文号", title.strip(), 200), ("issuer", "发布机关", issuer.strip(), 100))
    for field_name, label, given, limit in citation:
        if not given:
            raise ApplicationError(f"{label}：不能为空", field=field_name, code="required")
        if len(given) > limit:
            raise ApplicationError(f"{label}：不能超过 {limit} 字", field=field_name, code="too_long")
    try:
        issued = parse_date(issued_on)
    except ValueError:
        raise ApplicationError(f"发布日期格式不正确（收到“{issued_on}”），应为 YYYY-MM-DD", field="issued_on",
                               code="bad_date") from None
    if issued is None:
        raise ApplicationError("发布日期：不能为空", field="issued_on", code="required")
    content = file.read()
    if not content:
        raise ApplicationError("文件：空文件", field="file", code="empty_file")
    if len(content) > MAX_DOCUMENT:
        raise ApplicationError("文件：不能超过 20 MB", field="file", code="file_too_large")
    original = (name or getattr(file, "name", "") or "document").rsplit("/", 1)[-1][:200]
    text = textstats.text_of(content, original)
    if not text.strip():
        raise ApplicationError("文件：没有可提取的文字（扫描件请先做文字识别）", field="file", code="no_text")
    document = SourceDocument(kind=kind, period=period, title=title.strip(), issuer=issuer.strip(),
                              issued_on=issued, name=original, sha256=hashlib.sha256(content).hexdigest(),
                              text=text, uploaded_by=actor, uploaded_at=clock.now())
    document.file.save(original, ContentFile(content), save=False)
    document.save()
    return document


def reference_values_ensure(*, year: int) -> int:
    """Load the reference values the seed implies for ``year`` (those not present yet). Returns rows created."""
    created = 0
    for row in references.reference_rows(year):
        if not ReferenceValue.objects.filter(key=row["key"], period=row["period"], scope=row["scope"],
                                             peer=row["peer"]).exists():
            reference_value_set(actor=None, key=row["key"], period=row["period"], scope=row["scope"],
                                peer=row["peer"], value=row["value"], unit=row["unit"], source=row["source"],
                                is_synthetic=row["is_synthetic"])
            created += 1
    return created


@transaction.atomic
def simulated_submissions_ensure(*, year: int, actor: User | None = None) -> int:
    """For the simulated year: an approved zone-level submission marked ``is_simulated`` with the seed's value for
    every ``submitted`` indicator that has none yet, plus the seed's reference values. Idempotent; a real
    submission of the slot is never touched. Returns the number of submissions created."""
    catalog_sync()
    if YearClose.objects.filter(year=year).exists():
        return 0  # a closed year's figures are frozen
    reference_values_ensure(year=year)
    unit = zone_unit()
    period = str(year)
    seeds = {d.ref: d.seed_value for d in catalog.definitions()}
    taken = set(Submission.objects.filter(period=period, org_unit=unit).values_list("indicator_id", flat=True))
    now = clock.now()
    creator = actor if actor is not None and actor.pk else None
    created = 0
    for indicator in Indicator.objects.filter(source=Indicator.Source.SUBMITTED).order_by("sort_order"):
        if indicator.pk in taken or indicator.ref not in seeds:
            continue
        submission = Submission.objects.create(
            indicator=indicator, period=period, org_unit=unit, value=seeds[indicator.ref],
            note="模拟数据：取自种子文章的数值", status=S.APPROVED, created_by=creator, submitted_at=now,
            approved_by=creator, approved_at=now, is_simulated=True, created_at=now, updated_at=now,
        )
        _log(submission, actor=creator, action="simulate", from_status="", note="simulated_submissions_ensure")
        created += 1
    return created

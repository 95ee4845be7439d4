"""Every write of a case. One service per workflow transition (see ``workflow.py``); each is atomic, checks the
actor's role and scope and the case's state, and writes exactly one immutable, hash-chained ``CaseEvent``.
What the outside world must hear is written in the same transaction (the 12345 reply outbox,
``gaoxin.hotline.outbox``), so it commits or rolls back with the change. A refused move raises
``ApplicationError`` (Chinese message, stable ``code``) and changes nothing.

Who may do what (DESIGN §1):

=====================  ===========================================================================================
report                 citizens / enterprises (public_web, open311; they become ``reporter_user``), grid workers
                       (grid_worker), center staff (hotline_12345, city_inspector, public_web, open311), service
                       cadres (enterprise_visit, reception_day), leaders (leader_assigned).
register, reject,      center staff — operator, dispatcher, shift lead — of the case's center: a street center
merge                  acts for its own street's cases, the zone center for every case.
dispatch, approve_*    dispatcher or shift lead of the case's center; a street center dispatches only to units
                       of its street, the zone center to any department, street office or community.
accept, return,        handler whose unit is the assignee (or above it, e.g. a street office's handler for a case
request_*, feedback    assigned to one of its communities).
resume                 the assignee's handler or the center's dispatcher / shift lead.
verify                 a grid worker of the case's grid or micro-grid, or center staff of the case's center.
evaluate               the reporter (``reporter_user``) or center staff of the case's center (回访).
reopen                 dispatcher or shift lead of the case's center, after an unsatisfied evaluation.
=====================  ===========================================================================================

Concurrency: every transition locks the case row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's IMMEDIATE
transactions serialise writers) and compares the caller's ``case.version`` with the stored one; the write itself
is a conditional ``UPDATE … WHERE version = n``. Of two actors moving the same case from the same version
exactly one wins; the other gets ``Conflict`` (code ``stale_version``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import Role
from gaoxin.accounts.selectors import scope_roots
from gaoxin.cases import audit, reference, rollup, selectors, timelimits, workflow
from gaoxin.cases.models import (
    Case,
    CaseAttachment,
    CaseEvent,
    CaseNumberCounter,
    Category,
    Channel,
    Satisfaction,
    SupervisionNotice,
    Urgency,
)
from gaoxin.cases.rows import PreparedInsert
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError, Conflict, PermissionDenied
from gaoxin.grids.locator import get_locator
from gaoxin.grids.models import Grid

logger = logging.getLogger(__name__)

CENTER_ROLES = selectors.CENTER_ROLES
DISPATCH_ROLES = frozenset({Role.DISPATCHER, Role.SHIFT_LEAD})
REPORT_CHANNELS: dict[str, frozenset[str]] = {
    Role.CITIZEN: frozenset({Channel.PUBLIC_WEB, Channel.OPEN311}),
    Role.ENTERPRISE: frozenset({Channel.PUBLIC_WEB, Channel.OPEN311}),
    Role.GRID_WORKER: frozenset({Channel.GRID_WORKER}),
    Role.SERVICE_CADRE: frozenset({Channel.ENTERPRISE_VISIT, Channel.RECEPTION_DAY}),
    Role.LEADER: frozenset({Channel.LEADER_ASSIGNED}),
    **{
        role: frozenset({Channel.HOTLINE_12345, Channel.CITY_INSPECTOR, Channel.PUBLIC_WEB, Channel.OPEN311})
        for role in CENTER_ROLES
    },
}
# Choices' ``.values`` builds a new list on every read; the intake checks these sets instead.
CHANNELS, URGENCIES = frozenset(Channel.values), frozenset(Urgency.values)
DISPATCH_TARGET_KINDS = frozenset({OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.STREET_OFFICE, OrgUnit.Kind.COMMUNITY})
ATTACHMENT_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/heic", "video/mp4", "application/pdf"})
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
MAX_EXTENSION = 30


def case_number(day: dt.date, seq: int) -> str:
    """The human-readable number: the intake day (Beijing) and a per-day sequence, e.g. ``20230301000017``."""
    return f"{day:%Y%m%d}{seq:06d}"


def _next_case_number(moment: dt.datetime) -> str:
    """Take the next number of the intake day (see ``CaseNumberCounter`` for the rule on each database)."""
    day = timezone.localdate(moment)
    if connection.vendor == "postgresql":
        return case_number(day, _sequence_serial(day))
    return case_number(day, _counter_serial(day))


def _counter_serial(day: dt.date) -> int:
    """``UPDATE … RETURNING`` of the day's counter, and on the day's first case an upsert (``INSERT … ON CONFLICT
    DO UPDATE … RETURNING``; SQLite ≥ 3.35 knows both). The counter row stays locked until the caller's
    transaction ends: numbers are gap-free, and intakes of one day commit one at a time — which costs nothing on
    SQLite, where every write transaction holds the database's single write lock anyway."""
    quote = connection.ops.quote_name
    table, last, day_column = quote(CaseNumberCounter._meta.db_table), quote("last"), quote("day")
    params = [connection.ops.adapt_datefield_value(day)]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {last} = {last} + 1 WHERE {day_column} = %s "  # noqa: S608  # names only
                       f"RETURNING {last}", params)
        row = cursor.fetchone()
        if row is None:
            cursor.execute(f"INSERT INTO {table} ({day_column}, {last}) VALUES (%s, 1) "  # noqa: S608  # names only
                           f"ON CONFLICT ({day_column}) DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}",
                           params)
            row = cursor.fetchone()
    return int(row[0])


CASE_NUMBER_SEQUENCE = "cases_case_number_seq"  # PostgreSQL only (migration 0008)
# The sequence's value now: the last one handed out (0 before the first).
SEQUENCE_NOW = f"SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {CASE_NUMBER_SEQUENCE}"  # noqa: S608


def _sequence_serial(day: dt.date) -> int:
    """PostgreSQL: the next value of one sequence less the day's base, in one statement that reads the base first
    and takes the value after it (so the value is above any base it can see). The first number of a day sets the
    base to the sequence's value then, less the numbers the day already has (a bulk-loaded day continues after
    them); a concurrent first number waits on that row and then uses the same base."""
    table = CaseNumberCounter._meta.db_table
    params = [day]
    with connection.cursor() as cursor:
        for _ in range(2):
            cursor.execute(f"SELECT nextval('{CASE_NUMBER_SEQUENCE}') - base FROM {table} "  # noqa: S608  # names only
                           "WHERE day = %s AND base IS NOT NULL", params)
            row = cursor.fetchone()
            if row is not None:
                return int(row[0])
            cursor.execute(f"INSERT INTO {table} AS c (day, last, base) VALUES (%s, 0, ({SEQUENCE_NOW})) "  # noqa: S608
                           f"ON CONFLICT (day) DO UPDATE SET base = ({SEQUENCE_NOW}) - c.last WHERE c.base IS NULL",
                           params)
    raise AssertionError(f"no case-number base for {day}")  # the upsert above has set it or waited for it


def case_number_last_serials(since: dt.date) -> dict[dt.date, int]:
    """The highest serial each day from ``since`` on has given out, for a bulk load that continues the days'
    numbering (on PostgreSQL an upper bound: the sequence's values since the day's base, some of them taken for
    other days or by transactions that failed). The load writes its own ``last`` and clears ``base``, so that the
    next live number of such a day sets a new base after the loaded numbers."""
    counters = CaseNumberCounter.objects.filter(day__gte=since).values_list("day", "last", "base")
    if connection.vendor != "postgresql":
        return {day: last for day, last, _ in counters}
    with connection.cursor() as cursor:
        cursor.execute(SEQUENCE_NOW)
        now = int(cursor.fetchone()[0])
    return {day: last if base is None else max(last, now - base) for day, last, base in counters}


# --- checks --------------------------------------------------------------------------------------------------

def org_unit_in_scope(*, actor: User, unit: OrgUnit) -> bool:
    """``accounts.selectors.org_unit_in_scope`` with the actor's scope roots remembered on the actor object for
    its lifetime (one request, one task), since every transition checks scope once or twice."""
    roots = getattr(actor, "_cases_scope_roots", None)
    if roots is None:
        roots = [root.path for root in scope_roots(actor=actor)]
        actor._cases_scope_roots = roots  # type: ignore[attr-defined]
    return any(unit.path.startswith(root) for root in roots)


def _role_label(actor: User) -> str:
    return Role(actor.role).label if actor.role in Role.values else actor.role


def _require_center_staff(actor: User, case: Case, roles: frozenset[str], what: str) -> None:
    if actor.role not in roles:
        raise PermissionDenied(f"{_role_label(actor)}无权{what}", code="role_not_allowed")
    unit = actor.org_unit
    if unit is None or unit.kind not in selectors.CENTER_KINDS:
        raise PermissionDenied(f"只有城运中心人员可以{what}", code="not_center_staff")
    if not org_unit_in_scope(actor=actor, unit=case.center):
        raise PermissionDenied(f"案件 {case.number} 不属于本城运中心，无权{what}", code="out_of_scope")


def _require_handler(actor: User, case: Case, what: str) -> None:
    if actor.role != Role.HANDLER:
        raise PermissionDenied(f"{_role_label(actor)}无权{what}", code="role_not_allowed")
    if case.assignee is None or not org_unit_in_scope(actor=actor, unit=case.assignee):
        raise PermissionDenied(f"案件 {case.number} 未派遣给本单位，无权{what}", code="not_assignee")


def _is_grid_worker_of(actor: User, case: Case) -> bool:
    ids = [g for g in (case.grid_id, case.micro_grid_id) if g]
    return bool(ids) and Grid.workers.through.objects.filter(user_id=actor.pk, grid_id__in=ids).exists()


def _require_move(case: Case, action: str) -> str:
    try:
        return workflow.next_state(case.state, action)
    except workflow.WorkflowError as exc:
        raise ApplicationError(str(exc), field="state", code="illegal_transition", status=409) from None


def _require_text(value: str, field: str, label: str, max_length: int = 2000) -> str:
    text = (value or "").strip()
    if not text:
        raise ApplicationError(f"{label}不能为空", field=field, code="required")
    if len(text) > max_length:
        raise ApplicationError(f"{label}不能超过 {max_length} 字", field=field, code="too_long")
    return text


def _lock(case: Case) -> Case:
    """The current row, locked for the rest of the transaction; Conflict when the caller's copy is stale."""
    rows = list(
        Case.objects.select_for_update(of=("self",))
        .select_related("category", "center", "assignee")
        .filter(pk=case.pk)
        .order_by()[:1]
    )
    if not rows:
        raise ApplicationError("案件不存在", field="case", code="case_not_found", status=404)
    current = rows[0]
    if current.version != case.version:
        raise Conflict(
            f"案件 {current.number} 已被他人更新（当前状态：{current.state_label}），请刷新后重试",
            code="stale_version",
            extra={"current_version": current.version, "current_state": current.state},
        )
    return current


# --- the one write path of a transition ----------------------------------------------------------------------

def _event_digest(*, case_number: str, seq: int, actor: User | None, at: dt.datetime, action: str,
                  from_state: str, to_state: str, note: str, payload: dict[str, Any], prev_hash: str) -> str:
    return audit.event_hash(case_number=case_number, seq=seq, actor_id=actor.pk if actor else None, at=at,
                            action=action, from_state=from_state, to_state=to_state, note=note, payload=payload,
                            prev_hash=prev_hash)


def _event(*, case: Case, actor: User | None, action: str, from_state: str, to_state: str, at: dt.datetime,
           note: str, payload: dict[str, Any]) -> tuple[CaseEvent, str]:
    seq = case.event_count + 1
    digest = _event_digest(case_number=case.number, seq=seq, actor=actor, at=at, action=action,
                           from_state=from_state, to_state=to_state, note=note, payload=payload,
                           prev_hash=case.audit_head)
    event = CaseEvent(case_id=case.pk, seq=seq, actor=actor, at=at, action=action, from_state=from_state,
                      to_state=to_state, note=note, payload=payload, prev_hash=case.audit_head, hash=digest)
    return event, digest


def _apply(*, actor: User, case: Case, action: str, now: dt.datetime, changes: dict[str, Any], note: str = "",
           payload: dict[str, Any] | None = None, attachments: Sequence[UploadedFile] = ()) -> Case:
    from_state = case.state
    to_state = _require_move(case, action)
    before = rollup.snapshot(case)
    files = _prepare_attachments(attachments)
    payload = dict(payload or {})
    if files:
        payload["attachments"] = [{"name": f.name, "sha256": sha, "size": f.size} for f, sha in files]
    event, digest = _event(case=case, actor=actor, action=action, from_state=from_state, to_state=to_state,
                           at=now, note=note, payload=payload)
    fields = dict(changes)
    if to_state != workflow.ACCEPTED:
        fields.setdefault("pending_extension_amount", None)
        fields.setdefault("pending_suspension", False)
    fields.update(state=to_state, version=case.version + 1, event_count=event.seq, audit_head=digest)
    if Case.objects.filter(pk=case.pk, version=case.version).update(**fields) != 1:
        raise Conflict(f"案件 {case.number} 已被他人更新，请刷新后重试", code="stale_version")
    event.save()
    for name, value in fields.items():
        setattr(case, name, value)
    rollup.case_changed(before, rollup.snapshot(case))
    _store_attachments(case, event, actor, files, now)
    return case


def _prepare_attachments(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    prepared = []
    for index, upload in enumerate(files):
        field = f"attachments[{index}]"
        content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip()
        if content_type not in ATTACHMENT_TYPES:
            raise ApplicationError(f"不支持的附件类型：{content_type or '未知'}", field=field, code="bad_attachment")
        if upload.size is None or upload.size > ATTACHMENT_MAX_BYTES:
            raise ApplicationError("附件不能超过 10 MB", field=field, code="attachment_too_large")
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        prepared.append((upload, digest.hexdigest()))
    return prepared


def _store_attachments(case: Case, event: CaseEvent, actor: User, files: list[tuple[UploadedFile, str]],
                       now: dt.datetime) -> None:
    for upload, sha in files:
        attachment = CaseAttachment(case=case, event=event, original_name=upload.name or "", size=upload.size or 0,
                                    content_type=upload.content_type or "", sha256=sha, uploaded_by=actor,
                                    uploaded_at=now)
        attachment.file.save(upload.name or "attachment", upload, save=False)
        attachment.save()


def _deadline_fields(case: Case, category: Category, urgency: str, start: dt.datetime) -> dict[str, Any]:
    deadline = timelimits.deadline_for(start, time_limit=category.time_limit, unit=category.time_unit,
                                       urgency=urgency)
    return {
        "clock_started_at": start,
        "deadline": deadline,
        "warn_at": timelimits.warn_point(start, deadline),
        "suspended_working_seconds": 0,
        "is_overdue": False,
    }


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


# --- intake --------------------------------------------------------------------------------------------------

def case_report(
    *,
    actor: User,
    channel: str,
    category: Category,
    description: str,
    address: str = "",
    lon: float | None = None,
    lat: float | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_user: User | None = None,
    external_ref: str = "",
    urgency: str | None = None,
    request_type: Category | None = None,
    attachments: Sequence[UploadedFile] = (),
    is_synthetic: bool = False,
    savepoint: bool = True,
) -> Case:
    """A new case in state ``reported``, located (point → micro-grid → grid → street, or the reporting grid
    worker's own grid) and routed to its center (see ``selectors.center_for``); it comes back with its category,
    center and street attached.

    ``savepoint=False`` is for a caller whose transaction rolls back whole on any error (the API's idempotent
    intake): nested in it, the report then needs no savepoint of its own."""
    with transaction.atomic(savepoint=savepoint):
        return _report(actor=actor, channel=channel, category=category, description=description, address=address,
                       lon=lon, lat=lat, reporter_name=reporter_name, reporter_phone=reporter_phone,
                       reporter_user=reporter_user, external_ref=external_ref, urgency=urgency,
                       request_type=request_type, attachments=attachments, is_synthetic=is_synthetic)


def _report(*, actor: User, channel: str, category: Category, description: str, address: str, lon: float | None,
            lat: float | None, reporter_name: str, reporter_phone: str, reporter_user: User | None,
            external_ref: str, urgency: str | None, request_type: Category | None,
            attachments: Sequence[UploadedFile], is_synthetic: bool) -> Case:
    if channel not in CHANNELS:
        raise ApplicationError(f"未知的来源渠道：{channel}", field="channel")
    if channel not in REPORT_CHANNELS.get(actor.role, frozenset()):
        raise PermissionDenied(f"{_role_label(actor)}不能通过“{Channel(channel).label}”上报", field="channel",
                               code="channel_not_allowed")
    if not isinstance(category, Category) or not category.is_active or not category.is_assignable:
        raise ApplicationError("请选择一个可用的案件小类", field="category")
    if request_type is not None and request_type.kind != Category.Kind.HOTLINE_TYPE:
        raise ApplicationError("诉求类型必须是 12345 诉求类型", field="request_type")
    description = _require_text(description, "description", "问题描述")
    address = (address or "").strip()
    if len(address) > 200:
        raise ApplicationError("地址不能超过 200 字", field="address")
    urgency = urgency or category.default_urgency
    if urgency not in URGENCIES:
        raise ApplicationError(f"未知的紧急程度：{urgency}", field="urgency")
    if (lon is None) != (lat is None):
        raise ApplicationError("经度和纬度必须同时提供", field="lat" if lat is None else "lon")
    if lon is not None and lat is not None:
        if not -180 <= lon <= 180:
            raise ApplicationError("经度必须在 -180 到 180 之间", field="lon")
        if not -90 <= lat <= 90:
            raise ApplicationError("纬度必须在 -90 到 90 之间", field="lat")
    reporter_phone = "".join((reporter_phone or "").split())
    if reporter_phone and (not 5 <= len(reporter_phone) <= 20
                           or not reporter_phone.replace("-", "").replace("+", "").isdigit()):
        raise ApplicationError("联系电话格式不正确", field="reporter_phone")
    reporter_name = (reporter_name or "").strip()[:50]
    external_ref = (external_ref or "").strip()
    if len(external_ref) > 64:
        raise ApplicationError("外部单号不能超过 64 个字符", field="external_ref")
    if actor.role in (Role.CITIZEN, Role.ENTERPRISE):
        reporter_user = actor
        reporter_name = reporter_name or actor.display_name
        reporter_phone = reporter_phone or actor.phone
    if external_ref and Case.objects.filter(channel=channel, external_ref=external_ref).exists():
        existing = Case.objects.filter(channel=channel, external_ref=external_ref).values_list("number", flat=True)[0]
        raise Conflict(f"外部单号 {external_ref} 已登记为案件 {existing}", field="external_ref",
                       code="duplicate_external_ref", extra={"case_number": existing})

    micro_grid_id = grid_id = street_id = None
    if lon is not None and lat is not None:
        location = get_locator().locate(lon, lat)
        if location is not None:
            micro_grid_id, grid_id, street_id = location.micro_grid_id, location.grid_id, location.street_id
    if micro_grid_id is None and grid_id is None and actor.role == Role.GRID_WORKER:
        own = actor.grids.filter(level__in=(Grid.Level.MICRO, Grid.Level.GRID)).order_by("-level", "code").first()
        if own is not None:
            if own.level == Grid.Level.MICRO:
                micro_grid_id, grid_id = own.pk, own.parent_id
            else:
                grid_id = own.pk
            street_id = own.street_id
    grid_ids = [g for g in (micro_grid_id, grid_id) if g]
    center = selectors.center_for(category=category, street_id=street_id, grid_ids=grid_ids)

    files = _prepare_attachments(attachments)
    street = reference.current().unit(street_id) if street_id else None

    # Everything that may fail or take time is done before the day's next number is taken, since its counter row
    # stays locked to the commit and every intake of the day queues on it: the case and its report event are
    # built and prepared for the database here; under the lock only the number, the hash chain's first link
    # (which covers the number) and the two INSERTs remain.
    now = clock.now()
    case = Case(number="", channel=channel, category=category, request_type=request_type,
                description=description, address=address, lon=lon, lat=lat, micro_grid_id=micro_grid_id,
                grid_id=grid_id, street_id=street_id, center=center, reporter_name=reporter_name,
                reporter_phone=reporter_phone, reporter_user=reporter_user, reported_by=actor,
                external_ref=external_ref, urgency=urgency, state=workflow.REPORTED, reported_at=now,
                is_synthetic=is_synthetic, event_count=1)
    if street is not None:
        case.street = street
    payload: dict[str, Any] = {"channel": channel, "category": category.code, "urgency": urgency,
                               "center": center.code}
    if files:
        payload["attachments"] = [{"name": f.name, "sha256": sha, "size": f.size} for f, sha in files]
    first: dict[str, Any] = {"seq": 1, "actor": actor, "at": now, "action": workflow.INITIAL_ACTION, "from_state": "",
             "to_state": workflow.REPORTED, "note": "", "payload": payload, "prev_hash": case.audit_head}
    event = CaseEvent(hash="", **first)  # its case_id once the case row has one
    case_row, event_row = PreparedInsert(case), PreparedInsert(event)

    number = _next_case_number(now)
    digest = _event_digest(case_number=number, **first)
    case_row.update(number=number, audit_head=digest)
    if external_ref:
        # A concurrent report of the same external reference loses on the unique constraint: answer Conflict
        # and leave the caller's transaction usable (the 12345 intake then answers with the first case).
        try:
            with transaction.atomic():
                case_row.execute()
        except IntegrityError:
            if Case.objects.filter(channel=channel, external_ref=external_ref).exists():
                raise Conflict(f"外部单号 {external_ref} 已登记", field="external_ref",
                               code="duplicate_external_ref") from None
            raise
    else:
        case_row.execute()
    event_row.update(case_id=case.pk, hash=digest)
    event_row.execute()
    _store_attachments(case, event, actor, files, now)
    return case


@transaction.atomic
def case_register(*, actor: User, case: Case, category: Category | None = None, urgency: str | None = None,
                  note: str = "") -> Case:
    """立案. The operator may correct the category and urgency; the case is routed again and its time limit
    starts now."""
    current = _lock(case)
    _require_center_staff(actor, current, CENTER_ROLES, "立案")
    _require_move(current, "register")
    changes: dict[str, Any] = {}
    if category is not None and category.pk != current.category_id:
        if not category.is_active or not category.is_assignable:
            raise ApplicationError("请选择一个可用的案件小类", field="category")
        changes["category"] = category
        grid_ids = [g for g in (current.micro_grid_id, current.grid_id) if g]
        changes["center"] = selectors.center_for(category=category, street_id=current.street_id, grid_ids=grid_ids)
    final_category = category or current.category
    final_urgency = urgency or current.urgency
    if final_urgency not in Urgency.values:
        raise ApplicationError(f"未知的紧急程度：{final_urgency}", field="urgency")
    now = clock.now()
    changes.update(urgency=final_urgency, registered_at=now,
                   **_deadline_fields(current, final_category, final_urgency, now))
    payload = {"category": final_category.code, "urgency": final_urgency, "deadline": _iso(changes["deadline"])}
    if "center" in changes:
        payload["center"] = changes["center"].code
    return _apply(actor=actor, case=current, action="register", now=now, changes=changes, note=note.strip(),
                  payload=payload)


@transaction.atomic
def case_reject(*, actor: User, case: Case, reason: str) -> Case:
    """不予立案, with the reason the reporter is told."""
    current = _lock(case)
    _require_center_staff(actor, current, CENTER_ROLES, "作不予立案处理")
    _require_move(current, "reject")
    reason = _require_text(reason, "reason", "不予立案理由", 500)
    return _apply(actor=actor, case=current, action="reject", now=clock.now(), changes={}, note=reason)


@transaction.atomic
def case_merge(*, actor: User, case: Case, into: Case, note: str = "") -> Case:
    """并案: ``case`` (reported or registered) joins ``into``. Both reporters keep following the master (the
    public state of a merged case is the master's); metrics count only the master."""
    if into.pk == case.pk:
        raise ApplicationError("不能与自身并案", field="into", code="merge_self")
    locked = {c.pk: c for c in Case.objects.select_for_update(of=("self",)).filter(pk__in=[case.pk, into.pk])
              .order_by("pk")}
    if into.pk not in locked:
        raise ApplicationError("并入案件不存在", field="into", code="case_not_found", status=404)
    current = _lock(case)
    master = locked[into.pk]
    _require_center_staff(actor, current, CENTER_ROLES, "并案")
    _require_move(current, "merge")
    if master.state in workflow.TERMINAL_STATES:
        raise ApplicationError(f"案件 {master.number} 已{master.state_label}，不能作为并案主案件", field="into",
                               code="bad_merge_target")
    master.center = OrgUnit.objects.get(pk=master.center_id)
    if not org_unit_in_scope(actor=actor, unit=master.center):
        raise PermissionDenied(f"案件 {master.number} 不属于本城运中心", field="into", code="out_of_scope")
    return _apply(actor=actor, case=current, action="merge", now=clock.now(), changes={"merged_into": master},
                  note=note.strip(), payload={"into": master.number})


# --- dispatch and handling -----------------------------------------------------------------------------------

@transaction.atomic
def case_dispatch(*, actor: User, case: Case, assignee: OrgUnit | None = None, note: str = "") -> Case:
    """派遣 to ``assignee`` (default: the responsibility matrix's proposal). The sign-for clock starts."""
    current = _lock(case)
    _require_center_staff(actor, current, DISPATCH_ROLES, "派遣")
    _require_move(current, "dispatch")
    target = assignee or selectors.case_dispatch_proposal(case=current)
    if target is None:
        raise ApplicationError("责任矩阵没有给出处置单位，请选择", field="assignee", code="assignee_required")
    if target.kind not in DISPATCH_TARGET_KINDS:
        raise ApplicationError(f"{target.name}不是处置单位", field="assignee", code="bad_assignee")
    if not org_unit_in_scope(actor=actor, unit=target):
        raise PermissionDenied(f"本城运中心不能派遣到{target.name}", field="assignee", code="assignee_out_of_scope")
    now = clock.now()
    changes: dict[str, Any] = {
        "assignee": target,
        "dispatched_at": now,
        "first_dispatched_at": current.first_dispatched_at or now,
        "dispatch_count": current.dispatch_count + 1,
        "node": SupervisionNotice.Node.SIGN,
        "node_deadline": timelimits.add_working_time(now, current.category.sign_limit_hours, "hour"),
    }
    return _apply(actor=actor, case=current, action="dispatch", now=now, changes=changes, note=note.strip(),
                  payload={"assignee": target.code, "node_deadline": _iso(changes["node_deadline"])})


@transaction.atomic
def case_accept(*, actor: User, case: Case, note: str = "") -> Case:
    """签收. Counts as on time (响应) when within the sign-for limit; the handling clock starts."""
    current = _lock(case)
    _require_handler(actor, current, "签收")
    _require_move(current, "accept")
    now = clock.now()
    on_time = current.node_deadline is None or now <= current.node_deadline
    changes: dict[str, Any] = {
        "accepted_at": now,
        "on_time_accept_count": current.on_time_accept_count + (1 if on_time else 0),
        "node": SupervisionNotice.Node.HANDLE,
        "node_deadline": timelimits.add_working_time(now, current.category.handle_limit_hours, "hour"),
    }
    return _apply(actor=actor, case=current, action="accept", now=now, changes=changes, note=note.strip(),
                  payload={"on_time": on_time, "node_deadline": _iso(changes["node_deadline"])})


@transaction.atomic
def case_return(*, actor: User, case: Case, reason: str) -> Case:
    """退单: the case is not this unit's; back to the dispatcher (state ``registered``)."""
    current = _lock(case)
    _require_handler(actor, current, "退单")
    _require_move(current, "return")
    reason = _require_text(reason, "reason", "退单理由", 500)
    changes = {"assignee": None, "returned_count": current.returned_count + 1, "node": "", "node_deadline": None}
    return _apply(actor=actor, case=current, action="return", now=clock.now(), changes=changes, note=reason,
                  payload={"from_unit": current.assignee.code if current.assignee else None})


@transaction.atomic
def case_request_extension(*, actor: User, case: Case, amount: int, reason: str) -> Case:
    """申请延期 by ``amount`` units of the category's time unit (working hours or days)."""
    current = _lock(case)
    _require_handler(actor, current, "申请延期")
    _require_move(current, "request_extension")
    if current.pending_extension_amount is not None:
        raise ApplicationError("已有待审批的延期申请", field="amount", code="extension_pending", status=409)
    if not isinstance(amount, int) or isinstance(amount, bool) or not 1 <= amount <= MAX_EXTENSION:
        raise ApplicationError(f"延期时长必须是 1 到 {MAX_EXTENSION} 之间的整数", field="amount")
    reason = _require_text(reason, "reason", "延期理由", 500)
    return _apply(actor=actor, case=current, action="request_extension", now=clock.now(),
                  changes={"pending_extension_amount": amount}, note=reason,
                  payload={"amount": amount, "unit": current.category.time_unit})


@transaction.atomic
def case_approve_extension(*, actor: User, case: Case, approve: bool, note: str = "") -> Case:
    """批准 (the deadline and the handling-node deadline move) or 驳回 a pending extension request."""
    current = _lock(case)
    _require_center_staff(actor, current, DISPATCH_ROLES, "审批延期")
    action = "approve_extension" if approve else "deny_extension"
    _require_move(current, action)
    amount = current.pending_extension_amount
    if amount is None:
        raise ApplicationError("没有待审批的延期申请", field="approve", code="no_pending_extension", status=409)
    now = clock.now()
    changes: dict[str, Any] = {"pending_extension_amount": None}
    payload: dict[str, Any] = {"amount": amount, "approved": approve}
    if approve:
        unit = current.category.time_unit
        deadline = timelimits.add_working_time(current.deadline or now, amount, unit)
        start = current.clock_started_at or current.registered_at or now
        changes.update(
            deadline=deadline,
            warn_at=timelimits.warn_point(start, deadline, stopped_seconds=current.suspended_working_seconds),
            node_deadline=(timelimits.add_working_time(current.node_deadline, amount, unit)
                           if current.node_deadline else None),
            is_overdue=now > deadline,
            extension_count=current.extension_count + 1,
        )
        payload["deadline"] = _iso(deadline)
    return _apply(actor=actor, case=current, action=action, now=now, changes=changes, note=note.strip(),
                  payload=payload)


@transaction.atomic
def case_request_suspension(*, actor: User, case: Case, reason: str) -> Case:
    """申请挂账: the problem cannot be solved for now (long-term, counted apart)."""
    current = _lock(case)
    _require_handler(actor, current, "申请挂账")
    _require_move(current, "request_suspension")
    if current.pending_suspension:
        raise ApplicationError("已有待审批的挂账申请", field="reason", code="suspension_pending", status=409)
    reason = _require_text(reason, "reason", "挂账理由", 500)
    return _apply(actor=actor, case=current, action="request_suspension", now=clock.now(),
                  changes={"pending_suspension": True}, note=reason)


@transaction.atomic
def case_approve_suspension(*, actor: User, case: Case, approve: bool, note: str = "") -> Case:
    """批准 (the case is suspended and its clock stops) or 驳回 a pending suspension request."""
    current = _lock(case)
    _require_center_staff(actor, current, DISPATCH_ROLES, "审批挂账")
    action = "approve_suspension" if approve else "deny_suspension"
    _require_move(current, action)
    if not current.pending_suspension:
        raise ApplicationError("没有待审批的挂账申请", field="approve", code="no_pending_suspension", status=409)
    now = clock.now()
    changes: dict[str, Any] = {"pending_suspension": False}
    if approve:
        changes.update(suspended_at=now, suspension_count=current.suspension_count + 1)
    return _apply(actor=actor, case=current, action=action, now=now, changes=changes, note=note.strip(),
                  payload={"approved": approve})


@transaction.atomic
def case_resume(*, actor: User, case: Case, note: str = "") -> Case:
    """恢复办理 of a suspended case. The deadlines move by the working time spent suspended."""
    current = _lock(case)
    if actor.role == Role.HANDLER:
        _require_handler(actor, current, "恢复办理")
    else:
        _require_center_staff(actor, current, DISPATCH_ROLES, "恢复办理")
    _require_move(current, "resume")
    now = clock.now()
    stopped = 0
    if current.suspended_at is not None:
        stopped = max(0, int(timelimits.working_time_between(current.suspended_at, now).total_seconds()))

    def shift(moment: dt.datetime | None) -> dt.datetime | None:
        return timelimits.add_working_seconds(moment, stopped) if moment else None

    deadline = shift(current.deadline)
    total_stopped = current.suspended_working_seconds + stopped
    start = current.clock_started_at or current.registered_at or now
    changes: dict[str, Any] = {
        "suspended_at": None,
        "suspended_working_seconds": total_stopped,
        "deadline": deadline,
        "warn_at": timelimits.warn_point(start, deadline, stopped_seconds=total_stopped) if deadline else None,
        "node_deadline": shift(current.node_deadline),
        "is_overdue": bool(deadline and now > deadline),
    }
    return _apply(actor=actor, case=current, action="resume", now=now, changes=changes, note=note.strip(),
                  payload={"stopped_seconds": stopped, "deadline": _iso(deadline)})


@transaction.atomic
def case_feedback(*, actor: User, case: Case, result: str, attachments: Sequence[UploadedFile] = ()) -> Case:
    """处置反馈: the handler reports what was done (with photos); the verify clock starts."""
    current = _lock(case)
    _require_handler(actor, current, "反馈")
    _require_move(current, "feedback")
    result = _require_text(result, "result", "处置结果")
    now = clock.now()
    changes: dict[str, Any] = {
        "handled_at": now,
        "handled_count": current.handled_count + 1,
        "node": SupervisionNotice.Node.VERIFY,
        "node_deadline": timelimits.add_working_time(now, current.category.verify_limit_hours, "hour"),
    }
    return _apply(actor=actor, case=current, action="feedback", now=now, changes=changes, note=result,
                  payload={"node_deadline": _iso(changes["node_deadline"])}, attachments=attachments)


@transaction.atomic
def case_verify(*, actor: User, case: Case, passed: bool, note: str = "",
                attachments: Sequence[UploadedFile] = ()) -> Case:
    """核查: passed → closed (办结, on time when within the deadline); failed → back to the same unit as rework
    (返工), which signs for it again."""
    current = _lock(case)
    if actor.role == Role.GRID_WORKER:
        if not _is_grid_worker_of(actor, current):
            raise PermissionDenied(f"案件 {current.number} 不在本人网格内，无权核查", code="not_grid_worker")
    else:
        _require_center_staff(actor, current, CENTER_ROLES, "核查")
    action = "verify_pass" if passed else "verify_fail"
    _require_move(current, action)
    now = clock.now()
    if passed:
        start = current.registered_at or current.reported_at
        changes: dict[str, Any] = {
            "closed_at": now,
            "closed_on_time": current.deadline is None or now <= current.deadline,
            "handling_seconds": max(0, int((now - start).total_seconds())),
            "node": "",
            "node_deadline": None,
        }
        payload: dict[str, Any] = {"passed": True, "on_time": changes["closed_on_time"]}
    else:
        note = _require_text(note, "note", "核查不通过的原因", 500)
        changes = {
            "reworked_count": current.reworked_count + 1,
            "dispatch_count": current.dispatch_count + 1,
            "dispatched_at": now,
            "node": SupervisionNotice.Node.SIGN,
            "node_deadline": timelimits.add_working_time(now, current.category.sign_limit_hours, "hour"),
        }
        payload = {"passed": False}
    return _apply(actor=actor, case=current, action=action, now=now, changes=changes, note=note.strip(),
                  payload=payload, attachments=attachments)


@transaction.atomic
def case_evaluate(*, actor: User, case: Case, satisfaction: str, note: str = "") -> Case:
    """回访评价 by the reporter or by center staff after a callback."""
    current = _lock(case)
    if not (current.reporter_user_id and actor.pk == current.reporter_user_id):
        _require_center_staff(actor, current, CENTER_ROLES, "回访评价")
    _require_move(current, "evaluate")
    if satisfaction not in Satisfaction.values:
        raise ApplicationError(f"未知的满意度：{satisfaction}", field="satisfaction")
    now = clock.now()
    return _apply(actor=actor, case=current, action="evaluate", now=now,
                  changes={"satisfaction": satisfaction, "evaluated_at": now}, note=note.strip(),
                  payload={"satisfaction": satisfaction})


@transaction.atomic
def case_reopen(*, actor: User, case: Case, note: str) -> Case:
    """重启 after an unsatisfied evaluation: the case waits for a new dispatch with a fresh time limit."""
    current = _lock(case)
    _require_center_staff(actor, current, DISPATCH_ROLES, "重启案件")
    _require_move(current, "reopen")
    if current.satisfaction != Satisfaction.UNSATISFIED:
        raise ApplicationError("只有回访不满意的案件可以重启", field="state", code="not_unsatisfied", status=409)
    note = _require_text(note, "note", "重启原因", 500)
    now = clock.now()
    changes: dict[str, Any] = {
        "reopened_count": current.reopened_count + 1,
        "closed_at": None,
        "closed_on_time": None,
        "handling_seconds": None,
        "node": "",
        "node_deadline": None,
        **_deadline_fields(current, current.category, current.urgency, now),
    }
    return _apply(actor=actor, case=current, action="reopen", now=now, changes=changes, note=note,
                  payload={"deadline": _iso(changes["deadline"])})


# --- supervision (督办) --------------------------------------------------------------------------------------

NODE_LABELS = dict(SupervisionNotice.Node.choices)


def case_supervise_overdue(*, now: dt.datetime | None = None, batch_size: int = 1000) -> int:
    """Mark cases past their deadline as overdue and raise one supervision notice per case and node whose limit
    has passed — the current node (签收 / 处置 / 核查) and the overall deadline (办结) — to the responsible unit
    and its superior. Idempotent: the (case, node) unique constraint makes a second run, or two concurrent
    runs, create nothing new. Returns the number of notices created."""
    moment = now or clock.now()
    running = list(workflow.CLOCK_RUNNING_STATES)
    with transaction.atomic():
        late = list(Case.objects.select_for_update().filter(state__in=running, deadline__lt=moment, is_overdue=False)
                    .order_by("pk").values_list("pk", flat=True))
        for i in range(0, len(late), batch_size):
            becoming_overdue = Case.objects.filter(pk__in=late[i : i + batch_size])
            rollup.overdue_marked(becoming_overdue)
            becoming_overdue.update(is_overdue=True)
    created = 0
    node_open = Exists(SupervisionNotice.objects.filter(case_id=OuterRef("pk"), node=OuterRef("node")))
    case_open = Exists(SupervisionNotice.objects.filter(case_id=OuterRef("pk"), node=SupervisionNotice.Node.CASE))
    queries = [
        ("node", Case.objects.filter(state__in=[workflow.DISPATCHED, workflow.ACCEPTED, workflow.HANDLED],
                                     node_deadline__lt=moment).exclude(node="").filter(~node_open)),
        ("case", Case.objects.filter(state__in=running, deadline__lt=moment).filter(~case_open)),
    ]
    for kind, qs in queries:
        last = 0
        while True:
            batch = list(qs.filter(pk__gt=last).select_related("assignee", "center").order_by("pk")[:batch_size])
            if not batch:
                break
            last = batch[-1].pk
            notices = []
            for case in batch:
                node = case.node if kind == "node" else SupervisionNotice.Node.CASE
                deadline = case.node_deadline if kind == "node" else case.deadline
                assert deadline is not None
                unit = case.center if node == SupervisionNotice.Node.VERIFY or case.assignee is None else case.assignee
                due = f"{timezone.localtime(deadline):%Y-%m-%d %H:%M}"
                notices.append(SupervisionNotice(
                    case=case, node=node, unit=unit, superior_unit_id=unit.parent_id, deadline=deadline,
                    created_at=moment, message=f"案件 {case.number} {NODE_LABELS[node]}已超期（期限 {due}）",
                ))
            with transaction.atomic():
                SupervisionNotice.objects.bulk_create(notices, ignore_conflicts=True)
            created += len(notices)
    return created

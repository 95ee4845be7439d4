"""Intake (上报): a new case in state ``reported``, located and routed to its center, with its first event."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.cases import effects, policy, privacy, reference, selectors, transitions, workflow
from gaoxin.cases.models import Case, CaseEvent, Category, Urgency
from gaoxin.cases.rows import PreparedInsert
from gaoxin.cases.services.engine import event_digest, prepare_attachments, require_text, store_attachments
from gaoxin.cases.services.numbering import next_case_number
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError, Conflict
from gaoxin.core.validation import refuse_control_characters
from gaoxin.grids.locator import get_locator
from gaoxin.grids.models import Grid

# Choices' ``.values`` builds a new list on every read; the intake checks this set instead.
URGENCIES = frozenset(Urgency.values)


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
    policy.check_report(actor, channel)
    if not isinstance(category, Category) or not category.is_active or not category.is_assignable:
        raise ApplicationError("请选择一个可用的案件小类", field="category")
    if request_type is not None and request_type.kind != Category.Kind.HOTLINE_TYPE:
        raise ApplicationError("诉求类型必须是 12345 诉求类型", field="request_type")
    description = require_text(description, "description", "问题描述")
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
        get_locator().check_near_zone(lon, lat)
    reporter_phone = "".join((reporter_phone or "").split())
    digits = reporter_phone.replace("-", "")
    if reporter_phone and not ((digits.isdecimal() or (digits.startswith("+") and digits[1:].isdecimal()))
                               and privacy.is_phone(digits)):
        raise ApplicationError("联系电话格式不正确：应为 11 位手机号，或带区号的固定电话（如 0371-12345678）",
                               field="reporter_phone")
    reporter_name = (reporter_name or "").strip()[:50]
    external_ref = (external_ref or "").strip()
    for field, label, text in (("address", "地址", address), ("reporter_name", "反映人", reporter_name),
                               ("external_ref", "外部单号", external_ref)):
        refuse_control_characters(text, field=field, label=label)
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

    files = prepare_attachments(attachments)
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
    payload = transitions.report(channel=channel, category_code=category.code, urgency=urgency,
                                 center_code=center.code).payload
    if files:
        payload["attachments"] = [{"name": f.name, "sha256": sha, "size": f.size} for f, sha in files]
    first: dict[str, Any] = {"seq": 1, "actor": actor, "at": now, "action": workflow.INITIAL_ACTION, "from_state": "",
             "to_state": workflow.REPORTED, "note": "", "payload": payload, "prev_hash": case.audit_head}
    event = CaseEvent(hash="", **first)  # its case_id once the case row has one
    case_row, event_row = PreparedInsert(case), PreparedInsert(event)

    number = next_case_number(now)
    digest = event_digest(case_number=number, **first)
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
    store_attachments(case, event, actor, files, now)
    effects.case_event_recorded(case=case, event=event)
    return case

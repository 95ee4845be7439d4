"""Inbound side of the 12345 link: orders pushed by the city become cases; urges (催办) are recorded on the case;
returns (重办) reopen it through the case services. Each is atomic and idempotent: an order by its order id, a
message by its message id (a repeat gets the first answer and changes nothing; the same id with other content
is refused). Only the integration account (``gaoxin hotline setup``, a shift lead of the zone center) speaks as
the city platform: any other caller — even a center's own dispatcher with a valid token — is refused (403
``not_city_platform``) and nothing is written; the case services then apply their usual role and scope checks."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.cases import resolve, selectors
from gaoxin.cases import services as cases
from gaoxin.cases.models import Case, Category, Channel, Satisfaction
from gaoxin.cases.workflow import CLOSED, EVALUATED
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from gaoxin.hotline import conf
from gaoxin.hotline.models import HotlineOrder, HotlineUrge, InboundMessage


def fingerprint(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _category(code: str | None, field: str, kind: str) -> Category:
    return resolve.category(code, field=field, kinds=(kind,))


def _require_city_platform(actor: User) -> None:
    if not actor.is_active or actor.username != conf.integration_username():
        raise PermissionDenied("只有 12345 对接账号可以代表市级平台推送工单", code="not_city_platform")


def _ack(order: HotlineOrder) -> dict[str, Any]:
    return {"order_id": order.order_id, "case_id": order.case_id, "case_number": order.case.number,
            "status": "received", "received_at": timezone.localtime(order.received_at).isoformat()}


@dataclass(frozen=True)
class OrderReceipt:
    ack: dict[str, Any]
    created: bool


@transaction.atomic
def hotline_order_receive(*, actor: User, order_id: str, content: str, category: str,
                          request_type: str | None = None, caller_name: str = "", caller_phone: str = "",
                          address: str = "", lon: float | None = None, lat: float | None = None,
                          urgency: str | None = None, reply_deadline: dt.datetime | None = None,
                          payload: dict[str, Any] | None = None) -> OrderReceipt:
    """接收工单: a new case on channel hotline_12345 with ``external_ref = order_id`` (state reported; the center
    registers it as usual). A repeated push of the same order returns the first acknowledgement."""
    _require_city_platform(actor)
    order_id = (order_id or "").strip()
    if not order_id or len(order_id) > 64:
        raise ApplicationError("工单编号须为 1–64 个字符", field="order_id")
    digest = fingerprint(payload or {})
    existing = HotlineOrder.objects.select_related("case").filter(order_id=order_id).first()
    if existing is not None:
        if existing.fingerprint != digest:
            raise Conflict(f"工单 {order_id} 已接收，且内容不同", field="order_id", code="order_conflict")
        return OrderReceipt(_ack(existing), False)
    try:
        case = cases.case_report(
            actor=actor, channel=Channel.HOTLINE_12345,
            category=_category(category, "category", Category.Kind.HOTLINE_CONTENT),
            request_type=_category(request_type, "request_type", Category.Kind.HOTLINE_TYPE) if request_type else None,
            description=content, address=address, lon=lon, lat=lat, reporter_name=caller_name,
            reporter_phone=caller_phone, external_ref=order_id, urgency=urgency,
        )
    except Conflict as exc:
        # A concurrent push of the same order won the race: answer with its acknowledgement.
        if exc.code != "duplicate_external_ref":
            raise
        existing = HotlineOrder.objects.select_related("case").filter(order_id=order_id).first()
        if existing is None or existing.fingerprint != digest:
            raise
        return OrderReceipt(_ack(existing), False)
    order = HotlineOrder.objects.create(order_id=order_id, case=case, fingerprint=digest, payload=payload or {},
                                        reply_deadline=reply_deadline, received_at=clock.now())
    return OrderReceipt(_ack(order), True)


def _begin_message(*, message_id: str, kind: str, order_id: str, payload: dict[str, Any]) -> tuple[
        InboundMessage, bool]:
    """Insert the message record first (the unique message id serialises concurrent repeats); return it and
    whether it is new. A repeat with other content is refused."""
    message_id = (message_id or "").strip()
    if not message_id or len(message_id) > 64:
        raise ApplicationError("消息编号须为 1–64 个字符", field="message_id")
    order = HotlineOrder.objects.select_related("case").filter(order_id=order_id).first()
    if order is None:
        raise NotFound(f"工单 {order_id} 不存在", field="order_id", code="order_not_found")
    digest = fingerprint({"kind": kind, **payload})
    message = InboundMessage(message_id=message_id, kind=kind, order=order, fingerprint=digest, payload=payload,
                             response={}, received_at=clock.now())
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        message = InboundMessage.objects.select_related("order__case").get(message_id=message_id)
        if message.fingerprint != digest:
            raise Conflict(f"消息 {message_id} 已接收，且内容不同", field="message_id",
                           code="message_conflict") from None
        return message, False
    return message, True


@transaction.atomic
def hotline_urge_receive(*, actor: User, message_id: str, order_id: str, content: str) -> dict[str, Any]:
    """催办: a supervision-like record to the unit handling the case (the center while undispatched) and its
    superior."""
    _require_city_platform(actor)
    content = (content or "").strip()
    if not content:
        raise ApplicationError("催办内容不能为空", field="content", code="required")
    message, new = _begin_message(message_id=message_id, kind=InboundMessage.Kind.URGE, order_id=order_id,
                                  payload={"order_id": order_id, "content": content})
    if not new:
        return dict(message.response)
    case = selectors.case_get(actor=actor, pk=message.order.case_id)
    unit = case.assignee or case.center
    urge = HotlineUrge.objects.create(case=case, message=message, unit=unit, superior_unit_id=unit.parent_id,
                                      content=content[:500], created_at=clock.now())
    HotlineOrder.objects.filter(pk=message.order_id).update(urge_count=F("urge_count") + 1)
    response = {"message_id": message.message_id, "status": "recorded", "urge_id": urge.pk,
                "case_number": case.number, "case_state": case.state, "unit": unit.name}
    InboundMessage.objects.filter(pk=message.pk).update(response=response)
    return response


@transaction.atomic
def hotline_return_receive(*, actor: User, message_id: str, order_id: str, reason: str) -> dict[str, Any]:
    """重办: the city found the reply unsatisfactory. A closed case is evaluated 不满意 and reopened (it waits for
    a new dispatch with a fresh time limit); a case evaluated unsatisfied is reopened. Any other state is
    refused (409 ``not_returnable``) and nothing changes."""
    _require_city_platform(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("重办原因不能为空", field="reason", code="required")
    message, new = _begin_message(message_id=message_id, kind=InboundMessage.Kind.RETURN, order_id=order_id,
                                  payload={"order_id": order_id, "reason": reason})
    if not new:
        return dict(message.response)
    case: Case = selectors.case_get(actor=actor, pk=message.order.case_id)
    if case.state == CLOSED:
        case = cases.case_evaluate(actor=actor, case=case, satisfaction=Satisfaction.UNSATISFIED,
                                   note=f"12345 重办：{reason}")
    if case.state != EVALUATED or case.satisfaction != Satisfaction.UNSATISFIED:
        raise ApplicationError(f"案件 {case.number} 当前为“{case.state_label}”，不能重办", field="order_id",
                               code="not_returnable", status=409)
    case = cases.case_reopen(actor=actor, case=case, note=f"12345 重办：{reason}")
    HotlineOrder.objects.filter(pk=message.order_id).update(return_count=F("return_count") + 1)
    response = {"message_id": message.message_id, "status": "reopened", "case_number": case.number,
                "case_state": case.state}
    InboundMessage.objects.filter(pk=message.pk).update(response=response)
    return response


def hotline_setup(*, username: str | None = None) -> User:
    """The integration account: a shift lead of the zone center (it reports 12345 orders, evaluates and reopens
    returned cases). Created once; its password is random and unknown."""
    from gaoxin.accounts.roles import Role
    from gaoxin.api.services import system_account

    from . import conf

    return system_account(username=username or conf.integration_username(), role=Role.SHIFT_LEAD,
                          org_unit=selectors.zone_center(), display_name="12345热线平台")

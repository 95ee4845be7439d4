"""The zone's side of the 12345 interface (city → zone), mounted at ``/api/v1/hotline/12345/``. See
docs/HOTLINE_12345.md. Authentication as for the whole API (the city platform holds a token of the integration
account); errors are RFC 7807 bodies."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from gaoxin.api.idempotency import idempotent
from gaoxin.api.schemas import Body, Moment
from gaoxin.core.apischema import ERRORS
from gaoxin.hotline import services

router = Router(tags=["12345热线对接"])


class OrderIn(Body):
    order_id: str = Field(min_length=1, max_length=64, description="市平台工单编号")
    content: str = Field(min_length=1, max_length=2000, description="诉求内容")
    category: str = Field(max_length=16, description="内容分类编码，例如 H-C02")
    request_type: str | None = Field(None, max_length=16, description="诉求类型编码，例如 H-TS")
    caller_name: str = Field("", max_length=50)
    caller_phone: str = Field("", max_length=20)
    address: str = Field("", max_length=200)
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    urgency: str | None = Field(None, description="normal / urgent / critical")
    received_at: Moment | None = Field(None, description="市平台受理时间")
    reply_deadline: Moment | None = Field(None, description="市平台要求的答复期限")


class OrderAck(Schema):
    order_id: str
    case_id: int
    case_number: str
    status: str
    received_at: str


class UrgeIn(Body):
    message_id: str = Field(min_length=1, max_length=64)
    order_id: str = Field(min_length=1, max_length=64)
    content: str = Field(min_length=1, max_length=500)


class UrgeAck(Schema):
    message_id: str
    status: str
    urge_id: int
    case_number: str
    case_state: str
    unit: str


class ReturnIn(Body):
    message_id: str = Field(min_length=1, max_length=64)
    order_id: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=500)


class ReturnAck(Schema):
    message_id: str
    status: str
    case_number: str
    case_state: str


@router.post("/orders", response={200: OrderAck, 201: OrderAck, **ERRORS},
             summary="接收工单（市→区，幂等：Idempotency-Key 或同一工单编号）")
@idempotent(path="/api/v1/hotline/12345/orders")
def order_push(request: HttpRequest, payload: OrderIn) -> Status[dict[str, Any]]:
    receipt = services.hotline_order_receive(
        actor=request.auth, order_id=payload.order_id, content=payload.content,  # type: ignore[attr-defined]  # .auth: set by auth
        category=payload.category, request_type=payload.request_type, caller_name=payload.caller_name,
        caller_phone=payload.caller_phone, address=payload.address, lon=payload.lon, lat=payload.lat,
        urgency=payload.urgency, reply_deadline=payload.reply_deadline, payload=payload.model_dump(mode="json"))
    return Status(201 if receipt.created else 200, receipt.ack)


@router.post("/urges", response={200: UrgeAck, **ERRORS}, summary="催办（市→区，按消息编号幂等）")
def urge(request: HttpRequest, payload: UrgeIn) -> Any:
    return services.hotline_urge_receive(actor=request.auth, message_id=payload.message_id,  # type: ignore[attr-defined]  # .auth: set by the auth classes
                                         order_id=payload.order_id, content=payload.content)


@router.post("/returns", response={200: ReturnAck, **ERRORS}, summary="重办（市→区，按消息编号幂等）")
def return_order(request: HttpRequest, payload: ReturnIn) -> Any:
    return services.hotline_return_receive(actor=request.auth, message_id=payload.message_id,  # type: ignore[attr-defined]  # .auth: set by the auth classes
                                           order_id=payload.order_id, reason=payload.reason)

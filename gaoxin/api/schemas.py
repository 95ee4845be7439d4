"""Input and output schemas of the JSON API (they are the OpenAPI contract). Reporter name and phone leave the
API masked (``138****1234``, ``张*``); only the reveal endpoint shows them, audited."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from typing import Annotated, Any

from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field

from gaoxin.accounts.roles import Role
from gaoxin.cases import workflow
from gaoxin.cases.models import Case, CaseEvent, Channel
from gaoxin.cases.privacy import mask_free_text, mask_name, mask_phone
from gaoxin.cases.selectors import case_time_status


def _to_utc(value: dt.datetime) -> dt.datetime:
    """Aware and in UTC (a time without offset is Beijing time); offsets the database cannot store and dates
    that overflow are refused as input errors."""
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        raise ValueError("时间超出范围") from None


ISO_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}([T ].*)?")


def _iso_text(value: Any) -> dt.datetime:
    """Only ISO 8601 text (or a datetime from code): pydantic would read ``0.5`` or ``1700000000`` as seconds since
    1970, which no client means."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and ISO_DATE_TIME.fullmatch(value.strip()):
        with contextlib.suppress(ValueError):
            return dt.datetime.fromisoformat(value.strip())
    raise ValueError("时间格式不正确（ISO 8601，例如 2023-03-01T09:30:00+08:00）")


# A datetime input: ISO 8601, with an offset or in Beijing time.
Moment = Annotated[dt.datetime, BeforeValidator(_iso_text), AfterValidator(_to_utc)]


class Body(Schema):
    """A request body: its values of the declared JSON types only (no ``0`` for false, no ``"5"`` for 5)."""

    model_config = ConfigDict(strict=True)


class UnitOut(Schema):
    id: int
    code: str
    name: str


class CategoryRef(Schema):
    code: str
    name: str


class CategoryOut(Schema):
    code: str
    name: str
    kind: str
    parent_code: str | None
    time_limit: int
    time_unit: str
    default_urgency: str


class ActorOut(Schema):
    id: int
    role: str
    name: str = Field(description="群众、企业用户的姓名已脱敏")


class EventOut(Schema):
    seq: int
    action: str
    action_label: str
    from_state: str
    to_state: str
    at: dt.datetime
    actor: ActorOut | None
    note: str
    payload: dict[str, Any]


class CaseOut(Schema):
    id: int
    number: str
    channel: str
    channel_label: str
    category: CategoryRef
    request_type: str | None
    description: str
    address: str
    lon: float | None
    lat: float | None
    street: UnitOut | None
    grid_id: int | None
    micro_grid_id: int | None
    center: UnitOut
    assignee: UnitOut | None
    state: str
    state_label: str
    urgency: str
    reporter_name: str = Field(description="脱敏，例如 张*")
    reporter_phone: str = Field(description="脱敏，例如 138****1234")
    external_ref: str
    merged_into: str | None = Field(description="并入案件的编号")
    reported_at: dt.datetime
    registered_at: dt.datetime | None
    dispatched_at: dt.datetime | None
    accepted_at: dt.datetime | None
    handled_at: dt.datetime | None
    closed_at: dt.datetime | None
    evaluated_at: dt.datetime | None
    deadline: dt.datetime | None
    node: str
    node_deadline: dt.datetime | None
    time_status: str | None = Field(description="green / yellow / red / suspended")
    is_overdue: bool
    satisfaction: str
    version: int = Field(description="乐观锁版本：操作时回传以防覆盖他人的更新")


class CaseDetailOut(CaseOut):
    events: list[EventOut]
    allowed_actions: list[str] = Field(
        description="当前用户此刻可对该案件执行的操作（与各操作接口路径对应：register、reject、merge、dispatch、accept、"
                    "return、request_extension→extension、approve_extension→extension/decision、request_suspension→"
                    "suspension、approve_suspension→suspension/decision、resume、feedback、verify、evaluate、reopen）")


class ExportOut(Schema):
    id: int
    kind: str
    status: str = Field(description="queued / running / done / failed")
    rows_total: int
    rows_done: int
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    file_url: str | None = Field(description="完成后的下载地址（仅申请人可下载）")


class CasePage(Schema):
    count: int
    page: int
    page_size: int
    results: list[CaseOut]


CHANNEL_LABELS: dict[str, str] = {str(value): str(label) for value, label in Channel.choices}


def _unit(unit: Any) -> dict[str, Any] | None:
    return None if unit is None else {"id": unit.pk, "code": unit.code, "name": unit.name}


def case_out(case: Case) -> dict[str, Any]:
    """The masked dictionary of ``case`` (category, center, street, assignee, request_type and merged_into should
    be selected with it)."""
    return {
        "id": case.pk,
        "number": case.number,
        "channel": case.channel,
        "channel_label": CHANNEL_LABELS.get(case.channel, case.channel),
        "category": {"code": case.category.code, "name": case.category.name},
        "request_type": case.request_type.code if case.request_type_id and case.request_type else None,
        "description": mask_free_text(case.description),
        "address": case.address,
        "lon": case.lon,
        "lat": case.lat,
        "street": _unit(case.street) if case.street_id else None,
        "grid_id": case.grid_id,
        "micro_grid_id": case.micro_grid_id,
        "center": _unit(case.center),
        "assignee": _unit(case.assignee) if case.assignee_id else None,
        "state": case.state,
        "state_label": workflow.STATES.get(case.state, case.state),
        "urgency": case.urgency,
        "reporter_name": mask_name(case.reporter_name),
        "reporter_phone": mask_phone(case.reporter_phone),
        "external_ref": case.external_ref,
        "merged_into": case.merged_into.number if case.merged_into_id and case.merged_into else None,
        "reported_at": case.reported_at,
        "registered_at": case.registered_at,
        "dispatched_at": case.dispatched_at,
        "accepted_at": case.accepted_at,
        "handled_at": case.handled_at,
        "closed_at": case.closed_at,
        "evaluated_at": case.evaluated_at,
        "deadline": case.deadline,
        "node": case.node,
        "node_deadline": case.node_deadline,
        "time_status": case_time_status(case=case),
        "is_overdue": case.is_overdue,
        "satisfaction": case.satisfaction,
        "version": case.version,
    }


PUBLIC_ROLES = frozenset({Role.CITIZEN, Role.ENTERPRISE})


def event_out(event: CaseEvent) -> dict[str, Any]:
    actor = None
    if event.actor is not None:
        name = event.actor.display_name or event.actor.username
        actor = {"id": event.actor.pk, "role": event.actor.role,
                 "name": mask_name(name) if event.actor.role in PUBLIC_ROLES else name}
    return {
        "seq": event.seq,
        "action": event.action,
        "action_label": workflow.ACTIONS.get(event.action, event.action),
        "from_state": event.from_state,
        "to_state": event.to_state,
        "at": event.at,
        "actor": actor,
        "note": mask_free_text(event.note),
        "payload": event.payload,
    }


def category_out(category: Any) -> dict[str, Any]:
    return {
        "code": category.code,
        "name": category.name,
        "kind": category.kind,
        "parent_code": category.parent.code if category.parent_id and category.parent else None,
        "time_limit": category.time_limit,
        "time_unit": category.time_unit,
        "default_urgency": category.default_urgency,
    }


# --- inputs --------------------------------------------------------------------------------------------------

class ReportIn(Body):
    channel: str = Field(description="来源渠道，例如 public_web、grid_worker、hotline_12345")
    category: str = Field(description="案件小类编码，例如 09001", max_length=16)
    description: str = Field(max_length=2000)
    address: str = Field("", max_length=200)
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    reporter_name: str = Field("", max_length=50)
    reporter_phone: str = Field("", max_length=20)
    urgency: str | None = Field(None, description="normal / urgent / critical")
    request_type: str | None = Field(None, description="12345 诉求类型编码，例如 H-TS", max_length=16)
    external_ref: str = Field("", max_length=64)


class Versioned(Body):
    version: int | None = Field(None, ge=1, description="客户端所见的案件版本；不一致时返回 409 stale_version")


class RegisterIn(Versioned):
    category: str | None = Field(None, max_length=16)
    urgency: str | None = None
    note: str = Field("", max_length=2000)


class ReasonIn(Versioned):
    reason: str = Field(max_length=2000)


class NoteIn(Versioned):
    note: str = Field("", max_length=2000)


class MergeIn(Versioned):
    into: int = Field(ge=1, le=2**63 - 1, description="主案件 id")
    note: str = Field("", max_length=2000)


class DispatchIn(Versioned):
    assignee: str | None = Field(None, description="处置单位编码；省略时按责任矩阵", max_length=32)
    note: str = Field("", max_length=2000)


class ExtensionIn(Versioned):
    amount: int = Field(ge=-(2**31), le=2**31, description="延期时长（类别的时限单位，1–30）")
    reason: str = Field(max_length=2000)


class DecisionIn(Versioned):
    approve: bool
    note: str = Field("", max_length=2000)


class FeedbackIn(Versioned):
    result: str = Field(max_length=2000)


class VerifyIn(Versioned):
    passed: bool
    note: str = Field("", max_length=2000)


class EvaluateIn(Versioned):
    satisfaction: str = Field(description="satisfied / basic / unsatisfied")
    note: str = Field("", max_length=2000)


class RevealIn(Body):
    purpose: str = Field(max_length=200, description="查看目的（记录在案）")


class RevealOut(Schema):
    case_id: int
    reporter_name: str
    reporter_phone: str
    description: str = Field(description="问题描述原文（其中的电话、证件号等在其他接口中已脱敏）")
    reveal_id: int
    revealed_at: dt.datetime


class MetricOut(Schema):
    name: str
    unit: str
    definition: str
    value: float | int | None


class MetricsOut(Schema):
    start: dt.datetime
    end: dt.datetime
    metrics: dict[str, MetricOut]
    counts: dict[str, float | int | None]


class MeOut(Schema):
    id: int
    username: str
    role: str
    org_unit: UnitOut | None

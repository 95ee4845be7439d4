"""Writes of the capital events and the financing they bring (issue 19): an event (资本力量1+6 roadshows, investor
and bank matchmaking), the enterprises attending it, and the financing an enterprise closed — equity or a loan —
attributed to an event only when the enterprise attended it and closed within ``ATTRIBUTION_DAYS`` after it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from gaoxin.accounts.models import User
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError, Conflict
from gaoxin.core.validation import checked_text
from gaoxin.enterprises.models import Enterprise
from gaoxin.finance import policy
from gaoxin.finance.models import CapitalEvent, FinancingDeal
from gaoxin.finance.services.inputs import choice_of, date_of, enterprise_of, not_future, wan_to_fen

ATTRIBUTION_DAYS = 365
EVENT_SERIES = "资本力量1+6"


@transaction.atomic
def event_create(*, actor: User, title: str, series: str, kind: str, held_on: Any, location: str,
                 investors: str = "", is_synthetic: bool = False) -> CapitalEvent:
    policy.require_officer(actor)
    title = checked_text(title, field="title", label="活动名称", max_length=200)
    series = checked_text(series, field="series", label="活动品牌", required=False, max_length=50)
    kind = choice_of(kind, CapitalEvent.Kind, field="kind", label="活动类型")
    day = date_of(held_on, field="held_on", label="举办日期")
    location = checked_text(location, field="location", label="地点", max_length=200)
    names = [checked_text(line, field="investors", label="参会投资机构和银行", max_length=200)
             for line in str(investors or "").splitlines() if line.strip()]
    if CapitalEvent.objects.filter(title=title, held_on=day).exists():
        raise Conflict("活动名称：同日已有同名活动", field="title", code="event_exists")
    return CapitalEvent.objects.create(title=title, series=series, kind=kind, held_on=day, location=location,
                                       investors="\n".join(names), created_by=actor, created_at=clock.now(),
                                       is_synthetic=is_synthetic)


@transaction.atomic
def event_attend(*, actor: User, event: CapitalEvent, enterprise_code: str) -> Enterprise:
    policy.require_officer(actor)
    enterprise = enterprise_of(enterprise_code)
    if event.enterprises.filter(pk=enterprise.pk).exists():
        raise Conflict("企业：该企业已在参会名单中", field="enterprise_code", code="already_attending")
    event.enterprises.add(enterprise)
    return enterprise


def attribution_checked(event: CapitalEvent, enterprise: Enterprise, day: dt.date) -> None:
    """Financing is attributed to an event only when the enterprise attended and closed within the window."""
    if not event.enterprises.filter(pk=enterprise.pk).exists():
        raise ApplicationError("对接活动：该企业未参加此活动，融资不能归入", field="event", code="not_attending")
    if not event.held_on <= day <= event.held_on + dt.timedelta(days=ATTRIBUTION_DAYS):
        raise ApplicationError(f"对接活动：只有活动后 {ATTRIBUTION_DAYS} 天内到位的融资可以归入该活动",
                               field="event", code="outside_attribution")


@transaction.atomic
def deal_record(*, actor: User, enterprise_code: str, kind: str, investor: str, amount_wan: Any, closed_on: Any,
                event: CapitalEvent | None = None, is_synthetic: bool = False) -> FinancingDeal:
    """Financing closed by an enterprise of the registry; attributed to ``event`` when the enterprise attended it
    and the money came within ``ATTRIBUTION_DAYS`` after it."""
    policy.require_officer(actor)
    enterprise = enterprise_of(enterprise_code)
    kind = choice_of(kind, FinancingDeal.Kind, field="kind", label="融资类型")
    investor = checked_text(investor, field="investor", label="投资机构或银行", max_length=200)
    amount = wan_to_fen(amount_wan, field="amount", label="融资金额")
    day = not_future(date_of(closed_on, field="closed_on", label="到位日期"), field="closed_on", label="到位日期")
    if event is not None:
        attribution_checked(event, enterprise, day)
    return FinancingDeal.objects.create(enterprise=enterprise, kind=kind, investor=investor, amount_fen=amount,
                                        closed_on=day, event=event, created_by=actor, created_at=clock.now(),
                                        is_synthetic=is_synthetic)

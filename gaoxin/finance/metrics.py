"""The year-end figures of the finance records:

- F063, the fund managers newly settled in the zone in the year; F064, the assets they manage at its end (each
  one's last record on or before the last day), in 亿元;
- F068, the size of the guidance funds set up in the year: their commitments, without the parent fund's share in
  its sub-funds (the parent counts that money already), in 亿元; F069 and F070, the guidance funds' investments
  made in the year, counted and summed in 亿元;
- F065, the equity financing the zone's enterprises closed in the year, in 亿元; F071, the financing (equity and
  loans) attributed to the 资本力量1+6 events, closed in the year, in 亿元;
- F066, the enterprises certified on the financing platform for the first time in the year; F067, the loans
  granted through it in the year, in 亿元;
- F092, the startup guarantee loans granted in the year, in 万元; F093, the jobs those loans created."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet

from gaoxin.accounts.models import User
from gaoxin.finance import selectors
from gaoxin.finance.models import (
    Certification,
    Commitment,
    FinancingDeal,
    FinancingDemand,
    FundManager,
    Investment,
    StartupLoan,
)
from gaoxin.finance.services import EVENT_SERIES

FEN_PER_YI = Decimal(10_000_000_000)
FEN_PER_WAN = Decimal(1_000_000)


def new_managers(*, actor: User, start: dt.date, end: dt.date) -> QuerySet[FundManager]:
    """The managers settled in [start, end), with their assets under management on the day before ``end``."""
    return selectors.manager_list(actor=actor, on=end - dt.timedelta(days=1)).filter(
        settled_on__gte=start, settled_on__lt=end).order_by("settled_on", "pk")


def aum_yi(managers: QuerySet[FundManager]) -> Decimal:
    """The sum of the ``aum_fen`` the managers were read with (``new_managers``), in 亿元."""
    total = sum(selectors.annotated(m, "aum_fen") or 0 for m in managers)
    return Decimal(total) / FEN_PER_YI


def new_guidance_commitments(*, actor: User, start: dt.date, end: dt.date) -> QuerySet[Commitment]:
    """The commitments of the guidance funds set up in [start, end), but the parent fund's in its sub-funds."""
    funds = selectors.guidance_fund_list(actor=actor).filter(established_on__gte=start, established_on__lt=end)
    return Commitment.objects.filter(fund__in=funds.values("pk")).exclude(source=Commitment.Source.PARENT)


def guidance_investments(*, actor: User, start: dt.date, end: dt.date) -> QuerySet[Investment]:
    return selectors.investment_list(actor=actor).filter(invested_on__gte=start, invested_on__lt=end)


def loans_granted(*, actor: User, start: dt.date, end: dt.date) -> QuerySet[StartupLoan]:
    return selectors.loan_list(actor=actor).filter(granted_on__gte=start, granted_on__lt=end)


def equity_deals(*, actor: User, start: dt.date, end: dt.date) -> QuerySet[FinancingDeal]:
    return selectors.deal_list(actor=actor, filters=selectors.DealFilters(kind=FinancingDeal.Kind.EQUITY)).filter(
        closed_on__gte=start, closed_on__lt=end)


def event_deals(*, actor: User, start: dt.date, end: dt.date) -> QuerySet[FinancingDeal]:
    return selectors.deal_list(actor=actor, filters=selectors.DealFilters(series=EVENT_SERIES)).filter(
        closed_on__gte=start, closed_on__lt=end)


def new_certifications(*, actor: User, start: dt.date, end: dt.date) -> QuerySet[Certification]:
    return selectors.first_certifications(selectors.certification_list(actor=actor).filter(
        certified_on__gte=start, certified_on__lt=end))


def platform_loans(*, actor: User, start: dt.date, end: dt.date) -> QuerySet[FinancingDemand]:
    return selectors.demand_list(actor=actor).filter(status=FinancingDemand.Status.GRANTED, granted_on__gte=start,
                                                     granted_on__lt=end)

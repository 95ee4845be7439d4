"""The domain's figures and the records they count, defined once (read by the indicators, the pages and the
leader's board): each function returns the records of a period that the actor may read (officers and leaders:
all; anyone else: none)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from gaoxin.accounts.models import User
from gaoxin.innovation import policy
from gaoxin.innovation.models import Achievement, InnovationProject, Institution, Match, TechContract, TechDemand


def _readable(actor: User, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs if policy.is_reader(actor) else qs.none()


def registered_contracts(*, actor: User, start: dt.datetime, end: dt.datetime) -> QuerySet[TechContract]:
    """F043: contracts registered (认定登记) in [start, end); the turnover is the sum of their amounts (万元)."""
    return _readable(actor, TechContract.objects.filter(status=TechContract.Status.REGISTERED,
                                                        registered_at__gte=start, registered_at__lt=end))


def turnover(records: QuerySet[TechContract]) -> Decimal:
    return records.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def solved_demands(*, actor: User, start: dt.datetime, end: dt.datetime) -> QuerySet[TechDemand]:
    """F044: enterprise technology demands solved in [start, end)."""
    return _readable(actor, TechDemand.objects.filter(status=TechDemand.Status.SOLVED, solved_at__gte=start,
                                                      solved_at__lt=end))


def event_intents(*, actor: User, start: dt.datetime, end: dt.datetime) -> QuerySet[Match]:
    """F045: cooperation intents (合作意向) between an enterprise and a university or institute reached at a
    matchmaking event in [start, end) (an intent later turned into success still counts)."""
    return _readable(actor, Match.objects.select_related("demand", "achievement").filter(
        event__isnull=False, intent_at__gte=start, intent_at__lt=end,
        status__in=[Match.Status.INTENT, Match.Status.SUCCEEDED]))


def new_rd_institutions(*, actor: User, end: dt.date) -> QuerySet[Institution]:
    """F046: new R&D institutions introduced (引进建设) before ``end``."""
    return _readable(actor, Institution.objects.filter(kind=Institution.Kind.NEW_RD, introduced_on__lt=end))


def rd_achievements(*, actor: User, event: str, start: dt.date, end: dt.date) -> QuerySet[Achievement]:
    """F047 (``transferred``), F048 (``listed``): achievements of new R&D institutions transferred / listed in
    [start, end)."""
    date_field = {"transferred": "transferred_on", "listed": "listed_on"}[event]
    return _readable(actor, Achievement.objects.filter(institution__kind=Institution.Kind.NEW_RD,
                                                       **{f"{date_field}__gte": start, f"{date_field}__lt": end}))


def rd_matches(*, actor: User, start: dt.datetime, end: dt.datetime) -> QuerySet[Match]:
    """F049: successful matches (对接成功) of new R&D institutions' achievements in [start, end)."""
    return _readable(actor, Match.objects.select_related("demand", "achievement").filter(
        achievement__institution__kind=Institution.Kind.NEW_RD, status=Match.Status.SUCCEEDED,
        succeeded_at__gte=start, succeeded_at__lt=end))


def approved_projects(*, actor: User, start: dt.date, end: dt.date) -> QuerySet[InnovationProject]:
    """F050: major innovation projects approved (省、市立项) in [start, end); F051 the funding granted to them."""
    return _readable(actor, InnovationProject.objects.filter(
        status__in=[InnovationProject.Status.APPROVED, InnovationProject.Status.ACCEPTED],
        approved_on__gte=start, approved_on__lt=end))


def granted(records: QuerySet[InnovationProject]) -> Decimal:
    return records.aggregate(total=Sum("funding_granted"))["total"] or Decimal(0)

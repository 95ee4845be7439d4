"""The year-end figures of the enterprise policies (F057–F059), counted from the payments: a policy is
implemented in a year when it paid an enterprise that year; the money is what was paid less what was clawed
back; an enterprise counts once however many items it was paid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet, Sum

from gaoxin.accounts.models import User
from gaoxin.enterprises.models import Enterprise
from gaoxin.policies import selectors
from gaoxin.policies.models import Decision, Policy

FEN_PER_YI = Decimal(10_000_000_000)


def payments(*, actor: User, start: dt.date, end: dt.date) -> QuerySet[Decision]:
    """The decisions paid in [start, end) that the actor may read."""
    return Decision.objects.filter(selectors.decision_scope_q(actor=actor), paid_on__gte=start, paid_on__lt=end,
                                   paid_fen__gt=0).select_related("enterprise", "item")


def implemented(*, actor: User, start: dt.date, end: dt.date) -> QuerySet[Policy]:
    return Policy.objects.filter(clauses__items__decisions__in=payments(actor=actor, start=start, end=end)
                                 ).distinct().order_by("code")


def net_paid_yi(records: QuerySet[Decision]) -> Decimal:
    sums = records.aggregate(paid=Sum("paid_fen"), back=Sum("clawed_back_fen"))
    return Decimal(int(sums["paid"] or 0) - int(sums["back"] or 0)) / FEN_PER_YI


def enterprises_paid(*, actor: User, start: dt.date, end: dt.date) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(policy_decisions__in=payments(actor=actor, start=start, end=end)
                                     ).distinct().order_by("pk")

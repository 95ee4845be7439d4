"""Reads of the fund-manager records, scoped: 财政金融局 staff and leaders read everything; anyone else nothing
(``finance.policy``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum

from gaoxin.accounts.models import User
from gaoxin.finance import policy
from gaoxin.finance.models import AumRecord, Fund, FundManager


@dataclass(frozen=True)
class Filters:
    settled_year: int | None = None
    q: str = ""


def latest_aum(on: dt.date) -> Subquery:
    """The manager's assets under management on ``on``: its last record dated on or before that day."""
    return Subquery(AumRecord.objects.filter(manager=OuterRef("pk"), as_of__lte=on).order_by("-as_of").values(
        "amount_fen")[:1])


def manager_list(*, actor: User, filters: Filters = Filters(), on: dt.date | None = None) -> QuerySet[FundManager]:
    if not policy.is_reader(actor):
        return FundManager.objects.none()
    qs = FundManager.objects.annotate(n_funds=Count("funds", distinct=True), funds_fen=Sum("funds__size_fen"))
    if on is not None:
        qs = qs.annotate(aum_fen=latest_aum(on))
    if filters.settled_year:
        qs = qs.filter(settled_on__year=filters.settled_year)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(credit_code__icontains=filters.q)
                       | Q(amac_number__icontains=filters.q))
    return qs.order_by("-settled_on", "pk")


def annotated(manager: FundManager, name: str) -> int | None:
    """A figure ``manager_list`` annotated the manager with (``aum_fen`` with a date, ``funds_fen``, ``n_funds``);
    None when there is none (no record, no fund)."""
    value = getattr(manager, name, None)
    return None if value is None else int(value)


def manager_get(*, actor: User, pk: int) -> FundManager | None:
    return manager_list(actor=actor).filter(pk=pk).first()


def funds_of(manager: FundManager) -> QuerySet[Fund]:
    return manager.funds.order_by("-vintage", "pk")


def aum_of(manager: FundManager) -> QuerySet[AumRecord]:
    return manager.aum_records.select_related("created_by").order_by("-as_of")

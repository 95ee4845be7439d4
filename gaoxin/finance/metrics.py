"""The year-end figures of the fund managers: F063, the managers newly settled in the zone in the year; F064, the
assets they manage at the end of the year (each one's last record on or before the last day), in 亿元."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet

from gaoxin.accounts.models import User
from gaoxin.finance import selectors
from gaoxin.finance.models import FundManager

FEN_PER_YI = Decimal(10_000_000_000)


def new_managers(*, actor: User, start: dt.date, end: dt.date) -> QuerySet[FundManager]:
    """The managers settled in [start, end), with their assets under management on the day before ``end``."""
    return selectors.manager_list(actor=actor, on=end - dt.timedelta(days=1)).filter(
        settled_on__gte=start, settled_on__lt=end).order_by("settled_on", "pk")


def aum_yi(managers: QuerySet[FundManager]) -> Decimal:
    """The sum of the ``aum_fen`` the managers were read with (``new_managers``), in 亿元."""
    total = sum(selectors.annotated(m, "aum_fen") or 0 for m in managers)
    return Decimal(total) / FEN_PER_YI


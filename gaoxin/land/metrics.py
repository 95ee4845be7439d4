"""The land figures and the records they count, defined once: industrial land supplied in a period (亩, X001 →
F061 share and F062 rank) and the shortest span of 拿地即开工 (F060: the land contract and the four permits within
N calendar days, counted inclusively — 1 = 一天发四证)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Min, QuerySet, Sum

from gaoxin.accounts.models import User
from gaoxin.land import selectors
from gaoxin.land.models import M2_PER_MU, LandSupply, Parcel


def industrial_supply_records(*, actor: User, start: dt.date, end: dt.date) -> QuerySet[LandSupply]:
    return selectors.supply_list(actor=actor, start=start, end=end, use_class=Parcel.UseClass.INDUSTRIAL)


def supplied_area_mu(records: QuerySet[LandSupply]) -> Decimal:
    total = records.aggregate(total=Sum("parcel__area_m2"))["total"] or Decimal(0)
    return (total / M2_PER_MU).quantize(Decimal("0.01"))


def four_permit_records(*, actor: User, start: dt.date, end: dt.date) -> QuerySet[LandSupply]:
    """Supplies of the period whose parcel holds all four permits."""
    return selectors.supply_list(actor=actor, start=start, end=end).filter(four_permit_days__isnull=False)


def fastest_four_permits(*, actor: User, start: dt.date, end: dt.date) -> tuple[int | None, list[int]]:
    """The shortest span (days, inclusive) and the supplies that reached it."""
    records = four_permit_records(actor=actor, start=start, end=end)
    best = records.aggregate(best=Min("four_permit_days"))["best"]
    if best is None:
        return None, []
    return best, sorted(records.filter(four_permit_days=best).values_list("pk", flat=True))

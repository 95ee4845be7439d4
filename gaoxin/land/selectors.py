"""Reads of land management, for the roles ``policy.may_read`` lets in (the zone's parcels are not personal
data; a role outside reads nothing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Min, Q, QuerySet

from gaoxin.accounts.models import User
from gaoxin.land import policy, unitcode
from gaoxin.land.models import LandSupply, Parcel, Permit


def parcel_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[Parcel]:
    if not policy.may_read(actor):
        return Parcel.objects.none()
    filters = filters or {}
    qs = Parcel.objects.all()
    if filters.get("use_class"):
        qs = qs.filter(use_class=filters["use_class"])
    if filters.get("q"):
        text = str(filters["q"]).strip()
        qs = qs.filter(Q(parcel_code__icontains=text) | Q(unit_code__icontains=text) | Q(name__icontains=text))
    if filters.get("supplied") == "yes":
        qs = qs.filter(supply__isnull=False)
    return qs.select_related("supply").order_by("parcel_code")


def parcel_by_code(*, actor: User, code: str) -> Parcel | None:
    """A parcel by its 19-character parcel code or its 28-character unit code (None when unknown or not
    readable)."""
    text = (code or "").strip().upper()
    if not policy.may_read(actor) or len(text) not in (unitcode.PARCEL_CODE_LENGTH, unitcode.LENGTH):
        return None
    return Parcel.objects.filter(parcel_code=text[:unitcode.PARCEL_CODE_LENGTH]).first()


def parcel_at(*, actor: User, lon: float, lat: float) -> Parcel | None:
    """The active parcel under a map click (bounding boxes in SQL, the polygon test in shapely)."""
    import shapely

    from gaoxin.grids import geometry

    if not policy.may_read(actor):
        return None
    candidates = Parcel.objects.filter(status=Parcel.Status.ACTIVE, min_lon__lte=lon, max_lon__gte=lon,
                                       min_lat__lte=lat, max_lat__gte=lat).order_by("parcel_code")
    for parcel in candidates:
        if shapely.intersects_xy(geometry.to_shape(parcel.geometry), lon, lat):
            return parcel
    return None


def supply_list(*, actor: User, start: dt.date | None = None, end: dt.date | None = None,
                use_class: str | None = None) -> QuerySet[LandSupply]:
    if not policy.may_read(actor):
        return LandSupply.objects.none()
    qs = LandSupply.objects.select_related("parcel", "land_user")
    if start is not None:
        qs = qs.filter(contract_date__gte=start)
    if end is not None:
        qs = qs.filter(contract_date__lt=end)
    if use_class:
        qs = qs.filter(parcel__use_class=use_class)
    return qs.order_by("-contract_date", "contract_no")


def with_permit_days(qs: QuerySet[LandSupply]) -> QuerySet[LandSupply]:
    """Supplies annotated with their permits: ``permit_count``, ``fourth_permit_on`` (the last of the four) and
    ``days_to_fourth`` (from the land contract to the fourth permit; 0 = 一天发四证, all on the contract's day)."""
    return qs.annotate(
        permit_count=Count("parcel__permits", distinct=True),
        first_permit_on=Min("parcel__permits__issued_on"),
        fourth_permit_on=Max("parcel__permits__issued_on"),
    ).annotate(days_to_fourth=ExpressionWrapper(F("fourth_permit_on") - F("contract_date"),
                                                output_field=DurationField()))


def permits_of(parcel: Parcel) -> list[Permit]:
    return list(parcel.permits.order_by("issued_on", "kind"))

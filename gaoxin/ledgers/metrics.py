"""Figures over a ledger, defined as data: an aggregate (``sum``, ``count``, ``distinct``, ``share``, ``latest``)
of a field of the approved entries of a year, with filters on field values — what an indicator over a ledger
names in its parameters. Each result carries the entries it read (its provenance, a lazy query) and adds up from
them. The values of a ledger's year are read once (``year_rows``) and shared by every figure over it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from gaoxin.core.errors import ApplicationError
from gaoxin.ledgers.models import Ledger, LedgerEntry
from gaoxin.ledgers.selectors import counted_entries

AGGREGATES = ("sum", "count", "distinct", "share", "latest")


@dataclass(frozen=True)
class Row:
    pk: int
    period_start: dt.date
    approved_at: dt.datetime | None
    values: dict[str, Any]


@dataclass
class LedgerFigure:
    value: Decimal | None
    records: QuerySet[LedgerEntry]
    denominator: Decimal | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def published_codes() -> set[str]:
    return set(Ledger.objects.exclude(current_version=None).values_list("code", flat=True))


def year_rows(*, ledger: str, year: int) -> list[Row]:
    """The approved entries of ``ledger`` for ``year``, in (period, unit, id) order."""
    return [Row(*r) for r in counted_entries(ledger_code=ledger, year=year).order_by(
        "period_start", "org_unit_id", "pk").values_list("pk", "period_start", "approved_at", "values")]


def _number(value: Any) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def field_sum(entries: QuerySet[LedgerEntry], name: str) -> Decimal:
    """The sum of field ``name`` over ``entries`` (what a sum figure's records add up to)."""
    return sum((_number(v.get(name)) for v in entries.values_list("values", flat=True)), Decimal(0))


def records_total(entries: QuerySet[LedgerEntry], *, aggregate: str, field: str = "", denominator_field: str = "",
                  divide_by: int = 1) -> Decimal | None:
    """What a figure's records add up to, read again from the entries alone (the provenance page's check):
    their count, the distinct values of ``field`` among them (one entry per value), the sum of ``field`` (of the
    one latest entry) in the figure's unit, or the share of two sums."""
    if aggregate in ("count", "distinct"):
        return Decimal(entries.count())
    if aggregate == "share":
        denominator = field_sum(entries, denominator_field)
        return None if not denominator else field_sum(entries, field) / denominator * 100
    if aggregate == "latest" and not entries.exists():
        return None
    return field_sum(entries, field) / Decimal(divide_by)


def ledger_figure(*, ledger: str, year: int, aggregate: str, field: str = "", denominator_field: str = "",
                  filters: dict[str, Any] | None = None, divide_by: int = 1, rows: list[Row] | None = None,
                  published: set[str] | None = None) -> LedgerFigure:
    """``aggregate`` of ``field`` over the approved entries of ``ledger`` for ``year`` matching ``filters``
    ({field: value}); ``share`` is sum(field) ÷ sum(denominator_field) × 100; ``latest`` the value of the entry of
    the latest period (then the latest approval); ``divide_by`` turns the stored unit into the figure's (分 → 亿元).
    A ledger not published yet has no value. ``rows`` and ``published`` may be given when already read."""
    if aggregate not in AGGREGATES:
        raise ApplicationError(f"未知的汇总方式：{aggregate}", field="aggregate")
    filters = filters or {}
    records = counted_entries(ledger_code=ledger, year=year)
    for name, value in filters.items():
        records = records.filter(**{f"values__{name}": value})
    records = records.order_by("period_start", "org_unit_id", "pk")
    detail: dict[str, Any] = {"ledger": ledger, "aggregate": aggregate, "field": field, "divide_by": divide_by}
    if ledger not in (published if published is not None else published_codes()):
        return LedgerFigure(None, records.none(), detail={**detail, "missing": "台账尚未发布"})
    rows = rows if rows is not None else year_rows(ledger=ledger, year=year)
    chosen = [r for r in rows if all(r.values.get(k) == v for k, v in filters.items())]
    scale = Decimal(divide_by)
    if aggregate == "count":
        return LedgerFigure(Decimal(len(chosen)), records, detail=detail)
    if aggregate == "sum":
        return LedgerFigure(sum((_number(r.values.get(field)) for r in chosen), Decimal(0)) / scale, records,
                            detail=detail)
    if aggregate == "distinct":
        first: dict[Any, int] = {}
        for r in chosen:
            value = r.values.get(field)
            if value not in (None, "") and value not in first:
                first[value] = r.pk
        # The records are one entry per distinct value (its first), so that they count to the figure.
        return LedgerFigure(Decimal(len(first)), records.filter(pk__in=sorted(first.values())), detail=detail)
    if aggregate == "latest":
        if not chosen:
            return LedgerFigure(None, records.none(), detail=detail)
        last = max(chosen, key=lambda r: (r.period_start, r.approved_at or dt.datetime.min.replace(tzinfo=dt.UTC),
                                          r.pk))
        return LedgerFigure(_number(last.values.get(field)) / scale, records.filter(pk=last.pk), detail=detail)
    numerator = sum((_number(r.values.get(field)) for r in chosen), Decimal(0))
    denominator = sum((_number(r.values.get(denominator_field)) for r in chosen), Decimal(0))
    detail["denominator_field"] = denominator_field
    value = None if not denominator else numerator / denominator * 100
    return LedgerFigure(value, records, denominator=denominator, detail=detail)

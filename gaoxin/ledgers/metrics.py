"""Figures over a ledger, defined as data: an aggregate (``sum``, ``count``, ``distinct``, ``share``, ``latest``)
of a field of the approved entries of a year, with filters on field values — what an indicator over a ledger
names in its parameters. Each result carries the entries it read (its provenance) and adds up from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from gaoxin.core.errors import ApplicationError
from gaoxin.ledgers.models import LedgerEntry
from gaoxin.ledgers.selectors import counted_entries

AGGREGATES = ("sum", "count", "distinct", "share", "latest")


@dataclass
class LedgerFigure:
    value: Decimal | None
    records: QuerySet[LedgerEntry]
    denominator: Decimal | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def _number(value: Any) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def field_sum(entries: QuerySet[LedgerEntry], name: str) -> Decimal:
    return sum((_number(v) for v in entries.values_list(f"values__{name}", flat=True)), Decimal(0))


def ledger_figure(*, ledger: str, year: int, aggregate: str, field: str = "", denominator_field: str = "",
                  filters: dict[str, Any] | None = None, divide_by: int = 1) -> LedgerFigure:
    """``aggregate`` of ``field`` over the approved entries of ``ledger`` for ``year`` matching ``filters``
    ({field: value}); ``share`` is sum(field) ÷ sum(denominator_field) × 100; ``latest`` the value of the entry of
    the latest period (then the latest approval); ``divide_by`` turns the stored unit into the figure's (分 → 亿元)."""
    if aggregate not in AGGREGATES:
        raise ApplicationError(f"未知的汇总方式：{aggregate}", field="aggregate")
    entries = counted_entries(ledger_code=ledger, year=year)
    for name, value in (filters or {}).items():
        entries = entries.filter(**{f"values__{name}": value})
    entries = entries.order_by("period_start", "org_unit_id", "pk")
    scale = Decimal(divide_by)
    detail: dict[str, Any] = {"ledger": ledger, "aggregate": aggregate, "field": field, "divide_by": divide_by}
    if aggregate == "count":
        return LedgerFigure(Decimal(entries.count()), entries, detail=detail)
    if aggregate == "sum":
        return LedgerFigure(field_sum(entries, field) / scale, entries, detail=detail)
    if aggregate == "distinct":
        values = {v for v in entries.values_list(f"values__{field}", flat=True) if v not in (None, "")}
        first = {}
        for pk, v in entries.values_list("pk", f"values__{field}"):
            if v not in (None, "") and v not in first:
                first[v] = pk
        # The records are one entry per distinct value (its first), so that they count to the figure.
        return LedgerFigure(Decimal(len(values)), entries.filter(pk__in=first.values()), detail=detail)
    if aggregate == "latest":
        last = entries.order_by("-period_start", "-approved_at", "-pk").first()
        if last is None:
            return LedgerFigure(None, entries.none(), detail=detail)
        return LedgerFigure(_number(last.values.get(field)) / scale, entries.filter(pk=last.pk), detail=detail)
    numerator = field_sum(entries, field)
    denominator = field_sum(entries, denominator_field)
    detail["denominator_field"] = denominator_field
    value = None if not denominator else numerator / denominator * 100
    return LedgerFigure(value, entries, denominator=denominator, detail=detail)

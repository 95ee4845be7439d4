"""Figures over ledgers (台账, ``gaoxin.ledgers``): an indicator names a ledger, an aggregate (sum, count,
distinct, share, latest), a field, filters on field values and the divisor from the stored unit to its own
(分 → 亿元, 平方米 → 万平方米); the computation reads ``ledgers.metrics.ledger_figure`` and hands back the approved
entries it read as the records. ``detail`` says how they add up: a sum (or share, latest) of ``field`` ÷
``divide_by``."""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlencode

from gaoxin.indicators.computations.base import Computation, Computed, Context
from gaoxin.ledgers.metrics import ledger_figure, published_codes, records_total, year_rows


def ledger_metric(ctx: Context, *, ledger: str, aggregate: str, field: str = "", denominator_field: str = "",
                  filters: dict[str, Any] | None = None, divide_by: int = 1) -> Computed:
    published = ctx.once("ledgers_published", published_codes)
    rows = ctx.once(("ledger_rows", ledger), lambda: year_rows(ledger=ledger, year=ctx.year)
                    if ledger in published else [])
    figure = ledger_figure(ledger=ledger, year=ctx.year, aggregate=aggregate, field=field,
                           denominator_field=denominator_field, filters=filters, divide_by=divide_by, rows=rows,
                           published=published)
    params: dict[str, Any] = {"ledger": ledger, "year": ctx.year, "state": "approved", **{
        f"f_{k}": v for k, v in (filters or {}).items()}}
    url = f"/ledgers/{ledger}/entries/?{urlencode(params)}"
    total = functools.partial(records_total, aggregate=aggregate, field=field, denominator_field=denominator_field,
                              divide_by=divide_by)
    return Computed(figure.value, params, url, "ledgers.metrics.ledger_figure", figure.detail,
                    records=figure.records, records_total=total)


COMPUTATIONS: dict[str, Computation] = {"ledger_metric": ledger_metric}

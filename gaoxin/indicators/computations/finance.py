"""Figures of the fund managers (F063–F064), read through ``finance.metrics``: the managers newly settled in the
zone in the year, and the assets under management they had at its end (fen → 亿元)."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from gaoxin.finance import metrics
from gaoxin.indicators.computations.base import Computation, Computed, Context


def fund_manager_metric(ctx: Context, *, metric: str) -> Computed:
    params = {"from": ctx.start_date.isoformat(), "to": ctx.end_date.isoformat()}
    managers = metrics.new_managers(actor=ctx.actor, start=ctx.start_date, end=ctx.end_date)
    url = f"/finance/managers/?{urlencode({'settled_year': ctx.year})}"
    if metric == "new_managers":
        return Computed(Decimal(managers.count()), {"metric": metric, **params}, url, "finance.metrics.new_managers",
                        records=managers)
    if metric == "new_aum":
        return Computed(metrics.aum_yi(managers), {"metric": metric, **params}, url, "finance.metrics.aum_yi",
                        records=managers, records_total=metrics.aum_yi)
    raise KeyError(metric)


COMPUTATIONS: dict[str, Computation] = {"fund_manager_metric": fund_manager_metric}

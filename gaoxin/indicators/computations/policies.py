"""Figures of the enterprise policies (F057–F059), read through ``policies.metrics``: the policies that paid in
the year, the money paid less clawbacks (fen → 亿元), and the enterprises paid."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from gaoxin.indicators.computations.base import Computation, Computed, Context
from gaoxin.policies import metrics


def policy_metric(ctx: Context, *, metric: str) -> Computed:
    params = {"from": ctx.start_date.isoformat(), "to": ctx.end_date.isoformat()}
    actor, start, end = ctx.actor, ctx.start_date, ctx.end_date
    url = f"/policies/decisions/?{urlencode({'paid_year': ctx.year})}"
    if metric == "implemented":
        records = metrics.implemented(actor=actor, start=start, end=end)
        return Computed(Decimal(records.count()), {"metric": metric, **params}, "/policies/reconciliation/?"
                        + urlencode({"year": ctx.year}), "policies.metrics.implemented", records=records)
    if metric == "funds_paid":
        payments = metrics.payments(actor=actor, start=start, end=end)
        return Computed(metrics.net_paid_yi(payments), {"metric": metric, **params}, url,
                        "policies.metrics.net_paid_yi", records=payments, records_total=metrics.net_paid_yi)
    if metric == "enterprises_paid":
        enterprises = metrics.enterprises_paid(actor=actor, start=start, end=end)
        return Computed(Decimal(enterprises.count()), {"metric": metric, **params}, url,
                        "policies.metrics.enterprises_paid", records=enterprises)
    raise KeyError(metric)


COMPUTATIONS: dict[str, Computation] = {"policy_metric": policy_metric}

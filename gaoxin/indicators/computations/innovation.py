"""Figures of innovation and technology transfer (F043–F051) and talent (F039, F041, F089), read through
``innovation.metrics`` and ``talent.metrics``. Amounts: a figure's value is the sum of a field of its records
(``Computed.total``) in the figure's unit (F043 亿元: the contracts' 万元 ÷ 10,000; F051 万元)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet

from gaoxin.indicators.computations.base import Computation, Computed, Context, Total
from gaoxin.innovation import metrics as m
from gaoxin.talent import metrics as talent_metrics


def _url(path: str, **params: Any) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def innovation_metric(ctx: Context, *, metric: str) -> Computed:
    period = {"actor": ctx.actor}
    records: QuerySet[Any]
    detail: dict[str, Any] = {}
    params = {"from": ctx.start_date.isoformat(), "to": ctx.end_date.isoformat()}
    total: Total | None = None
    if metric == "contract_turnover":
        records = m.registered_contracts(start=ctx.start, end=ctx.end, **period)
        value = m.turnover(records) / Decimal(10_000)
        total = Total("sum", "amount", Decimal(10_000))  # 万元 → 亿元
        detail = {}
        url = _url("/innovation/contracts/", status="registered", **params)
    elif metric == "demands_solved":
        records = m.solved_demands(start=ctx.start, end=ctx.end, **period)
        value, url = Decimal(records.count()), _url("/innovation/demands/", status="solved", **params)
    elif metric == "event_intents":
        records = m.event_intents(start=ctx.start, end=ctx.end, **period)
        value, url = Decimal(records.count()), _url("/innovation/matches/", at_event=1, **params)
    elif metric == "new_rd_institutions":
        records = m.new_rd_institutions(end=ctx.end_date, **period)
        value, url = Decimal(records.count()), _url("/innovation/institutions/", kind="new_rd")
    elif metric in ("rd_transferred", "rd_listed"):
        records = m.rd_achievements(event=metric[3:], start=ctx.start_date, end=ctx.end_date, **period)
        value, url = Decimal(records.count()), _url("/innovation/achievements/", new_rd=1, event=metric[3:], **params)
    elif metric == "rd_matched":
        records = m.rd_matches(start=ctx.start, end=ctx.end, **period)
        value, url = Decimal(records.count()), _url("/innovation/matches/", new_rd=1, status="succeeded", **params)
    elif metric in ("projects_approved", "project_funding"):
        records = m.approved_projects(start=ctx.start_date, end=ctx.end_date, **period)
        url = _url("/innovation/projects/", approved=1, **params)
        if metric == "projects_approved":
            value = Decimal(records.count())
        else:
            value = m.granted(records)
            total = Total("sum", "funding_granted")
            detail = {}
    else:
        raise KeyError(metric)
    return Computed(value, {"metric": metric, **params}, url, f"innovation.metrics ({metric})", detail,
                    records=records, total=total)


def talent_approvals(ctx: Context, *, program: str) -> Computed:
    records = talent_metrics.approvals(actor=ctx.actor, program=program, start=ctx.start, end=ctx.end)
    params = {"program": program, "status": "approved", "from": ctx.start_date.isoformat(),
              "to": ctx.end_date.isoformat()}
    return Computed(Decimal(records.count()), params, _url("/talent/applications/", **params),
                    "talent.metrics.approvals", records=records)


COMPUTATIONS: dict[str, Computation] = {
    "innovation_metric": innovation_metric,
    "talent_approvals": talent_approvals,
}

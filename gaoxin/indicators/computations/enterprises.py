"""Figures of the enterprise service: qualifications (F003 …, F025, F027), 万人助万企 visits (F054–F056),
企业家接待日 (F052–F053), read through ``enterprises.selectors`` and ``enterprises.metrics``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from gaoxin.enterprises import metrics as enterprise_metrics
from gaoxin.enterprises.models import EnterpriseProblem
from gaoxin.enterprises.selectors import enterprises_with_qualification, qualification_counts
from gaoxin.indicators import links
from gaoxin.indicators.computations.base import Computation, Computed, Context, decimal

VISIT = EnterpriseProblem.Source.VISIT
RECEPTION = EnterpriseProblem.Source.RECEPTION


def qualification(ctx: Context, *, type_code: str, new_only: bool = False) -> Computed:
    # One grouped query for every qualification figure of the year (``qualification_counts`` gives holders and
    # those new in the year per type, exactly as ``qualification_count`` counts them one by one).
    rows = ctx.once("qualifications", lambda: {
        r["type_code"]: r for r in qualification_counts(actor=ctx.actor, year=ctx.year)})
    row = rows.get(type_code)
    n = 0 if row is None else row["new" if new_only else "enterprises"]
    params = {"qualification": type_code, "qualification_year": ctx.year, **({"new_only": True} if new_only else {})}
    return Computed(Decimal(n), params, links.records_url("enterprises", **params),
                    "enterprises.selectors.qualification_counts",
                    records=enterprises_with_qualification(actor=ctx.actor, type_code=type_code, year=ctx.year,
                                                           new_only=new_only))


def visit_metric(ctx: Context, *, metric: str) -> Computed:
    values = ctx.once("visits", lambda: enterprise_metrics.visit_metrics(actor=ctx.actor, start=ctx.start_date,
                                                                         end=ctx.end_date))
    last_day = ctx.end_date - dt.timedelta(days=1)
    params = {"visited_from": ctx.start_date.isoformat(), "visited_to": last_day.isoformat()}
    detail = {"problems_raised": values["problems_raised"], "problems_resolved": values["problems_resolved"]}
    period: dict[str, Any] = {"actor": ctx.actor, "start": ctx.start_date, "end": ctx.end_date}
    records: QuerySet[Any]
    denominator: QuerySet[Any] | None = None
    if metric == "visits":
        records = enterprise_metrics.visit_records(**period)
    else:
        records = enterprise_metrics.problem_records(source=VISIT, resolved=True, **period)
        denominator = (enterprise_metrics.problem_records(source=VISIT, **period)
                       if metric == "resolution_rate" else None)
    return Computed(decimal(values[metric], percent=metric == "resolution_rate"), {"metric": metric, **params},
                    links.records_url("visits", **params), "enterprises.metrics.visit_metrics", detail,
                    records=records, denominator_records=denominator)


def reception_metric(ctx: Context, *, metric: str) -> Computed:
    values = ctx.once("reception", lambda: enterprise_metrics.reception_metrics(
        actor=ctx.actor, start=ctx.start_date, end=ctx.end_date))
    params = {"held_from": ctx.start_date.isoformat(), "held_to": (ctx.end_date - dt.timedelta(days=1)).isoformat()}
    detail = {"problems_raised": values["reception_problems_raised"]}
    period: dict[str, Any] = {"actor": ctx.actor, "start": ctx.start_date, "end": ctx.end_date}
    records = (enterprise_metrics.reception_session_records(**period) if metric == "sessions"
               else enterprise_metrics.problem_records(source=RECEPTION, resolved=True, **period))
    return Computed(decimal(values[metric]), {"metric": metric, **params},
                    links.records_url("reception_days", **params), "enterprises.metrics.reception_metrics", detail,
                    records=records)


COMPUTATIONS: dict[str, Computation] = {
    "qualification_count": qualification,
    "visit_metric": visit_metric,
    "reception_metric": reception_metric,
}

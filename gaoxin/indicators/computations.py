"""The registered computations of ``computed`` indicators: each reads the platform's records through the owning
app's selectors or metrics (never its tables directly) and says which records it counted, as a link.

A computation is ``fn(ctx, **params) -> Computed`` (``ctx`` holds the actor and the year). Results are in the
indicator's unit (rates in percent). ``Context`` memoises the slices that several indicators share (one aggregate
for F113 and F114, one for F054–F056, one grouped query for all qualifications), so a whole report asks the
database once per slice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gaoxin.accounts.models import User
from gaoxin.cases import metrics as case_metrics
from gaoxin.core.calendar import SHANGHAI
from gaoxin.enterprises import metrics as enterprise_metrics
from gaoxin.enterprises.selectors import qualification_counts
from gaoxin.grids.models import Grid
from gaoxin.indicators import links


@dataclass
class Computed:
    value: Decimal | None
    params: dict[str, Any]
    url: str
    function: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    actor: User
    year: int
    memo: dict[Any, Any] = field(default_factory=dict)

    @property
    def start_date(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end_date(self) -> dt.date:
        return dt.date(self.year + 1, 1, 1)

    @property
    def start(self) -> dt.datetime:
        return dt.datetime(self.year, 1, 1, tzinfo=SHANGHAI)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime(self.year + 1, 1, 1, tzinfo=SHANGHAI)

    def once(self, key: Any, fn: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = fn()
        return self.memo[key]


Computation = Callable[..., Computed]
REGISTRY: dict[str, Computation] = {}


def register(name: str) -> Callable[[Computation], Computation]:
    def wrap(fn: Computation) -> Computation:
        REGISTRY[name] = fn
        return fn

    return wrap


def _dec(value: Any, *, percent: bool = False) -> Decimal | None:
    if value is None:
        return None
    number = Decimal(str(value))
    return number * 100 if percent else number


@register("qualification_count")
def qualification(ctx: Context, *, type_code: str, new_only: bool = False) -> Computed:
    # One grouped query for every qualification figure of the year (``qualification_counts`` gives holders and
    # those new in the year per type, exactly as ``qualification_count`` counts them one by one).
    rows = ctx.once("qualifications", lambda: {
        r["type_code"]: r for r in qualification_counts(actor=ctx.actor, year=ctx.year)})
    row = rows.get(type_code)
    n = 0 if row is None else row["new" if new_only else "enterprises"]
    params = {"qualification": type_code, "qualification_year": ctx.year, **({"new_only": True} if new_only else {})}
    return Computed(Decimal(n), params, links.records_url("enterprises", **params),
                    "enterprises.selectors.qualification_counts")


@register("visit_metric")
def visit_metric(ctx: Context, *, metric: str) -> Computed:
    values = ctx.once("visits", lambda: enterprise_metrics.visit_metrics(actor=ctx.actor, start=ctx.start_date,
                                                                         end=ctx.end_date))
    params = {"visited_from": ctx.start_date.isoformat(), "visited_to": ctx.end_date.isoformat()}
    detail = {"problems_raised": values["problems_raised"], "problems_resolved": values["problems_resolved"]}
    return Computed(_dec(values[metric], percent=metric == "resolution_rate"), {"metric": metric, **params},
                    links.records_url("visits", **params), "enterprises.metrics.visit_metrics", detail)


@register("reception_metric")
def reception_metric(ctx: Context, *, metric: str) -> Computed:
    values = ctx.once("reception", lambda: enterprise_metrics.reception_metrics(
        actor=ctx.actor, start=ctx.start_date, end=ctx.end_date))
    params = {"held_from": ctx.start_date.isoformat(), "held_to": ctx.end_date.isoformat()}
    detail = {"problems_raised": values["reception_problems_raised"]}
    return Computed(_dec(values[metric]), {"metric": metric, **params}, links.records_url("reception_days", **params),
                    "enterprises.metrics.reception_metrics", detail)


@register("grid_count")
def grid_count(ctx: Context, *, level: str) -> Computed:
    counts = ctx.once("grids", lambda: {
        lv: Grid.objects.filter(level=lv).count() for lv in (Grid.Level.GRID, Grid.Level.MICRO)
    })
    return Computed(Decimal(counts[level]), {"level": level}, links.records_url("grids", level=level),
                    "grids.models.Grid (count by level)")


def _grid_event_metrics(ctx: Context) -> dict[str, Any]:
    qs = case_metrics.grid_event_cases(actor=ctx.actor, start=ctx.start, end=ctx.end)
    return case_metrics.compute(qs, percentiles=False)


@register("grid_event_metric")
def grid_event_metric(ctx: Context, *, metric: str) -> Computed:
    values = ctx.once("grid_events", lambda: _grid_event_metrics(ctx))
    params = {"registered_from": ctx.start.isoformat(), "registered_to": ctx.end.isoformat(),
              "channel": list(case_metrics.GRID_EVENT_CHANNELS)}
    # The web case list (gaoxin/web/filters.py) takes reg_from/reg_to as dates (inclusive), the metric's
    # population as ``set`` and one channel: the figure links to each counted channel's list.
    population = case_metrics.METRICS[metric]["numerator"]
    period = {"reg_from": ctx.start_date.isoformat(), "reg_to": (ctx.end_date - dt.timedelta(days=1)).isoformat(),
              "set": population}
    by_channel = {channel: links.records_url("cases", **period, channel=channel)
                  for channel in case_metrics.GRID_EVENT_CHANNELS}
    detail = {"registered": values["counts"]["registered"], "closed": values["counts"]["closed"],
              "records_by_channel": by_channel}
    return Computed(_dec(values[metric], percent=metric == "closure_rate"), {"metric": metric, **params},
                    links.records_url("cases", **period), "cases.metrics.metric_cases + compute", detail)


def compute(ctx: Context, name: str, params: dict[str, Any]) -> Computed:
    return REGISTRY[name](ctx, **params)

"""Figures of the case engine (F113 网格化事件, F114 办结率), read through ``cases.metrics``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gaoxin.cases import metrics as case_metrics
from gaoxin.cases.populations import POPULATIONS
from gaoxin.indicators import links
from gaoxin.indicators.computations.base import Computation, Computed, Context, decimal


def _grid_event_metrics(ctx: Context) -> dict[str, Any]:
    return case_metrics.compute(case_metrics.grid_event_cases(actor=ctx.actor, start=ctx.start, end=ctx.end),
                                percentiles=False)


def grid_event_metric(ctx: Context, *, metric: str) -> Computed:
    values = ctx.once("grid_events", lambda: _grid_event_metrics(ctx))
    params = {"registered_from": ctx.start.isoformat(), "registered_to": ctx.end.isoformat(),
              "channel": list(case_metrics.GRID_EVENT_CHANNELS)}
    # The web case list (gaoxin/web/filters.py) takes reg_from/reg_to as dates (inclusive), the metric's
    # population as ``set`` and one channel: a list of all channels would not add up to the figure, so the figure
    # has no list page of its own (its records are on the indicator's page), only each counted channel's list.
    meta = case_metrics.METRICS[metric]
    numerator, denominator = meta["numerator"], meta.get("denominator")
    period = {"reg_from": ctx.start_date.isoformat(), "reg_to": (ctx.end_date - dt.timedelta(days=1)).isoformat(),
              "set": numerator}
    by_channel = {channel: links.records_url("cases", **period, channel=channel)
                  for channel in case_metrics.GRID_EVENT_CHANNELS}
    detail = {"registered": values["counts"]["registered"], "closed": values["counts"]["closed"],
              "records_by_channel": by_channel}
    cohort = case_metrics.grid_event_cases(actor=ctx.actor, start=ctx.start, end=ctx.end)
    populations = POPULATIONS
    return Computed(decimal(values[metric], percent=denominator is not None), {"metric": metric, **params},
                    "", "cases.metrics.grid_event_cases + compute", detail,
                    records=cohort.filter(populations[numerator].condition),
                    denominator_records=cohort.filter(populations[denominator].condition) if denominator else None)


COMPUTATIONS: dict[str, Computation] = {"grid_event_metric": grid_event_metric}

"""Figures of the case engine (F113 网格化事件, F114 办结率), read through ``cases.metrics``."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from gaoxin.cases import metrics as case_metrics
from gaoxin.cases.populations import POPULATIONS, closed_by
from gaoxin.indicators import links
from gaoxin.indicators.computations.base import Computation, Computed, Context, decimal


def _grid_event_counts(ctx: Context) -> dict[str, int]:
    """Registered and closed grid events of the year, closed as of the year's end (one aggregate)."""
    cohort = case_metrics.grid_event_cases(actor=ctx.actor, start=ctx.start, end=ctx.end)
    return cohort.aggregate(registered=POPULATIONS["registered"].count(), closed=Count("pk", filter=closed_by(ctx.end)))


def grid_event_metric(ctx: Context, *, metric: str) -> Computed:
    """F113 受理量 and F114 办结率 of the year's grid events. A year's 办结率 counts the cases closed by the year's
    end (31 December 24:00 Beijing time): a 2023 case closed in 2024 does not raise 2023's rate."""
    counts = ctx.once("grid_events", lambda: _grid_event_counts(ctx))
    params = {"registered_from": ctx.start.isoformat(), "registered_to": ctx.end.isoformat(),
              "channel": list(case_metrics.GRID_EVENT_CHANNELS), "closed_before": ctx.end.isoformat()}
    # The web case list (gaoxin/web/filters.py) takes reg_from/reg_to as dates (inclusive), the metric's
    # population as ``set`` and one channel: a list of all channels would not add up to the figure, so the figure
    # has no list page of its own (its records are on the indicator's page), only each counted channel's list.
    meta = case_metrics.METRICS[metric]
    numerator, denominator = meta["numerator"], meta.get("denominator")
    conditions = {"registered": POPULATIONS["registered"].condition, "closed": closed_by(ctx.end)}
    period = {"reg_from": ctx.start_date.isoformat(), "reg_to": (ctx.end_date - dt.timedelta(days=1)).isoformat(),
              "set": numerator}
    by_channel = {channel: links.records_url("cases", **period, channel=channel)
                  for channel in case_metrics.GRID_EVENT_CHANNELS}
    detail = {"registered": counts["registered"], "closed": counts["closed"], "records_by_channel": by_channel}
    value = counts[numerator] if denominator is None else (
        counts[numerator] / counts[denominator] if counts[denominator] else None)
    cohort = case_metrics.grid_event_cases(actor=ctx.actor, start=ctx.start, end=ctx.end)
    return Computed(decimal(value, percent=denominator is not None), {"metric": metric, **params},
                    "", "cases.metrics.grid_event_cases + populations.closed_by(year end)", detail,
                    records=cohort.filter(conditions[numerator]),
                    denominator_records=cohort.filter(conditions[denominator]) if denominator else None)


COMPUTATIONS: dict[str, Computation] = {"grid_event_metric": grid_event_metric}

"""红黄绿灯 as data: ``RULES`` lists, per dimension, (fact, comparison, threshold, colour), read in order — the
first rule that holds gives the colour, none gives green. ``evaluate`` is pure; ``facts_for`` gathers the facts
of one project for one month from plain values, so the services and the simulation compute the same.

- 开工 (start): months the planned start is overdue without a start at the month's end — the planned month
  itself counts 1 (missed this month: yellow), three months or more red;
- 序时进度 (progress): points behind the pro-rata plan (序时进度 = month ÷ 12 of the annual plan) — 10 to 30
  yellow, more than 30 red;
- 月报 (report): the month's report submitted after the 25th yellow, not submitted at all red.
The overall light is the worst of the three."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

GREEN, YELLOW, RED = "green", "yellow", "red"
SEVERITY = {GREEN: 0, YELLOW: 1, RED: 2}
DIMENSIONS = ("start", "progress", "report")
REPORT_DUE_DAY = 25

RULES: tuple[tuple[str, str, str, Decimal, str], ...] = (
    # (dimension, fact, comparison, threshold, colour)
    ("start", "start_months_late", ">=", Decimal(3), RED),
    ("start", "start_months_late", ">=", Decimal(1), YELLOW),
    ("progress", "points_behind", ">", Decimal(30), RED),
    ("progress", "points_behind", ">=", Decimal(10), YELLOW),
    ("report", "report_missing", ">=", Decimal(1), RED),
    ("report", "report_late", ">=", Decimal(1), YELLOW),
)

_COMPARE = {">=": lambda a, b: a >= b, ">": lambda a, b: a > b}


def evaluate(facts: dict[str, Any]) -> dict[str, str]:
    colours: dict[str, str] = {}
    for dimension in DIMENSIONS:
        colours[dimension] = GREEN
        for dim, fact, op, threshold, colour in RULES:
            if dim == dimension and facts.get(fact) is not None and _COMPARE[op](Decimal(str(facts[fact])),
                                                                                  threshold):
                colours[dimension] = colour
                break
    colours["overall"] = max((colours[d] for d in DIMENSIONS), key=SEVERITY.__getitem__)
    return colours


def months_between(earlier: dt.date, year: int, month: int) -> int:
    return (year - earlier.year) * 12 + month - earlier.month


def facts_for(*, year: int, month: int, planned_start: dt.date | None, started_on: dt.date | None,
              annual_plan: Decimal, ytd: Decimal | None, report_late: bool | None) -> dict[str, Any]:
    """``ytd`` None and ``report_late`` None: no report for the month."""
    month_end = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    start_late = 0
    if planned_start is not None and planned_start <= month_end and (started_on is None or started_on > month_end):
        # Missed in the planned month itself: 1; three months on: 3.
        start_late = months_between(planned_start, year, month) + 1
    behind = None
    if annual_plan > 0 and ytd is not None:
        expected = Decimal(month) / Decimal(12) * 100
        actual = ytd / annual_plan * 100
        behind = (expected - actual).quantize(Decimal("0.01"))
    # A report is due once the project has started (a project not yet started reports nothing).
    due = started_on is not None and started_on <= month_end
    return {"start_months_late": start_late, "points_behind": None if behind is None else str(behind),
            "report_missing": 1 if due and report_late is None else 0, "report_late": 1 if report_late else 0}


def report_due(year: int, month: int) -> dt.date:
    return dt.date(year, month, REPORT_DUE_DAY)

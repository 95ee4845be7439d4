"""The lights on hand-computed cases at the thresholds' boundaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.projects import lights


def colours(**kw):
    base = {"year": 2023, "month": 6, "planned_start": None, "started_on": None, "annual_plan": Decimal(1200),
            "ytd": Decimal(600), "report_late": False}
    return lights.evaluate(lights.facts_for(**{**base, **kw}))


@pytest.mark.parametrize(("ytd", "expected"), [
    # June: the pro-rata plan is 50 % = 600.
    ("600", "green"), ("481.2", "green"),  # 9.9 points behind
    ("480", "yellow"),  # exactly 10 behind
    ("240", "yellow"),  # exactly 30 behind
    ("239.88", "red"),  # 30.01 behind
    ("0", "red"),
])
def test_progress_boundaries(ytd, expected):
    assert colours(ytd=Decimal(ytd))["progress"] == expected


@pytest.mark.parametrize(("planned", "started", "expected"), [
    (dt.date(2023, 7, 1), None, "green"),  # planned next month
    (dt.date(2023, 6, 30), None, "yellow"),  # missed this month
    (dt.date(2023, 6, 1), dt.date(2023, 6, 2), "green"),
    (dt.date(2023, 5, 15), None, "yellow"),  # two months
    (dt.date(2023, 4, 1), None, "red"),  # three months
    (dt.date(2023, 4, 1), dt.date(2023, 7, 1), "red"),  # started only after the month
])
def test_start_boundaries(planned, started, expected):
    assert colours(planned_start=planned, started_on=started)["start"] == expected


def test_report_and_overall():
    assert colours(report_late=True) == {"start": "green", "progress": "green", "report": "yellow",
                                         "overall": "yellow"}
    started = {"planned_start": dt.date(2023, 3, 1), "started_on": dt.date(2023, 3, 1)}
    assert colours(report_late=None, ytd=None, **started) == {"start": "green", "progress": "green", "report": "red",
                                                              "overall": "red"}
    # Not started yet: no report is due.
    assert colours(report_late=None, ytd=None)["report"] == "green"

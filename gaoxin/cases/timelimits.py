"""The time limits of a case (办理时限): the category's limit adjusted for urgency, the deadline it gives, the
80 % warning point and the green / yellow / red status, all counted in working time on the Chinese calendar
(``gaoxin.core.calendar``, re-exported here for the case code that counts on it). Pure functions, no database.

Urgency shortens the category's limit: 紧急 (urgent) halves it, 特急 (critical) quarters it (hour limits
rounded up to the half hour, day limits rounded up to whole days, never below half an hour / one day).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from gaoxin.core.calendar import (  # re-exported (``__all__``): the calendar the case rules count on
    DAY_WORK_SECONDS,
    END_OF_DAY,
    SHANGHAI,
    WorkCalendar,
    add_working_hours_many,
    add_working_seconds,
    add_working_seconds_many,
    add_working_time,
    add_working_time_many,
    calendar,
    is_workday,
    working_seconds_between_many,
    working_time_between,
)

__all__ = [
    # the time limits of a case
    "URGENCY_FACTOR", "deadline_for", "deadline_for_many", "limit_for", "status_color", "used_share", "warn_point",
    "warn_point_many",
    # the calendar, re-exported
    "DAY_WORK_SECONDS", "END_OF_DAY", "SHANGHAI", "WorkCalendar", "add_working_hours_many", "add_working_seconds",
    "add_working_seconds_many", "add_working_time", "add_working_time_many", "calendar", "is_workday",
    "working_seconds_between_many", "working_time_between",
]

URGENCY_FACTOR = {"normal": 1.0, "urgent": 0.5, "critical": 0.25}


def limit_for(time_limit: int, unit: str, urgency: str) -> float:
    """The category's limit adjusted for urgency, in ``unit``."""
    factor = URGENCY_FACTOR.get(urgency, 1.0)
    if unit == "day":
        return float(max(1, math.ceil(time_limit * factor)))
    return max(0.5, math.ceil(time_limit * factor * 2) / 2)


def deadline_for(start: dt.datetime, *, time_limit: int, unit: str, urgency: str) -> dt.datetime:
    return add_working_time(start, limit_for(time_limit, unit, urgency), unit)


def warn_point(start: dt.datetime, deadline: dt.datetime, *, stopped_seconds: int = 0, share: float = 0.8
               ) -> dt.datetime:
    """The moment ``share`` of the working time from ``start`` to ``deadline`` has been used (turns yellow).
    ``stopped_seconds`` of working time spent suspended (挂账) do not count as used."""
    total = working_time_between(start, deadline).total_seconds() - stopped_seconds
    if total <= 0:
        return deadline
    return add_working_seconds(start, stopped_seconds + math.ceil(total * share))


GREEN, YELLOW, RED = "green", "yellow", "red"


def used_share(start: dt.datetime, deadline: dt.datetime, now: dt.datetime) -> float:
    total = working_time_between(start, deadline).total_seconds()
    used = working_time_between(start, now).total_seconds()
    if total <= 0:
        return math.inf if now > deadline else 0.0
    return used / total


def status_color(start: dt.datetime, deadline: dt.datetime, now: dt.datetime) -> str:
    """green: < 80 % of the working time used; yellow: 80–100 %; red: past the deadline."""
    if now > deadline:
        return RED
    return YELLOW if used_share(start, deadline, now) >= 0.8 else GREEN


# --- array twins (int64 Unix seconds) for bulk work -----------------------------------------------------------

def deadline_for_many(start: np.ndarray, *, time_limit: np.ndarray, is_day: np.ndarray, urgency: np.ndarray
                      ) -> np.ndarray:
    """``deadline_for`` element-wise (``limit_for`` computed once per limit, unit and urgency)."""
    amount = np.zeros(len(start))
    for limit, day, level in {(int(t), bool(d), str(u)) for t, d, u in zip(
            np.asarray(time_limit).tolist(), np.asarray(is_day).tolist(), np.asarray(urgency).tolist(),
            strict=True)}:
        rows = (time_limit == limit) & (is_day == day) & (urgency == level)
        amount[rows] = limit_for(limit, "day" if day else "hour", level)
    return add_working_time_many(start, amount, is_day)


def warn_point_many(start: np.ndarray, deadline: np.ndarray, stopped_seconds: np.ndarray | int = 0,
                    share: float = 0.8) -> np.ndarray:
    """``warn_point(start, deadline, stopped_seconds=…)`` element-wise."""
    stopped = np.broadcast_to(np.asarray(stopped_seconds, dtype=np.int64), start.shape)
    total = (working_seconds_between_many(start, deadline) - stopped).astype(np.float64)
    used = stopped + np.ceil(total * share).astype(np.int64)
    return np.where(total <= 0, deadline, add_working_seconds_many(start, used))

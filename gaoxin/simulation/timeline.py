"""Vectorised time arithmetic for the bulk year: the same rules as ``gaoxin.cases.timelimits`` (its precomputed
working-day table and its numpy fast paths), applied to whole arrays of Unix seconds.

Every function here is the array twin of a scalar function of ``timelimits`` and the tests check them against
each other on every simulated case: ``add_hours`` ↔ ``add_working_time(t, h, "hour")``, ``add_days`` ↔
``add_working_time(t, n, "day")``, ``deadline`` ↔ ``deadline_for``, ``warn`` ↔ ``warn_point``,
``between`` ↔ ``working_time_between``.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np

from gaoxin.cases import timelimits

SHANGHAI = timelimits.SHANGHAI
END_OF_DAY_SECONDS = timelimits.END_OF_DAY.hour * 3600 + timelimits.END_OF_DAY.minute * 60
NONE = np.int64(-1)  # "no moment" in int64 time arrays


def unix(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def local_midnight(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(), SHANGHAI).timestamp())


def working_seconds(t: np.ndarray) -> np.ndarray:
    """W(t): working seconds since the calendar's epoch."""
    return timelimits.working_seconds_at_many(t)


def between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Working seconds from ``a`` to ``b`` (``working_time_between``)."""
    return working_seconds(b) - working_seconds(a)


def add_seconds(t: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """``add_working_seconds``: ``t`` itself where ``seconds <= 0``."""
    seconds = np.broadcast_to(np.asarray(seconds, dtype=np.int64), t.shape)
    positive = seconds > 0
    out = t.copy()
    if positive.any():
        out[positive] = timelimits.add_working_seconds_many(t[positive], seconds[positive])
    return out


def add_hours(t: np.ndarray, hours: np.ndarray) -> np.ndarray:
    """``add_working_time(t, hours, "hour")`` (``round(hours * 3600)`` working seconds; 0 hours → ``t``)."""
    seconds = np.round(np.asarray(hours, dtype=np.float64) * 3600).astype(np.int64)
    return add_seconds(t, seconds)


def add_days(t: np.ndarray, days: np.ndarray) -> np.ndarray:
    """``add_working_time(t, n, "day")``: 18:00 of the n-th working day after ``t``'s Beijing date."""
    cal = timelimits.calendar()
    days = np.broadcast_to(np.asarray(days, dtype=np.int64), t.shape)
    day = (t - cal.epoch_unix) // 86400
    target = cal.rank[day] + cal.is_work[day] + days - 1
    result = cal.epoch_unix + cal.workdays[target] * 86400 + END_OF_DAY_SECONDS
    return np.where(days > 0, result, t)


def add_amount(t: np.ndarray, amount: np.ndarray, is_day: np.ndarray) -> np.ndarray:
    """``add_working_time(t, amount, unit)`` with the unit chosen per element."""
    amount = np.asarray(amount)
    return np.where(is_day, add_days(t, np.round(amount).astype(np.int64)), add_hours(t, amount))


def warn(start: np.ndarray, deadline: np.ndarray, stopped: np.ndarray | int = 0, share: float = 0.8) -> np.ndarray:
    """``warn_point(start, deadline, stopped_seconds=stopped)``."""
    stopped = np.broadcast_to(np.asarray(stopped, dtype=np.int64), start.shape)
    total = (between(start, deadline) - stopped).astype(np.float64)
    used = stopped + np.ceil(total * share).astype(np.int64)
    return np.where(total <= 0, deadline, add_seconds(start, used))


@lru_cache(maxsize=1)
def _clock_texts() -> list[str]:
    """"HH:MM:SS" for every second of a day."""
    return [f"{h:02d}:{m:02d}:{sec:02d}" for h in range(24) for m in range(60) for sec in range(60)]


@lru_cache(maxsize=8)
def _day_texts(sep: str) -> tuple[int, list[str]]:
    """(first day number, "YYYY-MM-DD" + ``sep`` for every day of 1999–2062) as days since 1970-01-01."""
    first = dt.date(1999, 1, 1)
    days = (dt.date(2063, 1, 1) - first).days
    return (first - dt.date(1970, 1, 1)).days, [f"{first + dt.timedelta(days=i):%Y-%m-%d}{sep}" for i in range(days)]


def _texts(t: np.ndarray, suffix: str, *, shift: int = 0, sep: str = "T") -> list[str]:
    """ISO-like texts of int64 Unix seconds from two lookup tables (day, second of day)."""
    if not len(t):
        return []
    local = t + shift
    day = local // 86400
    first, days = _day_texts(sep)
    clocks = _clock_texts()
    if suffix:
        return [days[d] + clocks[c] + suffix for d, c in zip((day - first).tolist(), (local - day * 86400).tolist(),
                                                            strict=True)]
    return [days[d] + clocks[c] for d, c in zip((day - first).tolist(), (local - day * 86400).tolist(), strict=True)]


def iso_shanghai(t: np.ndarray) -> list[str]:
    """``datetime.isoformat()`` of Beijing-time moments (what the services write into event payloads)."""
    return _texts(t, "+08:00", shift=8 * 3600)


def iso_utc_micro(t: np.ndarray) -> list[str]:
    """``at.astimezone(UTC).isoformat(timespec="microseconds")``: the event time as the audit hash sees it."""
    return _texts(t, ".000000+00:00")


def db_datetimes(t: np.ndarray, vendor: str) -> list[str | None]:
    """Moments as the database backend stores them (SQLite: naive UTC text as Django writes it); None for -1."""
    missing = np.flatnonzero(t < 0)
    suffix = "+00:00" if vendor == "postgresql" else ""
    if len(missing) * 2 > len(t):
        out: list[str | None] = [None] * len(t)
        valid = np.flatnonzero(t >= 0)
        for i, text in zip(valid.tolist(), _texts(t[valid], suffix, sep=" "), strict=True):
            out[i] = text
        return out
    texts: list[str | None] = list(_texts(np.where(t < 0, 0, t), suffix, sep=" "))
    for i in missing.tolist():
        texts[i] = None
    return texts

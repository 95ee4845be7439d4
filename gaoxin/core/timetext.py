"""Moments as text, for whole arrays of int64 Unix seconds at once (the bulk year writes millions): ISO 8601 as
``datetime.isoformat()`` writes it, and the database's own datetime text. Built from two lookup tables (the day,
the second of the day) instead of one ``datetime`` per value."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np


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


@lru_cache(maxsize=8)
def _quoted_day_texts(sep: str) -> tuple[int, list[str]]:
    first, days = _day_texts(sep)
    return first, ['"' + d for d in days]


def _texts(t: np.ndarray, suffix: str, *, shift: int = 0, sep: str = "T", quoted: bool = False) -> list[str]:
    """ISO-like texts of int64 Unix seconds from two lookup tables (day, second of day); ``quoted``: as JSON
    strings (the suffix then ends with the closing quote)."""
    if not len(t):
        return []
    local = t + shift
    day = local // 86400
    first, days = _quoted_day_texts(sep) if quoted else _day_texts(sep)
    clocks = _clock_texts()
    if suffix:
        return [days[d] + clocks[c] + suffix for d, c in zip((day - first).tolist(), (local - day * 86400).tolist(),
                                                            strict=True)]
    return [days[d] + clocks[c] for d, c in zip((day - first).tolist(), (local - day * 86400).tolist(), strict=True)]


def iso_shanghai(t: np.ndarray, *, quoted: bool = False) -> list[str]:
    """``datetime.isoformat()`` of Beijing-time moments (what the services write into event payloads);
    ``quoted``: as JSON strings."""
    return _texts(t, '+08:00"' if quoted else "+08:00", shift=8 * 3600, quoted=quoted)


def iso_utc_micro(t: np.ndarray, *, quoted: bool = False) -> list[str]:
    """``at.astimezone(UTC).isoformat(timespec="microseconds")``: the event time as the audit hash sees it;
    ``quoted``: as JSON strings."""
    return _texts(t, '.000000+00:00"' if quoted else ".000000+00:00", quoted=quoted)


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


def minute_texts(t: np.ndarray) -> list[str]:
    """Beijing time to the minute, ``YYYY-MM-DD HH:MM`` (what a 督办 notice names as the deadline)."""
    return [text[:16] for text in _texts(t, "", shift=8 * 3600, sep=" ")]

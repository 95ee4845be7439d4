"""The Chinese working calendar (工作日历) and working-time arithmetic: the one clock every time limit counts on
(cases' 办理时限, projects' milestone limits, ledgers' due days). Pure functions, no database.

Schedule: on a working day the clock runs 09:00–12:00 and 13:30–18:00 Beijing time (7.5 working hours a
day). Working days come from ``chinese_calendar.is_workday`` (public holidays and make-up workdays
included) for the years it knows (2004–2026 in the pinned version); outside them Monday–Friday is assumed.

Units:
- ``hour`` (工作小时): ``add_working_time(start, n, "hour")`` is the earliest moment at which ``n`` working hours
  have elapsed since ``start``; a start outside working hours begins counting at the next working period.
- ``day`` (工作日): as in Chinese administrative practice the start day is not counted; the deadline is 18:00
  of the n-th working day after the start's date.

Everything is built on one table: for each calendar day from 2000-01-01 to 2060-12-31, whether it is a
working day and how many working days precede it. ``W(t)`` — working seconds since the table's epoch — is then
O(1), and so are ``working_time_between(a, b) = W(b) − W(a)`` and its inverse.

Every scalar function has an array twin (``*_many``) over int64 Unix seconds, for bulk work (the simulated year
applies the case transitions to all cases at once); the tests check each pair against each other.
"""


from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar
import numpy as np
import numpy.typing as npt

from gaoxin.core import clock

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_today() -> dt.date:
    """The platform clock's date in the zone (Asia/Shanghai)."""
    return clock.now().astimezone(SHANGHAI).date()
PERIODS: tuple[tuple[dt.time, dt.time], ...] = ((dt.time(9, 0), dt.time(12, 0)), (dt.time(13, 30), dt.time(18, 0)))
_PERIOD_SECONDS = tuple(
    (p[0].hour * 3600 + p[0].minute * 60, p[1].hour * 3600 + p[1].minute * 60) for p in PERIODS
)
DAY_WORK_SECONDS = sum(end - start for start, end in _PERIOD_SECONDS)  # 27,000 s = 7.5 h
END_OF_DAY = PERIODS[-1][1]

EPOCH = dt.date(2000, 1, 1)
LAST = dt.date(2060, 12, 31)
UTC_OFFSET_SECONDS = 8 * 3600  # Beijing time has had no daylight saving since 1991.


def _is_workday_uncached(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


class WorkCalendar:
    """The precomputed day table. ``is_work[i]`` for day ``EPOCH + i``; ``rank[i]`` working days before it;
    ``workdays`` the day indexes of all working days in order."""

    def __init__(self, first: dt.date = EPOCH, last: dt.date = LAST) -> None:
        self.first = first
        n = (last - first).days + 1
        self.is_work: npt.NDArray[np.bool_] = np.fromiter(
            (_is_workday_uncached(first + dt.timedelta(days=i)) for i in range(n)), dtype=bool, count=n
        )
        self.rank: npt.NDArray[np.int64] = np.concatenate(([0], np.cumsum(self.is_work)[:-1])).astype(np.int64)
        self.workdays: npt.NDArray[np.int64] = np.flatnonzero(self.is_work).astype(np.int64)
        self._is_work_list: list[bool] = self.is_work.tolist()
        self._rank_list: list[int] = self.rank.tolist()
        self._workdays_list: list[int] = self.workdays.tolist()
        # Unix seconds (UTC) of the epoch's local midnight.
        self.epoch_unix = int(dt.datetime.combine(first, dt.time(), SHANGHAI).timestamp())

    def index(self, day: dt.date) -> int:
        i = (day - self.first).days
        if not 0 <= i < len(self._is_work_list):
            raise ValueError(f"{day} 超出工作日历范围 {self.first}–{LAST}")
        return i

    def is_workday(self, day: dt.date) -> bool:
        return self._is_work_list[self.index(day)]

    def workday_table(self, year: int) -> np.ndarray:
        """Booleans for every day of ``year`` (index 0 = 1 January)."""
        start = self.index(dt.date(year, 1, 1))
        return self.is_work[start : self.index(dt.date(year, 12, 31)) + 1].copy()

    # --- scalar working-seconds timeline ---------------------------------------------------------------------
    def seconds_at(self, moment: dt.datetime) -> int:
        """W(moment): working seconds from the epoch to ``moment`` (whole seconds, microseconds dropped)."""
        local = _local(moment)
        i = self.index(local.date())
        before = self._rank_list[i] * DAY_WORK_SECONDS
        if not self._is_work_list[i]:
            return before
        return before + _within_day(local.hour * 3600 + local.minute * 60 + local.second)

    def moment_at(self, seconds: int) -> dt.datetime:
        """The earliest moment at which W reaches ``seconds`` (> 0)."""
        k = max(0, math.ceil(seconds / DAY_WORK_SECONDS) - 1)
        if k >= len(self._workdays_list):
            raise ValueError("期限超出工作日历范围")
        offset = seconds - k * DAY_WORK_SECONDS
        day = self.first + dt.timedelta(days=self._workdays_list[k])
        return dt.datetime.combine(day, dt.time(), SHANGHAI) + dt.timedelta(seconds=_clock_of(offset))

    def nth_workday_after(self, day: dt.date, n: int) -> dt.date:
        if n < 1:
            raise ValueError("n 必须为正整数")
        i = self.index(day)
        target = self._rank_list[i] + (1 if self._is_work_list[i] else 0) + n - 1
        if target >= len(self._workdays_list):
            raise ValueError("期限超出工作日历范围")
        return self.first + dt.timedelta(days=self._workdays_list[target])

    def workdays_between(self, a: dt.date, b: dt.date) -> int:
        """Working days d with a < d <= b (negative when b < a)."""
        ia, ib = self.index(a), self.index(b)
        return (self._rank_list[ib] + self._is_work_list[ib]) - (self._rank_list[ia] + self._is_work_list[ia])


def _local(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("需要带时区的时间")
    return moment.astimezone(SHANGHAI)


def _within_day(second_of_day: int) -> int:
    """Working seconds elapsed on a working day at ``second_of_day``."""
    total = 0
    for start, end in _PERIOD_SECONDS:
        if second_of_day <= start:
            break
        total += min(second_of_day, end) - start
    return total


def _clock_of(offset: int) -> int:
    """Second of the day at which ``offset`` (0 < offset <= DAY_WORK_SECONDS) working seconds have elapsed."""
    for start, end in _PERIOD_SECONDS:
        if offset <= end - start:
            return start + offset
        offset -= end - start
    return _PERIOD_SECONDS[-1][1]


@lru_cache(maxsize=1)
def calendar() -> WorkCalendar:
    return WorkCalendar()


def is_workday(day: dt.date) -> bool:
    return calendar().is_workday(day)


def working_time_between(a: dt.datetime, b: dt.datetime) -> dt.timedelta:
    """Working time from ``a`` to ``b`` (negative when ``b`` is before ``a``)."""
    cal = calendar()
    return dt.timedelta(seconds=cal.seconds_at(b) - cal.seconds_at(a))


def add_working_time(start: dt.datetime, amount: float, unit: str = "hour") -> dt.datetime:
    """``start`` plus ``amount`` working hours (``unit="hour"``) or working days (``unit="day"``)."""
    if amount < 0:
        raise ValueError("时限不能为负数")
    cal = calendar()
    if unit == "day":
        if amount != int(amount):
            raise ValueError("工作日时限必须为整数")
        if amount == 0:
            return start
        day = cal.nth_workday_after(_local(start).date(), int(amount))
        return dt.datetime.combine(day, END_OF_DAY, SHANGHAI)
    if unit != "hour":
        raise ValueError(f"未知的时限单位：{unit}")
    if amount == 0:
        return start
    return cal.moment_at(cal.seconds_at(start) + round(amount * 3600))


def add_working_seconds(start: dt.datetime, seconds: int) -> dt.datetime:
    if seconds <= 0:
        return start
    cal = calendar()
    return cal.moment_at(cal.seconds_at(start) + seconds)


# --- array twins: int64 Unix seconds -------------------------------------------------------------------------

END_OF_DAY_SECONDS = END_OF_DAY.hour * 3600 + END_OF_DAY.minute * 60
NONE = np.int64(-1)  # "no moment" in int64 time arrays


def local_midnight(day: dt.date) -> int:
    """Unix seconds of ``day``'s midnight in Beijing time."""
    return int(dt.datetime.combine(day, dt.time(), SHANGHAI).timestamp())


def working_seconds_many(unix_seconds: np.ndarray) -> npt.NDArray[np.int64]:
    """W(t) for an array of Unix timestamps (int seconds)."""
    cal = calendar()
    local = np.asarray(unix_seconds, dtype=np.int64) - cal.epoch_unix
    day = local // 86400
    sod = local - day * 86400
    within = np.zeros_like(sod)
    for start, end in _PERIOD_SECONDS:
        within += np.clip(sod, start, end) - start
    return cal.rank[day] * DAY_WORK_SECONDS + np.where(cal.is_work[day], within, 0)


def working_seconds_between_many(a: np.ndarray, b: np.ndarray) -> npt.NDArray[np.int64]:
    """``working_time_between`` in seconds, element-wise."""
    return working_seconds_many(b) - working_seconds_many(a)


def _add_positive_working_seconds(unix_seconds: np.ndarray, seconds: np.ndarray) -> npt.NDArray[np.int64]:
    cal = calendar()
    target = working_seconds_many(unix_seconds) + np.asarray(seconds, dtype=np.int64)
    k: npt.NDArray[np.int64] = np.maximum(0, -(-target // DAY_WORK_SECONDS) - 1)
    offset = target - k * DAY_WORK_SECONDS
    first_len = _PERIOD_SECONDS[0][1] - _PERIOD_SECONDS[0][0]
    sod = np.where(
        offset <= first_len,
        _PERIOD_SECONDS[0][0] + offset,
        _PERIOD_SECONDS[1][0] + offset - first_len,
    )
    return cal.epoch_unix + cal.workdays[k] * 86400 + sod


def add_working_seconds_many(t: np.ndarray, seconds: np.ndarray | int) -> np.ndarray:
    """``add_working_seconds``: ``t`` itself where ``seconds <= 0``."""
    seconds = np.broadcast_to(np.asarray(seconds, dtype=np.int64), t.shape)
    positive = seconds > 0
    out = t.copy()
    if positive.any():
        out[positive] = _add_positive_working_seconds(t[positive], seconds[positive])
    return out


def add_working_hours_many(t: np.ndarray, hours: np.ndarray | float) -> np.ndarray:
    """``add_working_time(t, hours, "hour")`` (``round(hours * 3600)`` working seconds; 0 hours → ``t``)."""
    seconds = np.round(np.asarray(hours, dtype=np.float64) * 3600).astype(np.int64)
    return add_working_seconds_many(t, seconds)


def add_working_days_many(t: np.ndarray, days: np.ndarray | int) -> np.ndarray:
    """``add_working_time(t, n, "day")``: 18:00 of the n-th working day after ``t``'s Beijing date."""
    cal = calendar()
    days = np.broadcast_to(np.asarray(days, dtype=np.int64), t.shape)
    day = (t - cal.epoch_unix) // 86400
    target = cal.rank[day] + cal.is_work[day] + days - 1
    result = cal.epoch_unix + cal.workdays[target] * 86400 + END_OF_DAY_SECONDS
    return np.where(days > 0, result, t)


def add_working_time_many(t: np.ndarray, amount: np.ndarray, is_day: np.ndarray) -> np.ndarray:
    """``add_working_time(t, amount, unit)`` with the unit chosen per element (``is_day``)."""
    amount = np.asarray(amount)
    return np.where(is_day, add_working_days_many(t, np.round(amount).astype(np.int64)),
                    add_working_hours_many(t, amount))


def nth_workday_index(day_index: int, n: int) -> int:
    """Fast path of ``day`` limits on day indexes from the epoch (for simulations working in day numbers)."""
    cal = calendar()
    return int(cal.workdays[cal.rank[day_index] + cal.is_work[day_index] + n - 1])

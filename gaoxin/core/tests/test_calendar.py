"""The working calendar: holidays and make-up days, the schedule's edges, and the scalar and array arithmetic
agreeing."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.conftest import examples
from gaoxin.core import calendar as tl

S = tl.SHANGHAI


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=S)


def test_calendar_knows_2023_holidays_and_makeup_days():
    off = [dt.date(2023, 1, d) for d in range(21, 28)] + [dt.date(2023, 9, 29), dt.date(2023, 9, 30)]
    off += [dt.date(2023, 10, d) for d in range(1, 7)]
    assert not any(tl.is_workday(d) for d in off)
    for makeup in (dt.date(2023, 1, 28), dt.date(2023, 1, 29), dt.date(2023, 10, 7), dt.date(2023, 10, 8)):
        assert makeup.weekday() >= 5
        assert tl.is_workday(makeup)
    table = tl.calendar().workday_table(2023)
    assert len(table) == 365
    assert int(table.sum()) == 249  # 2023 had 249 working days in mainland China


def test_spring_festival_2023_working_hours_and_days():
    friday = at(2023, 1, 20, 17, 0)
    # One hour left on the Friday before the holiday, the next on the first make-up Saturday.
    assert tl.add_working_time(friday, 2, "hour") == at(2023, 1, 28, 10, 0)
    assert tl.add_working_time(friday, 1, "day") == at(2023, 1, 28, 18, 0)
    assert tl.add_working_time(friday, 3, "day") == at(2023, 1, 30, 18, 0)
    # A report during the holiday counts from the first make-up workday.
    assert tl.add_working_time(at(2023, 1, 23, 10, 0), 1, "day") == at(2023, 1, 28, 18, 0)
    assert tl.add_working_time(at(2023, 1, 23, 10, 0), 1, "hour") == at(2023, 1, 28, 10, 0)
    assert tl.working_time_between(at(2023, 1, 20, 9, 0), at(2023, 1, 30, 9, 0)) == dt.timedelta(hours=22.5)
    assert tl.working_time_between(at(2023, 1, 21, 0, 0), at(2023, 1, 27, 23, 59)) == dt.timedelta(0)


def test_national_day_2023_working_hours_and_days():
    thursday = at(2023, 9, 28, 10, 0)
    assert tl.add_working_time(thursday, 1, "day") == at(2023, 10, 7, 18, 0)
    assert tl.add_working_time(thursday, 2, "day") == at(2023, 10, 8, 18, 0)
    assert tl.add_working_time(thursday, 3, "day") == at(2023, 10, 9, 18, 0)
    # 4.5 h left on Thursday afternoon, 3 h on the Saturday morning, then 30 min after lunch.
    assert tl.add_working_time(at(2023, 9, 28, 13, 30), 8, "hour") == at(2023, 10, 7, 14, 0)
    assert tl.working_time_between(at(2023, 9, 28, 12, 0), at(2023, 10, 7, 12, 0)) == dt.timedelta(hours=7.5)
    assert tl.calendar().workdays_between(dt.date(2023, 9, 28), dt.date(2023, 10, 8)) == 2


def test_schedule_edges_lunch_and_evening():
    assert tl.add_working_time(at(2023, 3, 1, 11, 0), 1, "hour") == at(2023, 3, 1, 12, 0)
    assert tl.add_working_time(at(2023, 3, 1, 11, 0), 1.5, "hour") == at(2023, 3, 1, 14, 0)
    assert tl.add_working_time(at(2023, 3, 1, 12, 30), 1, "hour") == at(2023, 3, 1, 14, 30)
    assert tl.add_working_time(at(2023, 3, 1, 20, 0), 1, "hour") == at(2023, 3, 2, 10, 0)
    assert tl.add_working_time(at(2023, 3, 1, 7, 0), 7.5, "hour") == at(2023, 3, 1, 18, 0)
    assert tl.add_working_time(at(2023, 3, 3, 17, 0), 2, "hour") == at(2023, 3, 6, 10, 0)  # Friday → Monday
    assert tl.add_working_time(at(2023, 3, 1, 10, 0), 0, "hour") == at(2023, 3, 1, 10, 0)
    assert tl.working_time_between(at(2023, 3, 1, 18, 0), at(2023, 3, 1, 9, 0)) == -dt.timedelta(hours=7.5)
    with pytest.raises(ValueError):
        tl.add_working_time(at(2023, 3, 1, 10, 0), 1, "week")
    with pytest.raises(ValueError):
        tl.add_working_time(at(2023, 3, 1, 10, 0), 1.5, "day")
    with pytest.raises(ValueError):
        tl.add_working_time(dt.datetime(2023, 3, 1, 10, 0), 1, "hour")  # noqa: DTZ001 - naive on purpose


moments = st.datetimes(min_value=dt.datetime(2022, 12, 1), max_value=dt.datetime(2024, 1, 31),
                       timezones=st.just(S)).map(lambda m: m.replace(microsecond=0))


@settings(max_examples=examples(1), deadline=None)
@given(start=moments, seconds=st.integers(min_value=1, max_value=200 * 3600))
def test_add_and_between_are_inverse_and_numpy_agrees(start, seconds):
    end = tl.add_working_seconds(start, seconds)
    assert end > start
    assert tl.working_time_between(start, end) == dt.timedelta(seconds=seconds)
    # The earliest such moment: one second earlier not enough.
    assert tl.working_time_between(start, end - dt.timedelta(seconds=1)) < dt.timedelta(seconds=seconds)
    fast = tl.add_working_seconds_many(np.array([int(start.timestamp())]), np.array([seconds]))
    assert int(fast[0]) == int(end.timestamp())
    assert int(tl.working_seconds_many(np.array([int(end.timestamp())]))[0]) == tl.calendar().seconds_at(end)


@settings(max_examples=examples(0.5), deadline=None)
@given(start=moments, days=st.integers(min_value=1, max_value=30))
def test_day_limits_end_at_six_pm_of_the_nth_workday_after(start, days):
    end = tl.add_working_time(start, days, "day")
    assert end.time() == dt.time(18, 0)
    assert tl.is_workday(end.date())
    assert tl.calendar().workdays_between(start.astimezone(S).date(), end.date()) == days
    index = (start.astimezone(S).date() - tl.EPOCH).days
    assert tl.EPOCH + dt.timedelta(days=tl.nth_workday_index(index, days)) == end.date()

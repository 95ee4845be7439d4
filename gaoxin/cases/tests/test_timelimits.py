import datetime as dt

import numpy as np

from gaoxin.cases import timelimits as tl
from gaoxin.core import calendar, timetext

S = tl.SHANGHAI


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=S)


def test_urgency_shortens_limits():
    assert tl.limit_for(4, "hour", "normal") == 4
    assert tl.limit_for(4, "hour", "urgent") == 2
    assert tl.limit_for(1, "hour", "critical") == 0.5
    assert tl.limit_for(3, "hour", "critical") == 1.0  # 0.75 h rounded up to the half hour
    assert tl.limit_for(5, "day", "urgent") == 3
    assert tl.limit_for(1, "day", "critical") == 1


def test_status_colours_and_warn_point():
    start, deadline = at(2023, 3, 1, 9, 0), at(2023, 3, 2, 18, 0)  # 15 working hours
    assert tl.warn_point(start, deadline) == at(2023, 3, 2, 15, 0)  # 12 h used: 7.5 + 3 + 1.5
    assert tl.status_color(start, deadline, at(2023, 3, 2, 9, 0)) == tl.GREEN
    assert tl.status_color(start, deadline, at(2023, 3, 2, 15, 0)) == tl.YELLOW
    assert tl.status_color(start, deadline, at(2023, 3, 2, 18, 1)) == tl.RED
    assert tl.status_color(start, deadline, at(2023, 3, 2, 14, 59)) == tl.GREEN
    # Two working hours spent suspended do not count as used: 2 h + 80 % of the remaining 13 h = 12.4 h.
    assert tl.warn_point(start, deadline, stopped_seconds=7200) == at(2023, 3, 2, 15, 24)


def test_vectorised_time_rules_are_the_scalar_ones():
    rng = np.random.default_rng(1)
    start = calendar.local_midnight(dt.date(2023, 1, 1))
    t = start + rng.integers(0, 366 * 86400, 2000)
    hours = rng.choice([0.5, 1.0, 2.0, 7.5, 22.5], 2000)
    days = rng.integers(1, 16, 2000)
    stopped = rng.integers(0, 20 * 27000, 2000)
    deadline = calendar.add_working_days_many(t, days)
    for i in range(2000):
        moment = dt.datetime.fromtimestamp(int(t[i]), S)
        assert calendar.add_working_hours_many(t[i : i + 1], hours[i : i + 1])[0] == int(
            tl.add_working_time(moment, float(hours[i]), "hour").timestamp())
        due = tl.add_working_time(moment, int(days[i]), "day")
        assert deadline[i] == int(due.timestamp())
        assert tl.warn_point_many(t[i : i + 1], deadline[i : i + 1], stopped[i : i + 1])[0] == int(
            tl.warn_point(moment, due, stopped_seconds=int(stopped[i])).timestamp())
        assert timetext.iso_shanghai(deadline[i : i + 1]) == [due.isoformat()]

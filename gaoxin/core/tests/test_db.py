import datetime as dt

from django.db.models.functions import TruncDate

from gaoxin.accounts.models import User
from gaoxin.core.db import SHANGHAI, FirstOfMonth, FirstOfYear, ShanghaiDate, ShanghaiMonth


def test_shanghai_date_agrees_with_truncdate_around_midnight(db):
    moments = {
        "before": dt.datetime(2023, 3, 1, 23, 59, 59, tzinfo=SHANGHAI),
        "midnight": dt.datetime(2023, 3, 2, 0, 0, 0, tzinfo=SHANGHAI),
        "utc_midnight": dt.datetime(2023, 3, 2, 0, 0, 0, tzinfo=dt.UTC),  # 08:00 in Shanghai
        "new_year": dt.datetime(2022, 12, 31, 16, 30, tzinfo=dt.UTC),  # 2023-01-01 00:30 in Shanghai
    }
    for name, moment in moments.items():
        User.objects.create(username=name, date_joined=moment)
    rows = User.objects.annotate(
        fast=ShanghaiDate("date_joined"), reference=TruncDate("date_joined", tzinfo=SHANGHAI)
    ).values_list("username", "fast", "reference")
    got = {name: (fast, reference) for name, fast, reference in rows}
    assert got == {
        "before": (dt.date(2023, 3, 1), dt.date(2023, 3, 1)),
        "midnight": (dt.date(2023, 3, 2), dt.date(2023, 3, 2)),
        "utc_midnight": (dt.date(2023, 3, 2), dt.date(2023, 3, 2)),
        "new_year": (dt.date(2023, 1, 1), dt.date(2023, 1, 1)),
    }


def test_shanghai_month_is_the_first_day_of_the_shanghai_month(db):
    moments = {
        "march_end": dt.datetime(2023, 3, 31, 23, 59, tzinfo=SHANGHAI),
        "april_in_shanghai": dt.datetime(2023, 3, 31, 16, 30, tzinfo=dt.UTC),  # 2023-04-01 00:30 in Shanghai
        "new_year": dt.datetime(2022, 12, 31, 16, 30, tzinfo=dt.UTC),  # 2023-01-01 00:30 in Shanghai
    }
    for name, moment in moments.items():
        User.objects.create(username=name, date_joined=moment)
    got = dict(User.objects.annotate(month=ShanghaiMonth("date_joined")).values_list("username", "month"))
    assert got == {"march_end": dt.date(2023, 3, 1), "april_in_shanghai": dt.date(2023, 4, 1),
                   "new_year": dt.date(2023, 1, 1)}


def test_first_of_month_and_year(db):
    from gaoxin.cases.models import CaseStat

    for day in (dt.date(2023, 3, 31), dt.date(2024, 2, 29), dt.date(2023, 1, 1)):
        CaseStat.objects.create(grain="day", period_start=day, street_key=0, center_key=0, assignee_key=0,
                                category_key=1, channel=str(day))
    got = {row[0]: row[1:] for row in CaseStat.objects.annotate(
        month=FirstOfMonth("period_start"), year=FirstOfYear("period_start")).values_list("channel", "month", "year")}
    assert got == {"2023-03-31": (dt.date(2023, 3, 1), dt.date(2023, 1, 1)),
                   "2024-02-29": (dt.date(2024, 2, 1), dt.date(2024, 1, 1)),
                   "2023-01-01": (dt.date(2023, 1, 1), dt.date(2023, 1, 1))}

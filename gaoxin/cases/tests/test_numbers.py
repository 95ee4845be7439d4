"""Case numbers: the Beijing intake day and a per-day serial (``CaseNumberCounter``). SQLite takes them from a
locked counter row (gap-free); PostgreSQL from a sequence counted from a per-day base (no queue, gaps possible)."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from gaoxin.cases import services
from gaoxin.cases.models import Case, CaseNumberCounter
from gaoxin.cases.tests.conftest import report
from gaoxin.cases.tests.test_concurrency import in_threads
from gaoxin.core import clock

POSTGRESQL = "postgresql"


def test_a_failed_intake_leaves_a_gap_on_postgresql_only(people, frozen_now):
    with frozen_now(2023, 3, 1, 9, 0):
        first = report(people.citizen)
        with pytest.raises(RuntimeError), transaction.atomic():
            report(people.citizen)
            raise RuntimeError("the caller's transaction fails after the number was taken")
        after = report(people.citizen)
    assert first.number == "20230301000001"
    assert after.number == ("20230301000003" if connection.vendor == POSTGRESQL else "20230301000002")
    assert list(Case.objects.values_list("number", flat=True).order_by("number")) == [first.number, after.number]


def test_a_bulk_loaded_day_continues_after_its_numbers(people, frozen_now):
    CaseNumberCounter.objects.create(day=dt.date(2023, 3, 1), last=7)
    with frozen_now(2023, 3, 1, 9, 0):
        numbers = [report(people.citizen).number for _ in range(2)]
    assert numbers == ["20230301000008", "20230301000009"]
    assert services.case_number_last_serials(dt.date(2023, 3, 1)) == {dt.date(2023, 3, 1): 9}

    # A load that appends to the day writes its own last and clears the base: live numbers continue after it.
    CaseNumberCounter.objects.filter(day=dt.date(2023, 3, 1)).update(last=20, base=None)
    with frozen_now(2023, 3, 1, 10, 0):
        assert report(people.citizen).number == "20230301000021"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgresql_intakes_of_one_day_do_not_wait_for_each_other(people, frozen_now):
    if connection.vendor != POSTGRESQL:
        pytest.skip("SQLite commits one write transaction at a time: its intakes queue by design")
    with frozen_now(2023, 3, 1, 9, 0):
        report(people.citizen)  # the day's base, committed
        now = clock.now()
    taken, release = threading.Event(), threading.Event()

    def holder():
        with clock.frozen(now), transaction.atomic():
            case = report(people.citizen)
            taken.set()
            assert release.wait(timeout=30)
        return case.number

    def other():
        assert taken.wait(timeout=30)
        try:
            with clock.frozen(now), transaction.atomic():
                with connection.cursor() as cursor:  # waiting for the holder's locks would fail, not hang
                    cursor.execute("SET LOCAL lock_timeout = '200ms'")
                return report(people.citizen).number
        finally:
            release.set()

    results, errors = in_threads([holder, other])
    assert errors == []
    assert sorted(results) == ["20230301000002", "20230301000003"]
    assert Case.objects.count() == 3

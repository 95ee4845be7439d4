"""Two actors move the same case at the same moment, each in its own thread with its own database connection:
exactly one wins, the other gets Conflict, and the history has exactly one event for the move.

PostgreSQL: the threads share the test database; the loser blocks on ``SELECT … FOR UPDATE`` until the winner
commits, then finds the version moved. SQLite: the test database is an in-memory shared cache, whose table locks
fail immediately instead of waiting, so the committed test data is copied into a WAL file database and the
threads connect to that one — the locking the embedded deployment really uses (``BEGIN IMMEDIATE`` + busy
timeout)."""

import contextlib
import sqlite3
import threading

import pytest
from django.db import connection, connections

from gaoxin.cases import audit, rollup, services, workflow
from gaoxin.cases.models import Case, CaseEvent, CaseStat
from gaoxin.cases.tests.conftest import report
from gaoxin.core import clock
from gaoxin.core.errors import Conflict


def in_threads(calls):
    """Run each call in its own thread (own connection), released together; returns (results, errors)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait(timeout=10)
            results.append(call())
        except Exception as exc:  # noqa: BLE001 - collected and asserted on by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def in_thread(call):
    results, errors = in_threads([call])
    if errors:
        raise errors[0]
    return results[0]


@contextlib.contextmanager
def shared_database(tmp_path):
    """Make connections opened by other threads see the committed test data with real locking."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():  # type: ignore[attr-defined]  # SQLite only
        yield
        return
    path = str(tmp_path / "race.sqlite3")
    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    # The copy keeps the in-memory database's journal mode; switch it to WAL now, as a deployed database already
    # is, rather than let the racing threads' first connections switch it (which needs the file to themselves).
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    settings_dict = connections.settings["default"]
    original = settings_dict["NAME"]
    settings_dict["NAME"] = path
    try:
        yield
    finally:
        settings_dict["NAME"] = original


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_dispatchers_one_case_exactly_one_wins(people, org, frozen_now, tmp_path):
    with frozen_now(2023, 3, 1, 9, 0):
        cases = [services.case_register(actor=people.a_operator, case=report(people.citizen)) for _ in range(4)]
        now = clock.now()

    def dispatch(copy, actor, assignee):
        def call():
            return services.case_dispatch(actor=actor, case=copy, assignee=assignee)
        return call

    # The clock is process-wide: frozen once here, not in each thread (the threads' exits would interleave).
    with shared_database(tmp_path), clock.frozen(now):
        for case in cases:
            # Both actors loaded version 2 and race to dispatch it to different units.
            assert case.version == 2
            copies = [Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)]
            results, errors = in_threads([dispatch(copies[0], people.a_dispatcher, org.street_a),
                                          dispatch(copies[1], people.zone_dispatcher, org.urban_management)])
            assert len(results) == 1, errors
            assert len(errors) == 1, errors
            assert isinstance(errors[0], Conflict), errors
            assert errors[0].code == "stale_version"
            assert errors[0].status == 409

            stored, events = in_thread(lambda pk=case.pk: (
                Case.objects.get(pk=pk), list(CaseEvent.objects.filter(case_id=pk).order_by("seq"))))
            assert stored.state == "dispatched"
            assert stored.version == 3
            assert stored.dispatch_count == 1
            assert stored.assignee_id == results[0].assignee_id
            assert [e.action for e in events] == ["report", "register", "dispatch"]
            assert workflow.replay(events) == "dispatched"
        assert in_thread(lambda: list(audit.verify_chains())) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_accept_and_return_race_on_one_case(people, org, frozen_now, tmp_path):
    with frozen_now(2023, 3, 1, 9, 0):
        case = services.case_dispatch(actor=people.a_dispatcher,
                                      case=services.case_register(actor=people.a_operator, case=report(people.citizen)))
        now = clock.now()
    with shared_database(tmp_path), clock.frozen(now):  # the clock is process-wide: frozen once
        a, b = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)

        def accept():
            return services.case_accept(actor=people.street_a_handler, case=a)

        def give_back():
            return services.case_return(actor=people.street_a_handler, case=b, reason="不属本单位")

        results, errors = in_threads([accept, give_back])
        assert len(results) == 1, errors
        assert len(errors) == 1, errors
        assert isinstance(errors[0], Conflict), errors
        stored = in_thread(lambda: Case.objects.get(pk=case.pk))
        assert stored.state == results[0].state
        assert stored.event_count == 4
        assert stored.version == 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_transitions_of_one_day_all_reach_the_rollups(people, org, frozen_now, tmp_path):
    """Four operators register four reports of the same day at once: every increment of the shared roll-up rows
    lands (the tables then equal a fresh computation from the cases)."""
    with frozen_now(2023, 3, 1, 9, 0):
        reports = [report(people.citizen) for _ in range(4)]
        now = clock.now()
    with shared_database(tmp_path), clock.frozen(now):  # the clock is process-wide: frozen once
        operators = [people.a_operator, people.a_dispatcher, people.zone_operator, people.zone_dispatcher]

        def register(case, actor):
            def call():
                return services.case_register(actor=actor, case=Case.objects.get(pk=case.pk))
            return call

        results, errors = in_threads([register(c, a) for c, a in zip(reports, operators, strict=True)])
        assert errors == []
        assert len(results) == 4
        day = in_thread(lambda: sum(CaseStat.objects.filter(grain="day").values_list("registered", flat=True)))
        assert day == 4
        assert in_thread(rollup.differences) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_reports_of_one_day_get_consecutive_numbers(people, org, frozen_now, tmp_path):
    """Six reports at once, on the day's first case: the counter row is created once and every case gets its own
    number, without a gap."""
    with shared_database(tmp_path), frozen_now(2023, 3, 1, 9, 0):  # the clock is process-wide: frozen once
        results, errors = in_threads([lambda: report(people.citizen).number] * 6)
        assert errors == []
        assert sorted(results) == [f"20230301{n:06d}" for n in range(1, 7)]
        assert in_thread(lambda: sorted(Case.objects.values_list("number", flat=True))) == sorted(results)

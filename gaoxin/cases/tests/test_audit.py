import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from gaoxin.cases import audit, services
from gaoxin.cases.models import CaseEvent
from gaoxin.cases.tests.conftest import report, run_to_closed


@pytest.fixture
def two_cases(people, frozen_now):
    with frozen_now(2023, 3, 1, 9, 0):
        first = run_to_closed(people, report(people.citizen))
        second = services.case_register(actor=people.a_operator, case=report(people.citizen))
    return first, second


def test_events_cannot_be_changed_or_deleted_through_the_orm(two_cases):
    event = CaseEvent.objects.filter(case=two_cases[0]).first()
    assert event is not None
    event.note = "改写"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    with pytest.raises(RuntimeError):
        CaseEvent.objects.filter(pk=event.pk).update(note="改写")
    with pytest.raises(RuntimeError):
        CaseEvent.objects.filter(pk=event.pk).delete()
    assert CaseEvent.objects.get(pk=event.pk).note == ""


def test_intact_history_verifies(two_cases, capsys):
    call_command("cases", "verify-audit")
    assert "审计链完整：2 个案件" in capsys.readouterr().out


def test_raw_sql_tampering_is_reported_with_case_and_event(two_cases, capsys):
    first, second = two_cases
    target = CaseEvent.objects.get(case=first, action="feedback")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_caseevent SET note = %s WHERE id = %s", ["未处置", target.pk])
    with pytest.raises(CommandError, match="1 个案件"):
        call_command("cases", "verify-audit")
    out = capsys.readouterr().out
    assert f"BROKEN case={first.number} event={target.pk}" in out
    assert second.number not in out
    broken = list(audit.verify_chains())
    assert [(b.case_number, b.event_id) for b in broken] == [(first.number, target.pk)]


def test_deleting_or_rechaining_is_detected(two_cases):
    first, second = two_cases
    last = CaseEvent.objects.get(case=second, action="register")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_caseevent WHERE id = %s", [last.pk])
    broken = list(audit.verify_chains())
    assert [(b.case_number, b.event_id) for b in broken] == [(second.number, None)]
    # Changing the actor of a middle event breaks that event's hash and, via prev_hash, nothing else is trusted.
    middle = CaseEvent.objects.get(case=first, action="dispatch")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_caseevent SET to_state = %s WHERE id = %s", ["closed", middle.pk])
    assert (first.number, middle.pk) in [(b.case_number, b.event_id) for b in audit.verify_chains()]

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.cases import audit, canonical, services
from gaoxin.cases.models import CaseEvent
from gaoxin.cases.tests.conftest import report, run_to_closed
from gaoxin.core import audit as core_audit


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
    assert [(b.subject, b.event_id) for b in broken] == [(first.number, target.pk)]


def test_deleting_or_rechaining_is_detected(two_cases):
    first, second = two_cases
    last = CaseEvent.objects.get(case=second, action="register")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_caseevent WHERE id = %s", [last.pk])
    broken = list(audit.verify_chains())
    assert [(b.subject, b.event_id) for b in broken] == [(second.number, None)]
    # Changing the actor of a middle event breaks that event's hash and, via prev_hash, nothing else is trusted.
    middle = CaseEvent.objects.get(case=first, action="dispatch")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_caseevent SET to_state = %s WHERE id = %s", ["closed", middle.pk])
    assert (first.number, middle.pk) in [(b.subject, b.event_id) for b in audit.verify_chains()]


text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20)
payloads = st.dictionaries(text, st.one_of(st.none(), st.booleans(), st.integers(), text,
                                           st.lists(st.integers(), max_size=3)), max_size=4)


@given(number=text, seq=st.integers(min_value=1, max_value=10**6), actor=st.one_of(st.none(), st.integers(1, 10**9)),
       at=st.datetimes(timezones=st.just(dt.UTC)), action=text, from_state=text, to_state=text, note=text,
       payload=payloads, prev=text)
def test_the_fast_canonical_json_is_the_generic_one(number, seq, actor, at, action, from_state, to_state, note,
                                                    payload, prev):
    """The case history's fast rendering writes byte for byte what core.audit's generic canonical JSON writes."""
    content = {"case": number, "seq": seq, "actor": actor, "at": core_audit.utc_text(at), "action": action,
               "from": from_state, "to": to_state, "note": note, "payload": payload, "prev": prev}
    assert canonical.canonical_from_content(content) == core_audit.canonical_json(content)


def test_audit_verify_covers_every_history(people, frozen_now):
    """``gaoxin audit verify`` re-hashes the histories of every domain: the cases' and the submissions'."""
    from gaoxin.indicators.models import SubmissionEvent

    assert {CaseEvent, SubmissionEvent} <= set(core_audit.histories())
    with frozen_now(2023, 3, 1, 9, 0):
        run_to_closed(people, report(people.citizen))
    out = io.StringIO()
    call_command("audit", "verify", stdout=out, verbosity=0)
    assert "审计链完整" in out.getvalue()
    with connection.cursor() as cursor:  # the ORM refuses to edit events: edit them in SQL
        cursor.execute(f"UPDATE {CaseEvent._meta.db_table} SET note = 'x' WHERE seq = 2")  # noqa: S608
    with pytest.raises(CommandError):
        call_command("audit", "verify", stdout=io.StringIO(), verbosity=0)

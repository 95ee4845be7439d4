"""The simulated year's bulk path and the live services write the same records.

A sample of the small year's cases — every event pattern the simulation produces, crossed with the category's
time unit, the overdue flag and the 督办 notices raised — is replayed through the live services, event by event,
under a frozen clock at each event's moment, by the same actors with the same inputs; between two events the
supervision runs at the five-minute ticks at which a deadline of the case passes (``simulation.engine``'s model of
the periodic task). The live case row, its events (payloads and hashes), its notices and the roll-ups must equal
what the bulk path wrote.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.cases import notices, rollup, services, workflow
from gaoxin.cases.models import Case, CaseEvent, SupervisionNotice
from gaoxin.cases.services import intake
from gaoxin.core import clock
from gaoxin.core.calendar import SHANGHAI
from gaoxin.simulation.engine import TICK
from gaoxin.simulation.tests.conftest import YEAR

pytestmark = pytest.mark.django_db

YEAR_END = dt.datetime(YEAR + 1, 1, 1, tzinfo=SHANGHAI)
CASE_FIELDS = [f.attname for f in Case._meta.concrete_fields if f.attname != "id"]
EVENT_FIELDS = ["seq", "actor_id", "at", "action", "from_state", "to_state", "note", "payload", "prev_hash", "hash"]
NOTICE_FIELDS = ["node", "unit_id", "superior_unit_id", "deadline", "created_at", "message", "acknowledged_at"]


def _events(case_id: int) -> list[dict[str, Any]]:
    return list(CaseEvent.objects.filter(case_id=case_id).order_by("seq").values(*EVENT_FIELDS))


def _notices(case_id: int) -> list[dict[str, Any]]:
    return list(SupervisionNotice.objects.filter(case_id=case_id).order_by("node").values(*NOTICE_FIELDS))


def _row(case_id: int) -> dict[str, Any]:
    return Case.objects.filter(pk=case_id).values(*CASE_FIELDS).get()


def _sample() -> list[int]:
    """One case per (event pattern, time unit, overdue, notice nodes)."""
    actions: dict[int, list[str]] = {}
    for case_id, action in CaseEvent.objects.order_by("case_id", "seq").values_list("case_id", "action"):
        actions.setdefault(case_id, []).append(action)
    nodes: dict[int, set[str]] = {}
    for case_id, node in SupervisionNotice.objects.values_list("case_id", "node"):
        nodes.setdefault(case_id, set()).add(node)
    chosen: dict[tuple[Any, ...], int] = {}
    for case_id, unit, overdue in Case.objects.order_by("number").values_list("pk", "category__time_unit",
                                                                                "is_overdue"):
        key = (tuple(actions[case_id]), unit, overdue, tuple(sorted(nodes.get(case_id, ()))))
        chosen.setdefault(key, case_id)
    return sorted(chosen.values())


def _ticks(case: Case, start: dt.datetime, until: dt.datetime) -> list[dt.datetime]:
    """The supervision ticks in [start, until) at which a deadline of ``case`` (as it stands) has passed."""
    first = _tick_from(start)
    found = set()
    if case.state in workflow.CLOCK_RUNNING_STATES and case.deadline is not None:
        found.add(max(_tick_after(case.deadline), first))
    if case.state in notices.NODE_STATES and case.node and case.node_deadline is not None:
        found.add(max(_tick_after(case.node_deadline), first))
    return sorted(t for t in found if t < until)


def _tick_after(moment: dt.datetime) -> dt.datetime:
    """The first tick strictly after ``moment``."""
    return dt.datetime.fromtimestamp((math.floor(moment.timestamp()) // TICK + 1) * TICK, SHANGHAI)


def _tick_from(moment: dt.datetime) -> dt.datetime:
    """The first tick at or after ``moment``."""
    return dt.datetime.fromtimestamp(math.ceil(moment.timestamp() / TICK) * TICK, SHANGHAI)


def _step(case: Case, event: CaseEvent, actor: User) -> Case:
    p, note = event.payload, event.note
    action = event.action
    if action == "register":
        return services.case_register(actor=actor, case=case, urgency=p["urgency"], note=note)
    if action == "reject":
        return services.case_reject(actor=actor, case=case, reason=note)
    if action == "merge":
        return services.case_merge(actor=actor, case=case, into=Case.objects.get(number=p["into"]), note=note)
    if action == "dispatch":
        return services.case_dispatch(actor=actor, case=case, assignee=OrgUnit.objects.get(code=p["assignee"]),
                                      note=note)
    if action == "accept":
        return services.case_accept(actor=actor, case=case, note=note)
    if action == "return":
        return services.case_return(actor=actor, case=case, reason=note)
    if action == "request_extension":
        return services.case_request_extension(actor=actor, case=case, amount=p["amount"], reason=note)
    if action in ("approve_extension", "deny_extension"):
        return services.case_approve_extension(actor=actor, case=case, approve=p["approved"], note=note)
    if action == "request_suspension":
        return services.case_request_suspension(actor=actor, case=case, reason=note)
    if action in ("approve_suspension", "deny_suspension"):
        return services.case_approve_suspension(actor=actor, case=case, approve=p["approved"], note=note)
    if action == "resume":
        return services.case_resume(actor=actor, case=case, note=note)
    if action == "feedback":
        return services.case_feedback(actor=actor, case=case, result=note)
    if action in ("verify_pass", "verify_fail"):
        return services.case_verify(actor=actor, case=case, passed=p["passed"], note=note)
    if action == "evaluate":
        return services.case_evaluate(actor=actor, case=case, satisfaction=p["satisfaction"], note=note)
    raise AssertionError(f"no live step for {action}")


def _supervise_until(case: Case, start: dt.datetime, until: dt.datetime) -> Case:
    for tick in _ticks(case, start, until):
        services.case_supervise_overdue(now=tick)
        case = Case.objects.select_related("category", "center", "assignee").get(pk=case.pk)
    return case


def _replay(simulated: Case, events: list[CaseEvent], monkeypatch: pytest.MonkeyPatch) -> Case:
    """The simulated case's history taken again through the live services, as a new case with its number."""
    monkeypatch.setattr(intake, "next_case_number", lambda moment: simulated.number)
    first = events[0]
    assert first.actor is not None
    with clock.frozen(first.at):
        case = services.case_report(
            actor=first.actor, channel=simulated.channel, category=simulated.category,
            description=simulated.description, address=simulated.address, lon=simulated.lon, lat=simulated.lat,
            reporter_name=simulated.reporter_name, reporter_phone=simulated.reporter_phone,
            reporter_user=simulated.reporter_user, external_ref=simulated.external_ref,
            urgency=first.payload["urgency"], request_type=simulated.request_type, is_synthetic=True)
    moment = first.at
    for event in events[1:]:
        case = _supervise_until(case, moment, event.at)
        assert event.actor is not None
        with clock.frozen(event.at):
            case = _step(case, event, event.actor)
        moment = event.at
    return _supervise_until(case, moment, YEAR_END)


@pytest.fixture
def in_savepoint() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def test_the_simulated_supervision_left_nothing_to_do(small_year, in_savepoint):
    """At the year's last tick the live supervision finds every late case marked and every notice raised."""
    overdue = Case.objects.filter(is_overdue=True).count()
    raised = SupervisionNotice.objects.count()
    assert services.case_supervise_overdue(now=YEAR_END - dt.timedelta(seconds=TICK)) == 0
    assert Case.objects.filter(is_overdue=True).count() == overdue
    assert SupervisionNotice.objects.count() == raised


def test_simulated_histories_are_what_the_live_services_write(small_year, in_savepoint, monkeypatch):
    sample = _sample()
    assert len(sample) >= 40  # every pattern of the small year, each time unit, with and without notices
    nodes_seen: set[str] = set()
    for case_id in sample:
        simulated = Case.objects.select_related("category", "reporter_user", "request_type").get(pk=case_id)
        row, events, raised = _row(case_id), _events(case_id), _notices(case_id)
        nodes_seen |= {n["node"] for n in raised}
        history = list(CaseEvent.objects.filter(case_id=case_id).select_related("actor").order_by("seq"))
        # The simulated case steps aside (numbers and external references are unique) and stays as the master
        # of the cases merged into it.
        Case.objects.filter(pk=case_id).update(number=f"S{simulated.number}",
                                               external_ref=f"S{simulated.external_ref}"[:64]
                                               if simulated.external_ref else "")
        live = _replay(simulated, history, monkeypatch)
        assert _row(live.pk) == row, simulated.number
        assert _events(live.pk) == events, simulated.number
        assert _notices(live.pk) == raised, simulated.number
    assert nodes_seen == {"sign", "handle", "verify", "case"}
    assert rollup.differences() == []

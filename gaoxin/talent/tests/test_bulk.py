"""Differential test: the bulk path of many decided talent applications (the simulated year) writes what
``application_submit``, ``application_review`` and ``application_decide`` write one application at a time — the
same rows, numbers, limits, events and hashes. Each path writes the same applications in a savepoint rolled back
afterwards."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction

from gaoxin.core import audit, clock
from gaoxin.core.calendar import SHANGHAI
from gaoxin.talent import bulk, services
from gaoxin.talent.models import ApplicationEvent, TalentApplication, TalentProgram
from gaoxin.talent.tests.test_services import ID

pytestmark = pytest.mark.django_db

FIELDS = [f.attname for f in TalentApplication._meta.concrete_fields if f.attname != "id"]
EVENT_FIELDS = ["seq", "actor_id", "at", "note", "payload", "prev_hash", "hash", "action"]


def at(y: int, m: int, d: int, h: int) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=SHANGHAI)


Row = tuple[dict[str, Any], dt.datetime, dt.datetime, dt.datetime, bool, str]
ROWS: list[Row] = [  # applicant, submitted, reviewed, decided, approved, note
    ({"person_name": "李明", "id_number": ID, "phone": "13800138000", "degree": "博士"},
     at(2023, 9, 28, 10), at(2023, 10, 9, 15), at(2023, 10, 12, 15), True, ""),
    ({"person_name": "王芳", "degree": "硕士", "position": "研发岗"},
     at(2023, 11, 1, 10), at(2023, 12, 20, 15), at(2024, 3, 1, 15), False, "不符合申报条件"),  # both limits missed
    ({"person_name": "赵强"}, at(2023, 12, 29, 10), at(2024, 1, 3, 9), at(2024, 1, 4, 9), True, ""),
]


def _written() -> list[tuple]:
    applications = TalentApplication.objects.order_by("number")
    assert list(audit.verify(ApplicationEvent, applications)) == []
    number = FIELDS.index("number")
    return [(row, list(ApplicationEvent.objects.filter(application__number=row[number]).order_by("seq")
                       .values_list(*EVENT_FIELDS))) for row in applications.values_list(*FIELDS)]


def _write(world, program: TalentProgram, path: str) -> list[tuple]:
    with transaction.atomic():
        if path == "services":
            for applicant, submitted, reviewed, decided, approved, note in ROWS:
                with clock.frozen(submitted):
                    application = services.application_submit(actor=world.talent_officer, program=program,
                                                              enterprise=world.enterprise, **applicant)
                with clock.frozen(reviewed):
                    services.application_review(actor=world.talent_officer, application=application, passed=True)
                with clock.frozen(decided):
                    services.application_decide(actor=world.talent_officer, application=application,
                                                approved=approved, note=note)
        else:
            bulk.applications_decided_many(actor=world.talent_officer, program=program, rows=[
                bulk.DecidedApplication(enterprise=world.enterprise,
                                        applicant=services.applicant_checked(program=program, **applicant),
                                        submitted_at=submitted, reviewed_at=reviewed, decided_at=decided,
                                        approved=approved, note=note)
                for applicant, submitted, reviewed, decided, approved, note in ROWS])
        out = _written()
        transaction.set_rollback(True)
    return out


def test_bulk_applications_write_what_the_services_write(world):
    program = TalentProgram.objects.get(code="urgent_talent")
    with clock.frozen(at(2023, 2, 1, 9)):  # one earlier application on record: the numbers go on after it
        services.application_submit(actor=world.talent_officer, program=program, enterprise=world.enterprise,
                                    person_name="张三")
    one_by_one = _write(world, program, "services")
    in_bulk = _write(world, program, "bulk")
    assert in_bulk == one_by_one
    number, status = FIELDS.index("number"), FIELDS.index("status")
    assert [(a[number], a[status], [e[-1] for e in events]) for a, events in in_bulk] == [
        ("RC2023000001", "submitted", ["submit"]),
        ("RC2023000002", "approved", ["submit", "review_pass", "approve"]),
        ("RC2023000003", "rejected", ["submit", "review_pass", "reject"]),
        ("RC2023000004", "approved", ["submit", "review_pass", "approve"])]
    assert [e[4] for e in in_bulk[2][1]] == [{}, {"overdue": True}, {"subsidy": "0", "overdue": True}]

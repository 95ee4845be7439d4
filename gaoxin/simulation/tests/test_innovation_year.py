"""The young-talent bulk path of the simulated year (``simulation.innovation._youth_bulk``) writes the same
application, limits and hash-chained history as the talent services called at the same moments."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pytest
from django.db import transaction

from gaoxin.core import audit, clock
from gaoxin.core.calendar import SHANGHAI, add_working_time
from gaoxin.innovation.tests import conftest as innovation_fixtures
from gaoxin.simulation import innovation as gen
from gaoxin.simulation.intake import names_and_phones
from gaoxin.talent import services
from gaoxin.talent.models import ApplicationEvent, TalentApplication, TalentProgram

pytestmark = pytest.mark.django_db
world = innovation_fixtures.world  # the innovation tests' units, officers and enterprise
FIELDS = ("number", "program_id", "enterprise_id", "person_name", "id_number", "phone", "team_name", "team_size",
          "degree", "position", "status", "submitted_at", "review_due", "reviewed_at", "approve_due", "decided_at",
          "subsidy", "submitted_by_id", "audit_head", "event_count")


def _snapshot() -> tuple[dict, list[tuple]]:
    app = TalentApplication.objects.get()
    events = list(ApplicationEvent.objects.order_by("seq").values_list("seq", "action", "actor_id", "at", "payload",
                                                                       "prev_hash", "hash"))
    return {f: getattr(app, f) for f in FIELDS}, events


def test_bulk_young_talent_equals_the_services(world):
    program = TalentProgram.objects.get(code="youth_talent")
    officer = world.talent_officer
    moment = dt.datetime(2023, 9, 28, 10, 0, tzinfo=SHANGHAI)
    with transaction.atomic():
        written = gen._youth_bulk(SimpleNamespace(year=2023), program, officer, [world.enterprise], [moment],
                                  np.random.default_rng(3))
        bulk = _snapshot()
        transaction.set_rollback(True)
    assert written == 1
    rng = np.random.default_rng(3)
    names, _ = names_and_phones(rng, 1)
    rng.integers(1)
    degree = ["本科", "硕士", "博士"][int(rng.integers(3))]
    with clock.frozen(moment):
        app = services.application_submit(actor=officer, program=program, enterprise=world.enterprise,
                                          person_name=names[0], degree=degree, position="研发岗",
                                          is_synthetic=True)
    reviewed = add_working_time(moment, 1, "day") - dt.timedelta(hours=2)
    with clock.frozen(reviewed):
        services.application_review(actor=officer, application=app, passed=True)
    with clock.frozen(add_working_time(reviewed, 1, "day") - dt.timedelta(hours=2)):
        services.application_decide(actor=officer, application=app, approved=True)
    assert _snapshot() == bulk
    assert list(audit.verify(ApplicationEvent)) == []

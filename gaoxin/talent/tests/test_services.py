"""Talent applications: programs as data, review and approval limits in working days, masked personal data and
the audited reveal, refusals that change nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.core import audit
from gaoxin.core.calendar import SHANGHAI
from gaoxin.core.errors import ApplicationError, Conflict, PermissionDenied
from gaoxin.talent import services
from gaoxin.talent.models import ApplicationEvent, TalentApplication, TalentProgram

pytestmark = pytest.mark.django_db
ID = "11010519491231002X"  # the GB 11643 example number


def _apply(world, **kw):
    values = {"program": TalentProgram.objects.get(code="urgent_talent"), "enterprise": world.enterprise,
              "person_name": "李明", "id_number": ID, "phone": "13800138000", "degree": "博士"}
    values.update(kw)
    return services.application_submit(actor=world.enterprise_user, **values)


def test_programs_are_data():
    assert list(TalentProgram.objects.values_list("code", flat=True)) == [
        "urgent_talent", "innovation_team", "youth_talent", "high_end_talent"]
    assert services.programs_ensure() == 0


def test_submit_review_approve_within_working_day_limits(world, frozen_now):
    # Submitted Thursday 2023-09-28, the eve of the 中秋/国庆 holiday (9-29 … 10-6; 10-7 and 10-8 worked):
    # 10 working days → 10-7 (1), 10-8 (2), 10-9 … 10-13 (7), 10-16 … 10-18 (10): Wednesday 2023-10-18.
    with frozen_now(2023, 9, 28, 10):
        application = _apply(world)
    assert application.number == "RC2023000001"
    assert application.review_due.astimezone(SHANGHAI).date() == dt.date(2023, 10, 18)
    with frozen_now(2023, 10, 9, 10):
        services.application_review(actor=world.talent_officer, application=application, passed=True)
    application.refresh_from_db()
    # 15 working days after Monday 10-9: 10-10 … 10-13 (4), 10-16 … 10-20 (9), 10-23 … 10-27 (14), 10-30 (15)
    assert application.approve_due.astimezone(SHANGHAI).date() == dt.date(2023, 10, 30)
    with frozen_now(2023, 10, 20, 10):
        services.application_decide(actor=world.talent_officer, application=application, approved=True)
    application.refresh_from_db()
    assert application.status == TalentApplication.Status.APPROVED
    assert application.subsidy == Decimal("10.00")
    assert list(application.events.values_list("action", flat=True)) == ["submit", "review_pass", "approve"]
    assert list(audit.verify(ApplicationEvent)) == []


@pytest.mark.parametrize(("kw", "field"), [
    ({"id_number": "110105194912310021"}, "id_number"),
    ({"phone": "12345"}, "phone"),
    ({"person_name": " "}, "person_name"),
    ({"program_code": "innovation_team"}, "team_name"),
])
def test_bad_input_names_the_field_and_writes_nothing(world, frozen_now, kw, field):
    if "program_code" in kw:
        kw = {"program": TalentProgram.objects.get(code=kw.pop("program_code"))}
    with frozen_now(2023, 9, 28, 10), pytest.raises(ApplicationError) as err:
        _apply(world, **kw)
    assert err.value.field == field
    assert TalentApplication.objects.count() == 0


def test_only_talent_officers_decide_and_a_refusal_changes_nothing(world, frozen_now):
    with frozen_now(2023, 9, 28, 10):
        application = _apply(world)
        for actor in (world.enterprise_user, world.officer, world.leader):
            with pytest.raises(PermissionDenied):
                services.application_review(actor=actor, application=application, passed=True)
        with pytest.raises(Conflict):
            services.application_decide(actor=world.talent_officer, application=application, approved=True)
    application.refresh_from_db()
    assert application.status == TalentApplication.Status.SUBMITTED
    assert application.event_count == 1


def test_enterprise_applies_only_for_itself(world, frozen_now):
    with frozen_now(2023, 9, 28, 10), pytest.raises(PermissionDenied):
        _apply(world, enterprise=world.other_enterprise)
    assert TalentApplication.objects.count() == 0


def test_masks_and_audited_reveal(world, frozen_now):
    assert services.mask_id_number(ID) == "110***********002X"
    assert services.mask_phone("13800138000") == "138****8000"
    assert services.mask_name("李明") == "李*"
    with frozen_now(2023, 9, 28, 10):
        application = _apply(world)
        with pytest.raises(ApplicationError) as err:
            services.application_reveal(actor=world.talent_officer, application=application, reason="")
        assert err.value.field == "reason"
        with pytest.raises(PermissionDenied):
            services.application_reveal(actor=world.enterprise_user, application=application, reason="核对")
        shown = services.application_reveal(actor=world.talent_officer, application=application, reason="核对学历")
    assert shown == {"person_name": "李明", "id_number": ID, "phone": "13800138000"}
    event = application.events.get(action="reveal")
    assert event.actor == world.talent_officer
    assert event.note == "核对学历"

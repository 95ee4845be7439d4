"""Services of innovation and technology transfer: success, refusals that change nothing, errors naming the field,
the contract review limit on the Chinese working calendar, and the audit chains."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from gaoxin.core import audit
from gaoxin.core.calendar import SHANGHAI
from gaoxin.core.errors import ApplicationError, Conflict, PermissionDenied
from gaoxin.innovation import services
from gaoxin.innovation.models import (
    Achievement,
    AchievementEvent,
    ContractEvent,
    DemandEvent,
    InnovationProject,
    Match,
    TechContract,
    TechDemand,
)

pytestmark = pytest.mark.django_db


def _demand(world, actor=None, **kw):
    values: dict[str, Any] = {"title": "车间可燃气体泄漏监测", "text": "车间可燃气体泄漏，要求响应快",
                              "field": "sensor", "budget": "80", "required_readiness": 6}
    values.update(kw)
    return services.demand_post(actor=actor or world.enterprise_user, enterprise=world.enterprise, **values)


def _achievement(world, **kw):
    values: dict[str, Any] = {
        "name": "低功耗MEMS催化燃烧式甲烷传感芯片", "text": "微热板结构，功耗低于30mW，T90小于10秒",
        "field": "sensor", "form": "patent", "readiness": 7, "transfer_method": "license",
        "keywords": "甲烷、MEMS、催化燃烧", "ip_numbers": "ZL202210123456.7", "price": "60"}
    values.update(kw)
    return services.achievement_register(actor=world.institution_user, institution=world.institution, **values)


def test_enterprise_posts_its_demand_numbered_and_audited(world, frozen_now):
    with frozen_now(2023, 4, 3, 10):
        demand = _demand(world)
    assert demand.number == "XQ2023000001"
    assert demand.status == TechDemand.Status.OPEN
    assert demand.budget == Decimal("80.00")
    assert demand.event_count == 1
    assert list(audit.verify(DemandEvent)) == []


def test_enterprise_may_not_post_for_another_enterprise_and_nothing_is_written(world, frozen_now):
    with frozen_now(2023, 4, 3, 10), pytest.raises(PermissionDenied) as err:
        services.demand_post(actor=world.enterprise_user, enterprise=world.other_enterprise, title="x", text="y",
                             field="sensor")
    assert err.value.field == "enterprise"
    assert TechDemand.objects.count() == 0


@pytest.mark.parametrize(("kw", "field", "code"), [
    ({"title": ""}, "title", "required"),
    ({"field": "不存在的领域"}, "field", "unknown_field"),
    ({"budget": "很多"}, "budget", "not_a_number"),
    ({"required_readiness": 10}, "required_readiness", "readiness_range"),
    ({"deadline": dt.date(2023, 1, 1)}, "deadline", "deadline_past"),
])
def test_bad_demand_input_names_the_field_and_writes_nothing(world, frozen_now, kw, field, code):
    with frozen_now(2023, 4, 3, 10), pytest.raises(ApplicationError) as err:
        _demand(world, **kw)
    assert err.value.field == field
    assert err.value.code == code
    assert TechDemand.objects.count() == 0


def test_achievement_readiness_and_ip_numbers_are_checked(world, frozen_now):
    with frozen_now(2023, 4, 3, 10):
        with pytest.raises(ApplicationError) as err:
            _achievement(world, readiness=0)
        assert err.value.field == "readiness"
        with pytest.raises(ApplicationError) as err:
            _achievement(world, ip_numbers="")
        assert err.value.field == "ip_numbers"
        with pytest.raises(ApplicationError) as err:
            _achievement(world, keywords="甲烷、MEMS、催化燃烧、芯片")
        assert err.value.field == "keywords"
        assert Achievement.objects.count() == 0
        achievement = _achievement(world)
    assert achievement.keywords == ["甲烷", "MEMS", "催化燃烧"]
    assert achievement.number == "CG2023000001"


def test_listing_is_a_dated_event_and_cannot_be_repeated(world, frozen_now):
    with frozen_now(2023, 4, 3, 10):
        achievement = _achievement(world)
    with frozen_now(2023, 6, 1, 10):
        assert services.achievements_list_publish(actor=world.officer, achievements=[achievement],
                                                  on=dt.date(2023, 6, 1)) == 1
        with pytest.raises(Conflict):
            services.achievements_list_publish(actor=world.officer, achievements=[achievement],
                                               on=dt.date(2023, 6, 2))
    achievement.refresh_from_db()
    assert achievement.listed_on == dt.date(2023, 6, 1)
    assert list(achievement.events.values_list("action", flat=True)) == ["register", "list"]


def test_matching_proposes_the_sensor_chip_with_the_terms_that_matched(world, frozen_now):
    with frozen_now(2023, 4, 3, 10):
        demand = _demand(world)
        chip = _achievement(world)
        _achievement(world, name="高强度碳纤维预浸料", text="T800级碳纤维环氧预浸料与热压罐成型工艺",
                     field="new_material", form="process", ip_numbers="", keywords="碳纤维")
        matches = services.matches_propose(actor=world.officer, demand=demand, top=5)
    assert [m.achievement_id for m in matches] == [chip.pk]
    assert "§气体检测" in matches[0].terms
    with frozen_now(2023, 5, 3, 10), pytest.raises(PermissionDenied):
        services.matches_propose(actor=world.enterprise_user, demand=demand)


def test_match_outcomes_and_demand_resolution(world, frozen_now):
    with frozen_now(2023, 4, 3, 10):
        demand = _demand(world)
        chip = _achievement(world)
        event = services.match_event_create(actor=world.officer, title="对接会", held_on=dt.date(2023, 4, 3),
                                            attendance=120)
        match = services.match_record(actor=world.officer, demand=demand, achievement=chip, outcome="intent",
                                      event=event)
    assert match.status == Match.Status.INTENT
    with frozen_now(2023, 5, 3, 10):
        with pytest.raises(ApplicationError) as err:
            services.demand_resolve(actor=world.officer, demand=demand, outcome="solved")
        assert err.value.field == "institution"
        services.demand_resolve(actor=world.officer, demand=demand, outcome="solved", institution=world.institution)
    demand.refresh_from_db()
    assert demand.status == TechDemand.Status.SOLVED
    assert demand.solved_by == world.institution
    assert list(demand.events.values_list("action", flat=True)) == ["post", "match_intent", "solved"]


def test_contract_review_limit_is_30_working_days_on_the_chinese_calendar(world, frozen_now):
    # Submitted on Friday 2023-09-22. Working days after it: 9-25 … 9-28 (4), the 中秋/国庆 holiday 9-29 … 10-6
    # off, the make-up Saturday 10-7 and Sunday 10-8 (6), then five a week: 10-13 (11), 10-20 (16), 10-27 (21),
    # 11-3 (26), and 11-6 … 11-9 (30): Thursday 2023-11-09, end of the working day.
    with frozen_now(2023, 9, 22, 10):
        contract = services.contract_submit(actor=world.enterprise_user, kind="development", title="传感芯片开发",
                                            seller="郑州智能传感器研究院", seller_institution=world.institution,
                                            buyer=world.enterprise.name, buyer_enterprise=world.enterprise,
                                            amount="120.5", signed_on=dt.date(2023, 9, 20))
    assert contract.review_due.astimezone(SHANGHAI).date() == dt.date(2023, 11, 9)
    assert contract.status == TechContract.Status.SUBMITTED


def test_contract_registration_issues_a_certificate_and_recognises_income(world, frozen_now):
    with frozen_now(2023, 9, 22, 10):
        contract = services.contract_submit(actor=world.officer, kind="transfer", title="专利转让",
                                            seller="研究院", buyer="企业", amount="100", signed_on=dt.date(2023, 9, 1))
    with frozen_now(2023, 9, 25, 10):
        with pytest.raises(ApplicationError) as err:
            services.contract_register(actor=world.officer, contract=contract, classification="电子信息",
                                       tech_income="100.01")
        assert err.value.field == "tech_income"
        contract.refresh_from_db()
        assert contract.status == TechContract.Status.SUBMITTED
        with pytest.raises(PermissionDenied):
            services.contract_register(actor=world.enterprise_user, contract=contract, classification="电子信息",
                                       tech_income="90")
        services.contract_register(actor=world.officer, contract=contract, classification="电子信息",
                                   tech_income="90")
    contract.refresh_from_db()
    assert contract.certificate_no == "4101712023000001Z"
    assert contract.tech_income == Decimal("90.00")
    assert list(audit.verify(ContractEvent)) == []


def test_contract_for_other_parties_is_refused_to_an_enterprise(world, frozen_now):
    with frozen_now(2023, 9, 22, 10), pytest.raises(PermissionDenied):
        services.contract_submit(actor=world.enterprise_user, kind="service", title="服务", seller="甲",
                                 buyer="乙", amount="10", signed_on=dt.date(2023, 9, 1),
                                 buyer_enterprise=world.other_enterprise)
    assert TechContract.objects.count() == 0


def test_project_funding_cannot_exceed_what_was_granted(world, frozen_now):
    with frozen_now(2023, 3, 1, 10):
        project = services.project_apply(actor=world.officer, enterprise=world.enterprise, title="MEMS传感器产业化",
                                         field="sensor", level="province", funding_requested="800",
                                         applied_on=dt.date(2023, 3, 1),
                                         milestones=[("中期检查", dt.date(2023, 9, 1))])
        with pytest.raises(ApplicationError) as err:
            services.project_decide(actor=world.officer, project=project, approved=True, on=dt.date(2023, 5, 1),
                                    funding_granted="900")
        assert err.value.field == "funding_granted"
        services.project_decide(actor=world.officer, project=project, approved=True, on=dt.date(2023, 5, 1),
                                funding_granted="600")
        services.project_disburse(actor=world.officer, project=project, amount="400")
        with pytest.raises(ApplicationError):
            services.project_disburse(actor=world.officer, project=project, amount="200.01")
        with pytest.raises(Conflict):
            services.project_accept(actor=world.officer, project=project, on=dt.date(2023, 12, 1))
    project.refresh_from_db()
    assert project.status == InnovationProject.Status.APPROVED
    assert project.funding_disbursed == Decimal("400.00")
    assert list(project.events.values_list("action", flat=True)) == ["apply", "approve", "disburse"]


def test_history_is_tamper_evident(world, frozen_now):
    with frozen_now(2023, 4, 3, 10):
        achievement = _achievement(world)
    assert list(audit.verify(AchievementEvent)) == []
    Achievement.objects.filter(pk=achievement.pk).update(audit_head="0" * 64)
    assert len(list(audit.verify(AchievementEvent))) == 1
    assert dt.datetime(2023, 4, 3, 10, tzinfo=SHANGHAI) == achievement.registered_at

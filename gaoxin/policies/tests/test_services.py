"""The policy services: the catalog published only with passing tests, 免申即享 matching with traces and text
messages, parameters dated in the future leaving past decisions alone, 快申快享 applications, notices with
objections inside and after the window, payments within the budget and the 不重复享受 groups, clawbacks — and
refusals that change nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.core import audit
from gaoxin.core.calendar import SHANGHAI
from gaoxin.core.errors import ApplicationError, Conflict, PermissionDenied
from gaoxin.notify.models import SmsMessage
from gaoxin.policies import services
from gaoxin.policies.models import BenefitItem, Decision, DecisionEvent, ParameterValue, Policy

pytestmark = pytest.mark.django_db


def _snapshot():
    return (list(Decision.objects.order_by("pk").values()), DecisionEvent.objects.count(),
            SmsMessage.objects.count(), list(ParameterValue.objects.order_by("pk").values_list("pk", "value")))


def test_the_shipped_catalog_is_published_with_its_parameters(world, catalog):
    assert [p.code for p in catalog] == [f"GX2023-{n:02d}" for n in range(1, 37)]  # the 36 of F057
    assert set(Policy.objects.values_list("status", flat=True)) == {"published"}
    rate = ParameterValue.objects.get(item__code="gx2023_rd_subsidy", name="rate")
    assert (str(rate.value), rate.unit, rate.reference) == ("0.0500", "rate", "郑开管〔2023〕7号（模拟） 第四条")
    assert services.catalog_load(actor=world.officer) == []  # loaded once


def test_a_policy_is_not_published_without_passing_tests(world, frozen_now):
    with frozen_now(2023, 1, 3, 9):
        p = services.policy_create(actor=world.officer, code="T-1", doc_number="测〔2023〕1号", title="测试政策",
                                   issuer="管委会", in_force_from=dt.date(2023, 1, 1))
        clause = services.clause_add(actor=world.officer, policy_=p, number="第一条", text="奖励 1 万元")
        item = services.item_add(actor=world.officer, clause=clause, code="t_award", name="测试奖励", route="auto",
                                 family="qualification_reward", options={"qualification": "tech_sme"})
        services.parameter_set(actor=world.officer, item=item, name="amount", start=dt.date(2023, 1, 1),
                               value="10000", reference="测〔2023〕1号 第一条")
        with pytest.raises(ApplicationError) as err:
            services.policy_publish(actor=world.officer, policy_=p)
        assert (err.value.field, err.value.code) == ("tests", "tests_missing")
        services.item_tests_set(actor=world.officer, item=item, tests=(
            "- name: 错误的金额\n  period: 2023-03-01\n  input: {qualified_since__tech_sme: 2023-01-01}\n"
            "  output: {t_award__amount: 999}\n"))
        with pytest.raises(ApplicationError) as err:
            services.policy_publish(actor=world.officer, policy_=p)
        assert err.value.code == "tests_failing"
        assert "错误的金额" in str(err.value)
        assert Policy.objects.get(pk=p.pk).status == Policy.Status.DRAFT
        services.item_tests_set(actor=world.officer, item=item, tests=(
            "- name: 金额\n  period: 2023-03-01\n  input: {qualified_since__tech_sme: 2023-01-01}\n"
            "  output: {t_award__amount: 1000000}\n"))
        assert services.policy_publish(actor=world.officer, policy_=p).status == Policy.Status.PUBLISHED
        with pytest.raises(Conflict):
            services.clause_add(actor=world.officer, policy_=p, number="第二条", text="x")


@pytest.mark.parametrize(("kw", "field"), [
    ({"family": "nonexistent"}, "family"),
    ({"options": {"qualification": "tech_sme", "colour": "red"}}, "options"),
    ({"code": "Bad-Code"}, "code"),
    ({"route": "sometimes"}, "route"),
    ({"tests": "- name: [unclosed"}, "tests"),
])
def test_bad_item_input_names_the_field_and_writes_nothing(world, frozen_now, kw, field):
    with frozen_now(2023, 1, 3, 9):
        p = services.policy_create(actor=world.officer, code="T-2", doc_number="测〔2023〕2号", title="测试",
                                   issuer="管委会", in_force_from=dt.date(2023, 1, 1))
        clause = services.clause_add(actor=world.officer, policy_=p, number="第一条", text="x")
        values = {"code": "t_item", "name": "测试", "route": "auto", "family": "qualification_reward",
                  "options": {"qualification": "tech_sme"}, **kw}
        with pytest.raises(ApplicationError) as err:
            services.item_add(actor=world.officer, clause=clause, **values)
    assert err.value.field == field
    assert BenefitItem.objects.count() == 0


def test_matching_decides_with_trace_texts_the_enterprise_and_never_decides_twice(world, catalog, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        created = services.matching_run(actor=world.officer)
    got = sorted((d.enterprise.name, d.item.code, d.amount_fen) for d in created)
    assert got == [
        ("郑州巨人装备有限公司", "gx2023_little_giant_award", 50_000_000),
        ("郑州巨人装备有限公司", "gx2023_srdi_award", 20_000_000),
        ("郑州示例传感科技有限公司", "gx2023_rd_sensor", 20_000_000),
        ("郑州示例传感科技有限公司", "gx2023_rd_small", 6_000_000),
        ("郑州示例传感科技有限公司", "gx2023_rd_subsidy", 20_000_000),
        ("郑州示例传感科技有限公司", "gx2023_tech_sme_award", 5_000_000),
    ]  # R&D of 400 万: 5 % (sensor chain), 8 % capped at 6 万 (small), 5 % (tech SME); 升规 needs 2000 万 of
    # revenue (1800 万); the giant reported no figures
    rd = Decision.objects.get(item__code="gx2023_rd_subsidy")
    assert rd.status == Decision.Status.MATCHED
    assert [(c["label"], c["held"]) for c in rd.trace["conditions"]] == [
        ("已取得“国家科技型中小企业入库”认定", True), ("已报送上年度经营数据", True),
        ("上年度研发费用不低于 300 万元", True)]
    spent = next(f for f in rd.trace["facts"] if f["name"] == "rd_spending")
    figures = world.sensor.annual_figures.get(year=2022)
    assert (spent["period"], spent["value"], spent["records"]) == ("2022", 400_000_000, [f"figures:{figures.pk}"])
    assert sorted(SmsMessage.objects.values_list("phone", flat=True)) == ["13900000001"] * 4 + ["13900000002"] * 2
    message = SmsMessage.objects.filter(kind="policy_matched", phone="13900000001").order_by("pk").first()
    assert message is not None
    assert message.case_id is None
    assert message.text.startswith("【政策兑现】贵企业符合“")
    with frozen_now(2023, 3, 2, 9):
        assert services.matching_run(actor=world.officer) == []
    assert list(audit.verify(DecisionEvent)) == []


def test_a_parameter_change_dated_later_leaves_past_decisions_alone(world, catalog, frozen_now):
    item = BenefitItem.objects.get(code="gx2023_rd_subsidy")
    with frozen_now(2023, 3, 1, 9):
        services.matching_run(actor=world.officer)
        before = Decision.objects.get(item=item)
        with pytest.raises(ApplicationError) as err:
            services.parameter_set(actor=world.officer, item=item, name="rate", start=dt.date(2023, 1, 1),
                                   value="0.2", reference="x")
        assert (err.value.field, err.value.code) == ("start", "parameter_retroactive")
        services.parameter_set(actor=world.officer, item=item, name="rate", start=dt.date(2024, 1, 1),
                               value="0.06", reference="郑开管〔2023〕7号（模拟）修订")
        with pytest.raises(ApplicationError) as err:
            services.parameter_set(actor=world.officer, item=item, name="cap", start=dt.date(2023, 2, 1),
                                   value="200", reference="x")
        assert err.value.code == "parameter_retroactive"
    after = Decision.objects.get(item=item)
    assert (after.amount_fen, after.trace) == (before.amount_fen, before.trace)
    with frozen_now(2024, 3, 1, 9):
        trace = services.evaluate_one(enterprise=world.sensor, items=[item], on=dt.date(2024, 3, 1))[0]
    assert trace["eligible"] is False  # the 2023 figures are not reported
    with frozen_now(2024, 3, 1, 9):
        from gaoxin.enterprises import services as enterprise_services
        enterprise_services.annual_figures_record(actor=world.admin, enterprise=world.sensor, year=2023,
                                                  revenue="2500", rd_spending="350", employees=70, tax_paid="700")
        trace = services.evaluate_one(enterprise=world.sensor, items=[item], on=dt.date(2024, 3, 1))[0]
    assert trace["amount_fen"] == 21_000_000  # 6 % from 2024


def test_confirmation_checks_the_account_and_belongs_to_the_enterprise(world, catalog, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        services.matching_run(actor=world.officer)
    decision = Decision.objects.get(item__code="gx2023_tech_sme_award")
    before = _snapshot()
    with pytest.raises(ApplicationError) as err:
        services.decision_confirm(actor=world.sensor_user, decision=decision, bank_name="中原银行", bank_account="12ab")
    assert err.value.field == "bank_account"
    with pytest.raises(PermissionDenied):
        services.decision_confirm(actor=world.giant_user, decision=decision, bank_name="中原银行",
                                  bank_account="6222020200112233")
    assert _snapshot() == before
    with frozen_now(2023, 3, 2, 9):
        confirmed = services.decision_confirm(actor=world.sensor_user, decision=decision, bank_name="中原银行",
                                              bank_account="6222 0202 0011 2233")
    assert (confirmed.status, confirmed.bank_account) == (Decision.Status.CONFIRMED, "6222020200112233")


def test_application_needs_eligibility_and_materials_and_gets_a_working_day_limit(world, catalog, frozen_now):
    jobs = BenefitItem.objects.get(code="gx2023_jobs_subsidy")
    tax = BenefitItem.objects.get(code="gx2023_chain_tax_award")
    with frozen_now(2023, 4, 28, 10):  # a Friday before the 劳动节 holiday (4-29 … 5-3; 5-6 is a working Saturday)
        with pytest.raises(ApplicationError) as err:
            services.application_submit(actor=world.sensor_user, item=jobs, enterprise=world.sensor, materials=[],
                                        bank_name="中原银行", bank_account="6222020200112233")
        assert (err.value.field, str(err.value)) == ("materials", "materials: 申报材料：缺少 社保缴费证明")
        with pytest.raises(ApplicationError) as err:
            services.application_submit(actor=world.giant_user, item=jobs, enterprise=world.giant,
                                        materials=["社保缴费证明"], bank_name="中原银行",
                                        bank_account="6222020200112233")
        assert err.value.code == "not_eligible"
        assert "已报送上年度经营数据" in str(err.value)
        assert Decision.objects.count() == 0
        decision = services.application_submit(actor=world.sensor_user, item=jobs, enterprise=world.sensor,
                                               materials=["社保缴费证明"], bank_name="中原银行",
                                               bank_account="6222020200112233")
        tax_decision = services.application_submit(actor=world.sensor_user, item=tax, enterprise=world.sensor,
                                                   materials=["完税证明"], bank_name="中原银行",
                                                   bank_account="6222020200112233")
    assert (decision.status, decision.amount_fen) == (Decision.Status.APPLIED, 3_000_000)  # 60 people × 500 元
    assert tax_decision.amount_fen == 30_000_000
    # 10 working days after Friday 4-28: 5-4, 5-5, 5-6 (a working Saturday), 5-8 … 5-12, 5-15, 5-16
    assert decision.review_due is not None
    assert decision.review_due.astimezone(SHANGHAI).date() == dt.date(2023, 5, 16)
    with pytest.raises(ApplicationError) as err:
        services.application_decide(actor=world.officer, decision=decision, approve=False, reason="")
    assert err.value.field == "reason"
    with frozen_now(2023, 5, 4, 9):
        services.application_decide(actor=world.officer, decision=tax_decision, approve=False,
                                    reason="完税证明与税务数据不符")
        approved = services.application_decide(actor=world.officer, decision=decision, approve=True)
    assert approved.status == Decision.Status.APPROVED
    assert Decision.objects.get(pk=tax_decision.pk).refusal_reason == "完税证明与税务数据不符"


def _cleared(world, frozen_now, codes):
    with frozen_now(2023, 3, 1, 9):
        services.matching_run(actor=world.officer)
    decisions = list(Decision.objects.filter(item__code__in=codes).order_by("pk"))
    with frozen_now(2023, 3, 2, 9):
        for d in decisions:
            user = world.sensor_user if d.enterprise_id == world.sensor.pk else world.giant_user
            services.decision_confirm(actor=user, decision=d, bank_name="中原银行", bank_account="6222020200112233")
        notice = services.notice_publish(actor=world.officer, decisions=decisions, title="2023 年第一批兑现公示",
                                         on=dt.date(2023, 3, 2))
    with frozen_now(2023, 3, 10, 9):
        services.notice_close(actor=world.officer, notice=notice, on=dt.date(2023, 3, 10))
    return [Decision.objects.get(pk=d.pk) for d in decisions]


def test_notice_objections_inside_and_after_the_window(world, catalog, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        services.matching_run(actor=world.officer)
    tech, rd = (Decision.objects.get(item__code=c) for c in ("gx2023_tech_sme_award", "gx2023_rd_subsidy"))
    with frozen_now(2023, 3, 2, 9):
        for d in (tech, rd):
            services.decision_confirm(actor=world.sensor_user, decision=d, bank_name="中原银行",
                                      bank_account="6222020200112233")
        notice = services.notice_publish(actor=world.officer, decisions=[tech, rd], title="公示",
                                         on=dt.date(2023, 3, 2))
    assert notice.objection_until == dt.date(2023, 3, 9)  # 5 working days after Thursday 3-2
    before = _snapshot()
    with pytest.raises(ApplicationError) as err:
        services.objection_record(actor=world.officer, decision=rd, objector="匿名", text="研发费用虚高",
                                  received_on=dt.date(2023, 3, 10))
    assert err.value.code == "objection_late"
    assert _snapshot() == before
    objection = services.objection_record(actor=world.officer, decision=rd, objector="匿名", text="研发费用虚高",
                                          received_on=dt.date(2023, 3, 9))
    with pytest.raises(Conflict) as err:
        services.notice_close(actor=world.officer, notice=notice, on=dt.date(2023, 3, 9))
    assert err.value.code == "notice_open"
    with pytest.raises(Conflict) as err:
        services.notice_close(actor=world.officer, notice=notice, on=dt.date(2023, 3, 10))
    assert err.value.code == "objections_pending"
    services.objection_handle(actor=world.officer, objection=objection, upheld=True, answer="经核查研发费用归集有误")
    assert services.notice_close(actor=world.officer, notice=notice, on=dt.date(2023, 3, 10)) == 1
    assert Decision.objects.get(pk=tech.pk).status == Decision.Status.CLEARED
    assert Decision.objects.get(pk=rd.pk).status == Decision.Status.REVOKED


def test_payment_within_budget_exclusive_groups_and_clawback(world, catalog, frozen_now):
    decisions = _cleared(world, frozen_now, ["gx2023_srdi_award", "gx2023_little_giant_award",
                                             "gx2023_tech_sme_award"])
    srdi = next(d for d in decisions if d.item.code == "gx2023_srdi_award")
    giant = next(d for d in decisions if d.item.code == "gx2023_little_giant_award")
    tech = next(d for d in decisions if d.item.code == "gx2023_tech_sme_award")
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        services.payment_batch_create(actor=world.officer, decisions=[tech])
    with pytest.raises(Conflict) as err:
        services.payment_batch_create(actor=world.finance, decisions=[srdi, giant, tech])
    assert err.value.code == "exclusive"
    assert _snapshot() == before
    with frozen_now(2023, 3, 20, 9):
        batch = services.payment_batch_create(actor=world.finance, decisions=[giant, tech],
                                              paid_on=dt.date(2023, 3, 20))
    assert batch.total_fen == 55_000_000
    with pytest.raises(Conflict) as err:  # the other item of the group, in a later batch
        services.payment_batch_create(actor=world.finance, decisions=[srdi])
    assert err.value.code == "exclusive"
    policy = tech.item.clause.policy
    services.budget_set(actor=world.officer, policy_=policy, year=2023, amount_yuan="550000")
    with pytest.raises(Conflict) as err:
        services.budget_set(actor=world.officer, policy_=policy, year=2023, amount_yuan="549999.99")
    assert err.value.code == "budget_below_paid"
    with frozen_now(2023, 6, 1, 9):
        back = services.clawback(actor=world.officer, decision=Decision.objects.get(pk=tech.pk),
                                 amount_yuan="50000", reason="入库资格被撤销")
    assert (back.status, back.clawed_back_fen) == (Decision.Status.CLAWED_BACK, 5_000_000)
    assert services.net_paid_fen(policy, 2023) == 50_000_000
    assert list(audit.verify(DecisionEvent)) == []


def test_the_budget_is_never_exceeded(world, catalog, frozen_now):
    decisions = _cleared(world, frozen_now, ["gx2023_tech_sme_award", "gx2023_little_giant_award"])
    tech = next(d for d in decisions if d.item.code == "gx2023_tech_sme_award")
    services.budget_set(actor=world.officer, policy_=tech.item.clause.policy, year=2023, amount_yuan="540000")
    before = _snapshot()
    with pytest.raises(Conflict) as err:
        services.payment_batch_create(actor=world.finance, decisions=decisions)
    assert err.value.code == "budget_exceeded"
    assert _snapshot() == before
    services.payment_batch_create(actor=world.finance, decisions=[tech])
    assert services.net_paid_fen(tech.item.clause.policy, 2023) == 5_000_000


def test_the_reconciliation_balances_to_the_fen(world, catalog, frozen_now):
    from gaoxin.policies import selectors

    decisions = _cleared(world, frozen_now, ["gx2023_tech_sme_award", "gx2023_little_giant_award"])
    tech = next(d for d in decisions if d.item.code == "gx2023_tech_sme_award")
    services.payment_batch_create(actor=world.finance, decisions=[tech])
    services.clawback(actor=world.officer, decision=Decision.objects.get(pk=tech.pk), amount_yuan="1234.56",
                      reason="多拨部分")
    (row,) = [r for r in selectors.reconciliation(actor=world.finance, year=2023) if r["policy"].code == "GX2023-01"]
    assert {k: row[k] for k in ("budget", "decided", "awaiting", "noticed", "cleared", "paid", "back", "net",
                                "available", "batches", "enterprises")} == {
        # decided: 5 万 tech SME (paid) + 50 万 小巨人 (cleared) + 20 万 专精特新 (matched)
        "budget": 8_000_000_000, "decided": 75_000_000,
        "awaiting": 20_000_000, "noticed": 0, "cleared": 50_000_000, "paid": 5_000_000, "back": 123_456,
        "net": 4_876_544, "available": 8_000_000_000 - 4_876_544, "batches": 5_000_000, "enterprises": 1}
    assert row["balanced"] is True
    assert selectors.reconciliation(actor=world.sensor_user, year=2023) == []

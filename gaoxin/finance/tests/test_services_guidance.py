"""The guidance funds' arithmetic, enforced by the services: commitments by source (the parent's within its own
size), paid-in within the commitment, investments within the paid-in capital not yet invested, exits within the
cost invested; 返投 obligation and progress; every refusal named by its field and changing nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.core.errors import ApplicationError, Conflict, PermissionDenied
from gaoxin.enterprises import reference as enterprise_reference
from gaoxin.enterprises import services as enterprise_services
from gaoxin.finance import metrics, selectors, services
from gaoxin.finance.models import Commitment, Exit, GuidanceFund, Investment, PaidIn
from gaoxin.finance.tests.conftest import code

pytestmark = pytest.mark.django_db


def _snapshot():
    return [list(m.objects.values()) for m in (GuidanceFund, Commitment, PaidIn, Investment, Exit)]


def _fund(world, name="母基金", parent=None, day="2023-01-10", pct="50"):
    return services.guidance_fund_register(actor=world.officer, name=name, parent=parent, manager=None,
                                           established_on=day, term_years="10", reinvest_pct=pct)


def _commit(world, fund, source, wan, investor="郑州高新区财政局", day="2023-01-10"):
    return services.commitment_add(actor=world.officer, fund=fund, source=source, investor=investor, amount_wan=wan,
                                   committed_on=day)


@pytest.fixture
def funds(world, frozen_now):
    """A parent fund of 10,000 万 (zone 6,000, city 4,000) and a sub-fund of 5,000 万: 1,000 from the parent, 1,500
    from the zone, 2,500 from social capital; 3,000 万 of it paid in; 返投 at 80 %."""
    with frozen_now(2023, 12, 31, 17):
        parent = _fund(world)
        _commit(world, parent, "zone", "6000")
        _commit(world, parent, "city", "4000", investor="郑州市财政局")
        sub = _fund(world, name="子基金", parent=parent, day="2023-03-01", pct="80")
        from_parent = _commit(world, sub, "parent", "1000", investor="", day="2023-03-01")
        zone = _commit(world, sub, "zone", "1500", day="2023-03-01")
        social = _commit(world, sub, "social", "2500", investor="某创投合伙企业", day="2023-03-01")
        for commitment, wan in ((from_parent, "600"), (zone, "900"), (social, "1500")):
            services.paid_in_record(actor=world.officer, commitment=commitment, paid_on="2023-03-15", amount_wan=wan)
    return parent, sub


def test_money_is_summed_by_source_and_the_parent_share_is_counted_once(world, funds, frozen_now):
    parent, sub = funds
    rows = {f.name: f for f in selectors.guidance_fund_list(actor=world.leader)}
    money = ("committed_fen", "own_committed_fen", "paid_in_fen")
    assert [tuple(selectors.annotated(rows[n], m) for m in money) for n in ("母基金", "子基金")] == [
        (10_000 * 10**6, 10_000 * 10**6, 0), (5_000 * 10**6, 4_000 * 10**6, 3_000 * 10**6)]
    assert sub.commitments.get(source="parent").investor == "母基金"
    new = metrics.new_guidance_commitments(actor=world.leader, start=dt.date(2023, 1, 1), end=dt.date(2024, 1, 1))
    assert sum(c.committed_fen for c in new) == 14_000 * 10**6  # 10,000 + 5,000 − the parent's 1,000
    assert selectors.reinvest_due_fen(rows["子基金"]) == 4_000 * 10**6  # 80 % of 5,000 万


def test_investments_count_towards_the_reinvestment_only_in_the_zone(world, funds, frozen_now):
    parent, sub = funds
    with frozen_now(2023, 12, 31, 17):
        enterprise_reference.reference_data_ensure()
        enterprise = enterprise_services.enterprise_create(actor=world.admin, credit_code=code(77),
                                                           name="郑州示例传感科技有限公司", size="small")
        inside = services.investment_record(actor=world.officer, fund=sub, enterprise_code=code(77).lower(),
                                            funding_round="a", amount_wan="1200.5", invested_on="2023-05-01")
        services.investment_record(actor=world.officer, fund=sub, target="洛阳某项目", in_zone=False,
                                   funding_round="b", amount_wan="800", invested_on="2023-06-01")
    assert (inside.enterprise, inside.target, inside.in_zone) == (enterprise, "郑州示例传感科技有限公司", True)
    row = selectors.guidance_fund_get(actor=world.leader, pk=sub.pk)
    assert row is not None
    assert (selectors.annotated(row, "invested_fen"), selectors.annotated(row, "in_zone_fen")) == (
        2_000_500_000, 1_200_500_000)
    assert selectors.reinvest_progress_pct(row) == Decimal("30.0")  # 1,200.5 of 4,000 万: 30.0125 %
    year = metrics.guidance_investments(actor=world.leader, start=dt.date(2023, 1, 1), end=dt.date(2024, 1, 1))
    assert (year.count(), sum(i.amount_fen for i in year)) == (2, 2_000_500_000)


@pytest.mark.parametrize(("action", "field", "error_code"), [
    ("paid_in_over_commitment", "amount", "over_commitment"),
    ("invest_over_paid_in", "amount", "over_paid_in"),
    ("parent_overcommitted", "amount", "parent_overcommitted"),
    ("parent_source_on_a_parent", "source", "no_parent"),
    ("sub_fund_of_a_sub_fund", "parent", "parent_is_sub_fund"),
    ("sub_fund_before_its_parent", "established_on", "before_parent"),
    ("investment_before_the_fund", "invested_on", "before_established"),
    ("unknown_enterprise", "enterprise_code", "unknown_enterprise"),
    ("exit_over_cost", "cost", "over_invested"),
    ("bad_percent", "reinvest_pct", "invalid_number"),
    ("bad_term", "term_years", "invalid_term"),
    ("bad_source", "source", "invalid_choice"),
    ("bad_round", "round", "invalid_choice"),
    ("future_payment", "paid_on", "date_in_future"),
    ("same_investor_twice", "investor", "commitment_exists"),
])
def test_refusals_name_the_field_and_change_nothing(world, funds, frozen_now, action, field, error_code):
    parent, sub = funds
    with frozen_now(2023, 12, 31, 17):
        investment = services.investment_record(actor=world.officer, fund=sub, target="某项目", in_zone=True,
                                                funding_round="a", amount_wan="100", invested_on="2023-05-01")
        social = sub.commitments.get(source="social")
        before = _snapshot()
        attempts = {
            "paid_in_over_commitment": lambda: services.paid_in_record(
                actor=world.officer, commitment=social, paid_on="2023-06-01", amount_wan="1000.000001"),
            "invest_over_paid_in": lambda: services.investment_record(
                actor=world.officer, fund=sub, target="另一项目", in_zone=True, funding_round="a",
                amount_wan="2900.000001", invested_on="2023-06-01"),
            "parent_overcommitted": lambda: _commit(world, _fund(world, name="子基金二", parent=parent), "parent",
                                                    "9000.01", investor=""),
            "parent_source_on_a_parent": lambda: _commit(world, parent, "parent", "1", investor=""),
            "sub_fund_of_a_sub_fund": lambda: _fund(world, name="孙基金", parent=sub),
            "sub_fund_before_its_parent": lambda: _fund(world, name="早设子基金", parent=parent, day="2022-12-31"),
            "investment_before_the_fund": lambda: services.investment_record(
                actor=world.officer, fund=sub, target="早投项目", in_zone=True, funding_round="a", amount_wan="1",
                invested_on="2023-02-28"),
            "unknown_enterprise": lambda: services.investment_record(
                actor=world.officer, fund=sub, enterprise_code=code(99), funding_round="a", amount_wan="1",
                invested_on="2023-05-01"),
            "exit_over_cost": lambda: services.exit_record(
                actor=world.officer, investment=investment, kind="transfer", exited_on="2023-09-01",
                cost_wan="100.000001", proceeds_wan="150"),
            "bad_percent": lambda: _fund(world, name="百分比", pct="50.001"),
            "bad_term": lambda: services.guidance_fund_register(
                actor=world.officer, name="期限", parent=None, manager=None, established_on="2023-01-01",
                term_years="31", reinvest_pct="50"),
            "bad_source": lambda: _commit(world, sub, "bank", "1", investor="某银行"),
            "bad_round": lambda: services.investment_record(
                actor=world.officer, fund=sub, target="x", in_zone=True, funding_round="z", amount_wan="1",
                invested_on="2023-05-01"),
            "future_payment": lambda: services.paid_in_record(
                actor=world.officer, commitment=social, paid_on="2024-01-01", amount_wan="1"),
            "same_investor_twice": lambda: _commit(world, sub, "social", "1", investor="某创投合伙企业"),
        }
        after_setup = _snapshot() if action == "parent_overcommitted" else before
        with pytest.raises(ApplicationError) as caught:
            attempts[action]()
    assert (caught.value.field, caught.value.code) == (field, error_code)
    if action == "parent_overcommitted":  # the sub-fund registered first stays; the commitment does not
        assert _snapshot()[1] == after_setup[1]
    else:
        assert _snapshot() == before


def test_an_exact_fill_is_accepted_and_exits_add_up(world, funds, frozen_now):
    parent, sub = funds
    with frozen_now(2023, 12, 31, 17):
        second = _fund(world, name="子基金二", parent=parent, day="2023-04-01")
        _commit(world, second, "parent", "9000", investor="", day="2023-04-01")  # 1,000 + 9,000 = the parent's size
        investment = services.investment_record(actor=world.officer, fund=sub, target="满额项目", in_zone=True,
                                                funding_round="pre_ipo", amount_wan="3000", invested_on="2023-05-01")
        services.exit_record(actor=world.officer, investment=investment, kind="ipo", exited_on="2023-10-01",
                             cost_wan="1000", proceeds_wan="2500")
        services.exit_record(actor=world.officer, investment=investment, kind="transfer", exited_on="2023-11-01",
                             cost_wan="2000", proceeds_wan="0")
    row = selectors.investment_list(actor=world.leader).get(pk=investment.pk)
    assert (selectors.annotated(row, "exited_cost_fen"), selectors.annotated(row, "proceeds_fen")) == (
        3_000 * 10**6, 2_500 * 10**6)


def test_only_the_finance_office_writes_and_only_readers_read(world, funds, frozen_now):
    parent, sub = funds
    before = _snapshot()
    for actor in (world.cadre, world.leader, world.other):
        with frozen_now(2023, 12, 31, 17), pytest.raises(PermissionDenied):
            services.investment_record(actor=actor, fund=sub, target="x", in_zone=True, funding_round="a",
                                       amount_wan="1", invested_on="2023-05-01")
    assert _snapshot() == before
    assert selectors.guidance_fund_list(actor=world.other).count() == 0
    assert selectors.guidance_fund_list(actor=world.leader).count() == 2


def test_a_duplicate_name_is_a_conflict(world, funds, frozen_now):
    with frozen_now(2023, 12, 31, 17), pytest.raises(Conflict) as caught:
        _fund(world, name="子基金")
    assert (caught.value.field, caught.value.code) == ("name", "guidance_fund_exists")

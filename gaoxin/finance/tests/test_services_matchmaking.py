"""The financing platform's chain: certification as a dated state; a certified enterprise's demand matched at once
with reasons; the banks' answers due in three working days (counted on the Chinese working calendar); the outcome
(granted, declined by every bank, withdrawn) and the follow-up; who may do what; refusals that change nothing;
F066 and F067 from the records."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.accounts.roles import Role
from gaoxin.core.calendar import SHANGHAI
from gaoxin.core.errors import ApplicationError, Conflict, PermissionDenied
from gaoxin.enterprises import reference as enterprise_reference
from gaoxin.enterprises import services as enterprise_services
from gaoxin.finance import metrics, selectors, services
from gaoxin.finance.models import Certification, FinancingDemand, FollowUp, Proposal
from gaoxin.finance.tests.conftest import code

pytestmark = pytest.mark.django_db
YEAR = {"start": dt.date(2023, 1, 1), "end": dt.date(2024, 1, 1)}


def _snapshot():
    return [list(m.objects.order_by("pk").values()) for m in (Certification, FinancingDemand, Proposal, FollowUp)]


class Platform:
    def __init__(self, world, make_user, frozen_now):
        with frozen_now(2023, 1, 3, 9):
            enterprise_reference.reference_data_ensure()
            self.enterprise = enterprise_services.enterprise_create(
                actor=world.admin, credit_code=code(1), name="郑州示例传感科技有限公司", size="small",
                chains=["sensor"])
            self.other = enterprise_services.enterprise_create(actor=world.admin, credit_code=code(2), name="另一家",
                                                               size="large")
            self.user = make_user(Role.ENTERPRISE, None, username="ent")
            enterprise_services.enterprise_user_link(actor=world.admin, user=self.user, enterprise=self.enterprise)
            self.outsider = make_user(Role.ENTERPRISE, None, username="ent2")
            enterprise_services.enterprise_user_link(actor=world.admin, user=self.outsider, enterprise=self.other)
            self.banks, self.staff, self.products = [], [], []
            for n, (rate, rules) in enumerate((("3.85", {}), ("3.45", {"sizes": ["small", "micro"]}),
                                               ("3.20", {"sizes": ["large"]}))):
                bank = services.bank_register(actor=world.officer, name=f"银行{n}")
                staff = make_user(Role.ENTERPRISE, None, username=f"bank{n}")
                services.bank_staff_add(actor=world.officer, bank=bank, user=staff)
                self.products.append(services.product_save(
                    actor=world.officer, bank=bank, name="普惠贷", rate_min_pct=rate, rate_max_pct="5",
                    amount_min_wan="10", amount_max_wan="1000", term_max_months="36", needs_collateral=False,
                    rules=rules))
                self.banks.append(bank)
                self.staff.append(staff)
            services.certification_grant(actor=world.officer, enterprise_code=code(1), certified_on="2023-01-03")

    def post(self, frozen_now, **values):
        fields = {"amount_wan": "300", "term_months": "12", "purpose": "采购原材料", "collateral": "none",
                  "consent": True, **values}
        with frozen_now(2023, 9, 28, 10):
            return services.demand_post(actor=self.user, **fields)


@pytest.fixture
def platform(world, make_user, frozen_now):
    return Platform(world, make_user, frozen_now)


def test_a_demand_is_matched_at_once_with_reasons_and_a_working_day_limit(platform, frozen_now):
    demand = platform.post(frozen_now)
    proposals = list(demand.proposals.order_by("pk"))
    # 银行2 serves large enterprises only; 银行1 (3.45 %) comes before 银行0 (3.85 %).
    assert [p.product.bank.name for p in proposals] == ["银行1", "银行0"]
    assert proposals[0].reasons == ["✓ 额度：需求 300 万元，产品 10–1,000 万元",
                                    "✓ 期限：需求 12 个月，产品最长 36 个月", "✓ 企业规模：小型"]
    # Thursday 28 September 2023: the National Day holiday runs 29 Sep – 6 Oct and Sat 7 and Sun 8 Oct are make-up
    # working days, so the third working day after is Monday 9 October, answered by 18:00.
    assert proposals[0].due_at == dt.datetime(2023, 10, 9, 18, tzinfo=SHANGHAI)
    assert demand.status == "matched"


def test_the_bank_answers_and_grants_and_the_officer_follows_up(world, platform, frozen_now):
    demand = platform.post(frozen_now)
    first, second = demand.proposals.order_by("pk")
    with frozen_now(2023, 10, 10, 9):  # after the limit: kept, counted late
        services.proposal_answer(actor=platform.staff[1], proposal=first, interested=True)
    with frozen_now(2023, 10, 8, 9):
        services.proposal_answer(actor=platform.staff[0], proposal=second, interested=False, note="授信额度已满")
    with frozen_now(2023, 10, 20, 15):
        services.loan_granted(actor=platform.staff[1], proposal=first, amount_wan="280.5", granted_on="2023-10-20")
        services.follow_up_record(actor=world.officer, demand=demand, visited_on="2023-10-20", satisfied=True,
                                  note="电话回访")
    demand.refresh_from_db()
    assert (demand.status, demand.granted_fen, demand.granted_product) == ("granted", 280_500_000,
                                                                            platform.products[1])
    stats = selectors.platform_stats(selectors.demand_list(actor=world.leader))
    assert (stats.proposals, stats.answered, stats.on_time, stats.matched, stats.granted) == (2, 2, 1, 1, 1)
    # Proposed Thu 28 Sep 10:00 (6.5 working hours left that day): answered Sun 8 Oct 09:00 after 6.5 + 7.5 = 14
    # hours, and Tue 10 Oct 09:00 after 6.5 + 3 × 7.5 = 29 hours; the median of the two is 21.5.
    assert (stats.median_answer_hours, stats.on_time_pct, stats.match_to_loan_pct) == (21.5, 50.0, 100.0)
    loans = metrics.platform_loans(actor=world.leader, **YEAR)
    assert [d.granted_fen for d in loans] == [280_500_000]


def test_every_bank_declining_ends_the_demand_declined(platform, frozen_now):
    demand = platform.post(frozen_now)
    with frozen_now(2023, 10, 9, 10):
        for proposal, staff in zip(demand.proposals.order_by("pk"), (platform.staff[1], platform.staff[0]),
                                   strict=True):
            services.proposal_answer(actor=staff, proposal=proposal, interested=False, note="不符合授信政策")
    demand.refresh_from_db()
    assert (demand.status, demand.outcome_note) == ("declined", "推送的银行均不予受理")


@pytest.mark.parametrize(("values", "field", "error_code"), [
    ({"consent": False}, "consent", "consent_required"),
    ({"amount_wan": "0"}, "amount", "invalid_amount"),
    ({"term_months": "121"}, "term_months", "invalid_term"),
    ({"collateral": "gold"}, "collateral", "invalid_choice"),
    ({"purpose": ""}, "purpose", "required"),
])
def test_bad_demands_are_refused_and_change_nothing(platform, frozen_now, values, field, error_code):
    before = _snapshot()
    with pytest.raises(ApplicationError) as caught:
        platform.post(frozen_now, **values)
    assert (caught.value.field, caught.value.code) == (field, error_code)
    assert _snapshot() == before


def test_who_may_do_what(world, platform, frozen_now):
    demand = platform.post(frozen_now)
    first = demand.proposals.order_by("pk").first()
    before = _snapshot()
    with frozen_now(2023, 10, 9, 9):
        with pytest.raises(ApplicationError) as uncertified:  # the other enterprise is not certified
            services.demand_post(actor=platform.outsider, amount_wan="1", term_months="1", purpose="x",
                                 collateral="none", consent=True)
        with pytest.raises(PermissionDenied):  # another bank's staff
            services.proposal_answer(actor=platform.staff[0], proposal=first, interested=True)
        with pytest.raises(PermissionDenied):  # another enterprise
            services.demand_withdraw(actor=platform.outsider, demand=demand, reason="x")
        with pytest.raises(PermissionDenied):  # the officers do not post for an enterprise
            services.demand_post(actor=world.officer, amount_wan="1", term_months="1", purpose="x",
                                 collateral="none", consent=True)
        with pytest.raises(Conflict) as grant_first:  # a loan needs the bank's interest first
            services.loan_granted(actor=platform.staff[1], proposal=first, amount_wan="300", granted_on="2023-10-09")
        with pytest.raises(Conflict) as visit_open:
            services.follow_up_record(actor=world.officer, demand=demand, visited_on="2023-10-09", satisfied=True,
                                      note="x")
    assert [e.value.code for e in (uncertified, grant_first, visit_open)] == [
        "not_certified", "not_taken_up", "demand_open"]
    assert _snapshot() == before
    assert list(selectors.demand_list(actor=platform.outsider)) == []
    assert list(selectors.demand_list(actor=platform.staff[2])) == []  # not proposed to 银行2
    assert [p.product.bank.name for p in selectors.proposals_of(demand, actor=platform.staff[0])] == ["银行0"]


def test_withdrawn_by_the_owner_and_closed_for_everyone(platform, frozen_now):
    demand = platform.post(frozen_now)
    with frozen_now(2023, 10, 1, 9):
        services.demand_withdraw(actor=platform.user, demand=demand, reason="已通过其他渠道解决")
        with pytest.raises(Conflict) as closed:
            services.proposal_answer(actor=platform.staff[1], proposal=demand.proposals.order_by("pk").first(),
                                     interested=True)
    assert (FinancingDemand.objects.get().status, closed.value.code) == ("withdrawn", "demand_closed")


def test_certification_is_dated_and_a_re_certification_is_not_new(world, platform, frozen_now):
    certification = Certification.objects.get(enterprise=platform.enterprise)
    with frozen_now(2023, 12, 31, 9):
        with pytest.raises(Conflict):
            services.certification_grant(actor=world.officer, enterprise_code=code(1), certified_on="2023-06-01")
        services.certification_revoke(actor=world.officer, certification=certification, revoked_on="2023-06-01",
                                      reason="企业注销")
        with pytest.raises(ApplicationError) as early:
            services.certification_grant(actor=world.officer, enterprise_code=code(1), certified_on="2023-05-31")
        services.certification_grant(actor=world.officer, enterprise_code=code(1), certified_on="2023-07-01")
        services.certification_grant(actor=world.officer, enterprise_code=code(2), certified_on="2023-08-01")
    assert early.value.code == "before_revoked"
    new = metrics.new_certifications(actor=world.leader, **YEAR)
    assert sorted((c.enterprise.credit_code, c.certified_on) for c in new) == [
        (code(1), dt.date(2023, 1, 3)), (code(2), dt.date(2023, 8, 1))]


def test_product_rules_are_checked(world, platform, frozen_now):
    bank = platform.banks[0]
    with pytest.raises(ApplicationError) as unknown:
        services.product_save(actor=world.officer, bank=bank, name="x", rate_min_pct="3", rate_max_pct="4",
                              amount_min_wan="1", amount_max_wan="2", term_max_months="12", needs_collateral=False,
                              rules={"credit_score": 700})
    with pytest.raises(ApplicationError) as chain:
        services.product_save(actor=world.officer, bank=bank, name="x", rate_min_pct="3", rate_max_pct="4",
                              amount_min_wan="1", amount_max_wan="2", term_max_months="12", needs_collateral=False,
                              rules={"chains_any": ["nope"]})
    with pytest.raises(PermissionDenied):  # another bank's staff
        services.product_save(actor=platform.staff[1], bank=bank, name="x", rate_min_pct="3", rate_max_pct="4",
                              amount_min_wan="1", amount_max_wan="2", term_max_months="12", needs_collateral=False,
                              rules={})
    own = services.product_save(actor=platform.staff[0], bank=bank, name="普惠贷", rate_min_pct="3.5",
                                rate_max_pct="5", amount_min_wan="10", amount_max_wan="800", term_max_months="24",
                                needs_collateral=False, rules={"min_employees": "20", "min_revenue_wan": "500.5"})
    assert (unknown.value.code, chain.value.field) == ("unknown_rule", "chains_any")
    assert (own.pk, own.amount_max_fen, own.rules) == (platform.products[0].pk, 800 * 10**6,
                                                       {"min_employees": 20, "min_revenue_wan": "500.5"})

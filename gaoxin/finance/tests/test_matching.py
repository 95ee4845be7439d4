"""The matching step on hand-made facts: each criterion explained, a product fitting only when every one holds, the
ranking by rate then amount; and ``facts_for`` reading the registry (latest figures, this year's or last year's
qualifications)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.finance import matching
from gaoxin.finance.models import Bank, FinancingDemand, LoanProduct


def _product(pk=1, rate="3.85", low=10, high=500, term=36, collateral=False, rules=None):
    return LoanProduct(pk=pk, bank=Bank(pk=1, name="郑州银行"), name=f"产品{pk}", rate_min_pct=Decimal(rate),
                       rate_max_pct=Decimal("6"), amount_min_fen=low * 10**6, amount_max_fen=high * 10**6,
                       term_max_months=term, needs_collateral=collateral, rules=rules or {})


def _demand(wan=300, term=12, collateral="none"):
    return FinancingDemand(amount_fen=wan * 10**6, term_months=term, collateral=collateral)


FACTS = matching.Facts(size="small", chains=frozenset({"sensor"}), qualifications=frozenset({"tech_sme"}),
                       employees=60, revenue_wan=Decimal("1800.00"))


def test_every_criterion_gives_its_reason():
    product = _product(rules={"sizes": ["small", "micro"], "chains_any": ["sensor", "materials"],
                              "qualifications_any": ["tech_sme"], "min_employees": 50, "min_revenue_wan": "2000"})
    result = matching.fit(product, _demand(), FACTS, {"sensor": "智能传感器", "tech_sme": "科技型中小企业"})
    assert result.reasons == [
        "✓ 额度：需求 300 万元，产品 10–500 万元",
        "✓ 期限：需求 12 个月，产品最长 36 个月",
        "✓ 企业规模：小型",
        "✓ 产业链：智能传感器",
        "✓ 资质：持有 科技型中小企业",
        "✓ 从业人员：60 人，要求不少于 50 人",
        "✗ 营业收入：1,800.00 万元，要求不少于 2000 万元",
    ]
    assert result.eligible is False


@pytest.mark.parametrize(("demand", "product", "reason"), [
    (_demand(wan=501), _product(), "✗ 额度：需求 501 万元，产品 10–500 万元"),
    (_demand(term=37), _product(), "✗ 期限：需求 37 个月，产品最长 36 个月"),
    (_demand(), _product(collateral=True), "✗ 担保方式：产品需要抵质押或担保，企业为“无（信用）”"),
    (_demand(), _product(rules={"sizes": ["large"]}), "✗ 企业规模：小型"),
    (_demand(), _product(rules={"min_employees": 61}), "✗ 从业人员：60 人，要求不少于 61 人"),
])
def test_one_failing_criterion_excludes_the_product(demand, product, reason):
    result = matching.fit(product, demand, FACTS)
    assert (result.eligible, reason in result.reasons) == (False, True)


def test_unreported_figures_fail_the_rules_that_need_them():
    result = matching.fit(_product(rules={"min_revenue_wan": "0"}), _demand(), matching.Facts())
    assert result.reasons[-1] == "✗ 营业收入：未报送，要求不少于 0 万元"


def test_ranked_by_lowest_rate_then_highest_amount_then_id_and_cut_to_three():
    products = [_product(pk=1, rate="3.85", high=500), _product(pk=2, rate="3.45", high=500),
                _product(pk=3, rate="3.85", high=5000), _product(pk=4, rate="3.85", high=500),
                _product(pk=5, rate="3.20", high=100)]  # 5 cannot lend 300
    ranked = matching.proposals_for(_demand(), products, FACTS)
    assert [f.product.pk for f in ranked] == [2, 3, 1]


@pytest.mark.django_db
def test_facts_come_from_the_registry(world, frozen_now):
    from gaoxin.enterprises import reference
    from gaoxin.enterprises import services as enterprise_services
    from gaoxin.finance.tests.conftest import code

    with frozen_now(2023, 3, 1, 9):
        reference.reference_data_ensure()
        enterprise = enterprise_services.enterprise_create(actor=world.admin, credit_code=code(1), name="示例",
                                                           size="small", chains=["sensor"])
        for year, employees in ((2021, 40), (2022, 60)):
            enterprise_services.annual_figures_record(actor=world.admin, enterprise=enterprise, year=year,
                                                      revenue="1800", rd_spending="100", employees=employees,
                                                      tax_paid="10")
        enterprise_services.qualification_award_create(actor=world.admin, enterprise=enterprise,
                                                       qualification_type="tech_sme", year=2021,
                                                       awarded_on=dt.date(2021, 5, 1))
        enterprise_services.qualification_award_create(actor=world.admin, enterprise=enterprise,
                                                       qualification_type="srdi_prov", year=2022,
                                                       awarded_on=dt.date(2022, 5, 1))
    facts = matching.facts_for([enterprise.pk], year=2023)[enterprise.pk]
    assert facts == matching.Facts(size="small", chains=frozenset({"sensor"}),
                                   qualifications=frozenset({"srdi_prov"}), employees=60,
                                   revenue_wan=Decimal("1800.00"))


def test_the_quick_test_agrees_with_the_explained_one_on_random_cases():
    import numpy as np

    rng = np.random.default_rng(19)
    for _ in range(400):
        rules = {key: value for key, value in (
            ("sizes", ["small"] if rng.random() < 0.5 else ["large", "medium"]),
            ("chains_any", ["sensor"] if rng.random() < 0.5 else ["materials"]),
            ("qualifications_any", ["tech_sme"] if rng.random() < 0.5 else ["srdi_prov"]),
            ("min_employees", int(rng.integers(0, 120))), ("min_revenue_wan", str(int(rng.integers(0, 3000)))),
        ) if rng.random() < 0.5}
        product = _product(low=int(rng.integers(10, 400)), high=int(rng.integers(400, 900)),
                           term=int(rng.choice([12, 36])), collateral=bool(rng.random() < 0.3), rules=rules)
        demand = _demand(wan=int(rng.integers(10, 1000)), term=int(rng.choice([6, 24, 48])),
                         collateral=str(rng.choice(["none", "ip"])))
        facts = FACTS if rng.random() < 0.7 else matching.Facts()
        assert matching.fits(product, demand, facts) == matching.fit(product, demand, facts).eligible

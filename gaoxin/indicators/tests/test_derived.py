"""Shares, growth, completion and ranks on hand-computed data."""

import datetime as dt
from decimal import Decimal
from typing import Any

from gaoxin.enterprises import services as enterprise_services
from gaoxin.indicators import services
from gaoxin.indicators.figures import figure_values, system_actor

from .conftest import approved


def figures(*refs):
    return figure_values(actor=system_actor(), year=2023, refs=refs)


def ref_value(key, scope, value, *, period=2023, peer=""):
    services.reference_value_set(actor=None, key=key, period=period, scope=scope, value=value, peer=peer,
                                 source="test", document="郑统〔2024〕1号", issuer="郑州市统计局",
                                 issued_on="2024-02-01")


def test_share_of_a_submitted_base_with_its_inputs(officers):
    approved(officers, "F001", 2)
    ref_value("chain_strategic_first_batch", "city", 5)
    f = figures("F002")["F002"]
    assert (f.value, f.display, f.source) == (Decimal("40"), "40%", "derived")
    inputs = f.provenance["inputs"]
    assert inputs[0]["id"] == "F001"
    assert inputs[0]["value"] == "2"
    assert inputs[0]["source"] == "submitted"
    assert inputs[1]["scope"] == "全市"
    assert inputs[1]["value"] == "5"
    assert inputs[1]["source"] == "test"
    assert f.provenance["formula"] == "2 ÷ 5 × 100 = 40"


def test_share_rounds_half_up_at_the_articles_precision(officers, staff, make_enterprise):
    for _ in range(9):
        enterprise_services.qualification_award_create(actor=staff.admin, enterprise=make_enterprise(),
                                                       qualification_type="prov_engineering_center", year=2023)
    ref_value("new_prov_engineering_centers", "city", 24)
    f = figures("F019")["F019"]
    assert f.exact == Decimal("37.5")
    assert f.value == Decimal("38")
    assert f.display == "38%"


def test_growth_over_the_previous_year(officers, staff, make_enterprise):
    for _ in range(3):
        enterprise_services.qualification_award_create(actor=staff.admin, enterprise=make_enterprise(),
                                                       qualification_type="gazelle_prov", year=2023)
    # Without a reference value the previous year comes from the records: 2 new gazelles in 2022.
    for _ in range(2):
        enterprise_services.qualification_award_create(actor=staff.admin, enterprise=make_enterprise(),
                                                       qualification_type="gazelle_prov", year=2022)
    assert figures("F028")["F028"].value == Decimal("50")  # (3 ÷ 2 − 1) × 100
    ref_value("new_gazelles", "zone", 4, period=2022)  # a published previous-year value wins
    f = figures("F028")["F028"]
    assert f.value == Decimal("-25")
    assert f.provenance["formula"] == "(3 ÷ 4 − 1) × 100 = -25"


def test_completion_against_the_plan(officers):
    approved(officers, "F014", "228.1")
    ref_value("key_projects_investment", "plan", "222.5")
    f = figures("F015")["F015"]
    assert f.value == Decimal("102.5")
    assert f.display == "102.5%"


def test_rank_among_peers(officers, staff, make_enterprise):
    for _ in range(3):
        enterprise_services.qualification_award_create(actor=staff.admin, enterprise=make_enterprise(),
                                                       qualification_type="chain_leader_city", year=2023)
    for peer, value in (("甲区", 5), ("乙区", 3), ("丙区", 1)):
        ref_value("chain_leader_enterprises", "city_districts", value, peer=peer)
    f = figures("F004")["F004"]
    assert f.value == 2
    assert f.provenance["formula"].startswith("1 + 1")
    ref_value("chain_leader_enterprises", "city_districts", 3, peer="乙区")  # a tie does not push the zone down
    assert figures("F004")["F004"].value == 2


def test_missing_inputs_are_reported_not_invented(officers):
    f = figures("F002", "F004")
    assert f["F002"].missing
    assert f["F002"].reason == "基础指标 F001 暂无数值"
    approved(officers, "F001", 2)
    f = figures("F002")["F002"]
    assert f.missing
    assert f.reason == "缺少参考值（全市）"
    assert f.value is None


def test_an_official_reference_value_needs_its_citation_and_a_missing_part_changes_nothing(officers):
    import pytest

    from gaoxin.core.errors import ApplicationError
    from gaoxin.indicators.models import ReferenceValue

    citations: tuple[tuple[str, dict[str, Any]], ...] = (
        ("document", {"issuer": "郑州市统计局", "issued_on": "2024-02-01"}),
        ("issuer", {"document": "郑统〔2024〕1号", "issued_on": "2024-02-01"}),
        ("issued_on", {"document": "郑统〔2024〕1号", "issuer": "郑州市统计局"}))
    for missing, kwargs in citations:
        with pytest.raises(ApplicationError) as exc:
            services.reference_value_set(actor=officers.officer, key="tech_sme_count", period=2023, scope="city",
                                         value=8700, source="统计公报", **kwargs)
        assert (exc.value.field, exc.value.code) == (missing, "citation_required")
    with pytest.raises(ApplicationError) as bad:
        services.reference_value_set(actor=officers.officer, key="tech_sme_count", period=2023, scope="city",
                                     value=8700, source="统计公报", document="x", issuer="y", issued_on="2024-13-01")
    assert bad.value.field == "issued_on"
    assert ReferenceValue.objects.count() == 0
    row = services.reference_value_set(actor=officers.officer, key="tech_sme_count", period=2023, scope="city",
                                       value=8700, source="统计公报", document="郑统〔2024〕1号", issuer="郑州市统计局",
                                       issued_on="2024年2月1日")
    assert (row.is_synthetic, row.issued_on) == (False, dt.date(2024, 2, 1))
    simulated = services.reference_value_set(actor=None, key="x", period=2023, scope="city", value=1, source="模拟",
                                             is_synthetic=True)
    assert simulated.document == ""

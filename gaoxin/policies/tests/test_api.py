"""The policies JSON API: the same scopes as the pages (officers and leaders all, an enterprise its own), a
decision's trace, the calculator, the reconciliation for the readers only, account numbers masked except for
财政金融局, and errors as problem+json."""

from __future__ import annotations

import pytest

from gaoxin.policies import services
from gaoxin.policies.models import Decision
from gaoxin.policies.tests.test_services import _cleared

pytestmark = pytest.mark.django_db


@pytest.fixture
def matched(world, catalog, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        return services.matching_run(actor=world.officer)


def test_the_catalog_lists_the_published_policies_with_their_dated_parameters(client, world, catalog):
    client.force_login(world.sensor_user)
    policies = client.get("/api/v1/policies/catalog").json()
    assert len(policies) == 36
    rd = next(p for p in policies if p["code"] == "GX2023-02")
    (item,) = rd["items"]
    assert (item["code"], item["route"], item["clause"]) == ("gx2023_rd_subsidy", "auto", "第四条")
    assert [(p["name"], p["start"], p["value"], p["unit"]) for p in item["parameters"]] == [
        ("cap", "2023-01-01", "25", "wan"), ("rate", "2023-01-01", "0.05", "rate"),
        ("threshold", "2023-01-01", "300", "wan")]


def test_officer_reads_every_decision_with_filters_and_its_trace(client, world, matched):
    client.force_login(world.officer)
    decisions = client.get("/api/v1/policies/decisions").json()
    assert sorted((d["enterprise"], d["item"], d["amount_fen"]) for d in decisions) == sorted(
        (d.enterprise.name, d.item.code, d.amount_fen) for d in matched)
    assert len(decisions) == 6
    giant = client.get("/api/v1/policies/decisions", {"q": world.giant.credit_code}).json()
    assert {d["item"] for d in giant} == {"gx2023_srdi_award", "gx2023_little_giant_award"}
    assert client.get("/api/v1/policies/decisions", {"policy": "GX2023-02"}).json()[0]["item"] == "gx2023_rd_subsidy"
    assert client.get("/api/v1/policies/decisions", {"year": 2022}).json() == []
    rd = Decision.objects.get(item__code="gx2023_rd_subsidy")
    detail = client.get(f"/api/v1/policies/decisions/{rd.pk}").json()
    assert (detail["status"], detail["amount_fen"], detail["trace"]) == ("matched", 20_000_000, rd.trace)
    assert [c["label"] for c in detail["trace"]["conditions"]][-1] == "上年度研发费用不低于 300 万元"


def test_an_enterprise_reads_only_its_own(client, world, matched):
    client.force_login(world.sensor_user)
    mine = client.get("/api/v1/policies/decisions").json()
    assert {d["enterprise"] for d in mine} == {world.sensor.name}
    assert len(mine) == 4
    theirs = Decision.objects.get(item__code="gx2023_srdi_award")
    response = client.get(f"/api/v1/policies/decisions/{theirs.pk}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    response = client.get("/api/v1/policies/reconciliation", {"year": 2023})
    assert (response.status_code, response.json()["code"]) == (403, "policies_reader_only")


def test_account_numbers_are_masked_except_for_the_finance_officer(client, world, catalog, frozen_now):
    (tech,) = _cleared(world, frozen_now, ["gx2023_tech_sme_award"])
    url = f"/api/v1/policies/decisions/{tech.pk}"
    for user, account in ((world.officer, "6222********2233"), (world.sensor_user, "6222********2233"),
                          (world.leader, "6222********2233"), (world.finance, "6222020200112233")):
        client.force_login(user)
        got = client.get(url).json()
        assert (got["status"], got["bank_account"], got["notice"] is not None) == ("cleared", account, True)


def test_the_calculator_for_the_own_enterprise_and_for_one_in_scope(client, world, catalog, frozen_now):
    client.force_login(world.sensor_user)
    with frozen_now(2023, 3, 1, 9):
        rows = client.get("/api/v1/policies/calculator").json()
    eligible = {r["item"]: r["amount_fen"] for r in rows if r["state"] == "eligible"}
    assert eligible == {"gx2023_rd_sensor": 20_000_000, "gx2023_rd_small": 6_000_000,
                        "gx2023_rd_subsidy": 20_000_000, "gx2023_tech_sme_award": 5_000_000,
                        "gx2023_graduate_jobs": 6_000_000, "gx2023_jobs_subsidy": 3_000_000,
                        "gx2023_chain_tax_award": 30_000_000, "gx2023_tax_small": 5_000_000}
    # 60 people × 1,000 元 and × 500 元; 600 万 of tax: the chain's 500 万 and the small firms' 50 万 thresholds,
    # not the 1,000 万 of gx2023_tax_major
    near = next(r for r in rows if r["item"] == "gx2023_scale_up")
    assert (near["state"], near["unmet"]) == ("near", ["上年度营业收入不低于 2000 万元"])
    giant = client.get("/api/v1/policies/calculator", {"enterprise_id": world.giant.pk})
    assert giant.status_code == 404  # not the enterprise user's own
    client.force_login(world.officer)
    rows = client.get("/api/v1/policies/calculator", {"enterprise_id": world.giant.pk, "on": "2023-03-01"}).json()
    assert {r["item"] for r in rows if r["state"] == "eligible"} == {"gx2023_srdi_award",
                                                                      "gx2023_little_giant_award"}
    response = client.get("/api/v1/policies/calculator")  # an officer names the enterprise
    assert (response.status_code, response.json()["field"]) == (404, "enterprise_id")


def test_the_reconciliation_balances_for_the_readers(client, world, catalog, frozen_now):
    _cleared(world, frozen_now, ["gx2023_tech_sme_award", "gx2023_little_giant_award"])
    client.force_login(world.leader)
    rows = {r["policy"]: r for r in client.get("/api/v1/policies/reconciliation", {"year": 2023}).json()}
    first = rows["GX2023-01"]
    assert (first["budget_fen"], first["cleared_fen"], first["paid_fen"], first["available_fen"],
            first["balanced"]) == (8_000_000_000, 55_000_000, 0, 8_000_000_000, True)
    assert all(r["balanced"] for r in rows.values())


def test_bad_input_is_named_and_anonymous_requests_refused(client, world, matched):
    client.force_login(world.officer)
    for url in ("/api/v1/policies/decisions?limit=0", "/api/v1/policies/decisions?year=1999",
                "/api/v1/policies/reconciliation", "/api/v1/policies/calculator?on=2023-13-01",
                "/api/v1/policies/decisions/0"):
        response = client.get(url)
        assert response.status_code == 422, url
        assert response["Content-Type"] == "application/problem+json"
    client.logout()
    assert client.get("/api/v1/policies/decisions").status_code == 401

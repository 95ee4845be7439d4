"""The finance JSON API: reads scoped as the pages (财政金融局 and leaders everything; on the financing platform an
enterprise its own demands, a bank's staff those proposed to it), money in fen, borrowers masked except for the
officers, the latest index run of a year, and errors as problem+json."""

from __future__ import annotations

import pytest

from gaoxin.finance import services
from gaoxin.finance.tests.test_index_service import registry  # noqa: F401 - a fixture
from gaoxin.finance.tests.test_services_matchmaking import Platform

pytestmark = pytest.mark.django_db
PERSON = "11010519491231002X"


@pytest.fixture
def records(world, frozen_now):
    with frozen_now(2023, 12, 31, 17):
        fund = services.guidance_fund_register(actor=world.officer, name="测试基金", parent=None, manager=None,
                                               established_on="2023-01-10", term_years="10", reinvest_pct="50")
        commitment = services.commitment_add(actor=world.officer, fund=fund, source="zone", investor="财政局",
                                             amount_wan="1000", committed_on="2023-01-10")
        services.paid_in_record(actor=world.officer, commitment=commitment, paid_on="2023-02-01", amount_wan="400")
        services.investment_record(actor=world.officer, fund=fund, target="某项目", in_zone=True,
                                   funding_round="a", amount_wan="300", invested_on="2023-05-01")
        loan = services.loan_apply(actor=world.officer, kind="individual", applicant_name="张三", id_number=PERSON,
                                   phone="13812345678", project="便利店", requested_wan="10", applied_on="2023-03-01")
        services.loan_decide(actor=world.officer, loan=loan, approve=True, decided_on="2023-03-02")
        services.loan_grant(actor=world.officer, loan=loan, bank="郑州银行", amount_wan="10", granted_on="2023-03-10",
                            term_months="12", rate_pct="3.95", jobs_created="2")


def test_readers_get_the_ledgers_in_fen(client, world, records):
    client.force_login(world.leader)
    (fund,) = client.get("/api/v1/finance/guidance-funds").json()
    assert (fund["committed_fen"], fund["paid_in_fen"], fund["invested_fen"], fund["reinvest_due_fen"],
            fund["in_zone_fen"]) == (10**9, 4 * 10**8, 3 * 10**8, 5 * 10**8, 3 * 10**8)
    (investment,) = client.get("/api/v1/finance/guidance-investments", {"year": 2023}).json()
    assert (investment["amount_fen"], investment["in_zone"]) == (3 * 10**8, True)
    assert client.get("/api/v1/finance/guidance-investments", {"year": 2022}).json() == []
    (loan,) = client.get("/api/v1/finance/startup-loans", {"granted_year": 2023}).json()
    assert (loan["applicant"], loan["id_number"], loan["phone"], loan["granted_fen"]) == (
        "张*", "110105********002X", "138****5678", 10**7)
    client.force_login(world.officer)
    (clear,) = client.get("/api/v1/finance/startup-loans").json()
    assert (clear["applicant"], clear["id_number"]) == ("张三", PERSON)


def test_others_are_refused_as_problem_json(client, world, records):
    client.force_login(world.other)
    for url in ("/api/v1/finance/guidance-funds", "/api/v1/finance/startup-loans", "/api/v1/finance/demands",
                "/api/v1/finance/sme-index/2022"):
        response = client.get(url)
        assert (response.status_code, response["Content-Type"]) == (403, "application/problem+json"), url
    client.force_login(world.leader)
    response = client.get("/api/v1/finance/startup-loans", {"granted_year": 1999})
    assert response.status_code == 422


def test_the_platform_scopes_demands(client, world, make_user, frozen_now):
    platform = Platform(world, make_user, frozen_now)
    platform.post(frozen_now)
    client.force_login(platform.user)
    (mine,) = client.get("/api/v1/finance/demands").json()
    assert [p["bank"] for p in mine["proposals"]] == ["银行1", "银行0"]
    client.force_login(platform.staff[0])
    (proposed,) = client.get("/api/v1/finance/demands").json()
    assert [p["bank"] for p in proposed["proposals"]] == ["银行0"]  # only its own bank's proposal
    client.force_login(platform.staff[2])
    assert client.get("/api/v1/finance/demands").json() == []
    client.force_login(platform.outsider)
    assert client.get("/api/v1/finance/demands").json() == []


def test_the_index_of_a_year(client, world, registry, frozen_now):  # noqa: F811 - the fixture
    with frozen_now(2023, 6, 30, 17):
        run = services.index_compute(actor=world.officer, year=2022)
    client.force_login(world.leader)
    body = client.get("/api/v1/finance/sme-index/2022", {"limit": 2}).json()
    assert (body["enterprises"], body["input_digest"], len(body["scores"]), body["scores"][0]["rank"]) == (
        3, run.input_digest, 2, 1)
    missing = client.get("/api/v1/finance/sme-index/2020")
    assert (missing.status_code, missing["Content-Type"]) == (404, "application/problem+json")

"""The innovation JSON API: the same scopes as the pages (an enterprise its own demands and contracts and only the
listed achievements, an institution its own achievements, the officer all), a demand's proposals with the terms
that matched, filters, and errors as problem+json."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.innovation import services
from gaoxin.innovation.models import Match
from gaoxin.innovation.tests.test_services import _achievement, _demand

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world, frozen_now):
    with frozen_now(2023, 4, 3, 10):
        demand = _demand(world)
        other = services.demand_post(actor=world.officer, enterprise=world.other_enterprise, title="新型复合材料",
                                     text="轻量化高强度复合材料", field="new_material")
        listed = _achievement(world)
        unlisted = _achievement(world, name="氢燃料电池双极板", text="金属双极板涂层", field="hydrogen_storage",
                                keywords="氢能", ip_numbers="ZL202210000001.1")
        services.achievements_list_publish(actor=world.officer, achievements=[listed], on=dt.date(2023, 4, 3))
        services.matches_propose(actor=world.officer, demand=demand, top=5)
        contract = services.contract_submit(
            actor=world.enterprise_user, kind="development", title="甲烷传感芯片联合开发",
            seller=world.institution.name, buyer=world.enterprise.name, amount="120", signed_on=dt.date(2023, 3, 30),
            seller_institution=world.institution, buyer_enterprise=world.enterprise)
    return {"demand": demand, "other": other, "listed": listed, "unlisted": unlisted, "contract": contract}


def test_enterprise_reads_its_own_demands_and_the_listed_achievements(client, world, records):
    client.force_login(world.enterprise_user)
    demands = client.get("/api/v1/innovation/demands").json()
    assert [d["number"] for d in demands] == [records["demand"].number]
    assert demands[0] | {"posted_at": None} == {
        "id": records["demand"].pk, "number": "XQ2023000001", "enterprise": "郑州示例传感科技有限公司",
        "enterprise_credit_code": world.enterprise.credit_code, "title": "车间可燃气体泄漏监测",
        "text": "车间可燃气体泄漏，要求响应快", "field": "sensor", "budget": "80.00", "deadline": None,
        "required_readiness": 6, "status": "open", "posted_at": None, "solved_by": None}
    assert [a["name"] for a in client.get("/api/v1/innovation/achievements").json()] == [records["listed"].name]
    proposals = client.get(f"/api/v1/innovation/demands/{records['demand'].pk}/proposals").json()
    assert [p["achievement_number"] for p in proposals] == [records["listed"].number]
    match = Match.objects.get(demand=records["demand"], achievement=records["listed"])
    assert (proposals[0]["terms"], proposals[0]["score"]) == (match.terms, round(match.score, 4))
    assert match.terms == ["§气体检测"]  # the concept shared by 可燃气体泄漏 and 甲烷传感 (the domain dictionary)
    response = client.get(f"/api/v1/innovation/demands/{records['other'].pk}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert client.get(f"/api/v1/innovation/demands/{records['other'].pk}/proposals").status_code == 404
    assert [c["number"] for c in client.get("/api/v1/innovation/contracts").json()] == [records["contract"].number]


def test_officer_reads_all_with_filters_and_sees_every_proposal(client, world, records):
    client.force_login(world.officer)
    assert len(client.get("/api/v1/innovation/demands").json()) == 2
    assert [d["field"] for d in client.get("/api/v1/innovation/demands?field=new_material").json()] == [
        "new_material"]
    assert client.get("/api/v1/innovation/demands?year=2022").json() == []
    assert [a["number"] for a in client.get("/api/v1/innovation/achievements?status=unlisted").json()] == [
        records["unlisted"].number]
    proposals = client.get(f"/api/v1/innovation/demands/{records['demand'].pk}/proposals").json()
    assert proposals[0]["achievement_number"] == records["listed"].number
    assert [p["score"] for p in proposals] == sorted((p["score"] for p in proposals), reverse=True)
    contract = client.get("/api/v1/innovation/contracts?status=submitted").json()[0]
    assert (contract["amount"], contract["tech_income"], contract["certificate_no"]) == ("120.00", None, None)


def test_institution_reads_its_own_achievements_and_open_demands(client, world, records):
    client.force_login(world.institution_user)
    assert len(client.get("/api/v1/innovation/achievements").json()) == 2
    assert {d["status"] for d in client.get("/api/v1/innovation/demands").json()} == {"open"}


def test_outsiders_read_nothing_and_bad_filters_are_named(client, world, records, make_user, org):
    from gaoxin.accounts.roles import Role
    client.force_login(make_user(Role.HANDLER, org.construction, username="handler"))
    assert client.get("/api/v1/innovation/demands").json() == []
    assert client.get("/api/v1/innovation/contracts").json() == []
    response = client.get("/api/v1/innovation/demands?limit=0")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    client.logout()
    assert client.get("/api/v1/innovation/demands").status_code == 401

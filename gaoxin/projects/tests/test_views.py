"""The pages per role, through the Django test client: what each role sees and does, what it may not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from gaoxin.core.calendar import SHANGHAI
from gaoxin.land.models import LandSupply, Parcel
from gaoxin.projects import services, workflow
from gaoxin.projects.models import MonthlyReport, Project

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_steward_sees_only_its_projects_and_reports_a_month(client, made):
    mine = made.project("XM-1", prior="0")
    made.project("XM-2", steward=made.people.other_steward)
    c = login(client, made.people.steward)
    page = c.get("/projects/").content.decode()
    assert "我的项目" in page
    assert "XM-1" in page
    assert "XM-2" not in page
    other = Project.objects.get(code="XM-2")
    assert c.get(f"/projects/{other.pk}/").status_code == 404
    bad = {"year": 2023, "month": 1, "this_month": "100", "ytd": "90", "since_start": "100", "building": "100",
           "installation": "0", "equipment": "0", "other": "0"}
    response = c.post(f"/projects/{mine.pk}/report/", bad)
    assert response.status_code == 400
    assert "本年首次月报：自年初累计应等于本月完成" in response.content.decode()
    assert MonthlyReport.objects.count() == 0
    good = {**bad, "ytd": "100"}
    assert c.post(f"/projects/{mine.pk}/report/", good).status_code == 302
    assert MonthlyReport.objects.get().ytd == 100
    assert c.get("/projects/lights/").status_code == 403


def test_investment_bureau_registers_and_meets_the_gates(client, made):
    c = login(client, made.people.investment_officer)
    data = {"code": "XM-9", "name": "新项目", "investor": made.investor.credit_code, "year": "2023",
            "total_investment": "5000", "annual_plan": "9000", "level": "city", "category": "signed"}
    response = c.post("/projects/new/", data)
    assert response.status_code == 400
    assert 'data-field="annual_plan"' in response.content.decode()
    assert Project.objects.count() == 0
    response = c.post("/projects/new/", {**data, "annual_plan": "1000", "steward": "steward"})
    project = Project.objects.get(code="XM-9")
    assert response["Location"] == f"/projects/{project.pk}/"
    assert project.steward == made.people.steward
    page = c.get(f"/projects/{project.pk}/").content.decode()
    assert "未满足：已签订投资合同" in page
    response = c.post(f"/projects/{project.pk}/advance/", {"to": workflow.SIGNED, "on": "2023-03-01"})
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.stage == workflow.RESERVE
    assert c.get("/projects/lights/?year=2023&month=3").status_code == 200
    assert c.get("/projects/reports/excel/?download=template")["Content-Type"].startswith(
        "application/vnd.openxmlformats")


def test_land_bureau_supplies_issues_permits_and_opens_the_dossier(client, made):
    project = made.project("XM-1")
    parcel = made.parcel(1)
    services.project_parcels_link(actor=made.people.investment_officer, project=project, parcels=[parcel])
    c = login(client, made.people.land_officer)
    assert "一码管地" in c.get("/land/").content.decode()
    response = c.post(f"/land/{parcel.parcel_code}/supply/", {
        "contract_no": "TD-1", "contract_date": "2023-05-06", "method": "auction", "price": "300",
        "is_standard": "1", "floor_area_ratio": "1.5", "investment_intensity": "300", "output_per_mu": "",
        "tax_per_mu": "20"})
    assert response.status_code == 400
    assert 'data-field="output_per_mu"' in response.content.decode()
    assert LandSupply.objects.count() == 0
    response = c.post(f"/land/{parcel.parcel_code}/supply/", {
        "contract_no": "TD-1", "contract_date": "2023-05-06", "method": "auction", "price": "300",
        "land_user": made.investor.credit_code})
    assert response.status_code == 302
    for i, kind in enumerate(("property", "land_planning", "works_planning", "construction")):
        assert c.post(f"/land/{parcel.parcel_code}/permit/", {"kind": kind, "number": f"N{i}",
                                                              "issued_on": "2023-05-06"}).status_code == 302
    page = c.get(f"/projects/dossier/?code={parcel.unit_code}").content.decode()
    assert "一天发四证" in page
    assert "XM-1" in page
    assert made.investor.name in page
    located = c.get(f"/projects/dossier/?lon={parcel.centroid_lon}&lat={parcel.centroid_lat}").content.decode()
    assert parcel.parcel_code in located
    assert c.get("/projects/dossier/?code=410171001002GB09999").status_code == 404
    assert c.post("/projects/new/", {"code": "X"}).status_code == 403


def test_leader_map_and_drill_down(client, made):
    project = made.project("XM-1")
    Project.objects.filter(pk=project.pk).update(lon=113.52, lat=34.80, started_on=dt.date(2023, 1, 2))
    services.monthly_report_submit(actor=made.people.steward, project=project, year=2023, month=1,
                                   values={"this_month": "100", "ytd": "100", "since_start": "100", "building": "100",
                                           "installation": "0", "equipment": "0", "other": "0"},
                                   at=dt.datetime(2023, 1, 20, 10, tzinfo=SHANGHAI))
    services.lights_compute(year=2023, month=1)
    c = login(client, made.people.leader)
    page = c.get("/projects/map/?year=2023&month=1").content.decode()
    assert '"light": "green"' in page
    assert f'"url": "/projects/{project.pk}/"' in page
    assert "<td>1月</td><td>100" in page  # January's investment
    assert c.get(f"/projects/{project.pk}/").status_code == 200
    assert c.post(f"/projects/{project.pk}/advance/", {"to": "signed"}).status_code == 403
    outsider = login(client, made.people.outsider)
    assert outsider.get("/projects/").status_code == 403
    assert outsider.get("/land/").status_code == 403
    assert Parcel.objects.count() == 0


def test_land_bureau_checks_the_agreement(client, made):
    from gaoxin.land import services as land_services
    from gaoxin.land.models import AgreementCheck

    parcel = made.parcel(1)
    land_services.supply_record(actor=made.people.land_officer, parcel=parcel, contract_no="TD-1",
                                contract_date=dt.date(2023, 3, 1), method="auction", price=100, is_standard=True,
                                indicators={"floor_area_ratio": "1.5", "investment_intensity": "300",
                                            "output_per_mu": "500", "tax_per_mu": "30"})
    c = login(client, made.people.land_officer)
    form = {"occasion": "completion", "year": "2024", "floor_area_ratio": "1.5", "investment_intensity": "310",
            "output_per_mu": "480", "tax_per_mu": "31"}
    assert c.post(f"/land/{parcel.parcel_code}/agreement/", {**form, "year": "x"}).status_code == 400
    assert AgreementCheck.objects.count() == 0
    assert c.post(f"/land/{parcel.parcel_code}/agreement/", form).status_code == 302
    page = c.get(f"/land/{parcel.parcel_code}/").content.decode()
    assert "亩均产出（约定 500.00，实际 480.00）" in page


def test_investment_bureau_plans_a_milestone(client, made):
    project = made.project("XM-1")
    c = login(client, made.people.investment_officer)
    assert c.post(f"/projects/{project.pk}/milestone/", {"stage": "started", "planned_on": "",
                                                         "limit_working_days": "3"}).status_code == 400
    assert c.post(f"/projects/{project.pk}/milestone/", {"stage": "started", "planned_on": "2023-09-28",
                                                         "limit_working_days": "3"}).status_code == 302
    page = c.get(f"/projects/{project.pk}/").content.decode()
    assert "2023-10-09（3）" in page
    assert c.get("/land/").status_code == 200  # the 经发局 reads the parcels
    assert login(client, made.people.steward).post(f"/projects/{project.pk}/milestone/", {
        "stage": "started", "planned_on": "2023-09-28"}).status_code == 403


def test_contract_signed_then_changed_from_the_page(client, made):
    project = made.project("XM-1")
    c = login(client, made.people.investment_officer)
    assert c.post(f"/projects/{project.pk}/contract/", {"number": "QY-1", "signed_on": "2023-02-01",
                                                        "amount": "0"}).status_code == 400
    assert c.post(f"/projects/{project.pk}/contract/", {"number": "QY-1", "signed_on": "2023-02-01",
                                                        "amount": "8000"}).status_code == 302
    contract = project.contracts.get()
    assert c.post(f"/projects/{project.pk}/contract/", {"contract": contract.pk, "amount": "9000"}).status_code == 400
    assert c.post(f"/projects/{project.pk}/contract/", {"contract": contract.pk, "amount": "9000",
                                                        "note": "增资扩产"}).status_code == 302
    contract.refresh_from_db()
    assert contract.amount == 9000
    assert project.events.latest("seq").note == "增资扩产"


def test_excel_upload_refused_with_the_cells_named(client, made):
    from gaoxin.projects.tests.test_ledger import workbook

    made.project("XM-1", prior="0")
    c = login(client, made.people.steward)
    bad = [["XM-1", 2023, 1, 100, 90, 90, 90, 0, 0, 0]]
    response = c.post("/projects/reports/excel/", {"file": workbook(bad)})
    assert response.status_code == 400
    assert "（E2）本年首次月报：自年初累计应等于本月完成 100.00，实际 90.00" in response.content.decode()
    response = c.post("/projects/reports/excel/", {"file": workbook(bad), "error_workbook": "1"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert MonthlyReport.objects.count() == 0
    response = c.post("/projects/reports/excel/", {"file": workbook([["XM-1", 2023, 1, 100, 100, 100, 100, 0, 0, 0]])})
    assert 'id="written"' in response.content.decode()
    assert MonthlyReport.objects.count() == 1


@pytest.mark.parametrize("url", ["/projects/contracts/?year=0", "/projects/lights/?year=99999&month=x",
                                 "/projects/map/?year=-1", "/land/supplies/?year=0", "/projects/?started_year=x",
                                 "/projects/dossier/?lon=x&lat=1", "/projects/dossier/?code=%00",
                                 "/projects/reports/excel/?download=export&year=0"])
def test_odd_query_strings_do_not_fail(client, made, url):
    assert login(client, made.people.leader).get(url).status_code in (200, 404)


def test_a_year_that_is_not_a_number_finds_nothing(client, made):
    made.project("XM-1")
    assert "XM-1" not in login(client, made.people.leader).get("/projects/?year=abc").content.decode()


def test_steward_follows_its_projects_problems(client, made):
    from gaoxin.cases.models import Category

    mine = made.project("XM-1")
    theirs = made.project("XM-2", steward=made.people.other_steward)
    category = Category.objects.filter(kind=Category.Kind.ENTERPRISE, is_assignable=True).order_by("code").first()
    assert category is not None
    c = login(client, made.people.steward)
    assert c.post(f"/projects/{mine.pk}/problem/", {"kind": "power", "category": category.code,
                                                    "description": ""}).status_code == 400
    assert c.post(f"/projects/{mine.pk}/problem/", {"kind": "power", "category": category.code,
                                                    "description": "变电站增容未落实"}).status_code == 302
    services.project_problem_raise(actor=made.people.other_steward, project=theirs, kind="land",
                                   category_code=category.code, description="土地未腾清")
    page = c.get("/projects/problems/").content.decode()
    assert "变电站增容未落实" in page
    assert "土地未腾清" not in page
    assert "共 1 个问题，未办结 1 个" in page
    # The steward reported it and follows its case; the land officer reads the project but not that case's page.
    problem = mine.problems.get()
    assert f'href="/cases/{problem.case_id}/"' in c.get(f"/projects/{mine.pk}/").content.decode()
    land_page = login(Client(), made.people.land_officer).get(f"/projects/{mine.pk}/").content.decode()
    assert problem.case.number in land_page
    assert f'href="/cases/{problem.case_id}/"' not in land_page

"""Browser tests of each role's main job in key projects and land (Playwright on the system Chromium, as in
``gaoxin/web/tests/test_browser.py``, whose session and fixtures are reused)."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.core.calendar import SHANGHAI
from gaoxin.land.models import LandSupply
from gaoxin.projects import services
from gaoxin.projects.models import MonthlyReport, Project
from gaoxin.web.tests.test_browser import (  # noqa: F401  (fixtures reused)
    Session,
    _async_unsafe_for_playwright,
    _reason,
    browser,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(bool(_reason), reason=f"browser test skipped: {_reason}"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_steward_enters_the_month_and_is_told_the_broken_identity(browser, live_server, made):  # noqa: F811 - the reused fixture
    project = made.project("XM-1", prior="1000")
    session = Session(browser, live_server.url)
    page = session.login("steward")
    page.goto("/projects/")
    page.click("text=XM-1")
    form = page.locator(".report-form")
    form.locator("input[name=year]").fill("2023")
    form.locator("input[name=month]").fill("1")
    for name, value in {"this_month": "100", "ytd": "90", "since_start": "1090", "building": "90",
                        "installation": "0", "equipment": "0", "other": "0"}.items():
        form.locator(f"input[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_selector("p.error")
    assert "本年首次月报：自年初累计应等于本月完成 100.00" in page.inner_text("p.error")
    assert MonthlyReport.objects.count() == 0
    form = page.locator(".report-form")
    for name, value in {"ytd": "100", "since_start": "1100", "building": "100"}.items():
        form.locator(f"input[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#reports")
    assert MonthlyReport.objects.get(project=project).ytd == 100
    session.shot("projects_steward_report")
    # The refused month answered 400 (the form with its error), which the console reports; nothing else.
    assert [e for e in session.errors if "status of 400" not in e] == []
    session.close()


def test_investment_bureau_registers_a_project_and_reads_the_lights(browser, live_server, made):  # noqa: F811 - the reused fixture
    session = Session(browser, live_server.url)
    page = session.login("invest")
    page.goto("/projects/new/")
    page.fill("input[name=code]", "XM-7")
    page.fill("input[name=name]", "智能传感器产业园")
    page.fill("input[name=investor]", made.investor.credit_code)
    page.fill("input[name=total_investment]", "50000")
    page.fill("input[name=annual_plan]", "12000")
    page.select_option("select[name=level]", "province")
    page.select_option("select[name=category]", "new_start")
    page.fill("input[name=planned_start]", "2023-02-01")
    page.fill("input[name=steward]", "steward")
    page.click("main button[type=submit]")
    page.wait_for_selector("#advance")
    assert "未满足：已签订投资合同" in page.inner_text("#advance")
    project = Project.objects.get(code="XM-7")
    services.lights_compute(year=2023, month=5, at=dt.datetime(2023, 5, 31, 23, tzinfo=SHANGHAI))
    page.goto("/projects/lights/?year=2023&month=5")
    assert "红灯 1" in page.inner_text("#light-counts")  # planned for February, not started by May
    page.click(f"text={project.code} {project.name}")
    page.wait_for_selector("h1")
    assert project.name in page.inner_text("h1")
    session.shot("projects_lights")
    assert session.errors == []
    session.close()


def test_land_bureau_supplies_a_parcel_issues_four_permits_in_a_day_and_opens_the_dossier(browser, live_server, made):  # noqa: F811 - the reused fixture
    parcel = made.parcel(1)
    session = Session(browser, live_server.url)
    page = session.login("land")
    page.goto("/land/")
    page.click(f"text={parcel.parcel_code}")
    page.fill("#supply-form input[name=contract_no]", "TD-2023-1")
    page.fill("#supply-form input[name=contract_date]", "2023-06-08")
    page.fill("#supply-form input[name=price]", "800")
    page.click("#supply-form button[type=submit]")
    page.wait_for_selector("#supply")
    for i in range(4):
        page.fill("#permit-form input[name=number]", f"ZH-{i}")
        page.fill("#permit-form input[name=issued_on]", "2023-06-08")
        page.click("#permit-form button[type=submit]")
        page.wait_for_load_state("networkidle")
    assert LandSupply.objects.get().four_permit_days == 1
    page.goto("/projects/dossier/")
    page.fill("#dossier-search input[name=code]", parcel.unit_code)
    page.click("#dossier-search button[type=submit]")
    page.wait_for_selector("#dossier")
    assert "1 天（一天发四证）" in page.inner_text("#four-permit-days")
    page.wait_for_selector(".js-map .leaflet-interactive")
    session.shot("land_dossier")
    assert session.errors == []
    session.close()


def test_land_bureau_splits_a_parcel_and_merges_it_back(browser, live_server, made):  # noqa: F811 - the reused fixture
    import json

    from gaoxin.land.models import Parcel
    from gaoxin.land.tests.factories import box, code

    parcel = made.parcel(1)  # x 113.502 … 113.504, y 34.79 … 34.792
    session = Session(browser, live_server.url)
    page = session.login("land")
    page.goto(f"/land/{parcel.parcel_code}/")
    page.click("#reshape summary")

    def feature(n: int, x0: float, x1: float) -> dict:
        return {"type": "Feature", "properties": {"unit_code": code(n), "name": f"分割{n}"},
                "geometry": box(x0, 34.79, x1, 34.792)}

    page.fill("#split-form textarea[name=parts]", json.dumps(
        {"type": "FeatureCollection", "features": [feature(2, 113.502, 113.503), feature(3, 113.503, 113.504)]}))
    page.click("#split-form button[type=submit]")
    page.wait_for_selector("#children")
    assert page.inner_text("#parcel-status") == "已分割/合并注销"
    page.click("#children a >> nth=0")
    page.wait_for_selector("#parents")
    page.click("#reshape summary")
    page.fill("#merge-form input[name=others]", code(3)[:19])
    page.fill("#merge-form input[name=unit_code]", code(9))
    page.fill("#merge-form input[name=name]", "合并宗地")
    page.click("#merge-form button[type=submit]")
    page.wait_for_selector(f"text={code(9)[:19]}")
    merged = Parcel.objects.get(unit_code=code(9))
    assert sorted(merged.parents.values_list("unit_code", flat=True)) == [code(2), code(3)]
    session.shot("land_split_and_merge")
    assert session.errors == []
    session.close()


def test_leader_drills_down_from_the_map(browser, live_server, made):  # noqa: F811 - the reused fixture
    project = made.project("XM-1")
    Project.objects.filter(pk=project.pk).update(lon=113.52, lat=34.80)
    services.lights_compute(year=2023, month=4, at=dt.datetime(2023, 4, 30, 23, tzinfo=SHANGHAI))
    session = Session(browser, live_server.url)
    page = session.login("leader")
    page.goto("/projects/map/?year=2023&month=4")
    page.wait_for_selector("#project-map .leaflet-interactive")
    session.shot("projects_map")
    page.locator("#project-map .leaflet-interactive").first.click(force=True)
    page.wait_for_url(f"**/projects/{project.pk}/")
    assert "XM-1" in page.inner_text("h1")
    assert session.errors == []
    session.close()

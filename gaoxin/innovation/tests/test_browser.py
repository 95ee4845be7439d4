"""Browser tests, one per role's main job (Playwright on Debian's Chromium, as in gaoxin/web/tests):
an enterprise posts a demand; the 科技创新局 officer matches it and records a cooperation intent; an institution
registers an achievement; the 人社局 talent officer reviews and approves an application after revealing the
applicant's ID number; a leader reads the innovation board. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest

from gaoxin.innovation import services
from gaoxin.innovation.models import Achievement, Match, TechDemand
from gaoxin.talent import services as talent_services
from gaoxin.talent.models import TalentApplication, TalentProgram
from gaoxin.web.tests import test_browser as web

# The web app's browser fixtures and session, reused (not redefined).
browser = web.browser
_async_unsafe_for_playwright = web._async_unsafe_for_playwright
Session = web.Session
_reason = web._reason

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(bool(_reason), reason=f"browser test skipped: {_reason}"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_enterprise_posts_a_demand(browser, live_server, world):
    s = Session(browser, live_server.url)
    page = s.login("ent")
    page.goto("/innovation/demands/new/")
    page.fill("input[name=title]", "车间可燃气体泄漏监测")
    page.fill("textarea[name=text]", "车间可燃气体泄漏，要求响应快")
    page.fill("input[name=budget]", "80")
    page.click("#demand-form button[type=submit]")
    page.wait_for_url("**/innovation/demands/*/")
    assert page.inner_text("#demand-status") == "征集中"
    s.shot("innovation-enterprise-demand")
    assert TechDemand.objects.get().enterprise == world.enterprise
    assert s.errors == []
    s.close()


def test_officer_matches_a_demand_and_records_an_intent(browser, live_server, world):
    demand = services.demand_post(actor=world.enterprise_user, enterprise=world.enterprise,
                                  title="车间可燃气体泄漏监测", text="车间可燃气体泄漏，要求响应快", field="sensor")
    services.achievement_register(actor=world.institution_user, institution=world.institution,
                                  name="低功耗MEMS催化燃烧式甲烷传感芯片", text="功耗低于30mW，T90小于10秒",
                                  field="sensor", form="process", readiness=7, transfer_method="license")
    s = Session(browser, live_server.url)
    page = s.login("kcj")
    page.goto(f"/innovation/demands/{demand.pk}/")
    page.click("#propose")
    page.wait_for_load_state("networkidle")
    row = page.locator("#matches tbody tr").first
    assert "甲烷传感芯片" in row.inner_text()
    assert "气体检测" in row.inner_text()
    row.locator("select[name=outcome]").select_option("intent")
    row.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    s.shot("innovation-officer-matching")
    assert Match.objects.get().status == Match.Status.INTENT
    assert s.errors == []
    s.close()


def test_institution_registers_an_achievement(browser, live_server, world):
    s = Session(browser, live_server.url)
    page = s.login("inst")
    page.goto("/innovation/achievements/new/")
    page.fill("input[name=name]", "旋转机械振动监测系统")
    page.fill("input[name=keywords]", "振动、轴承")
    page.select_option("select[name=form]", "software")
    page.fill("input[name=ip_numbers]", "2023SR0123456")
    page.select_option("select[name=readiness]", "8")
    page.fill("textarea[name=text]", "三轴加速度采集，深度学习识别轴承早期故障")
    page.click("#achievement-form button[type=submit]")
    page.wait_for_url("**/innovation/achievements/")
    assert "旋转机械振动监测系统" in page.inner_text("#achievements")
    s.shot("innovation-institution-achievement")
    assert Achievement.objects.get().keywords == ["振动", "轴承"]
    assert s.errors == []
    s.close()


def test_talent_officer_reviews_and_approves(browser, live_server, world):
    application = talent_services.application_submit(
        actor=world.enterprise_user, program=TalentProgram.objects.get(code="urgent_talent"),
        enterprise=world.enterprise, person_name="李明", id_number="11010519491231002X", phone="13800138000")
    s = Session(browser, live_server.url)
    page = s.login("rsj")
    page.goto("/talent/applications/")
    assert "110***********002X" in page.inner_text("#applications")
    page.click(f"text={application.number}")
    page.fill("#reveal-form input[name=reason]", "核对身份")
    page.click("#reveal-form button")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#id-number") == "11010519491231002X"
    page.click("#review-form button[value=pass]")
    page.wait_for_load_state("networkidle")
    page.click("#decide-form button[value=approve]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#application-status") == "已认定"
    s.shot("talent-officer-approval")
    application.refresh_from_db()
    assert application.status == TalentApplication.Status.APPROVED
    assert s.errors == []
    s.close()


def test_leader_reads_the_board(browser, live_server, world):
    s = Session(browser, live_server.url)
    page = s.login("leader")
    page.goto("/innovation/")
    assert page.inner_text("#kpi-turnover") == "0.00"
    page.goto("/talent/")
    assert page.locator("#by-year").is_visible()
    s.shot("innovation-leader-board")
    assert s.errors == []
    s.close()


def test_enterprise_submits_contracts_from_excel(browser, live_server, world):
    """The enterprise downloads nothing by hand: it fills rows, uploads, sees the bad cell, fixes it, imports."""
    import io

    from openpyxl import Workbook

    from gaoxin.innovation.models import TechContract

    def workbook(amount: str) -> Any:
        wb = Workbook()
        ws = wb.active
        ws.title = "技术合同"
        ws.append(["合同类别*", "合同名称*", "卖方*", "买方*", "买方企业统一社会信用代码", "合同成交额（万元）*",
                   "签订日期*"])
        ws.append(["技术开发", "传感模组开发", "研究院", "企业", world.enterprise.credit_code, amount, "2023-05-20"])
        data = io.BytesIO()
        wb.save(data)
        return {"name": "contracts.xlsx", "buffer": data.getvalue(),
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

    import datetime as dt

    from gaoxin.core import clock
    from gaoxin.core.calendar import SHANGHAI

    s = Session(browser, live_server.url)
    # The platform clock (read by the live server's thread too) at a day after the contract was signed.
    with clock.frozen(dt.datetime(2023, 6, 1, 10, tzinfo=SHANGHAI)):
        page = s.login("ent")
        page.goto("/innovation/contracts/")
        page.click("#contracts-import")
        page.wait_for_selector("#own-enterprise")
        assert world.enterprise.credit_code in page.inner_text("#own-enterprise")
        page.set_input_files("#import-form input[name=file]", workbook("一百万"))
        page.click("#import-form button[name=commit]")
        page.wait_for_selector("#preview")
        assert "合同成交额（万元）: 应为数字（万元）" in page.inner_text("#preview")
        assert TechContract.objects.count() == 0
        page.set_input_files("#import-form input[name=file]", workbook("120"))
        with page.expect_navigation():
            page.click("#import-form button[name=commit]")
        page.wait_for_selector("#import-result, #preview")
        assert page.locator("#import-result").count() == 1, page.inner_text("main")
        s.shot("innovation-enterprise-contracts-import")
    assert TechContract.objects.get().title == "传感模组开发"
    assert s.errors == []
    s.close()

"""Browser tests, one per role's main job (Playwright on Debian's Chromium, as in gaoxin/web/tests): the 企业服务局
officer runs the 免申即享 matching and reads a decision's trace, the enterprise confirms its account, the officer
puts it in a notice and closes it; 财政金融局 pays the cleared decision and the leader reads the money on the
board; the enterprise finds a 快申快享 item in the calculator, applies, and the officer approves. Screenshots go to
artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.core import clock
from gaoxin.core.calendar import SHANGHAI
from gaoxin.policies import services
from gaoxin.policies.models import Decision, Notice, PaymentBatch
from gaoxin.web.tests import test_browser as web

browser = web.browser
_async_unsafe_for_playwright = web._async_unsafe_for_playwright
Session = web.Session
_reason = web._reason

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(bool(_reason), reason=f"browser test skipped: {_reason}"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def at(m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(2023, m, d, h, tzinfo=SHANGHAI)


def test_officer_matches_the_enterprise_confirms_and_the_notice_closes(browser, live_server, world, catalog):
    officer = Session(browser, live_server.url)
    enterprise = Session(browser, live_server.url)
    with clock.frozen(at(3, 1)):  # the platform clock, read by the live server's thread too
        page = officer.login("zcdx")
        page.goto("/policies/")
        page.fill("#matching-form input[name=on]", "2023-03-01")
        page.click("#matching-form button[type=submit]")
        page.wait_for_selector("#matching-result")
        assert page.inner_text("#matching-result") == "新匹配 6 项"
        page.goto("/policies/decisions/?q=示例传感")
        page.click("#decisions a:has-text('ZC2023')  >> nth=0")
        page.wait_for_selector("#trace-conditions")
        assert "✓" in page.inner_text("#trace-conditions")
        first_fact = page.locator("#trace-facts a").first
        first_fact.click()  # a fact's source record, shown on the same page
        assert page.locator("#trace-records tr:target").count() == 1
        officer.shot("policies-officer-trace")
    tech = Decision.objects.get(item__code="gx2023_tech_sme_award")
    with clock.frozen(at(3, 2)):
        page = enterprise.login("sensor")
        page.click("nav a:has-text('我的政策')")
        page.click(f"text={tech.number}")
        page.fill("#confirm-form input[name=bank_name]", "中原银行")
        page.fill("#confirm-form input[name=bank_account]", "6222 0202 0011 2233")
        page.click("#confirm-form button[type=submit]")
        page.wait_for_selector("#decision-status")
        assert page.inner_text("#decision-status") == "已确认"
        enterprise.shot("policies-enterprise-confirm")
        page = officer.page
        page.goto("/policies/decisions/?status=confirmed")
        page.check(f"#decisions input[value='{tech.pk}']")
        page.fill("#decisions-form input[name=title]", "2023 年第一批兑现公示")
        page.click("#notice-submit")
        page.wait_for_url("**/policies/notices/*/")
        assert tech.number in page.inner_text("#notice-decisions")
    notice = Notice.objects.get()
    with clock.frozen(at(3, 10)):
        page.reload()
        page.click("#close-form button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "公示无异议" in page.inner_text("#notice-decisions")
    assert Decision.objects.get(pk=tech.pk).status == Decision.Status.CLEARED
    assert notice.objection_until == dt.date(2023, 3, 9)
    assert officer.errors == []
    assert enterprise.errors == []
    officer.close()
    enterprise.close()


def test_finance_pays_and_the_leader_reads_the_board(browser, live_server, world, catalog):
    with clock.frozen(at(3, 1)):
        services.matching_run(actor=world.officer)
    tech = Decision.objects.get(item__code="gx2023_tech_sme_award")
    with clock.frozen(at(3, 2)):
        services.decision_confirm(actor=world.sensor_user, decision=tech, bank_name="中原银行",
                                  bank_account="6222020200112233")
        notice = services.notice_publish(actor=world.officer, decisions=[tech], title="第一批")
    with clock.frozen(at(3, 10)):
        services.notice_close(actor=world.officer, notice=notice)
    finance = Session(browser, live_server.url)
    leader = Session(browser, live_server.url)
    with clock.frozen(at(3, 20)):
        page = finance.login("czj")
        page.click("nav a:has-text('待拨付')")
        page.check(f"#decisions input[value='{tech.pk}']")
        page.click("#pay-submit")
        page.wait_for_url("**/policies/batches/*/")
        assert page.inner_text("#batch-total") == "50,000.00"
        assert "6222****2233" in page.inner_text("#batch-lines")
        finance.shot("policies-finance-batch")
        page = leader.login("leader")
        page.goto("/policies/?year=2023")
        assert page.inner_text("#kpi-paid") == "5.00"
        page.click("#kpi-policies")
        page.wait_for_selector("#balanced")
        assert page.inner_text("#balanced").startswith("✓")
        leader.shot("policies-leader-reconciliation")
    assert PaymentBatch.objects.get().total_fen == 5_000_000
    assert finance.errors == []
    assert leader.errors == []
    finance.close()
    leader.close()


def test_enterprise_applies_from_the_calculator_and_the_officer_approves(browser, live_server, world, catalog):
    enterprise = Session(browser, live_server.url)
    officer = Session(browser, live_server.url)
    with clock.frozen(at(5, 8)):
        page = enterprise.login("sensor")
        page.click("nav a:has-text('政策计算器')")
        row = page.locator("#calculator tr", has_text="中小微企业稳岗补贴")
        assert "符合" in row.inner_text()
        row.locator("a:has-text('申报')").click()
        page.check("#apply-form input[value='社保缴费证明']")
        page.fill("#apply-form input[name=bank_name]", "中原银行")
        page.fill("#apply-form input[name=bank_account]", "6222020200112233")
        page.click("#apply-form button[type=submit]")
        page.wait_for_selector("#decision-status")
        assert page.inner_text("#decision-status") == "已申报待审核"
        assert page.inner_text("#decision-amount") == "30,000.00 元"
        enterprise.shot("policies-enterprise-apply")
    applied = Decision.objects.get(item__code="gx2023_jobs_subsidy")
    with clock.frozen(at(5, 10)):
        page = officer.login("zcdx")
        page.goto(f"/policies/decisions/{applied.pk}/")
        page.click("#review-form button[value=approve]")
        page.wait_for_load_state("networkidle")
        assert page.inner_text("#decision-status") == "已通过审核"
    assert Decision.objects.get(pk=applied.pk).status == Decision.Status.APPROVED
    assert enterprise.errors == []
    assert officer.errors == []
    enterprise.close()
    officer.close()

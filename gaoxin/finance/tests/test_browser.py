"""Browser test of the fund-manager pages (Playwright on Debian's Chromium, as in gaoxin/web/tests): the 财政金融局
officer registers a manager settled in the zone, a fund and its assets at the year end, a wrong registration
number named on the form; the leader finds the manager among the year's new ones with its assets."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.core import clock
from gaoxin.core.calendar import SHANGHAI
from gaoxin.finance.models import AumRecord, Fund, FundManager
from gaoxin.finance.tests.conftest import code
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


def test_officer_registers_a_manager_and_the_leader_reads_it(browser, live_server, world):
    officer = Session(browser, live_server.url)
    leader = Session(browser, live_server.url)
    with clock.frozen(dt.datetime(2024, 1, 5, 10, tzinfo=SHANGHAI)):
        page = officer.login("czj")
        page.goto("/finance/managers/")
        form = page.locator("#manager-register form")
        form.locator("input[name=name]").fill("郑州测试创业投资基金管理有限公司")
        form.locator("input[name=credit_code]").fill(code(1))
        form.locator("input[name=amac_number]").fill("P12")
        form.locator("input[name=settled_on]").fill("2023-03-01")
        form.locator("button[type=submit]").click()
        assert "基金业协会登记编号：应为 P 加 7 位数字" in page.inner_text("#manager-register")
        page.locator("#manager-register input[name=amac_number]").fill("P1000001")
        page.locator("#manager-register button[type=submit]").click()
        page.wait_for_selector("#fund-form")
        page.locator("#fund-form input[name=name]").fill("测试一号股权投资合伙企业（有限合伙）")
        page.locator("#fund-form input[name=size]").fill("50000")
        page.locator("#fund-form select[name=stage]").select_option("venture")
        page.locator("#fund-form button[type=submit]").click()
        page.wait_for_selector("#funds td:has-text('测试一号')")
        page.locator("#aum-form input[name=as_of]").fill("2023-12-31")
        page.locator("#aum-form input[name=amount]").fill("80000")
        page.locator("#aum-form button[type=submit]").click()
        page.wait_for_selector("#aum td:has-text('2023-12-31')")
        officer.shot("finance-officer-manager")
        assert (FundManager.objects.count(), Fund.objects.get().size_fen, AumRecord.objects.get().amount_fen) == (
            1, 50_000_000_000, 80_000_000_000)

        view = leader.login("leader")
        view.goto("/finance/managers/?settled_year=2023")
        assert "郑州测试创业投资基金管理有限公司" in view.inner_text("#managers")
        assert view.inner_text("#managers-aum-total") == "80,000.00"
        assert view.locator("#manager-register").count() == 0
        view.click("#managers a:has-text('郑州测试创业投资基金管理有限公司')")
        view.wait_for_selector("#aum")
        assert view.locator("#aum-form").count() == 0

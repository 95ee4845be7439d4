"""Browser tests of the finance pages (Playwright on Debian's Chromium, as in gaoxin/web/tests): the 财政金融局
officer registers a manager settled in the zone, a fund and its assets at the year end, a wrong registration
number named on the form; the leader finds the manager among the year's new ones with its assets. The officer
sets up a guidance fund, its commitment, payment and investment (an investment beyond the paid-in capital named on
the form) and takes a startup loan from application to grant; the leader reads them, the borrower masked."""

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


def test_officer_keeps_a_guidance_fund_and_a_loan_the_leader_reads_them_masked(browser, live_server, world):
    officer = Session(browser, live_server.url)
    leader = Session(browser, live_server.url)
    with clock.frozen(dt.datetime(2024, 1, 5, 10, tzinfo=SHANGHAI)):
        page = officer.login("czj")
        page.goto("/finance/guidance/")
        form = page.locator("#guidance-register form")
        form.locator("input[name=name]").fill("测试科创母基金")
        form.locator("input[name=established_on]").fill("2023-02-01")
        form.locator("button[type=submit]").click()
        page.wait_for_selector("#commitment-form")
        page.locator("#commitment-form select[name=source]").select_option("zone")
        page.locator("#commitment-form input[name=investor]").fill("郑州高新区财政局")
        page.locator("#commitment-form input[name=amount]").fill("10000")
        page.locator("#commitment-form input[name=committed_on]").fill("2023-02-01")
        page.locator("#commitment-form button[type=submit]").click()
        page.wait_for_selector("#paid-in-form")
        page.locator("#paid-in-form input[name=amount]").fill("2000")
        page.locator("#paid-in-form input[name=paid_on]").fill("2023-03-01")
        page.locator("#paid-in-form button[type=submit]").click()
        page.wait_for_selector("#fund-paid-in:has-text('2,000.00')")
        page.locator("#investment-form input[name=target]").fill("某区内传感器项目")
        page.locator("#investment-form input[name=in_zone]").check()
        page.locator("#investment-form input[name=amount]").fill("2500")
        page.locator("#investment-form input[name=invested_on]").fill("2023-06-01")
        page.locator("#investment-form button[type=submit]").click()
        assert "投资金额：超过基金可投资金（实缴未投 2000 万元）" in page.inner_text("#guidance-error")
        page.locator("#investment-form input[name=amount]").fill("1500")
        page.locator("#investment-form button[type=submit]").click()
        page.wait_for_selector("#fund-investments td:has-text('某区内传感器项目')")
        assert page.inner_text("#fund-in-zone") == "1,500.00，完成 30.0%"
        officer.shot("finance-officer-guidance")

        page.goto("/finance/loans/")
        apply = page.locator("#loan-apply form")
        apply.locator("input[name=applicant_name]").fill("张三")
        apply.locator("input[name=id_number]").fill("11010519491231002X")
        apply.locator("input[name=phone]").fill("13812345678")
        apply.locator("input[name=project]").fill("社区便利店")
        apply.locator("input[name=requested]").fill("20")
        apply.locator("input[name=applied_on]").fill("2023-03-01")
        apply.locator("button[type=submit]").click()
        page.wait_for_selector("#loan-decide")
        page.locator("#loan-decide input[name=decided_on]").fill("2023-03-08")
        page.locator("#loan-decide button[value=approve]").click()
        page.wait_for_selector("#loan-grant")
        grant = page.locator("#loan-grant form")
        grant.locator("input[name=bank]").fill("郑州银行高新区支行")
        grant.locator("input[name=amount]").fill("20")
        grant.locator("input[name=granted_on]").fill("2023-03-20")
        grant.locator("input[name=rate_pct]").fill("4.35")
        grant.locator("input[name=jobs_created]").fill("4")
        grant.locator("button[type=submit]").click()
        page.wait_for_selector("#loan-repayment")
        assert (page.inner_text("#loan-status"), page.inner_text("#loan-subsidy")) == ("还款中", "1.58")
        officer.shot("finance-officer-loan")

        view = leader.login("leader")
        view.goto("/finance/guidance/investments/?year=2023")
        assert (view.inner_text("#investments-count"), view.inner_text("#investments-total")) == ("1", "1,500.00")
        view.goto("/finance/loans/?granted_year=2023")
        assert (view.inner_text("#loans-granted-total"), view.inner_text("#loans-jobs-total")) == ("20.00", "4")
        view.click("#loans a:has-text('CD2023000001')")
        view.wait_for_selector("#loan-applicant")
        assert (view.inner_text("#loan-applicant"), view.inner_text("#loan-id-number")) == ("张*", "110105********002X")
        assert view.locator("#loan-repayment").count() == 0
        leader.shot("finance-leader-loan")


def test_an_enterprise_posts_a_demand_its_bank_grants_the_loan_the_leader_measures(browser, live_server, world,
                                                                                    make_user):
    from gaoxin.accounts.roles import Role
    from gaoxin.enterprises import reference as enterprise_reference
    from gaoxin.enterprises import services as enterprise_services
    from gaoxin.finance import services

    with clock.frozen(dt.datetime(2024, 3, 4, 9, tzinfo=SHANGHAI)):
        enterprise_reference.reference_data_ensure()
        enterprise = enterprise_services.enterprise_create(actor=world.admin, credit_code=code(1), name="示例传感科技",
                                                           size="small")
        owner = make_user(Role.ENTERPRISE, None, username="ent")
        enterprise_services.enterprise_user_link(actor=world.admin, user=owner, enterprise=enterprise)
        staff = make_user(Role.ENTERPRISE, None, username="bank")
        bank = services.bank_register(actor=world.officer, name="郑州银行高新区支行")
        services.bank_staff_add(actor=world.officer, bank=bank, user=staff)
        services.product_save(actor=world.officer, bank=bank, name="科创贷", rate_min_pct="3.45", rate_max_pct="4.35",
                              amount_min_wan="10", amount_max_wan="1000", term_max_months="36",
                              needs_collateral=False, rules={"sizes": ["small", "micro"]})
        services.certification_grant(actor=world.officer, enterprise_code=code(1), certified_on="2024-03-01")

    ent, desk, lead = (Session(browser, live_server.url) for _ in range(3))
    with clock.frozen(dt.datetime(2024, 3, 4, 10, tzinfo=SHANGHAI)):
        page = ent.login("ent")
        page.click("nav a:has-text('我的融资需求')")
        form = page.locator("#demand-post form")
        form.locator("input[name=amount]").fill("300")
        form.locator("input[name=purpose]").fill("采购原材料")
        form.locator("button[type=submit]").click()
        assert "征信授权：请阅读并同意授权银行查询企业征信" in page.inner_text("#demand-post")
        page.locator("#demand-post input[name=consent]").check()
        page.locator("#demand-post button[type=submit]").click()
        page.wait_for_selector(".proposal")
        assert "✓ 企业规模：小型" in page.inner_text(".proposal")
        ent.shot("finance-enterprise-demand")
    with clock.frozen(dt.datetime(2024, 3, 5, 10, tzinfo=SHANGHAI)):
        bank_page = desk.login("bank")
        bank_page.click("nav a:has-text('银行对接')")
        assert bank_page.inner_text("#pending-count") == "1"
        bank_page.locator("#pending a").first.click()
        bank_page.locator(".answer-form button[value=interested]").click()
        bank_page.wait_for_selector(".grant-form")
        bank_page.locator(".grant-form input[name=amount]").fill("300")
        bank_page.locator(".grant-form button[type=submit]").click()
        bank_page.wait_for_selector("#demand-granted")
        assert bank_page.inner_text("#demand-status") == "已放款"
        desk.shot("finance-bank-grant")
    with clock.frozen(dt.datetime(2024, 3, 6, 10, tzinfo=SHANGHAI)):
        view = lead.login("leader")
        view.goto("/finance/demands/?granted_year=2024")
        assert (view.inner_text("#demands-granted-total"), view.inner_text("#stats-on-time"),
                view.inner_text("#stats-match-to-loan")) == ("300.00", "100.0%", "100.0%")
        lead.shot("finance-leader-platform")

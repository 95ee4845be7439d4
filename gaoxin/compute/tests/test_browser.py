"""Browser tests of the compute pages (Playwright on Debian's Chromium, as in gaoxin/web/tests), each role's main
job: the operator connects a pool (a bad price named on the form, what was typed kept); the enterprise submits a
job (a bad field named) and follows it to the end; the operator runs the broker and closes the month; the
enterprise reads its bill with its voucher spent; the provider's staff read their pool and settlement; the leader
reads the overview, whose figure opens the bills that add up to it."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.compute import services
from gaoxin.compute.models import Bill, ComputeJob, Pool
from gaoxin.compute.tests.conftest import code
from gaoxin.core import clock
from gaoxin.core.calendar import SHANGHAI
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


def test_a_job_from_submission_to_the_bill_for_every_role(browser, live_server, world):
    operator, enterprise = Session(browser, live_server.url), Session(browser, live_server.url)
    provider, leader = Session(browser, live_server.url), Session(browser, live_server.url)
    with clock.frozen(dt.datetime(2023, 3, 1, 9, tzinfo=SHANGHAI)):
        page = operator.login("jfj")
        page.goto("/compute/pools/")
        form = page.locator("#pool-form")
        for name, value in (("code", "zz-cpu"), ("name", "通用计算池"), ("site", "郑州人工智能计算中心"),
                            ("cpus", "64"), ("memory_gb", "256"), ("price_cpu", "0.1x"), ("price_mem", "0.01")):
            form.locator(f"input[name={name}]").fill(value)
        form.locator("select[name=scheduler]").select_option("simulated")
        form.locator("button[type=submit]").click()
        assert page.inner_text("#pool-error") == "CPU 单价（元/核·时）：应为以元计的金额"
        assert page.locator("#pool-form input[name=code]").input_value() == "zz-cpu"
        page.locator("#pool-form input[name=price_cpu]").fill("0.10")
        page.locator("#pool-form button[type=submit]").click()
        page.wait_for_selector("#pool-prices")
        assert Pool.objects.get().code == "ZZ-CPU"
        program = services.program_create(actor=world.operator, values={
            "name": "算力券", "doc_number": "郑高〔2023〕1号", "year": "2023", "budget": "1000", "cap": "100",
            "valid_until": "2023-12-31"})
        services.voucher_issue(actor=world.operator, program=program, enterprise_code=code(1), amount="0.05")
        operator.shot("compute-operator-pool")

        mine = enterprise.login("ent")
        mine.goto("/compute/jobs/")
        job_form = mine.locator("#submit-job")
        job_form.locator("input[name=name]").fill("蛋白质结构预测")
        job_form.locator("input[name=cpus]").fill("2")
        job_form.locator("input[name=memory_gb]").fill("1")
        job_form.locator("input[name=expected_hours]").fill("0")
        job_form.locator("textarea[name=script]").fill("#!/bin/bash\npython fold.py\n")
        job_form.locator("button[type=submit]").click()
        assert mine.inner_text("#job-error") == "预计运行时长（小时）：应为 0.01–10000 小时，最多两位小数"
        assert ComputeJob.objects.count() == 0
        mine.locator("#submit-job input[name=expected_hours]").fill("0.5")
        mine.locator("#submit-job button[type=submit]").click()
        mine.wait_for_selector("#job-state")
        assert mine.inner_text("#job-state") == "排队中"

        page.goto("/compute/pools/")
        page.click("#broker-tick")
        assert "下发 1 个" in page.inner_text("#tick-report")
        for minutes in (45, 5):  # it runs its expected half hour (± 20 %); then its usage is metered
            clock.advance(dt.timedelta(minutes=minutes))
            page.goto("/compute/pools/")
            page.click("#broker-tick")
        mine.reload()
        assert mine.inner_text("#job-state") == "已完成"
        assert "ZZ-CPU" in mine.inner_text("#attempts")
        assert mine.inner_text("#job-billed") != "0.00"
        enterprise.shot("compute-enterprise-job")

    with clock.frozen(dt.datetime(2023, 4, 1, 9, tzinfo=SHANGHAI)):
        page.goto("/compute/bills/")
        page.locator("#close-form input[name=month]").fill("2023-03")
        page.locator("#close-form button[type=submit]").click()
        assert page.inner_text("#close-report") == "已出账单 1 张、结算单 1 张"
        bill = Bill.objects.get()
        mine.goto("/compute/bills/")
        mine.click(f"#bills a:has-text('{bill.number}')")
        assert mine.inner_text("#bill-voucher") == "0.05"
        assert mine.inner_text("#bill-lines-total") == mine.inner_text("#bill-usage")
        enterprise.shot("compute-enterprise-bill")

        staff = provider.login("idc")
        staff.goto("/compute/")
        assert "ZZ-CPU" in staff.inner_text("#pools")
        staff.goto("/compute/settlements/")
        assert staff.inner_text("#settle-gross") == f"{bill.usage_fen / 100:,.2f}"
        assert staff.locator("#pool-form").count() == 0

        view = leader.login("leader")
        view.goto("/compute/overview/?year=2023")
        view.wait_for_function("document.querySelector('#overview-chart canvas') !== null")
        figure = view.inner_text("#ov-fen")
        view.click("#ov-fen a")
        assert view.inner_text("#bills-usage") == figure
        leader.shot("compute-leader-overview")
    for session in (operator, enterprise, provider, leader):
        assert session.errors == []

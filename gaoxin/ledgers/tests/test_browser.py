"""Browser tests of the ledger pages, one per role's main job (Playwright with the system Chromium, the fixtures
and the session helper of ``gaoxin.web.tests.test_browser``; skipped with its reason when it is missing)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gaoxin.ledgers import services
from gaoxin.ledgers.definition import markdown_to_xlsx
from gaoxin.ledgers.models import LedgerEntry, LedgerVersion
from gaoxin.ledgers.tests.conftest import FORM, good
from gaoxin.web.tests.test_browser import (  # noqa: F401  (the autouse fixture re-exported)
    Session,
    _async_unsafe_for_playwright,
)
from gaoxin.web.tests.test_browser import pytestmark as browser_marks

pytestmark = browser_marks


def test_designer_imports_and_publishes_an_xlsform(browser, live_server, env, tmp_path: Path):
    source = tmp_path / "housing-v2.xlsx"
    source.write_bytes(markdown_to_xlsx(FORM.replace("| 保交楼测试台账 |", "| 保交楼测试台账（第二版）|")))
    s = Session(browser, live_server.url)
    page = s.login(env.admin.username)
    page.goto("/ledgers/design/")
    page.set_input_files("input[name=file]", str(source))
    page.click("form.upload button[type=submit]")
    page.wait_for_load_state("networkidle")
    v2 = LedgerVersion.objects.get(ledger__code="housing", number=2)
    row = page.locator(f"#v{v2.pk}")
    assert row.locator(".status").inner_text() == "草稿"
    row.locator("button", has_text="发布").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(f"#v{v2.pk} .status").inner_text() == "已发布"
    s.shot("ledgers_designer")
    assert s.errors == []
    s.close()


def test_filler_fills_the_generated_form_on_a_phone(browser, live_server, env):
    s = Session(browser, live_server.url, mobile=True)
    page = s.login(env.filler_a.username)
    page.goto("/ledgers/mine/?year=2023")
    page.locator('tr[data-period="2023Q1"] a', has_text="填报").click()
    page.fill("#f-project", "P007")
    page.fill("#f-planned", "50")
    page.fill("#f-delivered", "60")
    page.select_option("#f-deed", "yes")
    page.click("button[value=submit]")
    assert "应不大于“应交付套数”" in page.locator(".error").inner_text()
    assert LedgerEntry.objects.count() == 0
    page.fill("#f-delivered", "45")
    page.click("button[value=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".state").inner_text() == "待审核"
    entry = LedgerEntry.objects.get()
    assert (entry.org_unit_id, entry.values["delivered"], entry.state) == (env.filler_a.org_unit_id, 45,
                                                                           "submitted")
    s.shot("ledgers_filler_phone")
    # The refused form answered 400 (the browser logs it); nothing else went wrong.
    assert s.errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]
    s.close()


def test_reviewer_returns_then_approves(browser, live_server, env):
    entry = services.entry_create(actor=env.filler_a, ledger=env.ledger, org_unit=env.filler_a.org_unit,
                                  period_start=dt.date(2023, 1, 1), values=good(), submit=True)
    s = Session(browser, live_server.url)
    page = s.login(env.reviewer.username)
    page.goto("/ledgers/review/")
    page.locator(f'tr[data-entry="{entry.pk}"] a').click()
    page.fill("input[name=reason]", "佐证不足")
    page.click("button[value=return]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".state").inner_text() == "已退回"
    services.entry_update(actor=env.filler_a, entry=entry, values=good(), submit=True)
    page.goto("/ledgers/review/")
    page.locator(f'tr[data-entry="{entry.pk}"] a').click()
    page.click("button[value=approve]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".state").inner_text() == "已通过"
    entry.refresh_from_db()
    assert entry.state == "approved"
    assert s.errors == []
    s.close()


def test_leader_reads_the_board_and_drills_down(browser, live_server, env):
    entry = services.entry_create(actor=env.filler_a, ledger=env.ledger, org_unit=env.filler_a.org_unit,
                                  period_start=dt.date(2023, 1, 1), values=good(delivered="100"), submit=True)
    services.entry_approve(actor=env.reviewer, entry=entry)
    s = Session(browser, live_server.url)
    page = s.login(env.leader.username)
    page.goto("/ledgers/board/?year=2023")
    row = page.locator('tr[data-ledger="housing"][data-unit="GX-S01"]')
    assert row.locator(".rate").inner_text() == "100.0%"
    row.locator("a").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(f'tr[data-entry="{entry.pk}"]').count() == 1
    s.shot("ledgers_leader_board")
    assert s.errors == []
    s.close()

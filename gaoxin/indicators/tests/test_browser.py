"""Browser test of the data officer's and the approving leader's main job (issue #15 defects 6 and 7): download
the department's Excel template, fill it, upload it, attach the evidence, submit; the leader approves. Skipped with
the reason like gaoxin/web/tests/test_browser.py, whose fixtures it uses."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from gaoxin.indicators import excel
from gaoxin.indicators.models import Submission
from gaoxin.web.tests.test_browser import (  # noqa: F401  # the fixtures and marks of the browser tests
    Session,
    _async_unsafe_for_playwright,
    browser,
    pytestmark,
)

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the tests skip then (pytestmark)
    expect = None  # type: ignore[assignment]


def test_officer_fills_the_template_and_the_leader_approves(browser, live_server, officers,  # noqa: F811
                                                            tmp_path: Path):
    officer = Session(browser, live_server.url)
    page = officer.login("officer_economy")
    assert page.url.endswith("/indicators/submissions/")
    page.goto("/indicators/submissions/?year=2023")
    with page.expect_download() as download:
        page.click("a:has-text('下载本部门填报模板')")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    wb = load_workbook(template)
    ws = wb[excel.SHEET]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "F011":
            row[3].value = 434.6
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    page.set_input_files("input[name=file]", str(filled))
    page.click("button:has-text('上传填好的模板')")
    expect(page.locator("h1")).to_have_text("已保存 1 项草稿")
    officer.shot("data_officer_upload_result")
    page.click("a:has-text('F011 434.6')")
    evidence = tmp_path / "F011-统计快报.pdf"
    evidence.write_bytes(b"%PDF-1.4 evidence")
    page.set_input_files("input[name=evidence]", str(evidence))
    page.click("button:has-text('上传材料')")
    page.click("button:has-text('提交审核')")
    submission = Submission.objects.get(indicator__ref="F011", period=2023)
    assert submission.status == "submitted"
    officer.shot("data_officer_submitted")
    assert page.locator("button:has-text('审核通过')").count() == 0  # the submitter is not offered the review

    leader = Session(browser, live_server.url)
    page = leader.login("approver")
    page.click("nav.sidebar a:has-text('填报审核')")
    page.goto(f"/indicators/submissions/{submission.pk}/")
    page.click("button:has-text('审核通过')")
    submission.refresh_from_db()
    assert (submission.status, submission.approved_by_id, str(submission.value.normalize())) == (
        "approved", officers.approver.pk, "434.6")
    leader.shot("leader_approved_submission")
    # Approved, the value leaves the template: it offers only what the department may still fill.
    sheet = load_workbook(io.BytesIO(excel.template_workbook(department=officers.economy, year=2023)))[excel.SHEET]
    assert [r[0].value for r in sheet.iter_rows(min_row=2)] == ["F001", "F005", "F006", "F012", "F013", "F014"]
    for session in (officer, leader):
        assert session.errors == [], session.errors
        session.close()

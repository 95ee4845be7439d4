"""Browser tests: Playwright (Python) driving Debian's Chromium against pytest-django's live server.

They take one case from the grid worker's report to closure through the UI only (grid worker → operator →
dispatcher → handler → grid worker), file and follow a public report, and check that the dashboard draws its
charts and map without console errors. Screenshots of the main pages go to ``artifacts/screenshots/``.

Skipped, with the reason, when /usr/bin/chromium, the ``playwright`` package or the npm front-end files
(``npm ci``) are missing. ``playwright install`` is never needed: the system Chromium is used.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from gaoxin.accounts.roles import Role
from gaoxin.cases import services, workflow
from gaoxin.cases.models import Case
from gaoxin.web.tests.conftest import png_bytes, report
from gaoxin.web.vendor import missing_files

CHROMIUM = Path(os.environ.get("GAOXIN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).resolve().parents[3] / "artifacts" / "screenshots"
PASSWORD = "Gaoxin-test-2023!"

try:
    from playwright.sync_api import Browser, FilePayload, Page, expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None  # type: ignore[assignment]  # the tests skip then

_reason = ""
if sync_playwright is None:
    _reason = "the playwright package is not installed (pip install -e '.[dev]')"
elif not CHROMIUM.exists():
    _reason = f"{CHROMIUM} is missing (apt-get install -y chromium)"
elif missing_files():
    _reason = f"front-end libraries missing ({missing_files()[0]}): run `npm ci`"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(bool(_reason), reason=f"browser test skipped: {_reason}"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

@pytest.fixture(autouse=True)
def _async_unsafe_for_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    Only for these tests: the variable must not leak into the rest of the run (check --deploy refuses it)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Session:
    """One browser context (one user) with its console errors recorded."""

    def __init__(self, browser: Browser, base_url: str, *, mobile: bool = False, geolocation: dict | None = None,
                 bypass_csp: bool = False):
        options: dict = {"base_url": base_url, "locale": "zh-CN", "bypass_csp": bypass_csp}
        if mobile:
            options.update(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                           has_touch=True)
        else:
            options.update(viewport={"width": 1366, "height": 900})
        if geolocation:
            options.update(geolocation=geolocation, permissions=["geolocation"])
        self.context = browser.new_context(**options)
        self.context.set_default_timeout(15_000)
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def login(self, username: str) -> Page:
        page = self.page
        page.goto("/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    def shot(self, name: str, *, full_page: bool = True) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)

    def close(self) -> None:
        self.context.close()


def photo_file(name: str = "photo.png") -> FilePayload:
    return {"name": name, "mimeType": "image/png", "buffer": png_bytes(8, 8)}


def test_case_from_report_to_closure_through_the_ui(browser, live_server, people):
    p = people
    url = live_server.url

    # 1. The grid worker reports an event at the phone's location, with a photo.
    worker = Session(browser, url, mobile=True, geolocation={"longitude": 113.52, "latitude": 34.79})
    page = worker.login("worker_west")
    assert page.url.endswith("/work/grid/")
    page.select_option("#id_category", "09001")
    page.fill("textarea[name=description]", "人行道上有流动摊贩占道经营，影响行人通行")
    page.click(".js-locate")
    expect(page.locator("#id_lon")).not_to_have_value("")
    page.set_input_files("#grid-report input[name=photo]", photo_file())
    worker.shot("grid_worker_report")
    page.click("#grid-report button[type=submit]")
    page.wait_for_selector(".flash")
    case = Case.objects.get(reported_by=p.worker_west)
    assert case.number in page.inner_text(".flash")
    assert case.micro_grid_id == p.worker_west.grids.get().pk
    assert case.attachments.count() == 1

    # 2. The street center's operator registers it from the workbench (category suggestions shown).
    operator = Session(browser, url)
    page = operator.login("a_operator")
    assert page.url.endswith("/work/operator/")
    operator.shot("operator_workbench")
    page.click(f"text={case.number}")
    page.wait_for_selector("#form-register")
    assert page.locator(".suggestions .chip").count() >= 1
    page.wait_for_selector(".js-map .leaflet-interactive")
    operator.shot("case_page_register")
    page.click("#form-register button[type=submit]")
    page.wait_for_load_state("networkidle")
    case.refresh_from_db()
    assert case.state == workflow.REGISTERED

    # 3. The dispatcher sends it to the proposed unit with one click.
    dispatcher = Session(browser, url)
    page = dispatcher.login("a_dispatcher")
    assert page.url.endswith("/work/dispatch/")
    dispatcher.shot("dispatcher_queue")
    page.click(f"tr:has-text('{case.number}') button:has-text('派遣至')")
    page.wait_for_load_state("networkidle")
    case.refresh_from_db()
    assert case.state == workflow.DISPATCHED
    assert case.assignee_id == p.street_a_handler.org_unit_id

    # 4. The street office's handler signs for it, then reports the fix with a photo.
    handler = Session(browser, url)
    page = handler.login("street_a_handler")
    assert page.url.endswith("/work/handler/")
    handler.shot("handler_inbox")
    page.click(f"tr:has-text('{case.number}') button:has-text('签收')")
    page.wait_for_load_state("networkidle")
    page.goto(f"/cases/{case.pk}/")
    page.fill("textarea[name=result]", "已劝离摊贩，路面清理完毕")
    page.set_input_files("input[name=photo]", photo_file("fixed.png"))
    handler.shot("handler_feedback")
    page.click("button:has-text('提交反馈')")
    page.wait_for_load_state("networkidle")
    case.refresh_from_db()
    assert case.state == workflow.HANDLED

    # 5. The grid worker verifies the fix on the phone: closed.
    page = worker.page
    page.goto("/work/grid/")
    page.wait_for_selector(f"article:has-text('{case.number}')")
    worker.shot("grid_worker_verify")
    page.click(f"article:has-text('{case.number}') button[value='1']")
    page.wait_for_load_state("networkidle")
    case.refresh_from_db()
    assert case.state == workflow.CLOSED
    assert case.closed_on_time is True

    # The case page shows the whole history.
    page = operator.page
    page.goto(f"/cases/{case.pk}/")
    assert page.locator(".timeline li").count() == 6
    operator.shot("case_page_closed")
    for s in (worker, operator, dispatcher, handler):
        assert s.errors == [], s.errors
        s.close()


def test_public_page_files_and_tracks_a_report(browser, live_server, people, grid_layer):
    p = people
    visitor = Session(browser, live_server.url, mobile=True)
    page = visitor.page
    page.goto("/public/")
    page.fill("textarea[name=description]", "小区门口道路上有大量积存垃圾，已经好几天没人清理")
    page.wait_for_selector(".js-map.leaflet-container")
    box = page.locator(".js-map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.7)
    assert page.input_value("#id_lon") != ""
    expect(page.locator("#nearby")).to_contain_text("附近 200 米内没有在办的上报")
    # Someone reported right there meanwhile: placing the pin again shows it before submitting.
    spot = (float(page.input_value("#id_lon")), float(page.input_value("#id_lat")))
    report(p.citizen, point=spot, address="科学大道 100 号", description="路边垃圾堆积")
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.7)
    expect(page.locator("#nearby")).to_contain_text("附近 200 米内已有 1 件在办的上报")
    expect(page.locator("#nearby")).to_contain_text("科学大道 100 号")
    question = page.inner_text("label:has(input[name=answer])")
    sum_of = re.search(r"(\d+) \+ (\d+)", question)
    assert sum_of is not None, question
    a, b = map(int, sum_of.groups())
    page.fill("input[name=answer]", str(a + b))
    page.set_input_files("input[name=photo]", photo_file())
    visitor.shot("public_report")
    page.click("#public-report button[type=submit]")
    page.wait_for_selector("#tracking-code")
    code = page.inner_text("#tracking-code")
    visitor.shot("public_track_new")
    case = Case.objects.get(channel="public_web", description__contains="积存垃圾")

    # Staff handle it (services), then the visitor follows the code and rates the answer.
    case = services.case_register(actor=p.a_operator if case.center_id == p.a_operator.org_unit_id
                                  else p.zone_operator if case.center.kind == "zone_center" else p.b_operator,
                                  case=case)
    assert case.state == workflow.REGISTERED
    page.goto("/public/track/")
    page.fill("input[name=code]", code.lower())
    page.click("main form button[type=submit]")
    assert page.inner_text("#public-state") == "已立案"
    # No phone number, whole or masked (138****1234), on the public page; times such as 13:20 are fine.
    assert re.search(r"1[3-9]\d[\d*]{4}\d{4}", page.inner_text("main")) is None
    visitor.shot("public_track")
    assert visitor.errors == [], visitor.errors
    visitor.close()


def test_dashboard_renders_charts_and_map_without_console_errors(browser, live_server, people):
    """In the reporting year (the platform clock, read by the live server's thread too, frozen in early 2024: the
    dashboard opens on 2023, the year the cases were reported)."""
    import datetime as dt

    from gaoxin.core import clock
    from gaoxin.core.calendar import SHANGHAI

    p = people
    with clock.frozen(dt.datetime(2023, 11, 20, 10, tzinfo=SHANGHAI)):
        _dashboard_cases(p)
    assert p.leader.role == Role.LEADER
    with clock.frozen(dt.datetime(2024, 2, 1, 10, tzinfo=SHANGHAI)):
        _dashboard_walk(browser, live_server)


def _dashboard_cases(p) -> None:
    a = report(p.citizen)
    services.case_register(actor=p.a_operator, case=a)
    b = report(p.citizen, description="路边堆放建筑垃圾")
    b = services.case_register(actor=p.a_operator, case=b)
    b = services.case_dispatch(actor=p.a_dispatcher, case=b)
    b = services.case_accept(actor=p.street_a_handler, case=b)
    b = services.case_feedback(actor=p.street_a_handler, case=b, result="已清理")
    services.case_verify(actor=p.worker_west, case=b, passed=True)


def _dashboard_walk(browser, live_server) -> None:
    leader = Session(browser, live_server.url)
    page = leader.login("leader")
    assert page.url.endswith("/dashboard/")
    page.wait_for_selector("body[data-charts-ready='3']")
    page.wait_for_selector("body[data-map-ready='1']")
    assert page.locator("#chart-trend canvas").count() == 1
    assert page.locator(".js-dash-map path.leaflet-interactive").count() == 2  # the two grids
    assert page.inner_text("[data-kpi=accepted_volume] .kpi-value") == "2"
    assert page.inner_text("[data-kpi=closure_rate] .kpi-value") == "50.0%"
    page.hover("[data-kpi=closure_rate] .info")
    leader.shot("dashboard")
    # Drill down: grid → its micro-grids.
    page.locator(".js-dash-map path.leaflet-interactive").first.click()
    page.wait_for_selector("body[data-map-ready='1']")
    assert "grid=" in page.url
    leader.shot("dashboard_grid")
    # A number leads to the cases behind it.
    page.goto("/dashboard/")
    page.click("[data-kpi=accepted_volume] .kpi-value")
    page.wait_for_selector("table.cases")
    assert page.locator("table.cases tbody tr").count() == 2
    leader.shot("case_list")
    assert leader.errors == [], leader.errors
    leader.close()


AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
# The main page of each role, and the public ones (issue 15: 0 serious or critical violations).
MAIN_PAGES = (
    (None, "/public/"), (None, "/login/"), ("worker_west", "/work/grid/"), ("a_operator", "/work/operator/"),
    ("a_operator", "/work/operator/new/"), ("a_dispatcher", "/work/dispatch/"), ("a_dispatcher", "/cases/"),
    ("street_a_handler", "/work/handler/"), ("leader", "/dashboard/"), ("leader", "/indicators/"),
    ("cadre", "/enterprises/visits/"), ("cadre", "/enterprises/"),
)


@pytest.mark.skipif(not AXE.exists(), reason="axe-core missing: run `npm ci`")
def test_main_pages_have_no_serious_accessibility_violations(browser, live_server, people, grid_layer):
    """axe-core (from npm, injected from node_modules: nothing fetched) on every role's main page, WCAG 2 A/AA
    rules: no violation of serious or critical impact."""
    import datetime as dt
    import json

    from gaoxin.core import clock
    from gaoxin.core.calendar import SHANGHAI

    with clock.frozen(dt.datetime(2023, 11, 20, 10, tzinfo=SHANGHAI)):
        case = services.case_register(actor=people.a_operator, case=report(people.citizen))
        services.case_dispatch(actor=people.a_dispatcher, case=case)
        report(people.citizen, description="路边堆放建筑垃圾")
    found: dict[str, list[str]] = {}
    with clock.frozen(dt.datetime(2023, 11, 21, 10, tzinfo=SHANGHAI)):
        for username, url in MAIN_PAGES:
            session = Session(browser, live_server.url, bypass_csp=True)  # the checker is injected as a script
            page = session.login(username) if username else session.page
            page.goto(url)
            page.wait_for_load_state("networkidle")
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag', values:
                ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})""")
            serious = [f"{v['id']} ({v['impact']}): {json.dumps([n['target'] for n in v['nodes']][:3])}"
                       for v in result["violations"] if v["impact"] in ("serious", "critical")]
            if serious:
                found[f"{username} {url}"] = serious
            session.close()
    assert found == {}

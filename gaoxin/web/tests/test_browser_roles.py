"""Browser tests of the roles the case flow test (test_browser.py) does not drive, each doing its main job from
login to result in Debian's Chromium (issue #15):

- the 助企干部 records a 万人助万企 visit with a problem; the enterprise user follows it and rates the answer;
- the leader writes a 批示 on a case; the handler is texted, opens it and confirms; the administrator sees the text
  message in the 短信发件箱 and, once the gateway took it, as delivered; the leader reads the evaluation of posts.

Screenshots go to ``artifacts/screenshots/`` (listed by CI); skipped with the reason like test_browser.py."""

from __future__ import annotations

from gaoxin.accounts.roles import Role
from gaoxin.cases import services as case_services
from gaoxin.cases.models import CaseInstruction
from gaoxin.core.outbox import HttpJsonTransport
from gaoxin.enterprises import services as enterprise_services
from gaoxin.enterprises import services_problems
from gaoxin.enterprises.models import EnterpriseProblem
from gaoxin.notify.models import SmsMessage
from gaoxin.notify.services import sms_deliver_pending
from gaoxin.notify.simulator import SmsGatewaySimulator
from gaoxin.web.tests.conftest import report
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


def test_cadre_records_a_visit_and_the_enterprise_rates_the_answer(browser, live_server, staff,  # noqa: F811
                                                                    make_enterprise, org, make_user, grid_layer,
                                                                    frozen_now):
    enterprise = make_enterprise("甲科技有限公司")
    owner = make_user(Role.ENTERPRISE, None, username="ent_owner")
    enterprise_services.enterprise_user_link(actor=staff.admin, user=owner, enterprise=enterprise)

    # The server shares the platform clock: the visit date must not be after "today".
    with frozen_now(2023, 3, 6, 10):
        cadre = Session(browser, live_server.url)
        page = cadre.login("cadre")
        assert page.url.endswith("/enterprises/visits/")
        page.click("a:has-text('登记走访')")
        page.fill("input[name=enterprise]", enterprise.credit_code)
        page.fill("input[name=visited_on]", "2023-03-06")
        page.fill("input[name=participants]", "王干部、李科长")
        page.fill("textarea[name=notes]", "了解企业扩产用电需求")
        page.select_option("select[name=problem_0_category]", "EP06")
        page.fill("input[name=problem_0_description]", "厂区电力扩容手续办理慢")
        cadre.shot("cadre_visit_form")
        page.click("button:has-text('保存走访')")
        flash = "已登记对 甲科技有限公司 的走访，提出问题 1 个，已转为案件办理。"
        expect(page.locator(".flash")).to_contain_text(flash)
        assert page.url.endswith(f"/enterprises/{enterprise.pk}/")
        cadre.shot("cadre_dossier_after_visit")
        problem = EnterpriseProblem.objects.get()
        assert problem.case is not None

        # The departments handle the case (their pages are driven in test_browser.py).
        operator = make_user(Role.OPERATOR, org.zone_center, username="op")
        dispatcher = make_user(Role.DISPATCHER, org.zone_center, username="disp")
        handler = make_user(Role.HANDLER, org.construction, username="zjj")
        case = case_services.case_register(actor=operator, case=problem.case)
        case = case_services.case_dispatch(actor=dispatcher, case=case, assignee=org.construction)
        case = case_services.case_accept(actor=handler, case=case)
        case = case_services.case_feedback(actor=handler, case=case, result="已协调供电公司，3月底前完成扩容")
        case_services.case_verify(actor=operator, case=case, passed=True)
        services_problems.problem_results_notify()

        firm = Session(browser, live_server.url)
        page = firm.login("ent_owner")
        page.click("nav.sidebar a:has-text('我的问题')")
        expect(page.locator("body")).to_contain_text("已办结 1 个")
        firm.shot("enterprise_my_problems")
        page.click(f"a[href='/my/problems/{problem.pk}/#rate']")
        expect(page.locator("#answer")).to_have_text("已协调供电公司，3月底前完成扩容")
        page.check("#rate-form input[value=satisfied]")
        page.fill("#rate-form input[name=comment]", "很及时")
        firm.shot("enterprise_rates_the_answer")
        page.click("#rate-form button[type=submit]")
        expect(page.locator("#my-rating")).to_have_text("满意")
        case.refresh_from_db()
        assert case.satisfaction == "satisfied"
        for session in (cadre, firm):
            assert session.errors == [], session.errors
            session.close()


def test_leader_instructs_the_handler_is_texted_and_confirms(browser, live_server, people, make_user,  # noqa: F811
                                                             org):
    p = people
    p.street_a_handler.phone = "13900001234"
    p.street_a_handler.save(update_fields=["phone"])
    case = case_services.case_dispatch(
        actor=p.a_dispatcher, case=case_services.case_register(actor=p.a_operator, case=report(p.citizen)))

    leader = Session(browser, live_server.url)
    page = leader.login("leader")
    page.goto(f"/cases/{case.pk}/")
    page.fill("#instruct-form textarea[name=text]", "请今天内处理完毕并反馈")
    page.click("#instruct-form button[type=submit]")
    expect(page.locator("#instructions")).to_contain_text("请今天内处理完毕并反馈")
    leader.shot("leader_instruction")
    instruction = CaseInstruction.objects.get()

    handler = Session(browser, live_server.url)
    page = handler.login("street_a_handler")
    expect(page.locator(f"tr:has-text('{case.number}')")).to_contain_text("批示")
    page.goto(f"/cases/{case.pk}/")
    page.click("button:has-text('确认收到批示')")
    expect(page.locator("#instructions")).to_contain_text("已于")
    handler.shot("handler_confirms_instruction")
    instruction.refresh_from_db()
    assert instruction.acknowledged_by_id == p.street_a_handler.pk

    # The texts: one at dispatch, one for the instruction, both to the handler's phone, masked on the page.
    assert list(SmsMessage.objects.order_by("id").values_list("kind", "phone")) == [
        ("dispatched", "13900001234"), ("instructed", "13900001234")]
    make_user(Role.ADMIN, org.committee, username="site_admin")
    admin = Session(browser, live_server.url)
    page = admin.login("site_admin")
    page.click("nav.sidebar a:has-text('短信发件箱')")
    rows = page.locator("#sms tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("139****1234")
    expect(rows.first).to_contain_text("请今天内处理完毕并反馈")
    expect(rows.first).to_contain_text("待发送")
    assert "13900001234" not in page.content()
    gateway = SmsGatewaySimulator(token="t").start()
    try:
        paths = dict.fromkeys(SmsMessage.Kind.values, "/sms")
        assert sms_deliver_pending(transport=HttpJsonTransport(gateway.url, "t", paths=paths)).delivered == 2
    finally:
        gateway.stop()
    page.reload()
    expect(rows.first).to_contain_text("已送达")
    admin.shot("admin_sms_outbox")

    page = leader.page
    page.goto("/evaluation/?by=post&start=2020-01-01&end=2030-12-31")
    expect(page.locator("#post-evaluation")).to_contain_text("a_dispatcher")
    leader.shot("leader_evaluation_of_posts")
    for session in (leader, handler, admin):
        assert session.errors == [], session.errors
        session.close()

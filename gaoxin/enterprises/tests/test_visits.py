"""Visits and reception days: problems become cases, flow through the case workflow to closure, are counted
in the metrics, and the enterprise sees (only) its own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from gaoxin.accounts.roles import Role
from gaoxin.cases import services as case_services
from gaoxin.cases.models import Case, CaseEvent
from gaoxin.core.errors import ApplicationError, NotFound, PermissionDenied
from gaoxin.enterprises import metrics, selectors_visits, services, services_problems
from gaoxin.enterprises.models import EnterpriseNotification, EnterpriseProblem, Visit
from gaoxin.enterprises.services_problems import ProblemInput

YEAR = (dt.date(2023, 1, 1), dt.date(2024, 1, 1))


@dataclass
class Desk:
    operator: object
    dispatcher: object
    handler: object  # 住建局
    ent_user: object
    other_ent_user: object


@pytest.fixture
def desk(org, staff, make_user, grid_layer, make_enterprise):
    ent_a = make_enterprise("甲科技有限公司", address="科学大道1号", lon=113.52, lat=34.80, chains=["sensor"],
                            contact_name="张三", contact_phone="13812341234")
    ent_b = make_enterprise("乙材料有限公司", lon=113.58, lat=34.80, chains=["new_material"])
    ent_user = make_user(Role.ENTERPRISE, None, username="ent_a")
    other = make_user(Role.ENTERPRISE, None, username="ent_b")
    services.enterprise_user_link(actor=staff.admin, user=ent_user, enterprise=ent_a)
    services.enterprise_user_link(actor=staff.admin, user=other, enterprise=ent_b)
    return Desk(
        operator=make_user(Role.OPERATOR, org.zone_center, username="op"),
        dispatcher=make_user(Role.DISPATCHER, org.zone_center, username="disp"),
        handler=make_user(Role.HANDLER, org.construction, username="zjj"),
        ent_user=ent_user,
        other_ent_user=other,
    )


def enterprises(desk):
    return desk.ent_user.enterprise_link.enterprise, desk.other_ent_user.enterprise_link.enterprise


def handle_to_closed(desk, org, case: Case, answer: str) -> Case:
    case = case_services.case_register(actor=desk.operator, case=case)
    case = case_services.case_dispatch(actor=desk.dispatcher, case=case, assignee=org.construction)
    case = case_services.case_accept(actor=desk.handler, case=case)
    case = case_services.case_feedback(actor=desk.handler, case=case, result=answer)
    return case_services.case_verify(actor=desk.operator, case=case, passed=True)


def test_visit_problems_flow_to_closure_and_into_the_metrics(staff, desk, org, frozen_now):
    ent_a, ent_b = enterprises(desk)
    with frozen_now(2023, 3, 6, 10):
        visit = services_problems.visit_record(
            actor=staff.cadre, enterprise=ent_a, visited_on="2023-03-06", participants="王干部、李科长",
            notes="了解生产经营情况", revisit_on=dt.date(2023, 4, 6),
            problems=[ProblemInput("EP06", "厂区电力扩容手续办理慢", department=org.construction),
                      ProblemInput("融资", "流动资金贷款需求 500 万元")],
        )
        services_problems.visit_record(actor=staff.cadre, enterprise=ent_b, visited_on=dt.date(2023, 3, 6))
    problems = list(visit.problems.order_by("pk"))
    assert [(p.category.code, p.source, p.department) for p in problems] == [
        ("EP06", "visit", org.construction), ("EP02", "visit", None)]
    power, loan = problems
    assert power.case is not None
    assert (power.case.channel, power.case.state, power.case.category.code) == ("enterprise_visit", "reported", "EP06")
    assert power.case.description == "【甲科技有限公司】厂区电力扩容手续办理慢（建议责任单位：住房和城乡建设局）"
    assert power.case.reporter_user == desk.ent_user
    assert power.case.street == org.street_a
    # The enterprise is told its problems were received.
    assert list(EnterpriseNotification.objects.values_list("kind", "problem_id")) == [
        ("received", loan.pk), ("received", power.pk)]

    with frozen_now(2023, 3, 7, 9):
        handle_to_closed(desk, org, power.case, "已协调供电公司，3月底前完成扩容")
        assert services_problems.problem_results_notify() == 1
        assert services_problems.problem_results_notify() == 0  # idempotent
    result = EnterpriseNotification.objects.get(kind="result")
    assert (result.problem_id, result.title, result.body) == (
        power.pk, "您反映的“水电气暖”问题已办结", "已协调供电公司，3月底前完成扩容")

    assert metrics.visit_metrics(actor=staff.leader, start=YEAR[0], end=YEAR[1]) == {
        "visits": 2, "enterprises_visited": 2, "problems_raised": 2, "problems_resolved": 1, "resolution_rate": 0.5}
    assert metrics.visit_metrics(actor=staff.leader, start=YEAR[0], end=YEAR[1], chain="sensor") == {
        "visits": 1, "enterprises_visited": 1, "problems_raised": 2, "problems_resolved": 1, "resolution_rate": 0.5}
    assert metrics.visit_metrics(actor=staff.leader, start=YEAR[0], end=YEAR[1], category="EP02")[
        "problems_raised"] == 1
    assert metrics.visit_metrics(actor=staff.leader, start=dt.date(2023, 4, 1), end=YEAR[1])["visits"] == 0
    # The street-A cadre sees only enterprise A.
    assert metrics.visit_metrics(actor=staff.cadre_street_a, start=YEAR[0], end=YEAR[1])["visits"] == 1
    by_type = metrics.visit_metrics_by(actor=staff.leader, start=YEAR[0], end=YEAR[1], by="problem_type")
    assert [(r["key"], r["label"], r["problems_raised"], r["problems_resolved"], r["visits"]) for r in by_type] == [
        ("EP02", "融资", 1, 0, None), ("EP06", "水电气暖", 1, 1, None)]
    by_dept = metrics.visit_metrics_by(actor=staff.leader, start=YEAR[0], end=YEAR[1], by="department")
    assert [(r["label"], r["visits"], r["problems_raised"], r["problems_resolved"]) for r in by_dept] == [
        ("住房和城乡建设局", 2, 1, 1), ("未派遣", 0, 1, 0)]
    by_month = metrics.visit_metrics_by(actor=staff.leader, start=YEAR[0], end=YEAR[1], by="month")
    assert [(r["label"], r["visits"], r["problems_raised"], r["resolution_rate"]) for r in by_month] == [
        ("2023-03", 2, 2, 0.5)]
    by_chain = metrics.visit_metrics_by(actor=staff.leader, start=YEAR[0], end=YEAR[1], by="chain")
    assert [(r["key"], r["visits"], r["problems_raised"]) for r in by_chain] == [
        ("new_material", 1, 0), ("sensor", 1, 2)]

    # The enterprise sees its problems, the progress and the answer, and rates it.
    mine = selectors_visits.my_problems(actor=desk.ent_user)
    assert [(r["category"], r["state"], r["resolved"]) for r in mine] == [
        ("融资", "reported", False), ("水电气暖", "closed", True)]
    detail = selectors_visits.my_problem_detail(actor=desk.ent_user, problem_id=power.pk)
    assert detail["answer"] == "已协调供电公司，3月底前完成扩容"
    assert [s["action"] for s in detail["progress"]] == ["上报", "立案", "派遣", "签收", "处置反馈", "核查通过"]
    assert detail["can_evaluate"] is True
    with frozen_now(2023, 3, 8, 9):
        services_problems.problem_evaluate(actor=desk.ent_user, problem_id=power.pk, satisfaction="satisfied",
                                           comment="很及时")
    power.case.refresh_from_db()
    assert (power.case.state, power.case.satisfaction) == ("evaluated", "satisfied")
    # Evaluated still counts as resolved.
    assert metrics.visit_metrics(actor=staff.leader, start=YEAR[0], end=YEAR[1])["problems_resolved"] == 1


def test_enterprise_users_never_see_or_touch_another_enterprises_problems(staff, desk, org, frozen_now):
    ent_a, ent_b = enterprises(desk)
    with frozen_now(2023, 3, 6, 10):
        visit = services_problems.visit_record(actor=staff.cadre, enterprise=ent_a, visited_on="2023-03-06",
                                               problems=[ProblemInput("EP06", "电力扩容")])
    problem = visit.problems.get()
    assert problem.case is not None
    with frozen_now(2023, 3, 7, 9):
        handle_to_closed(desk, org, problem.case, "已办结")
        services_problems.problem_results_notify()
    other = desk.other_ent_user
    assert selectors_visits.my_problems(actor=other) == []
    assert list(selectors_visits.my_notifications(actor=other)) == []
    assert list(selectors_visits.problem_list(actor=other)) == []
    with pytest.raises(NotFound):
        selectors_visits.my_problem_detail(actor=other, problem_id=problem.pk)
    events_before = CaseEvent.objects.filter(case=problem.case).count()
    with frozen_now(2023, 3, 8, 9), pytest.raises(NotFound):
        services_problems.problem_evaluate(actor=other, problem_id=problem.pk, satisfaction="unsatisfied")
    notice = EnterpriseNotification.objects.filter(enterprise=ent_a).first()
    assert notice is not None
    with pytest.raises(NotFound):
        services_problems.notification_mark_read(actor=other, notification_id=notice.pk)
    problem.case.refresh_from_db()
    notice.refresh_from_db()
    assert (problem.case.state, problem.case.satisfaction, notice.read_at) == ("closed", "", None)
    assert CaseEvent.objects.filter(case=problem.case).count() == events_before
    # Enterprise users do not see the registry, visits or metrics beyond their own enterprise.
    with pytest.raises(PermissionDenied):
        selectors_visits.visit_list(actor=desk.ent_user)
    assert metrics.visit_metrics(actor=other, start=YEAR[0], end=YEAR[1])["problems_raised"] == 0
    # An enterprise user cannot record visits.
    with pytest.raises(PermissionDenied):
        services_problems.visit_record(actor=desk.ent_user, enterprise=ent_a, visited_on="2023-03-06")
    # The owner can mark its notice read.
    with frozen_now(2023, 3, 8, 9):
        services_problems.notification_mark_read(actor=desk.ent_user, notification_id=notice.pk)
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_visit_bad_input_changes_nothing(staff, desk, frozen_now):
    ent_a, ent_b = enterprises(desk)
    with frozen_now(2023, 3, 6, 10):
        cases: list[tuple[dict[str, Any], str]] = [
            ({"visited_on": "2023-03-07"}, "visited_on"),
            ({"visited_on": "06/03/2023"}, "visited_on"),
            ({"visited_on": "2023-03-06", "revisit_on": "2023-03-01"}, "revisit_on"),
            ({"visited_on": "2023-03-06", "problems": [ProblemInput("EP99", "x")]}, "problems[0].category"),
            ({"visited_on": "2023-03-06", "problems": [ProblemInput("EP01", "ok"), ProblemInput("EP01", " ")]},
             "problems[1].description"),
            ({"visited_on": "2023-03-06", "problems": [ProblemInput("EP01", "ok", department="不存在局")]},
             "problems[0].department"),
        ]
        for kwargs, field in cases:
            with pytest.raises(ApplicationError) as exc:
                services_problems.visit_record(actor=staff.cadre, enterprise=ent_a, **kwargs)
            assert exc.value.field == field
        with pytest.raises(PermissionDenied):  # enterprise B lies in street B
            services_problems.visit_record(actor=staff.cadre_street_a, enterprise=ent_b, visited_on="2023-03-06")
    assert (Visit.objects.count(), EnterpriseProblem.objects.count(), Case.objects.count()) == (0, 0, 0)


def test_due_revisits(staff, desk, frozen_now):
    ent_a, ent_b = enterprises(desk)
    with frozen_now(2023, 3, 10, 10):
        first = services_problems.visit_record(actor=staff.cadre, enterprise=ent_a, visited_on="2023-03-01",
                                               revisit_on="2023-03-08")
        services_problems.visit_record(actor=staff.cadre, enterprise=ent_b, visited_on="2023-03-01",
                                       revisit_on="2023-03-15")
        due = selectors_visits.revisits_due(actor=staff.cadre)
        assert list(due) == [first]
        assert [v.enterprise for v in selectors_visits.revisits_due(actor=staff.cadre, within_days=7)] == [
            ent_a, ent_b]
        assert list(selectors_visits.revisits_due(actor=staff.cadre_street_a)) == []
        services_problems.visit_record(actor=staff.cadre, enterprise=ent_a, visited_on="2023-03-09")
        assert list(selectors_visits.revisits_due(actor=staff.cadre)) == []


def test_reception_day_session_page_and_metrics(staff, desk, org, frozen_now):
    ent_a, ent_b = enterprises(desk)
    with frozen_now(2023, 5, 20, 9):
        session = services_problems.reception_session_create(
            actor=staff.cadre, held_on="2023-05-20", leader_name="李主任", title="第12期企业家接待日",
            departments=[org.construction, org.urban_management], enterprises=[ent_a],
        )
        services_problems.reception_problems_raise(actor=staff.cadre, session=session, enterprise=ent_a,
                                                   problems=[ProblemInput("EP06", "供水压力不足")])
        services_problems.reception_problems_raise(actor=staff.cadre, session=session, enterprise=ent_b,
                                                   problems=[ProblemInput("EP03", "招工难"),
                                                             ProblemInput("EP02", "贷款贴息")])
        services_problems.reception_session_create(actor=staff.cadre, held_on="2023-06-17", leader_name="王主任")
    problem = EnterpriseProblem.objects.get(description="供水压力不足")
    assert problem.case is not None
    assert (problem.source, problem.case.channel) == ("reception", "reception_day")
    with frozen_now(2023, 5, 22, 9):
        handle_to_closed(desk, org, problem.case, "已更换加压泵")

    page = selectors_visits.reception_session_page(actor=staff.leader, session_id=session.pk)
    assert page["departments"] == ["城市管理局", "住房和城乡建设局"]
    assert sorted(page["enterprises"]) == ["乙材料有限公司", "甲科技有限公司"]  # B joined by raising a problem
    assert [(r["enterprise"], r["category"], r["state_label"]) for r in page["problems"]] == [
        ("乙材料有限公司", "用工", "已上报"), ("乙材料有限公司", "融资", "已上报"),
        ("甲科技有限公司", "水电气暖", "已办结")]
    assert (page["raised"], page["resolved"]) == (3, 1)
    # A street-A cadre sees only its enterprise's problems on the page.
    page_a = selectors_visits.reception_session_page(actor=staff.cadre_street_a, session_id=session.pk)
    assert [r["enterprise"] for r in page_a["problems"]] == ["甲科技有限公司"]

    assert metrics.reception_metrics(actor=staff.leader, start=YEAR[0], end=YEAR[1]) == {
        "sessions": 2, "enterprises_received": 2, "reception_problems_raised": 3, "reception_problems_resolved": 1,
        "resolution_rate": 1 / 3}
    # Reception problems are not visit problems.
    assert metrics.visit_metrics(actor=staff.leader, start=YEAR[0], end=YEAR[1])["problems_raised"] == 0
    with pytest.raises(PermissionDenied):
        services_problems.reception_session_create(actor=desk.handler, held_on="2023-05-20", leader_name="x")


def test_visit_list_scope(staff, desk, frozen_now):
    ent_a, ent_b = enterprises(desk)
    with frozen_now(2023, 3, 10, 10):
        on_a = services_problems.visit_record(actor=staff.cadre, enterprise=ent_a, visited_on="2023-03-01")
        on_b = services_problems.visit_record(actor=staff.cadre, enterprise=ent_b, visited_on="2023-03-02")
        own_a = services_problems.visit_record(actor=staff.cadre_street_a, enterprise=ent_a, visited_on="2023-03-03")
    assert list(selectors_visits.visit_list(actor=staff.admin)) == [own_a, on_b, on_a]
    assert list(selectors_visits.visit_list(actor=staff.leader)) == [own_a, on_b, on_a]
    assert list(selectors_visits.visit_list(actor=staff.cadre_street_a)) == [own_a, on_a]
    filtered = selectors_visits.visit_list(
        actor=staff.leader, filters=selectors_visits.VisitFilters(date_from=dt.date(2023, 3, 2), chain="sensor"))
    assert list(filtered) == [own_a]
    with pytest.raises(PermissionDenied):
        selectors_visits.visit_list(actor=staff.citizen)


def test_second_enterprise_account_cannot_rate_and_lists_are_constant_queries(
    staff, desk, org, make_user, frozen_now, django_assert_num_queries
):
    ent_a, _ = enterprises(desk)
    second = make_user(Role.ENTERPRISE, None, username="ent_a2")
    services.enterprise_user_link(actor=staff.admin, user=second, enterprise=ent_a)
    with frozen_now(2023, 3, 6, 10):
        visit = services_problems.visit_record(
            actor=staff.cadre, enterprise=ent_a, visited_on="2023-03-06",
            problems=[ProblemInput("EP06", f"问题{i}") for i in range(5)])
    problem = visit.problems.order_by("pk").first()
    assert problem is not None
    assert problem.case is not None
    with frozen_now(2023, 3, 7, 9):
        handle_to_closed(desk, org, problem.case, "已办结")
    with pytest.raises(PermissionDenied) as exc:
        services_problems.problem_evaluate(actor=second, problem_id=problem.pk, satisfaction="satisfied")
    assert exc.value.code == "evaluate_not_reporter"
    assert selectors_visits.my_problem_detail(actor=second, problem_id=problem.pk)["can_evaluate"] is False
    assert selectors_visits.my_problem_detail(actor=desk.ent_user, problem_id=problem.pk)["can_evaluate"] is True
    problem.case.refresh_from_db()
    assert problem.case.state == "closed"
    # The second account still sees the enterprise's problems; the list costs the same for 5 rows as for 1.
    second = type(second).objects.get(pk=second.pk)
    with django_assert_num_queries(2):  # the link, then one joined query
        rows = selectors_visits.my_problems(actor=second)
    assert len(rows) == 5

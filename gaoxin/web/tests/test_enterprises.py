"""The enterprise service's pages: the registry with totals, filters and Excel; the dossier with the contact
masked; a visit and a reception day recorded with their problems (each a case); refused input changes nothing;
the figures' links open on lists that add up to them (issue #15 defect 1, issue #14)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from gaoxin.cases.models import Case
from gaoxin.enterprises import services
from gaoxin.enterprises.models import EnterpriseProblem, ReceptionSession, Visit
from gaoxin.indicators import services as indicator_services
from gaoxin.indicators.figures import figure_values, system_actor


@pytest.fixture
def registry(staff, make_enterprise, grid_layer):
    a = make_enterprise("甲科技有限公司", contact_name="张三", contact_phone="13812341234")
    b = make_enterprise("乙材料有限公司", lon=113.58)
    c = make_enterprise("丙软件有限公司")
    for e in (a, b):
        services.qualification_award_create(actor=staff.admin, enterprise=e, qualification_type="tech_sme", year=2023)
    services.qualification_award_create(actor=staff.admin, enterprise=c, qualification_type="tech_sme", year=2022)
    services.qualification_award_create(actor=staff.admin, enterprise=c, qualification_type="tech_sme", year=2023)
    return a, b, c


def test_the_registry_lists_with_a_total_and_the_figure_link_adds_up(staff, registry, client_for):
    indicator_services.catalog_sync()
    cadre = client_for(staff.cadre)
    html = cadre.get("/enterprises/?qualification=tech_sme&qualification_year=2023").content.decode()
    assert "共 3 条" in html
    assert "甲科技有限公司" in html
    new = cadre.get("/enterprises/?qualification=tech_sme&qualification_year=2023&new_only=1").content.decode()
    assert "共 2 条" in new
    assert "丙软件有限公司" not in new  # held it in 2022: not new in 2023
    figure = figure_values(actor=system_actor(), year=2023, refs=["F025"])["F025"]
    assert figure.value == 3
    assert figure.provenance["list_url"] == "/enterprises/?qualification=tech_sme&qualification_year=2023"
    xlsx = cadre.get("/enterprises/?qualification=tech_sme&qualification_year=2023&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    names = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[1]}
    assert names == {"甲科技有限公司", "乙材料有限公司", "丙软件有限公司"}
    bad = cadre.get("/enterprises/?qualification=nonsense")
    assert bad.status_code == 400
    assert "未知的资质类型" in bad.content.decode()
    assert client_for(staff.citizen).get("/enterprises/").status_code == 403


def test_the_dossier_masks_the_contact(staff, registry, client_for):
    a = registry[0]
    html = client_for(staff.cadre).get(f"/enterprises/{a.pk}/").content.decode()
    assert "张*" in html
    assert "138****1234" in html
    assert "13812341234" not in html
    assert "国家科技型中小企业" in html or "科技型中小企业" in html


def test_a_cadre_records_a_visit_whose_problem_becomes_a_case(staff, registry, client_for, frozen_now):
    a = registry[0]
    cadre = client_for(staff.cadre)
    with frozen_now(2023, 3, 6, 10):
        refused = cadre.post("/enterprises/visits/new/", {"enterprise": "不存在的公司", "visited_on": "2023-03-06"})
        assert refused.status_code == 400
        assert 'data-field="enterprise"' in refused.content.decode()
        no_text = cadre.post("/enterprises/visits/new/", {
            "enterprise": a.credit_code, "visited_on": "2023-03-06", "problem_0_category": "EP06"})
        assert 'data-field="problems[0].description"' in no_text.content.decode()
        assert (Visit.objects.count(), Case.objects.count()) == (0, 0)
        done = cadre.post("/enterprises/visits/new/", {
            "enterprise": a.name, "visited_on": "2023-03-06", "participants": "王干部", "notes": "了解经营情况",
            "problem_0_category": "EP06", "problem_0_description": "厂区电力扩容手续办理慢"}, follow=True)
    assert done.redirect_chain[-1][0] == f"/enterprises/{a.pk}/"
    assert "已登记对 甲科技有限公司 的走访，提出问题 1 个，已转为案件办理。" in done.content.decode()
    problem = EnterpriseProblem.objects.get()
    assert problem.case is not None
    assert problem.case.channel == "enterprise_visit"
    listed = cadre.get("/enterprises/visits/?visited_from=2023-01-01&visited_to=2023-12-31").content.decode()
    assert "共 1 条" in listed
    assert "0 / 1" in listed  # resolved / raised


def test_a_reception_day_is_held_and_its_problems_recorded(staff, registry, client_for, frozen_now):
    a = registry[0]
    leader = client_for(staff.leader)
    with frozen_now(2023, 5, 10, 9):
        missing = leader.post("/enterprises/reception-days/new/", {"held_on": "2023-05-10"})
        assert 'data-field="leader_name"' in missing.content.decode()
        assert ReceptionSession.objects.count() == 0
        made = leader.post("/enterprises/reception-days/new/", {"held_on": "2023-05-10", "leader_name": "郭主任",
                                                                "title": "新材料企业专场"})
        session = ReceptionSession.objects.get()
        assert made["Location"] == f"/enterprises/reception-days/{session.pk}/"
        raised = leader.post(f"/enterprises/reception-days/{session.pk}/", {
            "enterprise": a.credit_code, "problem_0_category": "EP02", "problem_0_description": "流动资金贷款"},
            follow=True)
    html = raised.content.decode()
    assert "已登记 甲科技有限公司 提出的问题 1 个，已转为案件办理。" in html
    assert "流动资金贷款" in html
    assert EnterpriseProblem.objects.get().source == "reception"
    listed = leader.get("/enterprises/reception-days/?held_from=2023-01-01&held_to=2023-12-31").content.decode()
    assert "共 1 条" in listed
    assert dt.date(2023, 5, 10).isoformat() in listed


def test_the_cadre_lands_on_the_visits_and_the_data_officer_on_the_submissions(staff, make_user, org, client_for):
    from gaoxin.accounts.roles import Role

    assert client_for(staff.cadre).get("/")["Location"] == "/enterprises/visits/"
    officer = make_user(Role.DATA_OFFICER, org.committee, username="officer_home")
    assert client_for(officer).get("/")["Location"] == "/indicators/submissions/"


def test_a_street_cadres_own_visit_outside_the_street_lists_without_a_dead_link(staff, registry, client_for,
                                                                              frozen_now):
    from gaoxin.enterprises import services_problems

    outside = registry[1]  # in street B; cadre_a serves street A
    with frozen_now(2023, 3, 6, 10):
        visit = services_problems.visit_record(actor=staff.cadre, enterprise=outside, visited_on="2023-03-06")
    Visit.objects.filter(pk=visit.pk).update(cadre=staff.cadre_street_a)
    html = client_for(staff.cadre_street_a).get("/enterprises/visits/").content.decode()
    assert outside.name in html
    assert f'href="/enterprises/{outside.pk}/"' not in html
    assert client_for(staff.cadre_street_a).get(f"/enterprises/{outside.pk}/").status_code == 404


def test_the_enterprise_follows_its_problems_reads_the_answer_and_rates_it(staff, org, make_user, make_enterprise,
                                                                            grid_layer, client_for, frozen_now):
    """我的问题 (issue #15 defect 1): the enterprise user sees its own problems with progress and answer, is told
    of the result, rates it once; another enterprise's problem is not found and a refused rating changes nothing."""
    from gaoxin.accounts.roles import Role
    from gaoxin.cases import services as case_services
    from gaoxin.enterprises import services_problems
    from gaoxin.enterprises.models import EnterpriseNotification
    from gaoxin.enterprises.services_problems import ProblemInput

    mine, theirs = make_enterprise("甲科技有限公司"), make_enterprise("乙材料有限公司", lon=113.58)
    ent_user, other_user = make_user(Role.ENTERPRISE, None, username="ent_a"), make_user(Role.ENTERPRISE, None,
                                                                                       username="ent_b")
    services.enterprise_user_link(actor=staff.admin, user=ent_user, enterprise=mine)
    services.enterprise_user_link(actor=staff.admin, user=other_user, enterprise=theirs)
    operator = make_user(Role.OPERATOR, org.zone_center, username="op")
    dispatcher = make_user(Role.DISPATCHER, org.zone_center, username="disp")
    handler = make_user(Role.HANDLER, org.construction, username="zjj")
    with frozen_now(2023, 3, 6, 10):
        visit = services_problems.visit_record(
            actor=staff.cadre, enterprise=mine, visited_on="2023-03-06",
            problems=[ProblemInput("EP06", "厂区电力扩容手续办理慢"),
                      ProblemInput("融资", "流动资金贷款需求 500 万元")])
    power, loan = visit.problems.order_by("pk")
    assert power.case is not None
    with frozen_now(2023, 3, 7, 9):
        case = case_services.case_register(actor=operator, case=power.case)
        case = case_services.case_dispatch(actor=dispatcher, case=case, assignee=org.construction)
        case = case_services.case_accept(actor=handler, case=case)
        case = case_services.case_feedback(actor=handler, case=case, result="已协调供电公司，3月底前完成扩容")
        case_services.case_verify(actor=operator, case=case, passed=True)
        services_problems.problem_results_notify()

    ent = client_for(ent_user)
    assert 'href="/my/problems/"' in ent.get("/").content.decode()
    listing = ent.get("/my/problems/").content.decode()
    assert "共 2 条" in listing
    assert "已办结 1 个" in listing
    assert f'href="/my/problems/{power.pk}/#rate"' in listing  # 待评价
    assert '<span class="badge" id="unread">3</span>' in listing  # two received, one result
    detail = ent.get(f"/my/problems/{power.pk}/").content.decode()
    assert '<div class="pre" id="answer">已协调供电公司，3月底前完成扩容</div>' in detail
    assert 'id="rate-form"' in detail
    assert "核查通过" in detail
    assert 'id="rate-form"' not in ent.get(f"/my/problems/{loan.pk}/").content.decode()  # not closed yet

    # Another enterprise: not found, and its rating refused without a trace.
    other = client_for(other_user)
    assert other.get(f"/my/problems/{power.pk}/").status_code == 404
    with frozen_now(2023, 3, 8, 9):
        assert other.post(f"/my/problems/{power.pk}/", {"satisfaction": "unsatisfied"}).status_code == 404
        bad = ent.post(f"/my/problems/{power.pk}/", {"satisfaction": "great"})
    assert bad.status_code == 400
    assert "未知的满意度" in bad.content.decode()
    power.case.refresh_from_db()
    assert (power.case.state, power.case.satisfaction) == ("closed", "")
    assert client_for(staff.cadre).get("/my/problems/").status_code == 403

    with frozen_now(2023, 3, 8, 9):
        rated = ent.post(f"/my/problems/{power.pk}/", {"satisfaction": "satisfied", "comment": "很及时"})
    assert (rated.status_code, rated["Location"]) == (303, f"/my/problems/{power.pk}/")
    after = ent.get(f"/my/problems/{power.pk}/").content.decode()
    assert '<dd id="my-rating">满意</dd>' in after
    assert 'id="rate-form"' not in after

    # Opening a notification marks it read and goes to its problem.
    result = EnterpriseNotification.objects.get(kind="result")
    with frozen_now(2023, 3, 9, 9):
        opened = ent.post("/my/notifications/", {"notification": result.pk})
    assert (opened.status_code, opened["Location"]) == (303, f"/my/problems/{power.pk}/")
    result.refresh_from_db()
    assert result.read_at is not None
    assert other.post("/my/notifications/", {"notification": result.pk}).status_code == 404
    assert "您反映的“水电气暖”问题已办结" in ent.get("/my/notifications/").content.decode()

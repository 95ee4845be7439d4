from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.core import audit
from gaoxin.core.calendar import SHANGHAI
from gaoxin.core.errors import ApplicationError, PermissionDenied
from gaoxin.projects import selectors, services, workflow
from gaoxin.projects.models import Contract, MonthlyReport, Project, ProjectEvent

pytestmark = pytest.mark.django_db


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=SHANGHAI)


def snapshot() -> tuple:
    return (list(Project.objects.values()), list(MonthlyReport.objects.values()),
            list(ProjectEvent.objects.values_list("hash", flat=True)))


def advance(made, project, to, on=dt.date(2023, 3, 1)):
    return services.project_advance(actor=made.people.investment_officer, project=project, to=to, on=on)


def test_stage_gates_name_the_missing_condition(made):
    project = made.project()
    before = snapshot()
    with pytest.raises(ApplicationError) as err:
        advance(made, project, workflow.SIGNED)
    assert err.value.code == "stage_gate"
    assert err.value.extra["missing"] == ["contract"]
    with pytest.raises(ApplicationError) as err:
        advance(made, project, workflow.LAND)
    assert "只能从“谋划储备”进入下一阶段“签约”" in err.value.message
    assert snapshot() == before
    services.contract_sign(actor=made.people.investment_officer, project=project, number="QY-1",
                           signed_on=dt.date(2023, 2, 1), amount="8000")
    for stage in (workflow.SIGNED, workflow.PREPARATION):
        project = advance(made, project, stage)
    with pytest.raises(ApplicationError) as err:
        advance(made, project, workflow.LAND)
    assert err.value.extra["missing"] == ["parcel", "land_supplied"]
    parcel = made.parcel(1, supplied=dt.date(2023, 3, 5))
    services.project_parcels_link(actor=made.people.investment_officer, project=project, parcels=[parcel])
    project = advance(made, project, workflow.LAND)
    # 开工 needs the four permits.
    before = snapshot()
    with pytest.raises(ApplicationError) as err:
        advance(made, project, workflow.STARTED)
    assert err.value.extra["missing"] == ["four_permits"]
    assert "建筑工程施工许可证" in err.value.message
    assert snapshot() == before
    made.parcel(2, supplied=dt.date(2023, 3, 6), permits=dt.date(2023, 3, 6))
    from gaoxin.land.models import Permit
    from gaoxin.land.services import permit_issue

    for i, kind in enumerate(Permit.Kind.values):
        permit_issue(actor=made.people.land_officer, parcel=parcel, kind=kind, number=f"x{i}",
                     issued_on=dt.date(2023, 3, 5))
    project = advance(made, project, workflow.STARTED, on=dt.date(2023, 3, 8))
    assert project.started_on == dt.date(2023, 3, 8)
    actions = list(project.events.values_list("action", "from_stage", "to_stage"))
    assert actions[-1] == ("advance", "land", "started")
    assert list(audit.verify(ProjectEvent)) == []


def test_refused_for_a_steward(made):
    project = made.project()
    with pytest.raises(PermissionDenied):
        services.contract_sign(actor=made.people.steward, project=project, number="QY-1",
                               signed_on=dt.date(2023, 2, 1), amount="8000")
    assert Contract.objects.count() == 0


def test_registration_errors_name_the_field(made):
    with pytest.raises(ApplicationError) as err:
        made.project(plan="20000")
    assert err.value.field == "annual_plan"
    with pytest.raises(ApplicationError) as err:
        made.project(total="abc")
    assert err.value.field == "total_investment"
    assert Project.objects.count() == 0


def values(this_month, ytd, since_start, parts):
    b, i, e, o = parts
    return {"this_month": this_month, "ytd": ytd, "since_start": since_start, "building": b, "installation": i,
            "equipment": e, "other": o}


def test_monthly_identities(made):
    project = made.project(prior="2000")
    steward = made.people.steward
    submit = services.monthly_report_submit
    submit(actor=steward, project=project, year=2023, month=1, values=values("100", "100", "2100", (60, 20, 10, 10)),
           at=at(2023, 1, 20))
    before = snapshot()
    cases = [
        (values("50", "160", "2160", (100, 20, 20, 20)), "ytd", "identity_ytd"),
        (values("50", "150", "2150", (100, 20, 20, 20)), "ytd", "identity_composition"),
        (values("50", "150", "2160", (90, 20, 20, 20)), "since_start", "identity_since_start"),
        (values("-5", "95", "2095", (55, 20, 10, 10)), "this_month", "invalid"),
        (values("", "150", "2150", (90, 20, 20, 20)), "this_month", "required"),
    ]
    for row, field, code in cases:
        with pytest.raises(ApplicationError) as err:
            submit(actor=steward, project=project, year=2023, month=2, values=row, at=at(2023, 2, 20))
        assert (err.value.field, err.value.code) == (field, code)
    with pytest.raises(ApplicationError) as err:
        submit(actor=steward, project=project, year=2023, month=3, values=values("50", "150", "2150", (90, 20, 20, 20)),
               at=at(2023, 3, 20))
    assert err.value.code == "previous_missing"
    with pytest.raises(PermissionDenied):
        submit(actor=made.people.other_steward, project=project, year=2023, month=2,
               values=values("50", "150", "2150", (90, 20, 20, 20)))
    assert snapshot() == before
    report = submit(actor=steward, project=project, year=2023, month=2,
                    values=values("50", "150", "2150", (90, 20, 20, 20)), at=at(2023, 2, 26, 9))
    assert report.is_late is True
    assert report.ytd == Decimal("150.00")


def test_ceiling_and_adjustment(made):
    project = made.project(total="1000", plan="500", prior="500")
    row = values("600", "600", "1100", (600, 0, 0, 0))
    with pytest.raises(ApplicationError) as err:
        services.monthly_report_submit(actor=made.people.steward, project=project, year=2023, month=1, values=row)
    assert (err.value.field, err.value.code) == ("since_start", "above_total")
    services.investment_adjust(actor=made.people.investment_officer, project=project, adjusted_total="1200",
                               note="增加生产线")
    report = services.monthly_report_submit(actor=made.people.steward, project=project, year=2023, month=1,
                                            values=row, at=at(2023, 1, 25, 23))
    assert report.is_late is False


def test_steward_scope(made):
    mine = made.project("XM-1")
    made.project("XM-2", steward=made.people.other_steward)
    assert list(selectors.project_list(actor=made.people.steward)) == [mine]
    assert selectors.project_list(actor=made.people.leader).count() == 2
    assert selectors.project_list(actor=made.people.outsider).count() == 0


def test_contract_change_on_history(made):
    project = made.project()
    contract = services.contract_sign(actor=made.people.investment_officer, project=project, number="QY-1",
                                      signed_on=dt.date(2023, 2, 1), amount="8000")
    services.contract_change(actor=made.people.investment_officer, contract=contract, amount="9000", note="增资")
    event = project.events.order_by("-seq").first()
    assert event.action == "contract_change"
    assert event.payload["before"]["amount"] == "8000.00"
    assert event.payload["after"]["amount"] == "9000.00"


def test_milestone_due_on_working_days(made):
    project = made.project()
    # 2023-09-28 (Thu) + 3 working days: 29 Sep – 6 Oct are the Mid-Autumn/National Day holidays, 7 and 8 Oct
    # are make-up working days.
    milestone = services.milestone_plan(actor=made.people.investment_officer, project=project,
                                        stage=workflow.STARTED, planned_on=dt.date(2023, 9, 28), limit_working_days=3)
    assert milestone.due_on == dt.date(2023, 10, 9)


def test_problem_becomes_a_case(made):
    from gaoxin.cases.models import Case, Category
    from gaoxin.projects.models import ProjectProblem

    project = made.project()
    category = Category.objects.filter(kind=Category.Kind.ENTERPRISE, is_assignable=True).order_by("code").first()
    assert category is not None
    with pytest.raises(PermissionDenied):
        services.project_problem_raise(actor=made.people.other_steward, project=project, kind="power",
                                       category_code=category.code, description="电力增容未落实")
    with pytest.raises(ApplicationError) as err:
        services.project_problem_raise(actor=made.people.steward, project=project, kind="power",
                                       category_code="XX", description="电力增容未落实")
    assert err.value.field == "category"
    assert Case.objects.count() == 0
    problem = services.project_problem_raise(actor=made.people.steward, project=project, kind="power",
                                             category_code=category.code, description="电力增容未落实")
    case = Case.objects.get()
    assert problem.case == case
    assert case.channel == "project"
    assert case.description == f"【重大项目 XM-1 {project.name}】电力增容未落实"
    assert ProjectProblem.objects.filter(project=project).count() == 1
    assert project.events.order_by("-seq").first().payload == {"case": case.number, "kind": "power"}


def test_lights_computed_and_kept(made):
    from gaoxin.projects.models import Light

    on_plan = made.project("XM-1", plan="1200")
    late = made.project("XM-2", plan="1200", planned_start=dt.date(2023, 1, 5))
    for project in (on_plan, late):
        Project.objects.filter(pk=project.pk).update(started_on=dt.date(2023, 1, 3) if project == on_plan else None)
    on_plan.refresh_from_db()
    services.monthly_report_submit(actor=made.people.steward, project=on_plan, year=2023, month=1,
                                   values=values("100", "100", "100", (100, 0, 0, 0)), at=at(2023, 1, 20))
    assert services.lights_compute(year=2023, month=1, at=at(2023, 1, 31, 23)) == 2
    got = {lt.project.code: (lt.start, lt.progress, lt.report, lt.overall) for lt in Light.objects.all()}
    # January: the pro-rata plan is 100 of 1200 (8.33 %), done 100: on track.
    assert got == {"XM-1": ("green", "green", "green", "green"), "XM-2": ("yellow", "green", "green", "yellow")}
    services.lights_compute(year=2023, month=3, at=at(2023, 3, 31, 23))
    assert Light.objects.filter(month=3, project=late).get().start == "red"
    assert Light.objects.count() == 4


def test_a_month_corrected_while_it_is_the_last(made):
    project = made.project(prior="0")
    steward = made.people.steward
    services.monthly_report_submit(actor=steward, project=project, year=2023, month=1,
                                   values=values("100", "100", "100", (100, 0, 0, 0)), at=at(2023, 1, 20))
    report = services.monthly_report_submit(actor=steward, project=project, year=2023, month=1,
                                            values=values("120", "120", "120", (100, 20, 0, 0)), at=at(2023, 1, 24))
    assert (report.ytd, report.installation, report.is_late) == (Decimal("120.00"), Decimal("20.00"), False)
    assert MonthlyReport.objects.count() == 1
    assert list(project.events.values_list("action", flat=True)) == ["registered", "report", "report_fix"]
    services.monthly_report_submit(actor=steward, project=project, year=2023, month=2,
                                   values=values("10", "130", "130", (110, 20, 0, 0)), at=at(2023, 2, 24))
    with pytest.raises(ApplicationError) as err:
        services.monthly_report_submit(actor=steward, project=project, year=2023, month=1,
                                       values=values("120", "120", "120", (100, 20, 0, 0)))
    assert err.value.code == "later_reported"


def test_the_steward_is_a_cadre(made):
    with pytest.raises(ApplicationError) as err:
        made.project(steward=made.people.leader)
    assert (err.value.field, err.value.code) == ("steward", "not_a_cadre")
    project = made.project()
    with pytest.raises(ApplicationError):
        services.project_steward_assign(actor=made.people.investment_officer, project=project,
                                        steward=made.people.land_officer)
    project.refresh_from_db()
    assert project.steward == made.people.steward
    services.project_steward_assign(actor=made.people.investment_officer, project=project,
                                    steward=made.people.other_steward)
    project.refresh_from_db()
    assert project.steward == made.people.other_steward

"""Pages of the key projects, per role (thin over the services and selectors; the policy decides):

- 项目管家 (steward): 我的项目 (the list, scoped to the projects it stewards), a project's page with the monthly
  report form and the problems it raised;
- 投资促进/经发局: the registry with totals, registration, contracts, stage moves through the gates, the lights
  board with the month's completeness, the monthly report Excel (template, upload, export);
- leaders: the project map with lights, the investment trend, drill-down to a project;
- 自然资源和规划局 and the others who read: the one-code dossier (一码) by parcel code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.cases import selectors as case_selectors
from gaoxin.core import clock
from gaoxin.core.calendar import SHANGHAI, local_today
from gaoxin.core.errors import ApplicationError, NotFound, PermissionDenied
from gaoxin.core.ledger import LedgerHasErrors
from gaoxin.core.validation import parse_date
from gaoxin.enterprises.models import Enterprise
from gaoxin.land import policy as land_policy
from gaoxin.land import selectors as land_selectors
from gaoxin.land.models import Permit
from gaoxin.projects import casebridge, identities, ledger, policy, selectors, services, workflow
from gaoxin.projects.models import Light, MonthlyReport, Project, ProjectProblem


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - login_required guarantees it
    return request.user


def _error(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    return render(request, "web/error.html", {"error": error}, status=error.status)


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _year(value: Any, default: int) -> int:
    """A year asked for in a query string, kept within 2000–2100 (a date of year 0 would not exist)."""
    return min(max(_int(value, default), 2000), 2100)


def _period(request: HttpRequest) -> tuple[int, int]:
    today = local_today()
    year = _year(request.GET.get("year"), today.year)
    month = min(max(_int(request.GET.get("month"), today.month if year == today.year else 12), 1), 12)
    return year, month


def _require_reader(actor: User) -> None:
    """Who may open the project pages: the roles that read them all, and the cadres (项目管家: their own)."""
    if not (policy.may_read_all(actor) or actor.role == Role.SERVICE_CADRE):
        raise PermissionDenied("无权查看重大项目")


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    try:
        _require_reader(actor)
    except ApplicationError as exc:
        return _error(request, exc)
    filters = {k: request.GET.get(k, "") for k in ("year", "level", "category", "stage", "q", "key")}
    projects = selectors.project_list(actor=actor, filters=filters)
    started_year = request.GET.get("started_year")
    if started_year:
        projects = projects.filter(started_on__year=_year(started_year, 2000))
    totals = projects.aggregate(n=Count("pk"), total=Sum("total_investment"), plan=Sum("annual_plan"))
    mine = not policy.may_read_all(actor)
    return render(request, "projects/list.html", {
        "projects": projects[:500], "totals": totals, "filters": filters, "mine": mine,
        "levels": Project.Level.choices, "categories": Project.Category.choices, "stages": workflow.STAGE_CHOICES,
        "may_manage": policy.may_manage(actor)})


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    if not policy.may_manage(actor):
        return _error(request, PermissionDenied("只有经济发展局（投资促进）可以登记重大项目"))
    error = None
    if request.method == "POST":
        data = request.POST
        try:
            investor = Enterprise.objects.filter(credit_code=data.get("investor", "").strip().upper()).first()
            if investor is None:
                raise ApplicationError("投资主体：统一社会信用代码不在企业库中", field="investor")
            steward = None
            if data.get("steward"):
                steward = User.objects.filter(username=data["steward"].strip(), is_active=True).first()
                if steward is None:
                    raise ApplicationError("项目管家：用户不存在", field="steward")
            project = services.project_register(
                actor=actor, code=data.get("code", ""), name=data.get("name", ""), investor=investor,
                year=_int(data.get("year"), 0), total_investment=data.get("total_investment"),
                annual_plan=data.get("annual_plan"), level=data.get("level", ""), category=data.get("category", ""),
                planned_start=parse_date(data.get("planned_start")), steward=steward)
            return HttpResponseRedirect(reverse("projects:detail", args=[project.pk]))
        except ApplicationError as exc:
            error = exc
        except ValueError as exc:
            error = ApplicationError(f"计划开工日期：{exc}", field="planned_start")
    return render(request, "projects/new.html", {"error": error, "data": request.POST,
                                                 "levels": Project.Level.choices,
                                                 "categories": Project.Category.choices},
                  status=400 if error else 200)


def _openable_cases(actor: User, case_ids: list[int]) -> set[int]:
    """The cases among ``case_ids`` whose page the actor may open (a problem's case is handled by the unit it was
    dispatched to; others see its number and state, without a link to a page they may not open)."""
    return set(case_selectors.case_list(actor=actor).filter(pk__in=case_ids).values_list("pk", flat=True))


def _detail_context(actor: User, project: Project) -> dict[str, Any]:
    facts = services.project_facts(project)
    to = workflow.next_stage(project.stage)
    missing = [] if to is None else workflow.refusals(project.stage, to, facts)
    problems = list(project.problems.select_related("case").order_by("-raised_at"))
    openable = _openable_cases(actor, [p.case_id for p in problems])
    for p in problems:
        p.state_label = casebridge.STATE_LABELS.get(p.case.state, p.case.state)  # type: ignore[attr-defined]
        p.closed = p.case.state in casebridge.CLOSED_STATES  # type: ignore[attr-defined]
        p.case_open = p.case_id in openable  # type: ignore[attr-defined]
    reports = list(project.reports.order_by("-year", "-month")[:24])
    last = reports[0] if reports else None
    year, month = (last.year, last.month + 1) if last else (project.year, 1)
    if month > 12:
        year, month = year + 1, 1
    return {
        "project": project, "contracts": project.contracts.order_by("-signed_on"),
        "parcels": project.parcels.select_related("supply").order_by("parcel_code"),
        "reports": reports, "lights": project.lights.order_by("-year", "-month")[:12], "problems": problems,
        "events": project.events.select_related("actor").order_by("-seq")[:30],
        "milestones": project.milestones.order_by("planned_on"),
        "next_stage": to, "next_label": workflow.STAGES.get(to or "", ""),
        "missing": [m if isinstance(m, str) else m.label for m in missing],
        "stages": [(code, label, workflow.at_least(project.stage, code)) for code, label in workflow.STAGE_CHOICES],
        "may_manage": policy.may_manage(actor), "may_report": policy.may_report(actor, project),
        "fields": identities.FIELDS, "next_year": year, "next_month": month,
        "problem_kinds": ProjectProblem.Kind.choices,
        "categories": casebridge.problem_categories(),
        "ceiling": project.investment_ceiling,
    }


def _project(actor: User, pk: int) -> Project:
    project = selectors.project_get(actor=actor, pk=pk)
    if project is None:
        raise NotFound("项目不存在（或不在您的范围内）")
    return project


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _user(request)
    try:
        project = _project(actor, pk)
    except ApplicationError as exc:
        return _error(request, exc)
    return render(request, "projects/detail.html", _detail_context(actor, project))


def _detail_error(request: HttpRequest, actor: User, project: Project, error: ApplicationError,
                  form: str) -> HttpResponse:
    project.refresh_from_db()
    return render(request, "projects/detail.html", {**_detail_context(actor, project), "error": error, "form": form,
                                                    "data": request.POST}, status=error.status)


@login_required
@require_POST
def project_advance(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _user(request)
    try:
        project = _project(actor, pk)
    except ApplicationError as exc:
        return _error(request, exc)
    try:
        on = parse_date(request.POST.get("on")) or local_today()
        services.project_advance(actor=actor, project=project, to=request.POST.get("to", ""), on=on,
                                 note=request.POST.get("note", ""))
    except ApplicationError as exc:
        return _detail_error(request, actor, project, exc, "advance")
    except ValueError as exc:
        return _detail_error(request, actor, project, ApplicationError(f"日期：{exc}", field="on"), "advance")
    return HttpResponseRedirect(reverse("projects:detail", args=[pk]))


@login_required
@require_POST
def contract_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """签约 or, with ``contract``, the change of a signed contract (its before and after on the history)."""
    actor = _user(request)
    try:
        project = _project(actor, pk)
    except ApplicationError as exc:
        return _error(request, exc)
    data = request.POST
    try:
        signed_on = parse_date(data.get("signed_on"))
        if data.get("contract"):
            contract = project.contracts.filter(pk=_int(data["contract"], 0)).first()
            if contract is None:
                raise ApplicationError("合同：不存在", field="contract", code="not_found")
            services.contract_change(actor=actor, contract=contract, amount=data.get("amount") or None,
                                     signed_on=signed_on, note=data.get("note", ""))
        else:
            if signed_on is None:
                raise ApplicationError("签约日期：不能为空", field="signed_on", code="required")
            services.contract_sign(actor=actor, project=project, number=data.get("number", ""), signed_on=signed_on,
                                   amount=data.get("amount"), counterpart=data.get("counterpart") or "郑州高新区管委会")
    except ValueError as exc:
        return _detail_error(request, actor, project, ApplicationError(f"签约日期：{exc}", field="signed_on"),
                             "contract")
    except ApplicationError as exc:
        return _detail_error(request, actor, project, exc, "contract")
    return HttpResponseRedirect(reverse("projects:detail", args=[pk]))


@login_required
@require_POST
def milestone_plan(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _user(request)
    try:
        project = _project(actor, pk)
    except ApplicationError as exc:
        return _error(request, exc)
    try:
        planned = parse_date(request.POST.get("planned_on"))
        if planned is None:
            raise ApplicationError("计划日期：不能为空", field="planned_on", code="required")
        services.milestone_plan(actor=actor, project=project, stage=request.POST.get("stage", ""), planned_on=planned,
                                limit_working_days=_int(request.POST.get("limit_working_days"), -1))
    except ValueError as exc:
        return _detail_error(request, actor, project, ApplicationError(f"计划日期：{exc}", field="planned_on"),
                             "milestone")
    except ApplicationError as exc:
        return _detail_error(request, actor, project, exc, "milestone")
    return HttpResponseRedirect(reverse("projects:detail", args=[pk]) + "#milestones")


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _user(request)
    try:
        project = _project(actor, pk)
    except ApplicationError as exc:
        return _error(request, exc)
    try:
        services.monthly_report_submit(
            actor=actor, project=project, year=request.POST.get("year"), month=request.POST.get("month"),  # type: ignore[arg-type]
            values={name: request.POST.get(name, "") for name in identities.FIELDS},
            progress_note=request.POST.get("progress_note", ""))
    except ApplicationError as exc:
        return _detail_error(request, actor, project, exc, "report")
    return HttpResponseRedirect(reverse("projects:detail", args=[pk]) + "#reports")


@login_required
@require_POST
def problem_raise(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _user(request)
    try:
        project = _project(actor, pk)
    except ApplicationError as exc:
        return _error(request, exc)
    try:
        services.project_problem_raise(actor=actor, project=project, kind=request.POST.get("kind", ""),
                                       category_code=request.POST.get("category", ""),
                                       description=request.POST.get("description", ""))
    except ApplicationError as exc:
        return _detail_error(request, actor, project, exc, "problem")
    return HttpResponseRedirect(reverse("projects:detail", args=[pk]) + "#problems")


@login_required
@require_GET
def problem_list(request: HttpRequest) -> HttpResponse:
    """The problems of the projects in scope (the steward's own), with their cases' progress."""
    actor = _user(request)
    try:
        _require_reader(actor)
    except ApplicationError as exc:
        return _error(request, exc)
    problems = list(selectors.problem_list(actor=actor)[:500])
    openable = _openable_cases(actor, [p.case_id for p in problems])
    for p in problems:
        p.case_open = p.case_id in openable  # type: ignore[attr-defined]
    rows = [(p, casebridge.STATE_LABELS.get(p.case.state, p.case.state), p.case.state in casebridge.CLOSED_STATES)
            for p in problems]
    return render(request, "projects/problems.html", {"rows": rows, "open": sum(1 for r in rows if not r[2])})


@login_required
@require_GET
def lights_board(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    if not policy.may_read_all(actor):
        return _error(request, PermissionDenied("红黄绿灯看板面向经济发展局和区领导"))
    year, month = _period(request)
    board = list(selectors.light_board(actor=actor, year=year, month=month))
    order = {"red": 0, "yellow": 1, "green": 2}
    board.sort(key=lambda lt: (order[lt.overall], lt.project.code))
    counts = {c: sum(1 for lt in board if lt.overall == c) for c in order}
    return render(request, "projects/lights.html", {
        "board": board, "counts": counts, "year": year, "month": month, "months": range(1, 13),
        "completeness": selectors.completeness(actor=actor, year=year, month=month)})


@login_required
@require_GET
def project_map(request: HttpRequest) -> HttpResponse:
    """Leaders: the projects on the map with their lights of the month, and the zone's monthly investment."""
    actor = _user(request)
    if not policy.may_read_all(actor):
        return _error(request, PermissionDenied("项目地图面向经济发展局和区领导"))
    year, month = _period(request)
    lights = {lt.project_id: lt.overall for lt in Light.objects.filter(year=year, month=month)}
    projects = selectors.project_list(actor=actor, filters={"year": year}).exclude(lon=None)
    points = [{"lon": p.lon, "lat": p.lat, "label": f"{p.code} {p.name}", "light": lights.get(p.pk, ""),
               "url": reverse("projects:detail", args=[p.pk])} for p in projects]
    trend = list(MonthlyReport.objects.filter(project__in=selectors.project_list(actor=actor), year=year)
                 .values("month").annotate(amount=Sum("this_month"),
                                           key=Sum("this_month", filter=Q(project__level__in=("province", "city"))))
                 .order_by("month"))
    peak = max((row["amount"] for row in trend), default=Decimal(0)) or Decimal(1)
    for row in trend:
        row["width"] = int(row["amount"] / peak * 100)
    return render(request, "projects/map.html", {"points": {"points": points}, "trend": trend, "year": year,
                                                 "month": month, "months": range(1, 13)})


@login_required
@require_GET
def contract_list(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    try:
        _require_reader(actor)
    except ApplicationError as exc:
        return _error(request, exc)
    year = _year(request.GET.get("year"), clock.now().astimezone(SHANGHAI).year)
    contracts = selectors.contract_list(actor=actor, start=dt.date(year, 1, 1), end=dt.date(year + 1, 1, 1))
    total = contracts.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return render(request, "projects/contracts.html", {"contracts": contracts, "year": year, "total": total,
                                                       "total_yi": total / 10_000})


@login_required
@require_http_methods(["GET", "POST"])
def reports_excel(request: HttpRequest) -> HttpResponse:
    """The monthly reports in Excel: template, upload (checked; written only when clean), export."""
    actor = _user(request)
    try:
        _require_reader(actor)
    except ApplicationError as exc:
        return _error(request, exc)
    if request.GET.get("download") == "template":
        return _xlsx(ledger.ledger_template(), "项目投资月报模板.xlsx")
    if request.GET.get("download") == "export":
        year = _year(request.GET.get("year"), clock.now().astimezone(SHANGHAI).year)
        return _xlsx(ledger.ledger_export_reports(actor=actor, year=year), f"项目投资月报{year}.xlsx")
    context: dict[str, Any] = {"year": clock.now().astimezone(SHANGHAI).year}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = ApplicationError("请选择要上传的 Excel 文件", field="file")
            status = 400
        else:
            try:
                result = ledger.ledger_import_commit(actor=actor, file=upload)
                context["written"] = result.created.get("reports", 0)
            except LedgerHasErrors as exc:
                if request.POST.get("error_workbook"):  # the uploaded file with a 错误说明 column
                    return _xlsx(exc.preview.error_workbook(), "项目投资月报（错误说明）.xlsx")
                context["error"] = exc
                context["bad_rows"] = exc.extra.get("bad_rows", [])
                status = exc.status
            except ApplicationError as exc:
                context["error"] = exc
                status = exc.status
    return render(request, "projects/excel.html", context, status=status)


def _xlsx(content: bytes, name: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_GET
def dossier(request: HttpRequest) -> HttpResponse:
    """一码: the parcel code opens one dossier — parcel, supply, permits, project, investor, monthly progress,
    problems. A map click arrives as lon/lat and is located to its parcel."""
    actor = _user(request)
    if not land_policy.may_read(actor):
        return _error(request, PermissionDenied("无权查看宗地档案"))
    code = (request.GET.get("code") or "").strip()
    parcel = None
    if request.GET.get("lon") and request.GET.get("lat"):
        try:
            parcel = land_selectors.parcel_at(actor=actor, lon=float(request.GET["lon"]), lat=float(request.GET["lat"]))
        except ValueError:
            parcel = None
    elif code:
        parcel = land_selectors.parcel_by_code(actor=actor, code=code)
    if parcel is None:
        status = 404 if code or request.GET.get("lon") else 200
        return render(request, "projects/dossier.html", {"code": code, "searched": status == 404}, status=status)
    supply = getattr(parcel, "supply", None)
    permits = {p.kind: p for p in parcel.permits.all()}
    project_ids = policy.project_scope_q(actor=actor)
    projects = list(parcel.projects.filter(project_ids).select_related("investor", "steward"))
    reports = (MonthlyReport.objects.filter(project__in=projects).select_related("project")
               .order_by("-year", "-month")[:12])
    problems = [(p, casebridge.STATE_LABELS.get(p.case.state, p.case.state))
                for pr in projects for p in pr.problems.select_related("case")]
    return render(request, "projects/dossier.html", {
        "code": parcel.parcel_code, "parcel": parcel, "supply": supply,
        "permits": [(label, permits.get(kind)) for kind, label in Permit.Kind.choices],
        "projects": projects, "reports": reports, "problems": problems,
        "geometry": {"geometry": parcel.geometry, "points": []}})

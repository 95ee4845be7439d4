"""The enterprise service on the web (万人助万企, 企业家接待日): the registry with its filters and Excel export, an
enterprise's dossier, the visits (list, record one with the problems raised), the reception days (list, hold one,
its page with the problems raised and their cases). Thin over ``enterprises.services`` and its selectors; every
list is scoped by them, totals the records it shows, and takes the filters the report's figures link with."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gaoxin.accounts.models import OrgUnit
from gaoxin.accounts.roles import Role
from gaoxin.cases.models import Satisfaction
from gaoxin.core.errors import ApplicationError
from gaoxin.core.pages import filter_text
from gaoxin.core.validation import parse_date
from gaoxin.enterprises import casebridge, masking, services_problems
from gaoxin.enterprises import selectors as registry
from gaoxin.enterprises import selectors_visits as campaign
from gaoxin.enterprises.ledger.enterprises import ledger_export_enterprises
from gaoxin.enterprises.ledger.visits import ledger_export_visits
from gaoxin.enterprises.models import Enterprise, EnterpriseProblem, IndustrialChain, QualificationType
from gaoxin.enterprises.selectors import EnterpriseFilters
from gaoxin.enterprises.selectors_visits import VisitFilters
from gaoxin.web.access import actor_of, error_page, role_required

# Who works with the registry and the campaign on the web: the cadres, the data officers, leaders and admins.
ENTERPRISE_ROLES = frozenset({Role.SERVICE_CADRE, Role.DATA_OFFICER, Role.LEADER, Role.ADMIN})
PAGE_SIZE = 50
PROBLEM_ROWS = 3
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(request: HttpRequest, qs: QuerySet[Any] | list[Any]) -> Any:
    raw = request.GET.get("page") or "1"
    if not raw.isdecimal() or len(raw) > 6:
        raise ApplicationError(_("页码应为正整数"), field="page", code="bad_page")
    paginator = Paginator(qs, PAGE_SIZE)
    return paginator.get_page(int(raw))


def _int(params: QueryDict, name: str, label: str) -> int | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdecimal() or len(raw) > 9:
        raise ApplicationError(_("%(label)s应为数字") % {"label": label}, field=name, code="bad_number")
    return int(raw)


def _date(params: QueryDict, name: str, label: str) -> dt.date | None:
    try:
        value = parse_date(params.get(name) or None)
    except ValueError:
        raise ApplicationError(_("%(label)s格式不正确（应为 YYYY-MM-DD）") % {"label": label}, field=name,
                               code="bad_date") from None
    if value is not None and not 2000 <= value.year <= 2100:
        raise ApplicationError(_("%(label)s应在 2000–2100 年之间") % {"label": label}, field=name, code="bad_date")
    return value


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- the registry ------------------------------------------------------------------------------------------------

def enterprise_filters(params: QueryDict) -> EnterpriseFilters:
    """The registry list's filters as the page (and the figures' links) give them."""
    qualification = filter_text(params.get("qualification"))
    if qualification and not QualificationType.objects.filter(code=qualification).exists():
        raise ApplicationError(_("未知的资质类型：%(q)s") % {"q": qualification}, field="qualification")
    chain = filter_text(params.get("chain"))
    if chain and not IndustrialChain.objects.filter(code=chain).exists():
        raise ApplicationError(_("未知的产业链：%(c)s") % {"c": chain}, field="chain")
    return EnterpriseFilters(
        q=filter_text(params.get("q"), max_length=100), street_id=_int(params, "street", _("办事处")), chain=chain,
        size=filter_text(params.get("size"), max_length=8), qualification=qualification,
        qualification_year=_int(params, "qualification_year", _("资质年度")),
        new_only=params.get("new_only") in ("1", "true"),
    )


@require_GET
@role_required(ENTERPRISE_ROLES)
def enterprise_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    try:
        filters = enterprise_filters(request.GET)
        qs = registry.enterprise_list(actor=actor, filters=filters)
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(ledger_export_enterprises(actor=actor, filters=filters), content_type=XLSX)
            response["Content-Disposition"] = 'attachment; filename="enterprises.xlsx"'
            return response
        page = _page(request, qs)
    except ApplicationError as error:
        return error_page(request, error)
    return render(request, "web/enterprises/list.html", {
        "page": page, "total": page.paginator.count, "filters": filters, "query": _query(request),
        "streets": OrgUnit.objects.filter(kind=OrgUnit.Kind.STREET_OFFICE).order_by("code"),
        "chains": IndustrialChain.objects.order_by("sort_order", "code"),
        "qualifications": QualificationType.objects.filter(is_active=True).order_by("sort_order", "code"),
    })


@require_GET
@role_required(ENTERPRISE_ROLES)
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An enterprise's dossier (一企一档): registry data (contact masked), qualifications by year, visits, the
    problems raised and the cases they became."""
    actor = actor_of(request)
    try:
        enterprise = registry.enterprise_get(actor=actor, pk=pk)
    except ApplicationError as error:
        return error_page(request, error)
    problems = campaign.problem_list(actor=actor).filter(enterprise=enterprise).order_by("-raised_on", "-pk")
    return render(request, "web/enterprises/detail.html", {
        "enterprise": enterprise,
        "contact": {"name": masking.mask_name(enterprise.contact_name), "phone": masking.mask_phone(
            enterprise.contact_phone)},
        "awards": enterprise.awards.select_related("qualification_type").order_by("-year", "qualification_type"),
        "visits": campaign.visit_list(actor=actor, filters=VisitFilters(enterprise_id=enterprise.pk))[:50],
        "problems": [campaign.problem_row(p) for p in problems[:100]],
        "chains": enterprise.chains.all(),
        "figures": enterprise.annual_figures.order_by("-year"),
    })


# --- visits ------------------------------------------------------------------------------------------------------

def visit_filters(params: QueryDict) -> VisitFilters:
    with_problems = params.get("with_problems")
    return VisitFilters(
        date_from=_date(params, "visited_from", _("走访日期起")),
        date_to=_date(params, "visited_to", _("走访日期止")),
        enterprise_id=_int(params, "enterprise", _("企业")), street_id=_int(params, "street", _("办事处")),
        with_problems=None if with_problems in (None, "") else with_problems == "1",
    )


@require_GET
@role_required(ENTERPRISE_ROLES)
def visit_list(request: HttpRequest) -> HttpResponse:
    """万人助万企 visits, filtered by dates (inclusive), enterprise, street, with or without problems."""
    actor = actor_of(request)
    try:
        filters = visit_filters(request.GET)
        qs = campaign.visit_list(actor=actor, filters=filters)
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(ledger_export_visits(actor=actor, filters=filters), content_type=XLSX)
            response["Content-Disposition"] = 'attachment; filename="visits.xlsx"'
            return response
        page = _page(request, qs)
    except ApplicationError as error:
        return error_page(request, error)
    problems = _problem_counts(EnterpriseProblem.objects.filter(visit__in=[v.pk for v in page.object_list]),
                               "visit_id")
    # A cadre's own visits are listed even to an enterprise outside the cadre's scope; its dossier is not open to
    # them, so only those in scope link to it.
    in_scope = set(registry.enterprise_list(actor=actor).filter(
        pk__in=[v.enterprise_id for v in page.object_list]).values_list("pk", flat=True))
    for visit in page.object_list:
        visit.problem_counts = problems.get(visit.pk, (0, 0))
        visit.enterprise_open = visit.enterprise_id in in_scope
    return render(request, "web/enterprises/visits.html", {
        "page": page, "total": page.paginator.count, "filters": filters, "query": _query(request),
        "may_record": actor.is_superuser or actor.role in services_problems.VISIT_ROLES,
    })


def _problem_counts(qs: QuerySet[EnterpriseProblem], key: str) -> dict[int, tuple[int, int]]:
    """(raised, resolved) per visit or session, for the rows of one page."""
    out: dict[int, tuple[int, int]] = {}
    for problem in qs.select_related("case").only(key, "case__state"):
        raised, resolved = out.get(getattr(problem, key), (0, 0))
        done = problem.case is not None and problem.case.state in casebridge.CLOSED_STATES
        out[getattr(problem, key)] = (raised + 1, resolved + (1 if done else 0))
    return out


def _enterprise_from(actor: Any, text: str) -> Enterprise:
    """The enterprise a cadre names by its credit code or its exact name (in the cadre's scope)."""
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("请填写企业的统一社会信用代码或名称"), field="enterprise", code="required")
    qs = registry.enterprise_list(actor=actor)
    found = list(qs.filter(Q(credit_code=text.upper()) | Q(name=text))[:2])
    if len(found) == 1:
        return found[0]
    if not found:
        raise ApplicationError(_("企业库中没有“%(t)s”（或不在您的管辖范围内）") % {"t": text}, field="enterprise",
                               code="unknown")
    raise ApplicationError(_("“%(t)s”对应多家企业，请填写统一社会信用代码") % {"t": text}, field="enterprise",
                           code="ambiguous")


def _problems_from(post: QueryDict) -> list[services_problems.ProblemInput]:
    problems = []
    for i in range(PROBLEM_ROWS):
        description = (post.get(f"problem_{i}_description") or "").strip()
        category = post.get(f"problem_{i}_category") or ""
        if not description and not category:
            continue
        problems.append(services_problems.ProblemInput(category=category, description=description,
                                                       department=post.get(f"problem_{i}_department") or None))
    return problems


def _problem_choices() -> dict[str, Any]:
    return {"categories": casebridge.enterprise_categories(),
            "departments": OrgUnit.objects.filter(kind__in=(OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.STREET_OFFICE))
            .order_by("code"), "problem_rows": range(PROBLEM_ROWS)}


@role_required(frozenset(services_problems.VISIT_ROLES))
def visit_new(request: HttpRequest) -> HttpResponse:
    """Record a visit: the enterprise, the date, who went, what was found, and up to three problems raised (each
    becomes a case routed to the responsible unit)."""
    actor = actor_of(request)
    error: ApplicationError | None = None
    if request.method == "POST":
        post = request.POST
        try:
            enterprise = _enterprise_from(actor, post.get("enterprise", ""))
            visit = services_problems.visit_record(
                actor=actor, enterprise=enterprise, visited_on=post.get("visited_on") or "",
                participants=post.get("participants", ""), notes=post.get("notes", ""),
                revisit_on=post.get("revisit_on") or None, problems=_problems_from(post))
        except ApplicationError as exc:
            error = exc
        else:
            count = EnterpriseProblem.objects.filter(visit=visit).count()
            messages.success(request, _("已登记对 %(e)s 的走访，提出问题 %(n)s 个，已转为案件办理。")
                             % {"e": enterprise.name, "n": count})
            return HttpResponseRedirect(reverse("web:enterprise_detail", args=[enterprise.pk]), status=303)
    return render(request, "web/enterprises/visit_new.html",
                  {"form": request.POST, "error": error, **_problem_choices(),
                   "initial_enterprise": request.POST.get("enterprise") or request.GET.get("enterprise", "")},
                  status=error.status if error else 200)


# --- reception days ------------------------------------------------------------------------------------------------

@require_GET
@role_required(ENTERPRISE_ROLES)
def reception_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    try:
        held_from = _date(request.GET, "held_from", _("接待日期起"))
        held_to = _date(request.GET, "held_to", _("接待日期止"))
        qs = campaign.reception_session_list(actor=actor)
        if held_from:
            qs = qs.filter(held_on__gte=held_from)
        if held_to:
            qs = qs.filter(held_on__lte=held_to)
        page = _page(request, qs)
    except ApplicationError as error:
        return error_page(request, error)
    counts = _problem_counts(EnterpriseProblem.objects.filter(session__in=[s.pk for s in page.object_list]),
                             "session_id")
    for session in page.object_list:
        session.problem_counts = counts.get(session.pk, (0, 0))
    return render(request, "web/enterprises/receptions.html", {
        "page": page, "total": page.paginator.count, "query": _query(request),
        "held_from": request.GET.get("held_from", ""), "held_to": request.GET.get("held_to", ""),
        "may_hold": actor.is_superuser or actor.role in services_problems.RECEPTION_ROLES,
    })


@role_required(frozenset(services_problems.RECEPTION_ROLES))
def reception_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    error: ApplicationError | None = None
    if request.method == "POST":
        post = request.POST
        try:
            departments = list(OrgUnit.objects.filter(pk__in=[int(v) for v in post.getlist("departments")
                                                              if v.isdecimal()]))
            session = services_problems.reception_session_create(
                actor=actor, held_on=post.get("held_on") or "", leader_name=post.get("leader_name", ""),
                title=post.get("title", ""), location=post.get("location", ""), departments=departments)
        except ApplicationError as exc:
            error = exc
        else:
            return HttpResponseRedirect(reverse("web:reception_detail", args=[session.pk]), status=303)
    return render(request, "web/enterprises/reception_new.html", {
        "form": request.POST, "error": error,
        "departments": OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).order_by("code"),
    }, status=error.status if error else 200)


@role_required(ENTERPRISE_ROLES)
def reception_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A reception day: who received, the departments, the enterprises, every problem raised with its case; the
    cadre or leader records the problems an enterprise raises there."""
    actor = actor_of(request)
    error: ApplicationError | None = None
    may_raise = actor.is_superuser or actor.role in services_problems.RECEPTION_ROLES
    if request.method == "POST":
        try:
            if not may_raise:
                raise ApplicationError(_("当前角色无权登记接待日问题"), code="reception_role", status=403)
            session = campaign.reception_session_page(actor=actor, session_id=pk)["session"]
            enterprise = _enterprise_from(actor, request.POST.get("enterprise", ""))
            raised = services_problems.reception_problems_raise(actor=actor, session=session, enterprise=enterprise,
                                                                problems=_problems_from(request.POST))
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(request, _("已登记 %(e)s 提出的问题 %(n)s 个，已转为案件办理。")
                             % {"e": enterprise.name, "n": len(raised)})
            return HttpResponseRedirect(reverse("web:reception_detail", args=[pk]), status=303)
    try:
        data = campaign.reception_session_page(actor=actor, session_id=pk)
    except ApplicationError as exc:
        return error_page(request, exc)
    return render(request, "web/enterprises/reception.html", {
        **data, "error": error, "form": request.POST, "may_raise": may_raise, **_problem_choices()},
        status=error.status if error else 200)


# --- the enterprise's own pages (我的问题, 通知) ---------------------------------------------------------------

ENTERPRISE_USER = frozenset({Role.ENTERPRISE})


@role_required(ENTERPRISE_USER)
def my_problem_list(request: HttpRequest) -> HttpResponse:
    """The problems the enterprise raised at visits and reception days, each with where its handling stands."""
    actor = actor_of(request)
    try:
        problems = campaign.my_problems(actor=actor)
        unread = campaign.my_notifications(actor=actor, unread_only=True).count()
    except ApplicationError as exc:
        return error_page(request, exc)
    return render(request, "web/enterprises/my_problems.html", {
        "page": _page(request, problems), "total": len(problems), "unread": unread,
        "resolved": sum(1 for p in problems if p["resolved"]), "query": _query(request)})


@role_required(ENTERPRISE_USER)
def my_problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One problem: its progress, the handling unit's answer, and the enterprise's rating of it."""
    actor = actor_of(request)
    error: ApplicationError | None = None
    if request.method == "POST":
        try:
            services_problems.problem_evaluate(actor=actor, problem_id=pk,
                                               satisfaction=request.POST.get("satisfaction", ""),
                                               comment=request.POST.get("comment", ""))
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(request, _("评价已提交，谢谢！"))
            return HttpResponseRedirect(reverse("web:my_problem_detail", args=[pk]), status=303)
    try:
        problem = campaign.my_problem_detail(actor=actor, problem_id=pk)
    except ApplicationError as exc:
        return error_page(request, exc)
    return render(request, "web/enterprises/my_problem.html", {
        "p": problem, "error": error, "form": request.POST, "satisfactions": Satisfaction.choices,
        "may_rate": problem["can_evaluate"] and not problem["satisfaction"]},
        status=error.status if error else 200)


@role_required(ENTERPRISE_USER)
def my_notification_list(request: HttpRequest) -> HttpResponse:
    """What the enterprise was told; opening one marks it read and goes to its problem."""
    actor = actor_of(request)
    if request.method == "POST":
        try:
            notice = services_problems.notification_mark_read(
                actor=actor, notification_id=_int(request.POST, "notification", _("通知")) or 0)
        except ApplicationError as exc:
            return error_page(request, exc)
        target = (reverse("web:my_problem_detail", args=[notice.problem_id]) if notice.problem_id
                  else reverse("web:my_notification_list"))
        return HttpResponseRedirect(target, status=303)
    try:
        notices = campaign.my_notifications(actor=actor).select_related("problem")
    except ApplicationError as exc:
        return error_page(request, exc)
    return render(request, "web/enterprises/my_notifications.html", {
        "page": _page(request, notices), "total": notices.count(), "query": _query(request)})

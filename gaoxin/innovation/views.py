"""Pages of innovation and technology transfer, thin over the services and selectors:

- 科技创新局 officers: the board, demands (with the matching board on each demand), achievements (with listing),
  matchmaking events, institutions, contracts (recognition and registration), projects;
- enterprises: my demands and their proposals, my contracts;
- institutions: my achievements;
- leaders: the board (turnover, matches, demands by chain; talent by chain is on the talent board).

Every list is scoped by its selector and exports to Excel; demands and achievements also import."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core import clock, pages
from gaoxin.core.calendar import SHANGHAI, local_today
from gaoxin.core.errors import ApplicationError, NotFound, PermissionDenied
from gaoxin.core.ledger import LedgerHasErrors
from gaoxin.core.validation import parse_date
from gaoxin.enterprises.models import Enterprise, IndustrialChain
from gaoxin.enterprises.scope import own_enterprise_id
from gaoxin.enterprises.selectors_visits import visit_list
from gaoxin.innovation import ledger, policy, selectors, services
from gaoxin.innovation.matching.service import recommend_for_achievement
from gaoxin.innovation.models import (
    READINESS_LABELS,
    Achievement,
    InnovationProject,
    Institution,
    TechContract,
    TechDemand,
)


def actor_of(request: HttpRequest) -> User:
    user = pages.actor_of(request)
    assert isinstance(user, User)
    return user


page = pages.page


def is_enterprise(user: User) -> bool:
    return user.role == Role.ENTERPRISE and own_enterprise_id(user) is not None


def is_institution(user: User) -> bool:
    return policy.own_institution_id(user) is not None


def may_see_demands(user: User) -> bool:
    return policy.is_reader(user) or is_enterprise(user) or is_institution(user) or user.role == Role.SERVICE_CADRE


def may_see_achievements(user: User) -> bool:
    return policy.is_reader(user) or is_enterprise(user) or is_institution(user)


def may_see_contracts(user: User) -> bool:
    return policy.is_reader(user) or is_enterprise(user) or is_institution(user)


def _filters(request: HttpRequest) -> selectors.Filters:
    year = request.GET.get("year", "")
    return selectors.Filters(status=pages.param(request, "status", max_length=20),
                             field=pages.param(request, "field", max_length=32), q=pages.param(request, "q"),
                             year=int(year) if year.isdecimal() and 2000 <= int(year) <= 2100 else None)


_xlsx = pages.xlsx_response


def _get(model: type[Any], qs: Any, pk: int) -> Any:
    found = qs.filter(pk=pk).first()
    if found is None:
        raise NotFound(_("记录不存在或不在您的范围内"))
    return found


def _year(request: HttpRequest) -> int:
    text = request.GET.get("year", "")
    if text.isdecimal() and 2000 <= int(text) <= 2100:
        return int(text)
    return selectors.latest_year(default=clock.now().astimezone(SHANGHAI).year)


# --- board -------------------------------------------------------------------------------------------------

@page(policy.is_reader)
def board(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    return render(request, "innovation/board.html", {"year": year, "b": selectors.board(actor=actor_of(request),
                                                                                          year=year)})


# --- demands -----------------------------------------------------------------------------------------------

@page(may_see_demands)
def demand_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    qs = selectors.demand_list(actor=actor, filters=_filters(request))
    if request.GET.get("export") == "xlsx":
        return _xlsx(ledger.ledger_export_demands(qs), "tech-demands.xlsx")
    return render(request, "innovation/demands.html", {
        "page": pages.paged(request, qs), "total": qs.count(), "filters": _filters(request),
        "statuses": TechDemand.Status.choices, "fields": IndustrialChain.objects.all(),
        "may_post": policy.is_officer(actor) or is_enterprise(actor), "is_officer": policy.is_officer(actor)})


@page(lambda u: policy.is_officer(u) or is_enterprise(u) or u.role == Role.SERVICE_CADRE)
def demand_new(request: HttpRequest) -> HttpResponse:
    """An enterprise posts its demand; an officer records one; a 助企干部 records one on a visit (``?visit=``)."""
    actor = actor_of(request)
    visit = None
    visit_id = request.GET.get("visit") or request.POST.get("visit") or ""
    if visit_id.isdecimal():
        visit = visit_list(actor=actor).filter(pk=int(visit_id)).select_related("enterprise").first()
        if visit is None:
            raise NotFound(_("记录不存在或不在您的范围内"))
    if actor.role == Role.SERVICE_CADRE and visit is None:
        raise ApplicationError(_("走访：助企干部在走访中记录技术需求，请从走访进入"), field="visit", code="required")
    if visit is not None:
        enterprises = Enterprise.objects.filter(pk=visit.enterprise_id)
    elif is_enterprise(actor):
        enterprises = Enterprise.objects.filter(pk=own_enterprise_id(actor) or 0)
    else:
        enterprises = Enterprise.objects.order_by("name")
    error = None
    if request.method == "POST":
        data = request.POST
        try:
            enterprise = enterprises.filter(pk=pages.posted_id(data.get("enterprise"))).first()
            if enterprise is None:
                raise ApplicationError(_("企业：请选择企业"), field="enterprise", code="required")
            try:
                deadline = parse_date(data.get("deadline"))
            except ValueError:
                raise ApplicationError(_("期望完成日期：格式应为 YYYY-MM-DD"), field="deadline",
                                       code="invalid_date") from None
            demand = services.demand_post(actor=actor, enterprise=enterprise, title=data.get("title", ""),
                                          text=data.get("text", ""), field=data.get("field", ""),
                                          budget=data.get("budget"), deadline=deadline,
                                          required_readiness=data.get("required_readiness"), visit=visit)
            return redirect("innovation:demand_detail", pk=demand.pk)
        except ApplicationError as exc:
            error = exc
    return render(request, "innovation/demand_new.html", {
        "enterprises": enterprises[:500], "fields": IndustrialChain.objects.all(), "error": error, "visit": visit,
        "data": request.POST, "levels": READINESS_LABELS.items()}, status=400 if error else 200)


@page(may_see_demands)
def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    demand = _get(TechDemand, selectors.demand_list(actor=actor), pk)
    return render(request, "innovation/demand_detail.html", {
        "d": demand, "matches": selectors.demand_matches(actor=actor, demand=demand),
        "events": demand.events.order_by("seq"), "is_officer": policy.is_officer(actor),
        "institutions": Institution.objects.all() if policy.is_officer(actor) else [],
        "match_events": selectors.event_list(actor=actor)[:20]})


@require_POST
@page(policy.is_officer)
def demand_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = actor_of(request)
    demand = _get(TechDemand, selectors.demand_list(actor=actor), pk)
    data = request.POST
    if action == "propose":
        services.matches_propose(actor=actor, demand=demand, top=10)
    elif action == "record":
        achievement = _get(Achievement, Achievement.objects.all(), pages.posted_id(data.get("achievement")))
        event_id = data.get("event") or ""
        event = selectors.event_list(actor=actor).filter(pk=int(event_id)).first() if event_id.isdecimal() else None
        services.match_record(actor=actor, demand=demand, achievement=achievement, outcome=data.get("outcome", ""),
                              event=event)
    elif action == "resolve":
        institution_id = data.get("institution") or ""
        institution = Institution.objects.filter(pk=int(institution_id)).first() if institution_id.isdecimal() else None
        services.demand_resolve(actor=actor, demand=demand, outcome=data.get("outcome", ""), institution=institution,
                                note=data.get("note", ""))
    else:
        raise NotFound()
    return redirect("innovation:demand_detail", pk=demand.pk)


# --- achievements ------------------------------------------------------------------------------------------

@page(may_see_achievements)
def achievement_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    qs = selectors.achievement_list(actor=actor, filters=_filters(request))
    if request.GET.get("export") == "xlsx":
        return _xlsx(ledger.ledger_export_achievements(qs), "achievements.xlsx")
    return render(request, "innovation/achievements.html", {
        "page": pages.paged(request, qs), "total": qs.count(), "filters": _filters(request),
        "fields": IndustrialChain.objects.all(), "is_officer": policy.is_officer(actor),
        "may_register": policy.is_officer(actor) or is_institution(actor),
        "today": local_today().isoformat()})


@page(may_see_achievements)
def achievement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An achievement and, for the officer and its institution, the open demands it may solve (the matcher in
    the other direction), each with the terms that matched."""
    actor = actor_of(request)
    achievement = _get(Achievement, selectors.achievement_list(actor=actor), pk)
    proposals: list[tuple[Any, Any]] = []
    if policy.is_officer(actor) or policy.own_institution_id(actor) == achievement.institution_id:
        found = recommend_for_achievement(achievement, top=10)
        demands = selectors.demand_list(actor=actor).in_bulk([int(p.id) for p in found])
        proposals = [(demands[int(p.id)], p) for p in found if int(p.id) in demands]
    if request.method == "POST":
        if not policy.is_officer(actor):
            raise PermissionDenied()
        try:
            on = parse_date(request.POST.get("on"))
        except ValueError:
            on = None
        if on is None:
            raise ApplicationError(_("转化日期：格式应为 YYYY-MM-DD"), field="on", code="invalid_date")
        services.achievement_transfer(actor=actor, achievement=achievement, on=on, note=request.POST.get("note", ""))
        return redirect("innovation:achievement_detail", pk=achievement.pk)
    return render(request, "innovation/achievement_detail.html", {
        "a": achievement, "proposals": proposals, "events": achievement.events.order_by("seq"),
        "is_officer": policy.is_officer(actor), "today": local_today().isoformat()})


@page(lambda u: policy.is_officer(u) or is_institution(u))
def achievement_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    institutions = (Institution.objects.all() if policy.is_officer(actor)
                    else Institution.objects.filter(pk=policy.own_institution_id(actor) or 0))
    error = None
    if request.method == "POST":
        data = request.POST
        try:
            institution = institutions.filter(pk=pages.posted_id(data.get("institution"))).first()
            if institution is None:
                raise ApplicationError(_("完成单位：请选择"), field="institution", code="required")
            services.achievement_register(
                actor=actor, institution=institution, name=data.get("name", ""), text=data.get("text", ""),
                field=data.get("field", ""), form=data.get("form", ""), readiness=data.get("readiness"),
                transfer_method=data.get("transfer_method", ""), keywords=data.get("keywords", ""),
                ip_numbers=data.get("ip_numbers", ""), price=data.get("price"))
            return redirect("innovation:achievement_list")
        except ApplicationError as exc:
            error = exc
    return render(request, "innovation/achievement_new.html", {
        "institutions": institutions, "fields": IndustrialChain.objects.all(), "forms": Achievement.Form.choices,
        "methods": Achievement.Transfer.choices, "levels": READINESS_LABELS.items(), "error": error,
        "data": request.POST},
        status=400 if error else 200)


@require_POST
@page(policy.is_officer)
def achievements_publish(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    ids = [int(i) for i in request.POST.getlist("achievement") if i.isdecimal()]
    try:
        on = parse_date(request.POST.get("on")) or local_today()
    except ValueError:
        raise ApplicationError(_("发布日期：格式应为 YYYY-MM-DD"), field="on", code="invalid_date") from None
    services.achievements_list_publish(actor=actor, achievements=list(Achievement.objects.filter(pk__in=ids)), on=on)
    return redirect("innovation:achievement_list")


@page(lambda u: policy.is_officer(u) or is_enterprise(u) or is_institution(u))
def ledger_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview (every bad cell) → commit, or the error workbook to correct."""
    actor = actor_of(request)
    kind = pages.param(request, "kind") or "demands"
    if kind not in ("demands", "achievements", "contracts"):
        raise NotFound()
    if request.GET.get("template"):
        return _xlsx(ledger.ledger_template(kind=kind), f"{kind}-template.xlsx")
    own = own_enterprise_id(actor)
    context: dict[str, Any] = {"kind": kind, "own_enterprise": Enterprise.objects.filter(pk=own).first() if own
                               else None}
    if request.method == "POST" and "file" in request.FILES:
        uploaded = request.FILES.get("file")
        assert uploaded is not None  # "file" in request.FILES
        upload = uploaded.read()
        if request.POST.get("errors"):
            preview = ledger.ledger_import_preview(actor=actor, file=upload, kind=kind)
            return _xlsx(preview.error_workbook(), f"{kind}-errors.xlsx")
        if request.POST.get("commit"):
            try:
                result = ledger.ledger_import_commit(actor=actor, file=upload, kind=kind,
                                                     clean_rows_only=bool(request.POST.get("clean_rows_only")))
                context["result"] = result
            except LedgerHasErrors as exc:
                context["preview"] = exc.preview
        else:
            context["preview"] = ledger.ledger_import_preview(actor=actor, file=upload, kind=kind)
    return render(request, "innovation/import.html", context)


# --- contracts ---------------------------------------------------------------------------------------------

@page(may_see_contracts)
def contract_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    qs = selectors.contract_list(actor=actor, filters=_filters(request))
    if request.GET.get("export") == "xlsx":
        return _xlsx(ledger.ledger_export_contracts(qs), "tech-contracts.xlsx")
    now = clock.now()
    return render(request, "innovation/contracts.html", {
        "page": pages.paged(request, qs), "total": qs.count(), "filters": _filters(request), "now": now,
        "statuses": TechContract.Status.choices, "kinds": TechContract.Kind.choices,
        "is_officer": policy.is_officer(actor), "may_submit": policy.is_officer(actor) or is_enterprise(actor),
        "own_enterprise": Enterprise.objects.filter(pk=own_enterprise_id(actor) or 0).first()})


@require_POST
@page(lambda u: policy.is_officer(u) or is_enterprise(u))
def contract_submit(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    data = request.POST
    own = Enterprise.objects.filter(pk=own_enterprise_id(actor) or 0).first()
    try:
        signed_on = parse_date(data.get("signed_on"))
    except ValueError:
        signed_on = None
    if signed_on is None:
        raise ApplicationError(_("签订日期：格式应为 YYYY-MM-DD"), field="signed_on", code="invalid_date")
    side = data.get("side", "buyer")
    services.contract_submit(
        actor=actor, kind=data.get("kind", ""), title=data.get("title", ""), seller=data.get("seller", ""),
        buyer=data.get("buyer", ""), amount=data.get("amount"), signed_on=signed_on,
        buyer_enterprise=own if side == "buyer" else None, seller_enterprise=own if side == "seller" else None)
    return redirect("innovation:contract_list")


@require_POST
@page(policy.is_officer)
def contract_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    contract = _get(TechContract, selectors.contract_list(actor=actor), pk)
    if request.POST.get("decision") == "register":
        services.contract_register(actor=actor, contract=contract, classification=request.POST.get("classification",
                                                                                                   ""),
                                   tech_income=request.POST.get("tech_income"))
    else:
        services.contract_refuse(actor=actor, contract=contract, reason=request.POST.get("reason", ""))
    return redirect("innovation:contract_list")


# --- projects, events, institutions ------------------------------------------------------------------------

@page(lambda u: policy.is_reader(u) or is_enterprise(u))
def project_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    qs = selectors.project_list(actor=actor)
    totals = {"granted": sum((p.funding_granted for p in qs), Decimal(0)),
              "disbursed": sum((p.funding_disbursed for p in qs), Decimal(0))}
    return render(request, "innovation/projects.html", {"projects": qs, "totals": totals,
                                                        "is_officer": policy.is_officer(actor)})


@require_POST
@page(policy.is_officer)
def project_action(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _get(InnovationProject, selectors.project_list(actor=actor), pk)
    action = request.POST.get("action")
    today = local_today()
    if action in ("approve", "reject"):
        services.project_decide(actor=actor, project=project, approved=action == "approve", on=today,
                                funding_granted=request.POST.get("funding_granted"))
    elif action == "disburse":
        services.project_disburse(actor=actor, project=project, amount=request.POST.get("amount"))
    elif action == "accept":
        services.project_accept(actor=actor, project=project, on=today)
    elif action == "milestone":
        milestone = project.milestones.filter(pk=int(request.POST.get("milestone") or 0)
                                              if (request.POST.get("milestone") or "").isdecimal() else 0).first()
        if milestone is None:
            raise ApplicationError(_("节点：请选择"), field="milestone", code="required")
        services.milestone_complete(actor=actor, milestone=milestone, on=today)
    else:
        raise NotFound()
    return redirect("innovation:project_list")


@page(policy.is_reader)
def event_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if request.method == "POST":
        if not policy.is_officer(actor):
            raise PermissionDenied()
        try:
            held_on = parse_date(request.POST.get("held_on"))
        except ValueError:
            held_on = None
        if held_on is None:
            raise ApplicationError(_("举办日期：格式应为 YYYY-MM-DD"), field="held_on", code="invalid_date")
        attendance = request.POST.get("attendance", "0")
        services.match_event_create(actor=actor, title=request.POST.get("title", ""), held_on=held_on,
                                    location=request.POST.get("location", ""),
                                    attendance=int(attendance) if attendance.isdecimal() else -1)
        return redirect("innovation:event_list")
    return render(request, "innovation/events.html", {"events": selectors.event_list(actor=actor),
                                                      "is_officer": policy.is_officer(actor)})


@page(policy.is_reader)
def institution_list(request: HttpRequest) -> HttpResponse:
    return render(request, "innovation/institutions.html", {
        "institutions": selectors.institution_list(actor=actor_of(request))})


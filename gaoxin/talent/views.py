"""Pages of the talent system: 人社局 talent officers (programs, applications, review and approval, the audited
reveal of personal data), enterprises (apply, follow their applications), leaders (the board: approvals per
year and by chain). Thin over ``talent.services`` and ``talent.selectors``; lists export to Excel."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core import clock, pages
from gaoxin.core.calendar import SHANGHAI
from gaoxin.core.errors import ApplicationError, NotFound
from gaoxin.core.ledger import LedgerHasErrors
from gaoxin.enterprises.models import Enterprise
from gaoxin.enterprises.scope import own_enterprise_id
from gaoxin.talent import ledger, selectors, services
from gaoxin.talent.models import TalentApplication, TalentProgram


def actor_of(request: HttpRequest) -> User:
    user = pages.actor_of(request)
    assert isinstance(user, User)
    return user


def is_enterprise(user: User) -> bool:
    return user.role == Role.ENTERPRISE and own_enterprise_id(user) is not None


def may_list(user: User) -> bool:
    return services.is_reader(user) or is_enterprise(user)


@pages.page(services.is_reader)
def board(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("year", "")
    actor = actor_of(request)
    latest = TalentApplication.objects.order_by("-submitted_at").values_list("submitted_at", flat=True).first()
    default = latest.astimezone(SHANGHAI).year if latest else clock.now().astimezone(SHANGHAI).year
    year = int(text) if text.isdecimal() and 2000 <= int(text) <= 2100 else default
    return render(request, "talent/board.html", {"year": year,
                                                 "by_year": selectors.approvals_by_year(actor=actor),
                                                 "by_chain": selectors.approvals_by_chain(actor=actor, year=year)})


@pages.page(may_list)
def program_list(request: HttpRequest) -> HttpResponse:
    return render(request, "talent/programs.html", {"programs": TalentProgram.objects.all()})


@pages.page(may_list)
def application_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    year = request.GET.get("year", "")
    qs = selectors.application_list(actor=actor, program=pages.param(request, "program", max_length=32),
                                    status=pages.param(request, "status", max_length=12), q=pages.param(request, "q"),
                                    year=int(year) if year.isdecimal() and 2000 <= int(year) <= 2100 else None)
    if request.GET.get("export") == "xlsx":
        return pages.xlsx_response(ledger.ledger_export_applications(qs), "talent-applications.xlsx")
    number = request.GET.get("page", "1")
    page = Paginator(qs, 50).get_page(int(number) if number.isdecimal() and int(number) < 10**6 else 1)
    rows = [(a, selectors.masked(a)) for a in page]
    return render(request, "talent/applications.html", {
        "page": page, "rows": rows, "total": qs.count(), "programs": TalentProgram.objects.all(),
        "statuses": TalentApplication.Status.choices, "get": request.GET, "may_apply": is_enterprise(actor),
        "may_import": is_enterprise(actor) or services.is_officer(actor)})


@pages.page(may_list)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    application = selectors.application_list(actor=actor).filter(pk=pk).first()
    if application is None:
        raise NotFound(_("记录不存在或不在您的范围内"))
    shown: dict[str, str] = selectors.masked(application)
    revealed = False
    if request.method == "POST" and request.POST.get("action") == "reveal":
        shown = services.application_reveal(actor=actor, application=application,
                                            reason=request.POST.get("reason", ""))
        revealed = True
    return render(request, "talent/application_detail.html", {
        "a": application, "shown": shown, "revealed": revealed, "is_officer": services.is_officer(actor),
        "now": clock.now(), "events": application.events.order_by("seq")})


@require_POST
@pages.page(services.is_officer)
def application_action(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    application = selectors.application_list(actor=actor).filter(pk=pk).first()
    if application is None:
        raise NotFound()
    action = request.POST.get("action")
    note = request.POST.get("note", "")
    if action in ("pass", "fail"):
        services.application_review(actor=actor, application=application, passed=action == "pass", note=note)
    elif action in ("approve", "reject"):
        services.application_decide(actor=actor, application=application, approved=action == "approve",
                                    subsidy=request.POST.get("subsidy"), note=note)
    else:
        raise NotFound()
    return redirect("talent:application_detail", pk=application.pk)


@pages.page(is_enterprise)
def application_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    enterprise = Enterprise.objects.get(pk=own_enterprise_id(actor) or 0)
    programs = TalentProgram.objects.filter(active=True)
    error = None
    if request.method == "POST":
        data = request.POST
        try:
            program = programs.filter(pk=int(data.get("program") or 0) if (data.get("program") or "").isdecimal()
                                      else 0).first()
            if program is None:
                raise ApplicationError(_("人才计划：请选择"), field="program", code="required")
            size = data.get("team_size") or "1"
            application = services.application_submit(
                actor=actor, program=program, enterprise=enterprise, person_name=data.get("person_name", ""),
                id_number=data.get("id_number", ""), phone=data.get("phone", ""), team_name=data.get("team_name", ""),
                team_size=int(size) if size.isdecimal() else 0, degree=data.get("degree", ""),
                position=data.get("position", ""))
            return redirect("talent:application_detail", pk=application.pk)
        except ApplicationError as exc:
            error = exc
    context: dict[str, Any] = {"programs": programs, "enterprise": enterprise, "error": error, "data": request.POST}
    return render(request, "talent/application_new.html", context, status=400 if error else 200)


@pages.page(lambda user: services.is_officer(user) or is_enterprise(user))
def application_import(request: HttpRequest) -> HttpResponse:
    """人才批量申报: template, upload → preview (every bad cell) → commit; all or nothing."""
    actor = actor_of(request)
    if request.GET.get("template"):
        return pages.xlsx_response(ledger.ledger_template_new(), "talent-applications-template.xlsx")
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        uploaded = request.FILES.get("file")
        if uploaded is None:
            raise ApplicationError(_("请选择要上传的 Excel 文件"), field="file", code="required")
        data = uploaded.read()
        if request.POST.get("errors"):
            preview = ledger.ledger_import_preview(actor=actor, file=data)
            return pages.xlsx_response(preview.error_workbook(), "talent-applications-errors.xlsx")
        if request.POST.get("commit"):
            try:
                context["result"] = ledger.ledger_import_commit(actor=actor, file=data)
            except LedgerHasErrors as exc:
                context["preview"] = exc.preview
                status = exc.status
        else:
            context["preview"] = ledger.ledger_import_preview(actor=actor, file=data)
    return render(request, "talent/import.html", context, status=status)

"""Case pages: the filtered list, the case page (timeline, map, attachments, deadlines, masked personal data with
the audited reveal) and one POST endpoint per workflow action. Every action checks the role here and is checked
again (role, scope, state, version) by the case service; a refusal changes nothing and re-renders the case page
with the error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import Role
from gaoxin.accounts.selectors import org_unit_list
from gaoxin.cases import policy, privacy, resolve, selectors
from gaoxin.cases import services as case_services
from gaoxin.cases.models import (
    Case,
    CaseAttachment,
    CaseInstruction,
    Category,
    Channel,
    FieldCheck,
    Satisfaction,
    Urgency,
)
from gaoxin.cases.services import fieldcheck
from gaoxin.cases.services.supervision import INSTRUCTION_ROLES, may_acknowledge_instruction
from gaoxin.cases.workflow import STATES
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError, NotFound
from gaoxin.grids.models import Grid
from gaoxin.web import presenters, uploads
from gaoxin.web.access import REVEAL_ROLES, STAFF_ROLES, actor_of, error_page, is_htmx, role_required
from gaoxin.web.filters import apply_case_query, parse_case_query
from gaoxin.web.paging import keyset_page
from gaoxin.web.routing import dispatch_proposals
from gaoxin.web.suggest import suggest_categories
from gaoxin.web.uploads import IMAGE_TYPES

PAGE_SIZE = 25


def filter_choices() -> dict[str, Any]:
    kinds = (OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.STREET_OFFICE)
    units = list(OrgUnit.objects.filter(kind__in=kinds).order_by("path").only("id", "name", "kind"))
    return {
        "states": list(STATES.items()),
        "channels": Channel.choices,
        "streets": [u for u in units if u.kind == OrgUnit.Kind.STREET_OFFICE],
        "units": units,
        "colors": [("red", _("超期")), ("yellow", _("预警")), ("green", _("正常"))],
        "sorts": [("-reported_at", _("最新上报")), ("reported_at", _("最早上报")), ("-registered_at", _("最新立案")),
                  ("deadline", _("期限最近"))],
        "sets": [("registered", _("受理")), ("closed", _("办结")), ("closed_on_time", _("按期办结")),
                 ("evaluated", _("已评价")), ("satisfied", _("满意"))],
    }


@require_GET
@role_required(STAFF_ROLES)
def case_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    try:
        query = parse_case_query(request.GET)
        page = keyset_page(apply_case_query(actor=actor, query=query), sort=query.sort, cursor=query.cursor,
                           size=PAGE_SIZE)
    except ApplicationError as error:
        return error_page(request, error)
    context = {"query": query, "page": page, "rows": presenters.decorate(page.items),
               "list_url": reverse("web:case_list")}
    if is_htmx(request):
        return render(request, "web/cases/list.html#results", context)
    return render(request, "web/cases/list.html", {**context, **filter_choices()})


def _assignable_categories() -> list[Category]:
    return list(selectors.category_list().select_related("parent"))


def case_context(request: HttpRequest, case: Case, **extra: Any) -> dict[str, Any]:
    actor = actor_of(request)
    actions = set(policy.available_actions(actor, case))
    context: dict[str, Any] = {
        "case": case,
        "case_pk": case.pk,
        "events": list(selectors.case_events(actor=actor, case=case)),
        "attachments": list(CaseAttachment.objects.filter(case_id=case.pk).order_by("uploaded_at", "pk")),
        "timing": presenters.timing(case),
        "photos": presenters.before_after([case])[case.pk] if case.handled_at else None,
        "instructions": _instructions(actor, case),
        "field_checks": list(FieldCheck.objects.filter(case_id=case.pk).select_related("worker", "created_by")),
        "may_instruct": actor.role in INSTRUCTION_ROLES or actor.is_superuser,
        "actions": actions,
        "masked_name": privacy.mask_name(case.reporter_name),
        "masked_phone": privacy.mask_phone(case.reporter_phone),
        "may_reveal": actor.role in REVEAL_ROLES and bool(case.reporter_name or case.reporter_phone),
        "urgencies": Urgency.choices,
        "satisfactions": Satisfaction.choices,
        "form": request.POST if request.method == "POST" else {},
    }
    map_data: dict[str, Any] = {"points": [], "geometry": None}
    here = presenters.point(case)
    if here:
        map_data["points"].append({**here, "main": True})
    if case.micro_grid_id or case.grid_id:
        grid_id = case.micro_grid_id or case.grid_id
        assert grid_id is not None
        geometry = Grid.objects.filter(pk=grid_id).values_list("geometry", flat=True)
        map_data["geometry"] = geometry.first()
    if actions & {"register", "merge"}:
        candidates = selectors.case_duplicate_candidates(actor=actor, case=case)
        context["duplicates"] = candidates
        for other in candidates:
            spot = presenters.point(other)
            if spot:
                map_data["points"].append(spot)
    if "register" in actions:
        context["categories"] = _assignable_categories()
        context["suggestions"] = suggest_categories(case.description)
    if "dispatch" in actions:
        context["proposal"] = dispatch_proposals([case]).get(case.pk)
        context["targets"] = list(org_unit_list(actor=actor).filter(kind__in=policy.DISPATCH_TARGET_KINDS))
    context["map_data"] = map_data
    context.update(extra)
    return context


@require_GET
@role_required(STAFF_ROLES)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        case = selectors.case_get(actor=actor_of(request), pk=pk)
    except NotFound as error:
        return error_page(request, error)
    return render(request, "web/cases/detail.html", case_context(request, case))


@role_required(STAFF_ROLES)
def case_dispatch_order(request: HttpRequest, pk: int) -> HttpResponse:
    """派遣单: the printable order of a dispatched case (A4, official layout), with the report's photos, the last
    dispatch and boxes for the receiving unit's signature. The reporter is masked."""
    actor = actor_of(request)
    try:
        case = selectors.case_get(actor=actor, pk=pk)
        events = list(selectors.case_events(actor=actor, case=case))
    except NotFound as error:
        return error_page(request, error)
    dispatch = next((e for e in reversed(events) if e.action == "dispatch"), None)
    if dispatch is None or case.assignee is None:
        return error_page(request, ApplicationError(_("案件尚未派遣，没有派遣单"), field="case", code="not_dispatched",
                                                    status=409))
    first = events[0] if events else None
    photos = [a for a in CaseAttachment.objects.filter(case_id=case.pk).order_by("uploaded_at", "pk")
              if a.content_type.startswith("image/") and (a.event_id is None or a.event_id == getattr(first, "pk", 0))]
    return render(request, "web/cases/dispatch_order.html", {
        "case": case, "dispatch": dispatch, "photos": photos, "printed_at": clock.now(),
        "masked_name": privacy.mask_name(case.reporter_name), "masked_phone": privacy.mask_phone(case.reporter_phone)})


def _instructions(actor: User, case: Case) -> list[CaseInstruction]:
    found = list(CaseInstruction.objects.filter(case_id=case.pk).select_related("unit", "created_by",
                                                                                "acknowledged_by"))
    for instruction in found:
        instruction.may_ack = (instruction.acknowledged_at is None  # type: ignore[attr-defined]  # for the page
                               and may_acknowledge_instruction(actor, instruction))
    return found


def _on_case_page(request: HttpRequest, pk: int, act: Callable[[User, Case], str], anchor: str) -> HttpResponse:
    """A form posted from the case page: the case as the actor may see it, the action (which returns what to tell
    the user), then back to the page's section; a refusal re-renders the page with the reason and changes
    nothing."""
    actor = actor_of(request)
    try:
        case = selectors.case_get(actor=actor, pk=pk)
    except NotFound as error:
        return error_page(request, error)
    try:
        done = act(actor, case)
    except ApplicationError as error:
        return render(request, "web/cases/detail.html", case_context(request, case, error=error), status=error.status)
    messages.success(request, done)
    return HttpResponseRedirect(reverse("web:case_detail", args=[pk]) + anchor, status=303)


@require_POST
@role_required(STAFF_ROLES)
def case_instruct(request: HttpRequest, pk: int) -> HttpResponse:
    """领导批示 from the case page."""
    def instruct(actor: User, case: Case) -> str:
        instruction = case_services.case_instruct(actor=actor, case=case, text=_text(request, "text"))
        return _("批示 %(n)s 已发给 %(unit)s。") % {"n": instruction.number, "unit": instruction.unit.name}

    return _on_case_page(request, pk, instruct, "#instructions")


@require_POST
@role_required(STAFF_ROLES)
def field_check_send(request: HttpRequest, pk: int) -> HttpResponse:
    """派网格员核实 from the case page."""
    def send(actor: User, case: Case) -> str:
        check = fieldcheck.field_check_send(actor=actor, case=case, request=_text(request, "request"))
        return _("核实任务 %(n)s 已派给网格员 %(w)s，时限 %(due)s。") % {
            "n": check.number, "w": check.worker, "due": timezone.localtime(check.due_at).strftime("%Y-%m-%d %H:%M")}

    return _on_case_page(request, pk, send, "#field-checks")


@require_POST
@role_required(frozenset({Role.GRID_WORKER}))
def field_check_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """核实反馈 from the grid worker's page."""
    actor = actor_of(request)
    check = FieldCheck.objects.filter(pk=pk, worker=actor).first()
    try:
        if check is None:
            raise NotFound(_("核实任务不存在"), field="check")
        check = fieldcheck.field_check_answer(actor=actor, check=check, result=request.POST.get("result", ""),
                                              note=_text(request, "note"))
    except ApplicationError as error:
        return error_page(request, error)
    messages.success(request, _("核实任务 %(n)s 已反馈：%(r)s。") % {"n": check.number,
                                                               "r": _(check.get_result_display())})
    return HttpResponseRedirect(reverse("web:work_grid"), status=303)


@require_POST
@role_required(STAFF_ROLES)
def instruction_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    instruction = CaseInstruction.objects.filter(pk=pk).first()
    try:
        if instruction is None:
            raise NotFound(_("批示不存在"), field="instruction")
        case = selectors.case_get(actor=actor, pk=instruction.case_id)
        case_services.instruction_acknowledge(actor=actor, instruction=instruction)
    except ApplicationError as error:
        return error_page(request, error)
    messages.success(request, _("已确认收到批示 %(n)s。") % {"n": instruction.number})
    return HttpResponseRedirect(reverse("web:case_detail", args=[case.pk]) + "#instructions", status=303)


def _text(request: HttpRequest, name: str) -> str:
    return (request.POST.get(name) or "").strip()


def _bool(request: HttpRequest, name: str) -> bool:
    value = request.POST.get(name)
    if value not in ("1", "0"):
        raise ApplicationError(_("请选择是或否"), field=name)
    return value == "1"


def _photos(request: HttpRequest, name: str = "photo") -> list:
    return uploads.clean_photos(request.FILES.getlist(name), field=name)


def _perform(request: HttpRequest, action: str, case: Case) -> Case:
    actor = actor_of(request)
    s = case_services
    if action == "register":
        category = resolve.category(_text(request, "category")) if _text(request, "category") else None
        return s.case_register(actor=actor, case=case, category=category, urgency=_text(request, "urgency") or None,
                               note=_text(request, "note"))
    if action == "reject":
        return s.case_reject(actor=actor, case=case, reason=_text(request, "reason"))
    if action == "merge":
        into = resolve.case(actor=actor, ref=_text(request, "into"), field="into")
        return s.case_merge(actor=actor, case=case, into=into, note=_text(request, "note"))
    if action == "dispatch":
        assignee = _text(request, "assignee")
        return s.case_dispatch(actor=actor, case=case, note=_text(request, "note"),
                               assignee=resolve.unit(actor=actor, ref=assignee, field="assignee") if assignee else None)
    if action == "accept":
        return s.case_accept(actor=actor, case=case, note=_text(request, "note"))
    if action == "return":
        return s.case_return(actor=actor, case=case, reason=_text(request, "reason"))
    if action == "request_extension":
        try:
            amount = int(_text(request, "amount"))
        except ValueError:
            raise ApplicationError(_("延期时长必须是整数"), field="amount") from None
        return s.case_request_extension(actor=actor, case=case, amount=amount, reason=_text(request, "reason"))
    if action == "approve_extension":
        return s.case_approve_extension(actor=actor, case=case, approve=_bool(request, "approve"),
                                        note=_text(request, "note"))
    if action == "request_suspension":
        return s.case_request_suspension(actor=actor, case=case, reason=_text(request, "reason"))
    if action == "approve_suspension":
        return s.case_approve_suspension(actor=actor, case=case, approve=_bool(request, "approve"),
                                         note=_text(request, "note"))
    if action == "resume":
        return s.case_resume(actor=actor, case=case, note=_text(request, "note"))
    if action == "feedback":
        return s.case_feedback(actor=actor, case=case, result=_text(request, "result"),
                               attachments=_photos(request))
    if action == "verify":
        return s.case_verify(actor=actor, case=case, passed=_bool(request, "passed"), note=_text(request, "note"),
                             attachments=_photos(request))
    if action == "evaluate":
        return s.case_evaluate(actor=actor, case=case, satisfaction=_text(request, "satisfaction"),
                               note=_text(request, "note"))
    if action == "reopen":
        return s.case_reopen(actor=actor, case=case, note=_text(request, "note"))
    raise Http404


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


@require_POST
@role_required(STAFF_ROLES)
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in policy.COMMANDS:
        raise Http404
    actor = actor_of(request)
    try:
        case = selectors.case_get(actor=actor, pk=pk)
    except NotFound as error:
        return error_page(request, error)
    try:
        version = request.POST.get("version")
        if version:
            try:
                case.version = int(version)
            except ValueError:
                raise ApplicationError(_("版本号不正确"), field="version") from None
        _perform(request, action, case)
    except ApplicationError as error:
        case = Case.objects.select_related("category", "street", "assignee", "center").get(pk=pk)
        return render(request, "web/cases/detail.html", case_context(request, case, error=error), status=error.status)
    # Every action ends on a page that says what happened; a case that left the actor's hands (returned, sent
    # back to dispatch) ends on the actor's workbench, not on a page they may no longer open.
    done = Case.objects.get(pk=pk)
    try:
        selectors.case_get(actor=actor, pk=pk)
    except NotFound:
        messages.success(request, _("案件 %(number)s 已办理，当前状态：%(state)s；该案件已不在您的办理范围内。")
                         % {"number": done.number, "state": _(done.state_label)})
        return HttpResponseRedirect(reverse("web:home"), status=303)
    messages.success(request, _("案件 %(number)s 已办理，当前状态：%(state)s。")
                     % {"number": done.number, "state": _(done.state_label)})
    return HttpResponseRedirect(_next_url(request, reverse("web:case_detail", args=[pk])), status=303)


@require_POST
@role_required(REVEAL_ROLES)
def case_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        case = selectors.case_get(actor=actor, pk=pk)
        revealed = privacy.case_reveal_reporter(actor=actor, case=case, purpose=_text(request, "purpose"), via="web")
    except ApplicationError as error:
        if is_htmx(request):
            return render(request, "web/cases/detail.html#reporter",
                          {"error": error, "case_pk": pk, "may_reveal": True}, status=error.status)
        return error_page(request, error)
    context = {"revealed": revealed, "case_pk": pk}
    if is_htmx(request):
        return render(request, "web/cases/detail.html#reporter", context)
    case = selectors.case_get(actor=actor, pk=pk)
    return render(request, "web/cases/detail.html", case_context(request, case, **context))


@require_GET
@role_required(STAFF_ROLES)
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Attachments are served only through here: scoped to the viewer, with a safe content type (images as
    themselves, everything else as a download of application/octet-stream), nosniff and a sandboxing CSP."""
    attachment = CaseAttachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    try:
        selectors.case_get(actor=actor_of(request), pk=attachment.case_id)
    except NotFound as error:
        return error_page(request, error)
    is_image = attachment.content_type in IMAGE_TYPES
    content_type = attachment.content_type if is_image else "application/octet-stream"
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response: HttpResponse = FileResponse(  # type: ignore[assignment]  # a streaming HttpResponseBase
        handle, content_type=content_type, as_attachment=not is_image,
        filename=attachment.original_name or f"attachment-{attachment.pk}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
@role_required(STAFF_ROLES)
def category_suggest(request: HttpRequest) -> HttpResponse:
    text = (request.GET.get("description") or request.GET.get("text") or "")[:2000]
    return render(request, "web/work/_suggestions.html",
                  {"suggestions": suggest_categories(text) if text.strip() else [],
                   "target": request.GET.get("target", "id_category")})


"""The workbenches (工作台), one per role: operator (受理), dispatcher / shift lead (派遣), handler (处置),
grid worker (网格员, a phone page). Lists are keyset-paginated and bounded; their counters are bounded too."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gaoxin.accounts.roles import CENTER_ROLES, DISPATCH_ROLES, Role
from gaoxin.accounts.selectors import scope_roots
from gaoxin.cases import policy, resolve, selectors
from gaoxin.cases import services as case_services
from gaoxin.cases.models import Case, CaseInstruction, Category, Channel, FieldCheck, SupervisionNotice, Urgency
from gaoxin.cases.services.supervision import may_acknowledge
from gaoxin.core.errors import ApplicationError
from gaoxin.grids.models import Grid
from gaoxin.web import presenters, uploads
from gaoxin.web.access import actor_of, error_page, is_htmx, role_required
from gaoxin.web.filters import apply_case_query, parse_case_query
from gaoxin.web.paging import keyset_page
from gaoxin.web.routing import dispatch_proposals

PAGE_SIZE = 20
COUNT_CAP = 99  # counters show "99+" beyond this: a bounded COUNT, never a full scan per page view

HOME_BY_ROLE: dict[str, str] = {
    Role.OPERATOR: "web:work_operator",
    Role.DISPATCHER: "web:work_dispatch",
    Role.SHIFT_LEAD: "web:work_dispatch",
    Role.HANDLER: "web:work_handler",
    Role.GRID_WORKER: "web:work_grid",
    Role.LEADER: "web:dashboard",
    Role.ADMIN: "web:dashboard",
    Role.SERVICE_CADRE: "web:visit_list",
    Role.DATA_OFFICER: "indicators:submissions",
}


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('web:login')}?next=/")
    actor = actor_of(request)
    target = HOME_BY_ROLE.get(actor.role)
    if target:
        return redirect(target)
    return render(request, "web/home.html", {"scope": scope_roots(actor=actor)})


def bounded_count(qs: QuerySet[Case]) -> str:
    n = qs.order_by()[: COUNT_CAP + 1].count()
    return f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)


def _tab_page(request: HttpRequest, tabs: dict[str, dict[str, Any]], default: str) -> tuple[str, Any, Any]:
    actor = actor_of(request)
    tab = request.GET.get("tab") or default
    if tab not in tabs:
        raise ApplicationError(_("未知的页签：%(t)s") % {"t": tab}, field="tab")
    spec = tabs[tab]
    query = parse_case_query(request.GET, defaults=spec["defaults"])
    qs = apply_case_query(actor=actor, query=query)
    if spec.get("extra") is not None:
        qs = qs.filter(spec["extra"])
    # 领导批示 not yet confirmed, marked in the row (in the same query)
    qs = qs.annotate(instructed=Exists(CaseInstruction.objects.filter(case_id=OuterRef("pk"),
                                                                      acknowledged_at__isnull=True)))
    page = keyset_page(qs, sort=query.sort, cursor=query.cursor, size=PAGE_SIZE)
    presenters.decorate(page.items)
    return tab, query, page


def _workbench(request: HttpRequest, *, template: str, tabs: dict[str, dict[str, Any]], default: str,
               extra: dict[str, Any] | None = None) -> HttpResponse:
    actor = actor_of(request)
    try:
        tab, query, page = _tab_page(request, tabs, default)
    except ApplicationError as error:
        return error_page(request, error)
    context: dict[str, Any] = {"tab": tab, "query": query, "page": page, "rows": page.items,
                               "list_url": request.path, **(extra or {})}
    if tab == "queue":
        proposals = dispatch_proposals(page.items)
        for case in page.items:
            case.proposal = proposals.get(case.pk)  # display only
    if is_htmx(request) and request.GET.get("cursor") is not None:
        return render(request, f"{template}#results", context)
    counts = []
    for key, spec in tabs.items():
        qs = selectors.case_list(actor=actor, filters={"state": spec["defaults"]["state"].split(",")})
        if spec.get("extra") is not None:
            qs = qs.filter(spec["extra"])
        counts.append((key, spec["label"], bounded_count(qs)))
    context["tabs"] = counts
    return render(request, template, context)


OPERATOR_TABS = {
    "new": {"label": gettext_lazy("待受理"), "defaults": {"state": "reported", "sort": "reported_at"}},
    "registered": {"label": gettext_lazy("已立案待派遣"), "defaults": {"state": "registered", "sort": "deadline"}},
}


@role_required(CENTER_ROLES)
def work_operator(request: HttpRequest) -> HttpResponse:
    return _workbench(request, template="web/work/bench.html", tabs=OPERATOR_TABS, default="new",
                      extra={"title": _("受理工作台"), "channels": Channel.choices, "show_channel": True,
                             "new_link": True})


DISPATCH_TABS = {
    "queue": {"label": gettext_lazy("待派遣"), "defaults": {"state": "registered,reopened", "sort": "deadline"}},
    "approvals": {"label": gettext_lazy("待审批"), "defaults": {"state": "accepted", "sort": "deadline"},
                  "extra": Q(pending_extension_amount__isnull=False) | Q(pending_suspension=True)},
    "close": {"label": gettext_lazy("待核查结案"), "defaults": {"state": "handled", "sort": "deadline"}},
    "suspended": {"label": gettext_lazy("挂账"), "defaults": {"state": "suspended", "sort": "reported_at"}},
    "callback": {"label": gettext_lazy("待回访"), "defaults": {"state": "closed", "sort": "-reported_at"}},
    # 不满意复核: a reporter's unsatisfied rating waits here until the case is reopened (重启) for new handling.
    "unsatisfied": {"label": gettext_lazy("不满意待复核"), "defaults": {"state": "evaluated", "sort": "reported_at"},
                    "extra": Q(satisfaction="unsatisfied")},
}


@role_required(DISPATCH_ROLES)
def work_dispatch(request: HttpRequest) -> HttpResponse:
    return _workbench(request, template="web/work/bench.html", tabs=DISPATCH_TABS, default="queue",
                      extra={"title": _("派遣工作台"), "row_actions": True, "batch": True})


def _selected_cases(request: HttpRequest) -> list[Case]:
    """The ticked cases (``pk:version`` each), read through the actor's scope at the version they were seen."""
    actor = actor_of(request)
    chosen = []
    for raw in request.POST.getlist("case"):
        pk, _sep, version = raw.partition(":")
        if not (pk.isdecimal() and version.isdecimal()) or len(raw) > 30:
            raise ApplicationError(_("所选案件不正确"), field="cases", code="bad_case")
        case = selectors.case_get(actor=actor, pk=int(pk))
        case.version = int(version)
        chosen.append(case)
    return chosen


@require_POST
@role_required(DISPATCH_ROLES)
def work_dispatch_batch(request: HttpRequest) -> HttpResponse:
    """批量派遣: the ticked cases of the queue, each to its proposed unit, all or none."""
    try:
        done = case_services.case_dispatch_many(actor=actor_of(request), cases=_selected_cases(request))
    except ApplicationError as error:
        response = _workbench(request, template="web/work/bench.html", tabs=DISPATCH_TABS, default="queue",
                              extra={"title": _("派遣工作台"), "row_actions": True, "batch": True, "error": error})
        response.status_code = error.status
        return response
    messages.success(request, _("已批量派遣 %(n)s 件：%(numbers)s") % {
        "n": len(done), "numbers": "、".join(c.number for c in done)})
    return HttpResponseRedirect(reverse("web:work_dispatch"), status=303)


HANDLER_TABS = {
    "inbox": {"label": gettext_lazy("待签收"), "defaults": {"state": "dispatched", "sort": "deadline"}},
    "doing": {"label": gettext_lazy("处置中"), "defaults": {"state": "accepted", "sort": "deadline"}},
    "suspended": {"label": gettext_lazy("挂账"), "defaults": {"state": "suspended", "sort": "reported_at"}},
    "handled": {"label": gettext_lazy("待核查"), "defaults": {"state": "handled", "sort": "deadline"}},
}


@role_required(frozenset({Role.HANDLER}))
def work_handler(request: HttpRequest) -> HttpResponse:
    return _workbench(request, template="web/work/bench.html", tabs=HANDLER_TABS, default="inbox",
                      extra={"title": _("处置工作台"), "row_actions": True})


def _float(request: HttpRequest, name: str) -> float | None:
    value = (request.POST.get(name) or "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise ApplicationError(_("坐标格式不正确"), field=name) from None


def report_categories(kinds: tuple[str, ...]) -> list[Category]:
    return list(selectors.category_list().filter(kind__in=kinds).select_related("parent"))


@role_required(CENTER_ROLES)
def work_operator_new(request: HttpRequest) -> HttpResponse:
    """New 12345 hotline order or 数字城管 inspector report, entered by the operator."""
    actor = actor_of(request)
    context: dict[str, Any] = {
        "categories": report_categories((Category.Kind.EVENT, Category.Kind.COMPONENT, Category.Kind.HOTLINE_CONTENT)),
        "request_types": list(selectors.category_list(kind=Category.Kind.HOTLINE_TYPE)),
        "urgencies": Urgency.choices,
        "channels": [(Channel.HOTLINE_12345, Channel.HOTLINE_12345.label),
                     (Channel.CITY_INSPECTOR, Channel.CITY_INSPECTOR.label)],
        "form": request.POST,
        "map_data": {"points": [], "geometry": None},
    }
    if request.method != "POST":
        return render(request, "web/work/operator_new.html", context)
    try:
        post = request.POST
        category = resolve.category(post.get("category"))
        request_type = None
        if post.get("request_type"):
            request_type = resolve.category(post["request_type"], field="request_type",
                                            kinds=(Category.Kind.HOTLINE_TYPE,))
        case = case_services.case_report(
            actor=actor, channel=post.get("channel", ""), category=category,
            description=post.get("description", ""), address=post.get("address", ""),
            lon=_float(request, "lon"), lat=_float(request, "lat"),
            reporter_name=post.get("reporter_name", ""), reporter_phone=post.get("reporter_phone", ""),
            external_ref=post.get("external_ref", ""), urgency=post.get("urgency") or None,
            request_type=request_type, attachments=uploads.clean_photos(request.FILES.getlist("photo")),
        )
    except ApplicationError as error:
        return render(request, "web/work/operator_new.html", {**context, "error": error}, status=error.status)
    return HttpResponseRedirect(reverse("web:case_detail", args=[case.pk]), status=303)


@role_required(frozenset({Role.GRID_WORKER}))
def work_grid(request: HttpRequest) -> HttpResponse:
    """The grid worker's phone page: report an event here (browser location) or at a picked point with a
    photo; verify (核查) the fixes in the own grids."""
    actor = actor_of(request)
    grids = list(Grid.objects.filter(workers=actor).order_by("code").only("id", "code", "name", "geometry"))
    context: dict[str, Any] = {
        "categories": report_categories((Category.Kind.EVENT, Category.Kind.COMPONENT)),
        "grids": grids,
        "map_data": {"points": [], "geometry": grids[0].geometry if grids else None},
        "form": request.POST,
    }
    if request.method == "POST":
        try:
            category = resolve.category(request.POST.get("category"))
            photos = uploads.clean_photos(request.FILES.getlist("photo"))
            if not photos:
                raise ApplicationError(_("网格员上报须附至少一张现场照片"), field="photo", code="photo_required")
            lon, lat = _float(request, "lon"), _float(request, "lat")
            if lon is None or lat is None:
                raise ApplicationError(_("请使用当前位置或在地图上选点"), field="lat", code="location_required")
            case = case_services.case_report(
                actor=actor, channel=Channel.GRID_WORKER, category=category,
                description=request.POST.get("description", ""), address=request.POST.get("address", ""),
                lon=lon, lat=lat, attachments=photos,
            )
        except ApplicationError as error:
            context["error"] = error
            status = error.status
        else:
            if case.grid_id is not None and not any(g.pk in (case.grid_id, case.micro_grid_id) for g in grids):
                messages.warning(request, _("案件 %(number)s 的位置不在您负责的网格内，将由所在网格核查。")
                                 % {"number": case.number})
            return HttpResponseRedirect(f"{reverse('web:work_grid')}?reported={case.number}", status=303)
    else:
        status = 200
    # Only the verifications the worker may do (cases.policy): not a case the worker reported outside the own grids.
    qs = selectors.case_list(actor=actor, filters={"state": "handled"}).filter(policy.grid_worker_cases_q(actor))
    try:
        page = keyset_page(qs, sort="reported_at", cursor=request.GET.get("cursor", ""), size=PAGE_SIZE)
    except ApplicationError as error:
        return error_page(request, error)
    rows = presenters.decorate(page.items)
    pictures = presenters.before_after(rows)
    for case in rows:
        case.photos = pictures[case.pk]  # type: ignore[attr-defined]  # display only
    context.update(page=page, rows=rows, reported=request.GET.get("reported", ""),
                   checks=FieldCheck.objects.filter(worker=actor, answered_at__isnull=True)
                   .select_related("case", "case__category").order_by("due_at"))
    return render(request, "web/work/grid.html", context, status=status)


SUPERVISION_ROLES = frozenset({*CENTER_ROLES, Role.HANDLER, Role.LEADER, Role.ADMIN})
SUPERVISION_PAGE = 100


@role_required(SUPERVISION_ROLES)
def work_supervision(request: HttpRequest) -> HttpResponse:
    """督办: the notices raised to the actor's units (or to their superiors) when a time limit passed, newest
    first, open ones by default (``?all=1``: the acknowledged ones too), one node (``?node=``), a page at a time;
    the notified unit confirms each."""
    actor = actor_of(request)
    show_all = request.GET.get("all") == "1"
    node = request.GET.get("node", "")
    nodes = SupervisionNotice.Node.choices
    if node and node not in dict(nodes):
        return error_page(request, ApplicationError(_("未知的环节：%(n)s") % {"n": node}, field="node"))
    try:
        page_number = int(request.GET.get("page") or 1)
    except ValueError:
        page_number = 0
    if not 1 <= page_number <= 100_000:
        return error_page(request, ApplicationError(_("页码必须是 1 到 100000 之间的整数"), field="page"))
    notices = selectors.supervision_notice_list(actor=actor, open_only=not show_all)
    if node:
        notices = notices.filter(node=node)
    total = notices.count()
    start = (page_number - 1) * SUPERVISION_PAGE
    rows = list(notices[start:start + SUPERVISION_PAGE])
    # A notice stays with the unit it was sent to; its case may have left the unit since (returned, dispatched
    # elsewhere): the number is shown, linked only when the actor may still open the case.
    visible = set(selectors.case_list(actor=actor).filter(pk__in=[n.case_id for n in rows]).values_list(
        "pk", flat=True))
    for notice in rows:
        notice.may_acknowledge = may_acknowledge(actor, notice)  # type: ignore[attr-defined]  # display only
        notice.case_visible = notice.case_id in visible  # type: ignore[attr-defined]  # display only
    base = {"all": "1" if show_all else "", "node": node}
    context = {"notices": rows, "total": total, "show_all": show_all, "node": node, "nodes": nodes,
               "open_count": selectors.supervision_notice_list(actor=actor, open_only=True).count(),
               "first": start + 1 if rows else 0, "last": start + len(rows),
               "previous": urlencode({**base, "page": page_number - 1}) if page_number > 1 else "",
               "next": urlencode({**base, "page": page_number + 1}) if start + len(rows) < total else "",
               "acknowledged": request.GET.get("acknowledged", "")}
    return render(request, "web/work/supervision.html", context)


@require_POST
@role_required(SUPERVISION_ROLES)
def supervision_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    notice = selectors.supervision_notice_list(actor=actor).filter(pk=pk).first()
    if notice is None:
        return error_page(request, ApplicationError(_("督办通知不存在或无权查看"), code="notice_not_found", status=404))
    try:
        case_services.supervision_notice_acknowledge(actor=actor, notice=notice)
    except ApplicationError as error:
        return error_page(request, error)
    return HttpResponseRedirect(f"{reverse('web:work_supervision')}?acknowledged={notice.case.number}", status=303)


MY_REPORTS_PAGE = 30


@role_required(frozenset({Role.GRID_WORKER, Role.CITIZEN}))
def my_reports(request: HttpRequest) -> HttpResponse:
    """我的上报: what the grid worker or citizen reported, with where each stands; a citizen follows each by its
    tracking code (查询码), a grid worker opens the case."""
    from django.core.paginator import Paginator

    from gaoxin.web.models import PublicReport

    actor = actor_of(request)
    number = (request.GET.get("q") or "").strip()
    if len(number) > 20 or (number and not number.isdecimal()):
        return error_page(request, ApplicationError(_("案件编号应为数字（可输部分）"), field="q"))
    page_number = request.GET.get("page") or "1"
    if not page_number.isdecimal() or len(page_number) > 6:
        return error_page(request, ApplicationError(_("页码应为正整数"), field="page"))
    filed = PublicReport.objects.filter(account=actor).values_list("case_id", flat=True)
    qs = selectors.my_reports(actor=actor, number=number, also=filed)
    page = Paginator(qs, MY_REPORTS_PAGE).get_page(int(page_number))
    codes = dict(PublicReport.objects.filter(case__in=[c.pk for c in page]).values_list("case_id", "code"))
    for case in page:
        case.tracking_code = codes.get(case.pk, "")  # type: ignore[attr-defined]  # display only
    return render(request, "web/work/my_reports.html", {
        "page": page, "total": page.paginator.count, "q": number, "citizen": actor.role == Role.CITIZEN})

"""The public reporting page (no login): report a problem with location and photo, get a tracking code, follow
the case's public status (no personal data, no internal notes) and rate the answer."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.cases import selectors, workflow
from gaoxin.cases.models import CaseEvent, Category, Satisfaction
from gaoxin.core.errors import ApplicationError
from gaoxin.grids.models import Grid
from gaoxin.web import services, uploads
from gaoxin.web.suggest import suggest_categories

FALLBACK_CATEGORY = "10005"  # 其他事项: when the reporter does not choose and the text suggests nothing
# Events the public sees, and whether their note is meant for the reporter.
PUBLIC_EVENTS = {"report": False, "register": False, "reject": True, "merge": False, "dispatch": False,
                 "accept": False, "feedback": True, "verify_pass": False, "evaluate": False, "reopen": False}


def _float(value: str, field: str) -> float | None:
    if not value.strip():
        return None
    try:
        return float(value)
    except ValueError:
        raise ApplicationError(_("坐标格式不正确"), field=field) from None


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or ""


def _form_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    zone = Grid.objects.filter(level=Grid.Level.ZONE).order_by("code").values_list("geometry", flat=True).first()
    return {
        "categories": list(selectors.category_list(kind=Category.Kind.EVENT).select_related("parent")),
        "challenge": services.challenge_new(),
        "form": request.POST,
        "map_data": {"points": [], "geometry": zone},
        **extra,
    }


@require_http_methods(["GET", "POST"])
def public_report(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "web/public/report.html", _form_context(request))
    post = request.POST
    try:
        nonce = services.challenge_check(token=post.get("challenge", ""), answer=post.get("answer", ""),
                                         honeypot=post.get("website", ""))
        description = post.get("description", "").strip()
        code = post.get("category", "")
        if code:
            category = Category.objects.filter(code=code, kind=Category.Kind.EVENT).first()
            if category is None:
                raise ApplicationError(_("请选择问题类型"), field="category")
        else:
            found = suggest_categories(description, limit=1) if description else []
            category = Category.objects.filter(pk=found[0].category_id).first() if found else None
            category = category or Category.objects.filter(code=FALLBACK_CATEGORY).first()
            if category is None:
                raise ApplicationError(_("请选择问题类型"), field="category")
        photos = uploads.clean_photos(request.FILES.getlist("photo"))
        if services.rate_limit_exceeded(_client_ip(request)):
            raise ApplicationError(_("提交过于频繁，请一小时后再试"), field="description", code="rate_limited",
                                   status=429)
        report = services.public_report_create(
            category=category, description=description, address=post.get("address", ""),
            lon=_float(post.get("lon", ""), "lon"), lat=_float(post.get("lat", ""), "lat"),
            reporter_name=post.get("reporter_name", ""), reporter_phone=post.get("reporter_phone", ""),
            photos=photos, ip=_client_ip(request), challenge_nonce=nonce,
            account=request.user if isinstance(request.user, User) and request.user.role == Role.CITIZEN else None,
        )
    except ApplicationError as error:
        return render(request, "web/public/report.html", _form_context(request, error=error), status=error.status)
    return HttpResponseRedirect(f"{reverse('web:public_track')}?code={report.code}&new=1", status=303)


@require_http_methods(["GET", "POST"])
def public_track(request: HttpRequest) -> HttpResponse:
    code = (request.POST.get("code") or request.GET.get("code") or "").strip()
    if not code:
        return render(request, "web/public/track.html", {})
    try:
        report = services.public_report_get(code=code)
    except ApplicationError as error:
        return render(request, "web/public/track.html", {"error": error, "code": code}, status=error.status)
    rate_error: ApplicationError | None = None
    status = 200
    if request.method == "POST":
        try:
            services.public_report_rate(report=report, satisfaction=request.POST.get("satisfaction", ""),
                                        note=request.POST.get("note", "").strip())
        except ApplicationError as exc:
            rate_error, status = exc, exc.status
        else:
            return HttpResponseRedirect(f"{reverse('web:public_track')}?code={report.code}", status=303)
        report = services.public_report_get(code=code)
    case = report.case
    events = [e for e in CaseEvent.objects.filter(case_id=case.pk).order_by("seq").only(
        "seq", "at", "action", "to_state", "note") if e.action in PUBLIC_EVENTS]
    timeline = [{"at": e.at, "label": workflow.ACTIONS.get(e.action, e.action),
                 "note": e.note if PUBLIC_EVENTS[e.action] else ""} for e in events]
    public_state = selectors.case_public_state(case=case)
    context = {
        "report": report, "code": services.format_code(report.code), "case": case,
        "state_label": workflow.STATES.get(public_state, public_state), "timeline": timeline,
        "may_rate": case.state == workflow.CLOSED and not report.rated_at,
        "satisfactions": Satisfaction.choices, "error": rate_error, "new": request.GET.get("new") == "1",
    }
    return render(request, "web/public/track.html", context, status=status)


@require_GET
def public_nearby(request: HttpRequest) -> HttpResponse:
    """Open reports near a spot, shown on the report forms before submitting (category, address, state and date
    only: what the tracking page shows), so a problem already reported is not reported again."""
    try:
        lon, lat = _float(request.GET.get("lon", ""), "lon"), _float(request.GET.get("lat", ""), "lat")
        if lon is not None and not -180 <= lon <= 180:
            raise ApplicationError(_("经度应在 -180 到 180 之间"), field="lon")
        if lat is not None and not -90 <= lat <= 90:
            raise ApplicationError(_("纬度应在 -90 到 90 之间"), field="lat")
    except ApplicationError as error:
        return render(request, "web/public/_nearby.html", {"error": error}, status=error.status)
    cases = selectors.open_cases_near(lon=lon, lat=lat) if lon is not None and lat is not None else []
    return render(request, "web/public/_nearby.html", {
        "cases": cases, "located": lon is not None and lat is not None, "radius": int(selectors.NEARBY_RADIUS_M)})

"""The operations dashboard page and the grid-layer GeoJSON its maps draw."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET

from gaoxin.accounts.models import OrgUnit
from gaoxin.cases.metrics import METRICS
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError
from gaoxin.grids import selectors as grid_selectors
from gaoxin.grids.models import Grid
from gaoxin.indicators.selectors import reporting_year
from gaoxin.web.access import DASHBOARD_ROLES, STAFF_ROLES, actor_of, error_page, is_htmx, role_required
from gaoxin.web.dashboard import Slice, dashboard_data
from gaoxin.web.filters import MAX_ID, parse_date

MAX_DAYS = 5 * 366
PRESETS = (("7", gettext_noop("近7天")), ("30", gettext_noop("近30天")), ("90", gettext_noop("近90天")),
           ("365", gettext_noop("近一年")))


def _unit(value: str, field: str, kinds: tuple[str, ...]) -> OrgUnit | None:
    if not value:
        return None
    try:
        unit = OrgUnit.objects.filter(pk=int(value), kind__in=kinds).first()
    except ValueError:
        unit = None
    if unit is None:
        raise ApplicationError(_("机构不存在"), field=field)
    return unit


def parse_slice(data: Any) -> Slice:
    """The period (a preset, the reporting year, or any range; the reporting year when none is given, so the page
    never opens on an empty month), the place, the unit and the map shading."""
    today = clock.now().astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    days = data.get("days") or ""
    year = reporting_year()
    if days == "year" or not (days or data.get("start") or data.get("end")):
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    elif days:
        if days not in dict(PRESETS):
            raise ApplicationError(_("未知的统计期"), field="days")
        start, end = today - dt.timedelta(days=int(days) - 1), today
    else:
        start = parse_date(data["start"], "start") if data.get("start") else dt.date(year, 1, 1)
        end = parse_date(data["end"], "end") if data.get("end") else today
    if start > end:
        raise ApplicationError(_("开始日期不能晚于结束日期"), field="start")
    if (end - start).days > MAX_DAYS:
        raise ApplicationError(_("统计期不能超过五年"), field="start")
    grid = None
    if data.get("grid"):
        try:
            grid = Grid.objects.filter(pk=int(data["grid"])).exclude(level=Grid.Level.ZONE).first()
        except ValueError:
            grid = None
        if grid is None:
            raise ApplicationError(_("网格不存在"), field="grid")
    shade = data.get("shade") or "density"
    if shade not in ("density", "overdue"):
        raise ApplicationError(_("未知的着色方式"), field="shade")
    return Slice(start=start, end=end, grid=grid, shade=shade,
                 street=_unit(data.get("street", ""), "street", (OrgUnit.Kind.STREET_OFFICE,)),
                 unit=_unit(data.get("unit", ""), "unit", (OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.STREET_OFFICE,
                                                            OrgUnit.Kind.COMMUNITY)))


def _params(s: Slice, **overrides: Any) -> str:
    params: dict[str, Any] = {"start": s.start.isoformat(), "end": s.end.isoformat(), "shade": s.shade}
    if s.street:
        params["street"] = s.street.pk
    if s.unit:
        params["unit"] = s.unit.pk
    if s.grid:
        params["grid"] = s.grid.pk
    params.update(overrides)
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


@require_GET
@role_required(DASHBOARD_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    try:
        s = parse_slice(request.GET)
    except ApplicationError as error:
        return error_page(request, error)
    data = dashboard_data(actor=actor, s=s)
    crumbs: list[Grid] = []
    node = s.grid
    while node is not None and node.level != Grid.Level.ZONE:
        crumbs.insert(0, node)
        node = Grid.objects.filter(pk=node.parent_id).first() if node.parent_id else None
    base = reverse("web:dashboard")
    geo_query = urlencode({"level": data["map"]["level"], "parent": data["map"]["parent"] or ""})
    client = {
        "trend": data["trend"], "channels": data["channels"], "categories": data["categories"],
        "map": {**data["map"], "shade": s.shade,
                "geojson": f"{reverse('web:grid_geojson')}?{geo_query}",
                "drill": f"{base}?{_params(s, grid='')}",
                "list": s.list_url(set="registered", grid="")},
        "day_list": s.list_url(period=False, set="registered"),
        "labels": {"registered": _("受理"), "closed": _("办结"), "cases": _("件"), "overdue": _("超期"),
                   "legend_density": _("立案数（件）"), "legend_overdue": _("超期占比")},
    }
    context = {
        "s": s, "data": data, "client": client, "crumbs": crumbs, "presets": PRESETS,
        "reporting_year": reporting_year(),
        "streets": OrgUnit.objects.filter(kind=OrgUnit.Kind.STREET_OFFICE).order_by("path"),
        "units": OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).order_by("path"),
        "zone_url": f"{base}?{_params(s, grid='')}",
        "self_query": _params(s),
        "other_shade_url": f"{base}?{_params(s, shade='overdue' if s.shade == 'density' else 'density')}",
        "metrics": METRICS,
        "grid_list_url": s.list_url(set="registered"),
    }
    context["crumb_links"] = [(g, f"{base}?{_params(s, grid=g.pk)}") for g in crumbs]
    if is_htmx(request):
        return render(request, "web/dashboard.html#panels", context)
    return render(request, "web/dashboard.html", context)


def _round(coords: Any) -> Any:
    if isinstance(coords, list):
        return [_round(c) for c in coords]
    return round(coords, 6) if isinstance(coords, float) else coords


@require_GET
@role_required(STAFF_ROLES)
def grid_geojson(request: HttpRequest) -> HttpResponse:
    """Grid polygons for the maps: ``level=grid`` (the zone's grids) or ``level=micro&parent=<grid id>``.
    Grid geometry is not personal data and changes rarely; the answer is cached for five minutes."""
    level = request.GET.get("level", "grid")
    parent = request.GET.get("parent", "")
    if level not in (Grid.Level.GRID, Grid.Level.MICRO, Grid.Level.ZONE):
        return error_page(request, ApplicationError(_("参数不正确"), field="level"))
    if parent and not (parent.isdecimal() and 1 <= int(parent) <= MAX_ID):
        return error_page(request, ApplicationError(_("参数不正确"), field="parent"))
    key = f"web:geojson:{level}:{parent}"
    body = cache.get(key)
    if body is None:
        qs = Grid.objects.filter(level=level)
        if parent:
            qs = qs.filter(parent_id=int(parent))
        features = [{"type": "Feature", "geometry": {"type": g["geometry"]["type"],
                                                     "coordinates": _round(g["geometry"]["coordinates"])},
                     "properties": {"id": g["id"], "code": g["code"], "name": g["name"]}}
                    for g in qs.order_by("code").values("id", "code", "name", "geometry")[:5000]]
        body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                          separators=(",", ":"))
        cache.set(key, body, 300)
    response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def basemap_geojson(request: HttpRequest) -> HttpResponse:
    """The app's own base map (底图: street boundaries, named roads, landmarks), drawn under the grids when no
    tile service is configured. Public (the report form's map uses it) and cached for five minutes."""
    body = cache.get("web:basemap")
    if body is None:
        data = grid_selectors.basemap_geojson()
        for feature in data["features"]:
            feature["geometry"] = {**feature["geometry"], "coordinates": _round(feature["geometry"]["coordinates"])}
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        cache.set("web:basemap", body, 300)
    response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response

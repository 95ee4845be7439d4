"""Pages of land management for the 自然资源和规划局 (parcels, registration, supply, permits) and the readers
(leaders, 经发局): thin over the services and selectors. The one-code dossier lives with the projects
(``projects.views.dossier``), since it shows the project on the parcel."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaoxin.accounts.models import User
from gaoxin.core.errors import ApplicationError, NotFound, PermissionDenied
from gaoxin.core.validation import parse_date
from gaoxin.enterprises.models import Enterprise
from gaoxin.land import policy, selectors, services
from gaoxin.land.models import M2_PER_MU, AgreementCheck, LandSupply, Parcel, Permit


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - login_required guarantees it
    return request.user


def _error(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    return render(request, "web/error.html", {"error": error}, status=error.status)


@login_required
@require_GET
def parcel_list(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    if not policy.may_read(actor):
        return _error(request, PermissionDenied("无权查看宗地"))
    filters = {k: request.GET.get(k, "") for k in ("q", "use_class", "supplied")}
    parcels = selectors.parcel_list(actor=actor, filters=filters)
    area = parcels.aggregate(total=Sum("area_m2"))["total"] or 0
    shown = list(parcels[:500])
    features = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": p.geometry,
         "properties": {"code": p.parcel_code, "name": p.name, "supplied": hasattr(p, "supply")}}
        for p in shown if p.status == Parcel.Status.ACTIVE]}
    return render(request, "land/parcels.html", {
        "parcels": shown, "features": features, "count": parcels.count(), "area_m2": area,
        "area_mu": (area / M2_PER_MU).quantize(1) if area else 0, "filters": filters,
        "use_classes": Parcel.UseClass.choices, "may_manage": policy.may_manage(actor)})


@login_required
@require_GET
def supply_list(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    if not policy.may_read(actor):
        return _error(request, PermissionDenied("无权查看供地"))
    try:
        year = min(max(int(request.GET.get("year") or 2023), 2000), 2100)  # a date of year 0 would not exist
    except ValueError:
        year = 2023
    supplies = selectors.supply_list(actor=actor, start=dt.date(year, 1, 1), end=dt.date(year + 1, 1, 1),
                                     use_class=request.GET.get("use_class") or None)
    if request.GET.get("permits") == "four":
        supplies = supplies.filter(four_permit_days__isnull=False)
    area = supplies.aggregate(total=Sum("parcel__area_m2"))["total"] or 0
    return render(request, "land/supplies.html", {
        "supplies": supplies, "year": year, "use_class": request.GET.get("use_class", ""),
        "area_mu": (area / M2_PER_MU).quantize(1) if area else 0, "use_classes": Parcel.UseClass.choices})


def _parcel(actor: User, code: str) -> Parcel:
    parcel = selectors.parcel_by_code(actor=actor, code=code)
    if parcel is None:
        raise NotFound("宗地不存在（或无权查看）")
    return parcel


def _managed_parcel(actor: User, code: str) -> Parcel:
    """The parcel ``code`` for a change only the land bureau makes (refused to others before the lookup)."""
    policy.check_manage(actor)
    return _parcel(actor, code)


def _parcel_context(actor: User, parcel: Parcel) -> dict[str, Any]:
    supply = LandSupply.objects.filter(parcel=parcel).first()
    held = set(parcel.permits.values_list("kind", flat=True))
    return {"parcel": parcel, "supply": supply, "permits": selectors.permits_of(parcel),
            "missing_kinds": [(k, label) for k, label in Permit.Kind.choices if k not in held],
            "methods": LandSupply.Method.choices, "may_manage": policy.may_manage(actor),
            "events": parcel.events.order_by("-seq")[:20],
            "checks": supply.checks.order_by("year", "occasion") if supply else [],
            "occasions": AgreementCheck.Occasion.choices, "indicators": services.STANDARD_INDICATORS,
            "geometry": {"geometry": parcel.geometry, "points": []},
            "parents": parcel.parents.order_by("parcel_code"), "children": parcel.children.order_by("parcel_code"),
            "may_reshape": (policy.may_manage(actor) and parcel.status == Parcel.Status.ACTIVE and supply is None)}


@login_required
@require_GET
def parcel_detail(request: HttpRequest, code: str) -> HttpResponse:
    actor = _user(request)
    try:
        parcel = _parcel(actor, code)
    except ApplicationError as exc:
        return _error(request, exc)
    return render(request, "land/parcel.html", _parcel_context(actor, parcel))


def _decimal_or_none(value: str | None) -> str | None:
    return (value or "").strip() or None


@login_required
@require_POST
def supply_record(request: HttpRequest, code: str) -> HttpResponse:
    actor = _user(request)
    try:
        parcel = _parcel(actor, code)
    except ApplicationError as exc:
        return _error(request, exc)
    data = request.POST
    try:
        land_user = None
        if data.get("land_user"):
            land_user = Enterprise.objects.filter(credit_code=data["land_user"].strip().upper()).first()
            if land_user is None:
                raise ApplicationError("受让企业：统一社会信用代码不在企业库中", field="land_user")
        services.supply_record(
            actor=actor, parcel=parcel, contract_no=data.get("contract_no", ""),
            contract_date=parse_date(data.get("contract_date")),  # type: ignore[arg-type]  # None is refused
            method=data.get("method", ""), price=_decimal_or_none(data.get("price")), land_user=land_user,
            is_custom=data.get("is_custom") == "1", is_standard=data.get("is_standard") == "1",
            indicators={name: _decimal_or_none(data.get(name)) for name, _ in services.STANDARD_INDICATORS})
    except ValueError as exc:
        return _form_error(request, actor, parcel, ApplicationError(f"合同签订日期：{exc}", field="contract_date"))
    except ApplicationError as exc:
        return _form_error(request, actor, parcel, exc)
    return HttpResponseRedirect(reverse("land:parcel", args=[parcel.parcel_code]))


@login_required
@require_POST
def permit_issue(request: HttpRequest, code: str) -> HttpResponse:
    actor = _user(request)
    try:
        parcel = _parcel(actor, code)
    except ApplicationError as exc:
        return _error(request, exc)
    try:
        services.permit_issue(actor=actor, parcel=parcel, kind=request.POST.get("kind", ""),
                              number=request.POST.get("number", ""),
                              issued_on=parse_date(request.POST.get("issued_on")))  # type: ignore[arg-type]
    except ValueError as exc:
        return _form_error(request, actor, parcel, ApplicationError(f"发证日期：{exc}", field="issued_on"))
    except ApplicationError as exc:
        return _form_error(request, actor, parcel, exc)
    return HttpResponseRedirect(reverse("land:parcel", args=[parcel.parcel_code]))


@login_required
@require_POST
def permits_issue(request: HttpRequest, code: str) -> HttpResponse:
    """一天发四证 at the window: every permit still missing, each with its number, on one date, all or none."""
    actor = _user(request)
    try:
        parcel = _parcel(actor, code)
    except ApplicationError as exc:
        return _error(request, exc)
    try:
        issued_on = parse_date(request.POST.get("issued_on"))
        if issued_on is None:
            raise ApplicationError("发证日期：不能为空", field="issued_on", code="required")
        held = set(parcel.permits.values_list("kind", flat=True))
        permits = [(kind, request.POST.get(f"number_{kind}", ""), issued_on)
                   for kind in Permit.Kind.values if kind not in held]
        services.permits_issue(actor=actor, parcel=parcel, permits=permits)
    except ValueError as exc:
        return _form_error(request, actor, parcel, ApplicationError(f"发证日期：{exc}", field="issued_on"))
    except ApplicationError as exc:
        return _form_error(request, actor, parcel, exc)
    return HttpResponseRedirect(reverse("land:parcel", args=[parcel.parcel_code]))


@login_required
@require_POST
def agreement_check(request: HttpRequest, code: str) -> HttpResponse:
    actor = _user(request)
    try:
        parcel = _parcel(actor, code)
        supply = LandSupply.objects.filter(parcel=parcel).first()
        if supply is None:
            raise ApplicationError("宗地尚未出让", field="parcel", code="not_supplied")
    except ApplicationError as exc:
        return _error(request, exc)
    try:
        year = int(request.POST.get("year") or 0)
        services.agreement_check(actor=actor, supply=supply, occasion=request.POST.get("occasion", ""), year=year,
                                 actuals={name: request.POST.get(name, "") for name, _ in services.STANDARD_INDICATORS})
    except ValueError:
        return _form_error(request, actor, parcel, ApplicationError("年度：应为数字", field="year"))
    except ApplicationError as exc:
        return _form_error(request, actor, parcel, exc)
    return HttpResponseRedirect(reverse("land:parcel", args=[parcel.parcel_code]) + "#checks")


def _form_error(request: HttpRequest, actor: User, parcel: Parcel, error: ApplicationError) -> HttpResponse:
    return render(request, "land/parcel.html", {**_parcel_context(actor, parcel), "error": error,
                                                "problems": list(error.extra.get("problems", [])),
                                                "data": request.POST}, status=error.status)


@login_required
@require_http_methods(["GET", "POST"])
def parcel_new(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    if not policy.may_manage(actor):
        return _error(request, PermissionDenied("只有自然资源和规划局可以登记宗地"))
    error = None
    problems: list[str] = []
    if request.method == "POST":
        try:
            try:
                geometry = json.loads(request.POST.get("geometry") or "")
            except json.JSONDecodeError as exc:
                raise ApplicationError("宗地界址：不是有效的 GeoJSON", field="geometry") from exc
            parcel = services.parcel_register(actor=actor, unit_code=request.POST.get("unit_code", ""),
                                              name=request.POST.get("name", ""),
                                              use_class=request.POST.get("use_class", ""), geometry_json=geometry)
            return HttpResponseRedirect(reverse("land:parcel", args=[parcel.parcel_code]))
        except ApplicationError as exc:
            error = exc
            problems = list(exc.extra.get("problems", []))
    return render(request, "land/new.html", {"error": error, "problems": problems, "data": request.POST,
                                             "use_classes": Parcel.UseClass.choices},
                  status=error.status if error else 200)


def _parts(text: str, use_class: str) -> list[services.ParcelInput]:
    """The parts of a split from a GeoJSON FeatureCollection, each feature with ``unit_code`` and ``name``."""
    try:
        data = json.loads(text or "")
    except json.JSONDecodeError as exc:
        raise ApplicationError("分割后的宗地：不是有效的 GeoJSON", field="parts") from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
        raise ApplicationError("分割后的宗地：应为 FeatureCollection，每个要素一宗", field="parts")
    parts = []
    for n, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        geometry = feature.get("geometry")
        if not isinstance(props, dict) or not isinstance(geometry, dict):
            raise ApplicationError(f"分割后的宗地：第 {n} 个要素缺少属性或界址", field="parts")
        parts.append(services.ParcelInput(str(props.get("unit_code") or "").strip(),
                                          str(props.get("name") or "").strip(), use_class, geometry))
    return parts


@login_required
@require_POST
def parcel_split(request: HttpRequest, code: str) -> HttpResponse:
    """分割: the parcel's parts, as a GeoJSON FeatureCollection (unit code and name per feature)."""
    actor = _user(request)
    try:
        parcel = _managed_parcel(actor, code)
    except ApplicationError as exc:
        return _error(request, exc)
    try:
        services.parcel_split(actor=actor, parcel=parcel, parts=_parts(request.POST.get("parts", ""),
                                                                        parcel.use_class))
    except ApplicationError as exc:
        return _form_error(request, actor, parcel, exc)
    return HttpResponseRedirect(reverse("land:parcel", args=[parcel.parcel_code]))


@login_required
@require_POST
def parcel_merge(request: HttpRequest, code: str) -> HttpResponse:
    """合并: this parcel with the others named (parcel codes), into one with a new unit code and name."""
    actor = _user(request)
    try:
        parcel = _managed_parcel(actor, code)
    except ApplicationError as exc:
        return _error(request, exc)
    try:
        codes = [c for c in re.split(r"[\s,，、;；]+", request.POST.get("others", "")) if c]
        if not codes:
            raise ApplicationError("合并的宗地：请填写要一并合并的宗地代码", field="others", code="required")
        others = []
        for other in codes:
            found = selectors.parcel_by_code(actor=actor, code=other)
            if found is None:
                raise ApplicationError(f"合并的宗地：{other} 不存在（或无权查看）", field="others")
            others.append(found)
        merged = services.parcel_merge(actor=actor, parcels=[parcel, *others],
                                       unit_code=request.POST.get("unit_code", "").strip(),
                                       name=request.POST.get("name", "").strip())
    except ApplicationError as exc:
        return _form_error(request, actor, parcel, exc)
    return HttpResponseRedirect(reverse("land:parcel", args=[merged.parcel_code]))

"""Open311 GeoReport v2 at ``/open311/v2/`` (http://wiki.open311.org/GeoReport_v2), JSON and XML.

Who may file (POST requests):
- a keyed client sends ``api_key`` (an API token, ``gaoxin api token create``; also accepted as
  ``Authorization: Bearer``) and files as that token's user — the user's role must be allowed to report on
  the ``open311`` channel (citizens, enterprises, operations-center staff);
- an anonymous public filer sends no key and files as the ``open311-public`` citizen account, limited to
  ``GAOXIN_OPEN311_ANON_PER_HOUR`` requests per hour per IP address (default 20); set
  ``GAOXIN_OPEN311_ANONYMOUS=0`` to require a key. A wrong key is refused, never treated as anonymous.
Reads are public. ``Idempotency-Key`` is honoured on POST as on the JSON API.

Output never carries personal data: first/last name, phone and e-mail are stored (masked in the back office)
and are not part of any response. Errors are the spec's list of ``{code, description}`` with the HTTP status
as ``code``; the description names the field."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import xml.etree.ElementTree as ET  # noqa: S405  # building XML only; nothing is parsed
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from gaoxin.accounts.roles import Role
from gaoxin.api import selectors as public
from gaoxin.api import services as api_services
from gaoxin.api.idempotency import idempotent_response
from gaoxin.api.models import ApiToken, Open311Request
from gaoxin.cases import selectors as case_selectors
from gaoxin.cases import services as case_services
from gaoxin.cases import workflow
from gaoxin.cases.models import Case, Category, Channel
from gaoxin.cases.privacy import mask_free_text
from gaoxin.core import clock, ratelimit
from gaoxin.core.errors import ApplicationError, PermissionDenied

CLOSED_STATES = frozenset({workflow.CLOSED, workflow.EVALUATED, workflow.REJECTED})
MAX_SPAN = dt.timedelta(days=90)
SPEC = "http://wiki.open311.org/GeoReport_v2"
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


# --- rendering -----------------------------------------------------------------------------------------------

def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _xml(root: str, item: str | None, data: Any) -> bytes:
    def fill(parent: ET.Element, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                fill(ET.SubElement(parent, key), inner)
        elif isinstance(value, list):
            for inner in value:
                tag = {"endpoints": "endpoint", "formats": "format", "keywords": "keyword",
                       "attributes": "attribute"}.get(parent.tag, item or "item")
                fill(ET.SubElement(parent, tag), inner)
        else:
            parent.text = _text(value)

    element = ET.Element(root)
    if isinstance(data, list):
        for entry in data:
            fill(ET.SubElement(element, item or "item"), entry)
    else:
        fill(element, data)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(element, encoding="utf-8", xml_declaration=False)


def render(fmt: str, data: Any, *, root: str, item: str | None = None, status: int = 200) -> HttpResponse:
    body = _xml(root, item, data) if fmt == "xml" else json.dumps(data, ensure_ascii=False).encode()
    return HttpResponse(body, status=status, content_type=FORMATS[fmt])


def render_error(fmt: str, status: int, description: str) -> HttpResponse:
    return render(fmt, [{"code": status, "description": description}], root="errors", item="error", status=status)


def jurisdiction_id() -> str:
    """The one jurisdiction this endpoint serves (``GAOXIN_OPEN311_JURISDICTION``)."""
    return os.environ.get("GAOXIN_OPEN311_JURISDICTION", "gaoxin.zhengzhou")


def _check_jurisdiction(request: HttpRequest) -> None:
    """GeoReport v2: ``jurisdiction_id`` may be omitted where an endpoint serves one jurisdiction; another one
    than ours is not found here."""
    asked = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
    if asked and asked != jurisdiction_id():
        raise ApplicationError(f"未知的辖区：{asked[:40]}（本接口服务 {jurisdiction_id()}）", field="jurisdiction_id",
                               code="jurisdiction_not_found", status=404)


def open311_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Map ApplicationError (and unexpected errors) to the spec's error list, once for every Open311 view."""

    def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        try:
            _check_jurisdiction(request)
            return view(request, *args, fmt=fmt, **kwargs)
        except ApplicationError as exc:
            where = f"{exc.field}：" if exc.field else ""
            return render_error(fmt, exc.status, f"{where}{exc.message} ({exc.code})")

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return csrf_exempt(wrapper)


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


# --- discovery and services ----------------------------------------------------------------------------------

@open311_view
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method != "GET":
        raise ApplicationError("只支持 GET", code="method_not_allowed", status=405)
    url = request.build_absolute_uri("/open311/v2/")
    data = {
        "changeset": "2024-02-01T00:00:00+08:00",
        "contact": "高新区城市运行管理中心（12345 / 数字城管）",
        "key_service": "使用 `gaoxin api token create 用户名` 签发的令牌作为 api_key；匿名提交也可，但有频率限制。",
        "endpoints": [{"specification": SPEC, "url": url, "changeset": "2024-02-01T00:00:00+08:00",
                       "type": "production", "formats": ["text/xml", "application/json"]}],
    }
    return render(fmt, data, root="discovery")


def _service(category: Category) -> dict[str, Any]:
    group = category.parent.name if category.parent_id and category.parent else category.get_kind_display()
    return {"service_code": category.code, "service_name": category.name,
            "description": category.description or f"{group} - {category.name}", "metadata": False,
            "type": "realtime", "keywords": category.get_kind_display(), "group": group}


@open311_view
def services(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method != "GET":
        raise ApplicationError("只支持 GET", code="method_not_allowed", status=405)
    return render(fmt, [_service(c) for c in public.open311_service_list()], root="services", item="service")


@open311_view
def service_definition(request: HttpRequest, code: str, *, fmt: str) -> HttpResponse:
    if request.method != "GET":
        raise ApplicationError("只支持 GET", code="method_not_allowed", status=405)
    category = public.open311_service_get(code=code)
    return render(fmt, {"service_code": category.code, "attributes": []}, root="service_definition")


# --- requests ------------------------------------------------------------------------------------------------

def _public_state(case: Case) -> str:
    return case_selectors.case_public_state(case=case) if case.state == workflow.MERGED else case.state


def _request(case: Case) -> dict[str, Any]:
    state = _public_state(case)
    unit = case.assignee or case.center
    if state == workflow.REJECTED:
        last_note = getattr(case, "last_note", "")  # annotated by the selector
        notes = f"不予立案：{mask_free_text(last_note)}" if last_note else "不予立案"
    elif case.state == workflow.MERGED:
        notes = f"已与其他案件合并办理（{workflow.STATES.get(state, state)}）"
    else:
        notes = workflow.STATES.get(state, state)
    extra = getattr(case, "open311", None) if hasattr(case, "open311") else None
    return {
        "service_request_id": case.number,
        "status": "closed" if state in CLOSED_STATES else "open",
        "status_notes": notes,
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": mask_free_text(case.description),
        "agency_responsible": unit.name,
        "service_notice": "",
        "requested_datetime": _iso(case.reported_at),
        "updated_datetime": _iso(getattr(case, "updated_at", None) or case.reported_at),
        "expected_datetime": _iso(case.deadline),
        "address": case.address,
        "address_id": "",
        "zipcode": "",
        "lat": case.lat,
        "long": case.lon,
        "media_url": extra.media_url if extra is not None else "",
    }


EARLIEST, LATEST = 2000, 2100  # the years a request date may name


def _parse_date(value: str, field: str) -> dt.datetime:
    """A W3C date-time with its zone, within the years a case may have; anything else is the caller's error (year
    0, a +99:00 offset and other values the date constructor rejects included), never a server error."""
    bad = ApplicationError("时间格式不正确，应为 W3C 格式，例如 2023-03-01T09:00:00+08:00", field=field)
    try:
        parsed = parse_datetime(value.strip().replace(" ", "+")) if value and len(value) <= 40 else None
    except ValueError:
        raise bad from None
    if parsed is None:
        raise bad
    if timezone.is_naive(parsed):
        raise ApplicationError("时间须带时区，例如 2023-03-01T09:00:00+08:00 或 …Z", field=field)
    if not EARLIEST <= parsed.year <= LATEST:
        raise ApplicationError(f"时间须在 {EARLIEST}–{LATEST} 年之间", field=field)
    return parsed


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _list_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.GET
    numbers = _split(params.get("service_request_id"))
    codes = _split(params.get("service_code"))
    statuses = _split(params.get("status"))
    bad = [s for s in statuses if s not in ("open", "closed")]
    if bad:
        raise ApplicationError(f"未知的状态：{bad[0]}（open 或 closed）", field="status")
    if any(len(n) > 20 for n in numbers) or any(len(c) > 16 for c in codes):
        raise ApplicationError("编码过长", field="service_request_id" if numbers else "service_code")
    start = _parse_date(params["start_date"], "start_date") if params.get("start_date") else None
    end = _parse_date(params["end_date"], "end_date") if params.get("end_date") else None
    if not numbers:
        if start is None and end is None:
            end = clock.now()
        if start is None:
            start = (end or clock.now()) - MAX_SPAN
        if end is None:
            end = start + MAX_SPAN
        if end < start:
            raise ApplicationError("end_date 不能早于 start_date", field="end_date")
        if end - start > MAX_SPAN:
            raise ApplicationError("查询时间跨度不能超过 90 天", field="end_date")
    found = [_request(c) for c in public.open311_request_list(numbers=numbers, codes=codes, start=start, end=end)]
    if statuses and not numbers:
        found = [r for r in found if r["status"] in statuses]
    return render(fmt, found, root="service_requests", item="request")


def anonymous_rate_key(ip: str) -> str:
    return f"open311:anonymous:{ratelimit.digest(ip)}"


def _anonymous_allowed(request: HttpRequest) -> bool:
    """Anonymous filing is on and this address is within ``GAOXIN_OPEN311_ANON_PER_HOUR`` (one count for every
    worker and server: ``core.ratelimit``)."""
    if os.environ.get("GAOXIN_OPEN311_ANONYMOUS", "1") != "1":
        return False
    limit = int(os.environ.get("GAOXIN_OPEN311_ANON_PER_HOUR", "20"))
    return ratelimit.hit(anonymous_rate_key(request.META.get("REMOTE_ADDR", "")), limit=limit,
                         window_seconds=3600).allowed


def _token(request: HttpRequest) -> ApiToken | None:
    key = request.POST.get("api_key") or request.GET.get("api_key") or ""
    header = request.headers.get("Authorization", "")
    if not key and header.lower().startswith("bearer "):
        key = header[7:].strip()
    if not key:
        return None
    token = api_services.api_token_authenticate(token=key)
    if token is None:
        raise PermissionDenied("api_key 无效或已吊销", field="api_key", code="bad_api_key")
    return token


def _name(first: str, last: str) -> str:
    first, last = first.strip(), last.strip()
    if re.search(r"[\u4e00-\u9fff]", first + last):
        return f"{last}{first}"
    return " ".join(p for p in (first, last) if p)


def _float(value: str, field: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ApplicationError("必须是数字", field=field) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ApplicationError("必须是数字", field=field)
    return number


def _create_request(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    token = _token(request)
    if token is None and not _anonymous_allowed(request):
        raise PermissionDenied("请提供 api_key（匿名提交已关闭或超过频率限制）", field="api_key",
                               code="api_key_required")
    actor = token.user if token is not None else api_services.system_account(
        username=api_services.OPEN311_PUBLIC_USERNAME, role=Role.CITIZEN, display_name="Open311 公众")
    code = data.get("service_code", "").strip()
    if not code:
        raise ApplicationError("必填", field="service_code")
    category = public.open311_service_get(code=code)
    lat_text, lon_text = data.get("lat", "").strip(), data.get("long", "").strip()
    address = data.get("address_string", "").strip() or data.get("address_id", "").strip()
    if not (lat_text and lon_text) and not address:
        raise ApplicationError("须提供 lat 与 long，或 address_string", field="lat" if not lat_text else "long")
    lat = _float(lat_text, "lat") if lat_text else None
    lon = _float(lon_text, "long") if lon_text else None
    if (lat is None) != (lon is None):
        raise ApplicationError("lat 与 long 须同时提供", field="long" if lon is None else "lat")
    media_url = data.get("media_url", "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise ApplicationError("链接格式不正确", field="media_url") from None
    email = data.get("email", "").strip()
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            raise ApplicationError("邮箱格式不正确", field="email") from None
    fields = {k: data.get(k, "") for k in ("service_code", "lat", "long", "address_string", "address_id", "email",
                                           "device_id", "account_id", "first_name", "last_name", "phone",
                                           "description", "media_url")}

    def work() -> tuple[int, Any]:
        case = case_services.case_report(
            actor=actor, channel=Channel.OPEN311, category=category, description=data.get("description", ""),
            address=address[:200], lon=lon, lat=lat,
            reporter_name=_name(data.get("first_name", ""), data.get("last_name", ""))[:50],
            reporter_phone=data.get("phone", ""),
        )
        Open311Request.objects.create(case=case, token=token, media_url=media_url[:500], email=email[:254],
                                      device_id=data.get("device_id", "")[:100],
                                      account_id=data.get("account_id", "")[:100])
        return 201, [{"service_request_id": case.number, "service_notice": "已受理，请凭编号查询办理进度",
                      "account_id": data.get("account_id") or None}]

    return idempotent_response(
        request, path="/open311/v2/requests", payload=fields, work=work,
        client=f"token:{token.pk}" if token is not None else f"anon:{request.META.get('REMOTE_ADDR', '')}",
        answer=lambda status, body: _filed(fmt, status, body))


FILED_FIELDS = ("service_request_id", "service_notice", "account_id")


def _filed(fmt: str, status: int, body: list[dict[str, Any]]) -> HttpResponse:
    """The answer to a filing, its fields in the spec's order: a replay comes from the idempotency record, whose
    JSON PostgreSQL keeps with its keys reordered, and must be the same bytes (and XML elements) as the first."""
    ordered = [{name: item.get(name) for name in FILED_FIELDS} for item in body]
    return render(fmt, ordered, root="service_requests", item="request", status=status)


@open311_view
def requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "GET":
        return _list_requests(request, fmt)
    if request.method == "POST":
        return _create_request(request, fmt)
    raise ApplicationError("只支持 GET 与 POST", code="method_not_allowed", status=405)


@open311_view
def request_detail(request: HttpRequest, number: str, *, fmt: str) -> HttpResponse:
    if request.method != "GET":
        raise ApplicationError("只支持 GET", code="method_not_allowed", status=405)
    case = public.open311_request_get(number=number)
    return render(fmt, [_request(case)], root="service_requests", item="request")


@open311_view
def token_detail(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    """GeoReport v2 ``tokens/{token}``: the service request a token stands for. This endpoint files requests
    synchronously, so the token a client holds is the request's own number (``service_request_id``); an unknown
    token is not found."""
    if request.method != "GET":
        raise ApplicationError("只支持 GET", code="method_not_allowed", status=405)
    case = public.open311_request_get(number=token)
    return render(fmt, [{"service_request_id": case.number, "token": case.number}], root="tokens", item="token")


def not_found(request: HttpRequest, path: str) -> HttpResponse:
    """Any other path under ``/open311/v2/``: the spec's error list, in the format the path asks for (JSON when
    it names none we speak)."""
    fmt = "xml" if path.endswith(".xml") else "json"
    return render_error(fmt, 404, f"没有这个接口：/open311/v2/{path[:80]}（格式只支持 .json 与 .xml）")

"""Public reads for Open311: which cases and categories the public interface shows (DESIGN §7: never personal
data). Hotline, enterprise and leader cases are not public: 12345 callers and enterprises did not file them for
publication. Everything else — public web and Open311 reports, city inspectors' and grid workers' reports of
public-space problems — is."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, QuerySet, Subquery

from gaoxin.cases import selectors
from gaoxin.cases.models import Case, CaseEvent, Category, Channel
from gaoxin.core.errors import NotFound

OPEN311_CHANNELS = (Channel.OPEN311, Channel.PUBLIC_WEB, Channel.CITY_INSPECTOR, Channel.GRID_WORKER)
OPEN311_KINDS = (Category.Kind.COMPONENT, Category.Kind.EVENT, Category.Kind.HOTLINE_CONTENT)


def open311_service_list() -> QuerySet[Category]:
    return selectors.category_list().filter(kind__in=OPEN311_KINDS).select_related("parent")


def open311_service_get(*, code: str) -> Category:
    found = open311_service_list().filter(code=code).first()
    if found is None:
        raise NotFound(f"未知的服务编码：{code}", code="service_not_found", field="service_code")
    return found


def _public() -> QuerySet[Case]:
    last = CaseEvent.objects.filter(case_id=OuterRef("pk")).order_by("-seq")
    return (
        Case.objects.filter(channel__in=OPEN311_CHANNELS)
        .select_related("category", "assignee", "center", "open311")
        .annotate(updated_at=Subquery(last.values("at")[:1]), last_note=Subquery(last.values("note")[:1]))
    )


def open311_request_list(*, numbers: list[str] | None = None, codes: list[str] | None = None,
                         start: dt.datetime | None = None, end: dt.datetime | None = None,
                         limit: int = 1000) -> list[Case]:
    qs = _public()
    if numbers:
        qs = qs.filter(number__in=numbers)
    else:
        if codes:
            qs = qs.filter(category__code__in=codes)
        if start is not None:
            qs = qs.filter(reported_at__gte=start)
        if end is not None:
            qs = qs.filter(reported_at__lte=end)
    return list(qs.order_by("-reported_at", "-id")[:limit])


def open311_request_get(*, number: str) -> Case:
    found = _public().filter(number=number).first()
    if found is None:
        raise NotFound(f"服务请求不存在：{number}", code="request_not_found", field="service_request_id")
    return found

"""综合评价: the street offices and the handling departments ranked by the evaluation defined in
``cases.metrics.EVALUATION`` for a period (the reporting year by default), each count linked to the cases it
counts, with the method on the page and an Excel export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook

from gaoxin.accounts.models import OrgUnit
from gaoxin.accounts.roles import Role
from gaoxin.cases import metrics
from gaoxin.core.errors import ApplicationError
from gaoxin.core.pages import xlsx_response
from gaoxin.indicators.selectors import reporting_year
from gaoxin.web.access import actor_of, error_page, role_required
from gaoxin.web.dashboard import Slice, pct
from gaoxin.web.filters import parse_date

EVALUATION_ROLES = frozenset({Role.LEADER, Role.ADMIN, Role.SHIFT_LEAD})
MEASURES = (("closure_rate", gettext_noop("结案率")), ("on_time_closure_rate", gettext_noop("按期结案率")),
            ("response_rate", gettext_noop("响应率")), ("rework_rate", gettext_noop("返工率")))


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    year = reporting_year()
    start = parse_date(request.GET["start"], "start") if request.GET.get("start") else dt.date(year, 1, 1)
    end = parse_date(request.GET["end"], "end") if request.GET.get("end") else dt.date(year, 12, 31)
    if start > end:
        raise ApplicationError(_("开始日期不能晚于结束日期"), field="start")
    return start, end


@role_required(EVALUATION_ROLES)
def evaluation(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    by = request.GET.get("by") or "street"
    try:
        start, end = _period(request)
        window = Slice(start=start, end=end)
        if by == "post":
            return _posts(request, metrics.post_evaluation(actor=actor, start=window.start_at, end=window.end_at),
                          start, end)
        rows = metrics.evaluation(actor=actor, start=window.start_at, end=window.end_at, by=by)
    except ApplicationError as error:
        return error_page(request, error)
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=[r["unit_id"] for r in rows])}
    for row in rows:
        unit = units[row["unit_id"]]
        place = Slice(start=start, end=end, street=unit) if by == "street" else Slice(start=start, end=end, unit=unit)
        row["urls"] = {code: place.list_url(set=code) for code in ("registered", "closed", "closed_on_time")}
        row["shown"] = [pct(row[code]) for code, _label in MEASURES]
    if request.GET.get("format") == "xlsx":
        return xlsx_response(_workbook(rows, by, start, end), f"evaluation-{by}-{start}-{end}.xlsx")
    return render(request, "web/evaluation.html", {
        "rows": rows, "by": by, "start": start, "end": end, "measures": MEASURES, "weights": metrics.EVALUATION,
        "version": metrics.EVALUATION_VERSION, "query": request.GET.urlencode()})


POSTS_PAGE = 50


def _posts(request: HttpRequest, rows: list[dict[str, Any]], start: dt.date, end: dt.date) -> HttpResponse:
    """The people of one post (``post``: a role of ``metrics.POSTS``) or of all, 50 to a page; the export has them
    all."""
    post = request.GET.get("post") or ""
    if post and post not in metrics.POSTS:
        return error_page(request, ApplicationError(_("未知的岗位：%(p)s") % {"p": post[:20]}, field="post"))
    page_number = request.GET.get("page") or "1"
    if not page_number.isdecimal() or len(page_number) > 6:
        return error_page(request, ApplicationError(_("页码应为正整数"), field="page"))
    rows = [r for r in rows if r["role"] == post] if post else rows
    if request.GET.get("format") == "xlsx":
        return xlsx_response(_posts_workbook(rows, start, end), f"evaluation-post-{start}-{end}.xlsx")
    page = Paginator(rows, POSTS_PAGE).get_page(int(page_number))
    for row in page:
        row["shown_counts"] = [(_(metrics.POST_COUNTS[code]), n) for code, n in row["counts"].items()]
        row["shown_measure"] = pct(row["measure"]) if row["measure_code"] else ""
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(request, "web/evaluation.html", {
        "posts": page, "total": len(rows), "post": post, "post_choices": [(k, v["name"]) for k, v in
                                                                         metrics.POSTS.items()],
        "by": "post", "start": start, "end": end, "query": request.GET.urlencode(), "keep": keep.urlencode(),
        "version": metrics.EVALUATION_VERSION})


def _posts_workbook(rows: list[dict[str, Any]], start: dt.date, end: dt.date) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "岗位评价"
    ws.append([f"岗位评价 {start} 至 {end} · 方法版本 {metrics.EVALUATION_VERSION}"])
    ws.append(["岗位", "岗位内排名", "姓名", "账号", "单位", *metrics.POST_COUNTS.values(), "准确派遣率(%)",
               "返工率(%)"])
    for r in rows:
        counts = [r["counts"].get(code) for code in metrics.POST_COUNTS]
        measure = None if r["measure"] is None else round(r["measure"] * 100, 1)
        ws.append([r["post"], r["rank"], r["name"], r["username"], r["unit"], *counts,
                   measure if r["measure_code"] == "dispatch_accuracy" else None,
                   measure if r["measure_code"] == "rework_rate" else None])
    data = io.BytesIO()
    wb.save(data)
    return data.getvalue()


def _workbook(rows: list[dict[str, Any]], by: str, start: dt.date, end: dt.date) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "综合评价"
    ws.append([f"综合评价（{'街道办事处' if by == 'street' else '处置部门'}） {start} 至 {end} · 方法版本 "
               f"{metrics.EVALUATION_VERSION}"])
    ws.append(["排名", "单位", "立案数", "结案数", "按期结案数", *[label for _code, label in MEASURES], "综合得分"])
    for r in rows:
        ws.append([r["rank"], r["name"], r["counts"]["registered"], r["counts"]["closed"],
                   r["counts"]["closed_on_time"], *[None if r[code] is None else round(r[code] * 100, 1)
                                                    for code, _label in MEASURES], r["score"]])
    data = io.BytesIO()
    wb.save(data)
    return data.getvalue()

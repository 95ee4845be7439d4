"""The year-end report on the web: HTML, Word and JSON for leaders and admins."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core.errors import ApplicationError
from gaoxin.indicators import yearclose
from gaoxin.indicators.figures import figure_values, system_actor
from gaoxin.indicators.selectors import reporting_year
from gaoxin.reports.builder import report_build
from gaoxin.reports.render import render_docx, render_html, render_json

READERS = frozenset({Role.LEADER, Role.ADMIN})
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years the platform's calendar and periods cover


def _allowed(request: HttpRequest) -> User | None:
    user = request.user
    assert isinstance(user, User)  # login_required guarantees it
    return user if user.is_superuser or user.role in READERS else None


@login_required
@require_GET
def report(request: HttpRequest, year: int, fmt: str = "html") -> HttpResponse:
    actor = _allowed(request)
    if actor is None:
        return render(request, "indicators/error.html",
                      {"error": {"message": "只有领导和管理员可以查看年终答卷", "code": "report_role"}}, status=403)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return render(request, "indicators/error.html",
                      {"error": {"message": f"没有 {year} 年的年终答卷（年份须在 {FIRST_YEAR}–{LAST_YEAR} 之间）",
                                 "code": "report_year"}}, status=404)
    built = report_build(year=year, actor=actor)
    if fmt == "json":
        return JsonResponse(render_json(built), json_dumps_params={"ensure_ascii": False})
    if fmt == "docx":
        response = HttpResponse(render_docx(built), content_type=(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
        response["Content-Disposition"] = f'attachment; filename="report-{year}.docx"'
        return response
    return HttpResponse(render_html(built, standalone=False))


@login_required
def close(request: HttpRequest, year: int) -> HttpResponse:
    """年度关账: the leader checks the year's figures and closes it; once closed, the page shows the snapshot, its
    history, the figures whose records changed since, and adjusts one with a reason."""
    actor = _allowed(request)
    if actor is None:
        return render(request, "indicators/error.html",
                      {"error": {"message": "只有领导和管理员可以办理年度关账", "code": "close_role"}}, status=403)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return render(request, "indicators/error.html",
                      {"error": {"message": f"年份须在 {FIRST_YEAR}–{LAST_YEAR} 之间", "code": "report_year"}},
                      status=404)
    error: ApplicationError | None = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "close":
                if request.POST.get("confirm") != "yes":
                    raise ApplicationError("请先勾选“已核对全部指标”再关账", field="confirm", code="confirm_required")
                yearclose.year_close(actor=actor, year=year, note=request.POST.get("note", ""))
            elif action == "adjust":
                yearclose.year_adjust(actor=actor, year=year, ref=request.POST.get("ref", ""),
                                      reason=request.POST.get("reason", ""))
            else:
                raise ApplicationError("未知的操作", field="action", code="bad_action")
            return HttpResponseRedirect(reverse("reports:close", args=[year]))
        except ApplicationError as exc:
            error = exc
    closed = yearclose.closed_year(year)
    context: dict[str, object] = {"year": year, "closed": closed, "error": error}
    if closed is None:
        figures = list(figure_values(actor=system_actor(), year=year).values())
        context.update({
            "count": len(figures), "missing": [f for f in figures if f.missing],
            "simulated": sum(1 for f in figures if f.simulated and not f.missing),
            "by_source": {label: sum(1 for f in figures if f.source_label == label)
                          for label in ("平台记录计算", "推算", "部门填报")},
        })
    else:
        context.update({"events": closed.events.select_related("actor").order_by("seq"),
                        "differences": yearclose.live_differences(year), "count": closed.figures.count()})
    return render(request, "reports/close.html", context, status=error.status if error else 200)


@login_required
@require_GET
def latest(request: HttpRequest, page: str = "html") -> HttpResponse:
    """The report (or its close) of the reporting year: the last finished year, or the simulated one."""
    return HttpResponseRedirect(reverse(f"reports:{page}", args=[reporting_year()]))

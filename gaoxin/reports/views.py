"""The year-end report on the web: HTML, Word and JSON for leaders and admins."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
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

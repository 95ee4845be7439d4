"""Exports on the web: a case list's filtered cases exported in the background (``api.exports``), a page that
follows the job's progress and offers the file when it is written, the user's recent exports."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gaoxin.api import exports
from gaoxin.api.models import ExportJob
from gaoxin.core.errors import ApplicationError
from gaoxin.web.access import STAFF_ROLES, actor_of, error_page, is_htmx, role_required
from gaoxin.web.filters import PARAMS, parse_case_query


@require_POST
@role_required(STAFF_ROLES)
def export_cases(request: HttpRequest) -> HttpResponse:
    """Export the cases the posted case-list filters select (the same parameters as ``/cases/``)."""
    actor = actor_of(request)
    try:
        query = parse_case_query({name: request.POST.get(name, "") for name in PARAMS})
        job = exports.export_job_create(actor=actor, kind="cases", source="web", filters=query.filters)
    except ApplicationError as error:
        return error_page(request, error)
    return HttpResponseRedirect(reverse("web:export_detail", args=[job.pk]), status=303)


@require_GET
@role_required(STAFF_ROLES)
def export_list(request: HttpRequest) -> HttpResponse:
    jobs = list(exports.export_job_list(actor=actor_of(request))[:50])
    return render(request, "web/exports/list.html", {"jobs": jobs})


@require_GET
@role_required(STAFF_ROLES)
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress; while it runs the page asks again every two seconds (htmx) and shows the file when
    it is written."""
    try:
        job = exports.export_job_get(actor=actor_of(request), job_id=pk)
    except ApplicationError as error:
        return error_page(request, error)
    running = job.status in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)
    share = round(100 * job.rows_done / job.rows_total) if job.rows_total else (100 if not running else 0)
    context = {"job": job, "running": running, "share": share}
    if is_htmx(request):
        return render(request, "web/exports/detail.html#progress", context)
    return render(request, "web/exports/detail.html", context)


@require_GET
@role_required(STAFF_ROLES)
def export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    try:
        job = exports.export_job_get(actor=actor_of(request), job_id=pk)
    except ApplicationError as error:
        return error_page(request, error)
    if job.status != ExportJob.Status.DONE or not job.file:
        return error_page(request, ApplicationError(_("导出尚未完成"), code="export_not_ready", status=409))
    response = FileResponse(job.file.open("rb"), content_type="text/csv; charset=utf-8", as_attachment=True,
                            filename=f"cases-{job.pk}.csv")
    response["X-Content-Type-Options"] = "nosniff"
    return response

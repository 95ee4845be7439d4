"""Pages of the indicators: the leader's dashboard, the catalog with definitions, one figure with its provenance,
and the data officer's submissions (form, evidence, workflow actions, Excel template and upload)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.core import textstats
from gaoxin.core.errors import ApplicationError, NotFound
from gaoxin.indicators import excel, services
from gaoxin.indicators.models import Indicator, SourceDocument, Submission, SubmissionEvent
from gaoxin.indicators.provenance import figure_provenance, provenance_json, provenance_xlsx, record_rows
from gaoxin.indicators.selectors import (
    dashboard_rows,
    document_list,
    reporting_year,
    require_reader,
    submission_get,
    submission_list,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required guarantees it
    return request.user


def _year(request: HttpRequest) -> int:
    """The year asked for, or the reporting year (not the calendar year)."""
    raw = request.GET.get("year") or request.POST.get("year")
    try:
        return int(services.parse_period(raw)) if raw else reporting_year()
    except ApplicationError:
        return reporting_year()


def _error(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    return render(request, "indicators/error.html", {"error": error}, status=error.status)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    actor, year = _user(request), _year(request)
    try:
        rows = dashboard_rows(actor=actor, year=year)
    except ApplicationError as exc:
        return _error(request, exc)
    return render(request, "indicators/dashboard.html", {"rows": rows, "year": year})


@login_required
@require_GET
def catalog(request: HttpRequest) -> HttpResponse:
    try:
        require_reader(_user(request))
    except ApplicationError as exc:
        return _error(request, exc)
    return render(request, "indicators/catalog.html", {"indicators": Indicator.objects.all()})


@login_required
@require_GET
def detail(request: HttpRequest, ref: str) -> HttpResponse:
    """One figure of a year with its provenance: definition, then the records that add up to it (a page at a time;
    ``?format=json`` the total and every record id, ``?format=xlsx`` the list), the formula and inputs of a derived
    figure, or the submission and its evidence."""
    actor, year = _user(request), _year(request)
    fmt = request.GET.get("format", "html")
    try:
        require_reader(actor)
        if fmt not in ("html", "json", "xlsx"):
            raise ApplicationError("格式只能是 html、json 或 xlsx", field="format", code="bad_format")
        prov = figure_provenance(actor=actor, year=year, ref=ref)
        if fmt == "json":
            return JsonResponse(provenance_json(prov), json_dumps_params={"ensure_ascii": False})
        if fmt == "xlsx":
            response = HttpResponse(provenance_xlsx(prov), content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="{ref}-{year}-records.xlsx"'
            return response
        page = record_rows(prov, page=_page(request))
    except ApplicationError as exc:
        if fmt == "json":
            return JsonResponse({"error": exc.message, "field": exc.field, "code": exc.code}, status=exc.status,
                                json_dumps_params={"ensure_ascii": False})
        return _error(request, exc)
    submissions = submission_list(actor=actor).filter(indicator=prov.indicator)
    return render(request, "indicators/detail.html", {
        "indicator": prov.indicator, "figure": prov.figure, "prov": prov, "records": page, "year": year,
        "submissions": submissions})


def _page(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    if not raw.isdecimal() or len(raw) > 7:
        raise ApplicationError("页码应为正整数", field="page", code="bad_page")
    return int(raw)


@login_required
def submissions(request: HttpRequest) -> HttpResponse:
    actor, year = _user(request), _year(request)
    error = None
    if request.method == "POST":
        try:
            indicator = Indicator.objects.filter(ref=request.POST.get("indicator", "")).first()
            if indicator is None:
                raise ApplicationError("请选择要填报的指标", field="indicator")
            submission = services.submission_save(actor=actor, indicator=indicator, period=year,
                                                  value=request.POST.get("value"), note=request.POST.get("note", ""))
            for upload in request.FILES.getlist("evidence"):
                services.submission_evidence_add(actor=actor, submission=submission, file=upload,
                                                 name=upload.name or "")
            return HttpResponseRedirect(reverse("indicators:submission", args=[submission.pk]))
        except ApplicationError as exc:
            error = exc
    try:
        rows = submission_list(actor=actor, period=str(year))
    except ApplicationError as exc:
        return _error(request, exc)
    own = Indicator.objects.filter(source=Indicator.Source.SUBMITTED)
    if not (actor.is_superuser or actor.role in ("admin",)):
        own = own.filter(owner_code=actor.org_unit.code if actor.org_unit else "-")
    return render(request, "indicators/submissions.html",
                  {"rows": rows, "year": year, "own": own, "error": error}, status=error.status if error else 200)


@login_required
def submission(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _user(request)
    try:
        item = submission_get(actor=actor, pk=pk)
    except ApplicationError as exc:
        return _error(request, exc)
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "submit":
                services.submission_submit(actor=actor, submission=item)
            elif action == "approve":
                services.submission_approve(actor=actor, submission=item, note=request.POST.get("note", ""))
            elif action == "return":
                services.submission_return(actor=actor, submission=item, reason=request.POST.get("reason", ""))
            elif action == "revise":
                services.submission_revise(actor=actor, submission=item, value=request.POST.get("value"),
                                           reason=request.POST.get("reason", ""))
            elif action == "withdraw":
                services.submission_withdraw(actor=actor, submission=item, reason=request.POST.get("reason", ""))
            elif action == "supersede":
                services.submission_save(actor=actor, indicator=item.indicator, period=item.period,
                                         org_unit=item.org_unit, value=request.POST.get("value"),
                                         note=request.POST.get("note", ""))
            elif action == "evidence":
                for upload in request.FILES.getlist("evidence"):
                    services.submission_evidence_add(actor=actor, submission=item, file=upload, name=upload.name or "")
            else:
                raise ApplicationError("未知的操作", field="action")
            return HttpResponseRedirect(reverse("indicators:submission", args=[pk]))
        except ApplicationError as exc:
            error = exc
            item = submission_get(actor=actor, pk=pk)
    return render(request, "indicators/submission.html",
                  {"item": item, "events": _event_rows(item), "error": error,
                   "actions": services.submission_actions(actor=actor, submission=item)},
                  status=error.status if error else 200)


# The change log in words (操作 and 状态 as the page says them, never the stored codes).
EVENT_ACTIONS = {"create": gettext_noop("新建"), "edit": gettext_noop("修改"), "evidence": gettext_noop("上传材料"),
                 "submit": gettext_noop("提交审核"), "approve": gettext_noop("审核通过"),
                 "return": gettext_noop("退回"), "revise": gettext_noop("修订"), "withdraw": gettext_noop("撤回"),
                 "simulate": gettext_noop("写入模拟数据"), "supersede": gettext_noop("部门数据取代模拟数据")}


def _event_rows(item: Submission) -> list[SubmissionEvent]:
    statuses = dict(Submission.Status.choices)
    events = list(item.events.select_related("actor").order_by("seq"))
    for e in events:
        e.action_label = EVENT_ACTIONS.get(e.action, e.action)  # for the page
        e.from_label = statuses.get(e.from_status, e.from_status)  # for the page
        e.to_label = statuses.get(e.to_status, e.to_status)  # for the page
    return events


@login_required
@require_GET
def template_download(request: HttpRequest) -> HttpResponse:
    actor, year = _user(request), _year(request)
    code = request.GET.get("department") if actor.is_superuser or actor.role == "admin" else None
    department = OrgUnit.objects.filter(code=code).first() if code else actor.org_unit
    try:
        require_reader(actor)
        if department is None:
            raise ApplicationError("请指定部门", field="department")
        content = excel.template_workbook(department=department, year=year)
    except ApplicationError as exc:
        return _error(request, exc)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="indicators-{department.code}-{year}.xlsx"'
    return response


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    file = request.FILES.get("file")
    try:
        if file is None:
            raise ApplicationError("请选择要上传的文件", field="file")
        saved = excel.submissions_import(actor=actor, file=file)
    except ApplicationError as exc:
        return render(request, "indicators/upload_result.html", {"error": exc}, status=exc.status)
    return render(request, "indicators/upload_result.html", {"saved": saved})


@login_required
def documents(request: HttpRequest) -> HttpResponse:
    """来源文件: the documents figures are counted from (the work report), their counts, and the upload form."""
    actor, year = _user(request), _year(request)
    error = None
    try:
        require_reader(actor)
        if request.method == "POST":
            file = request.FILES.get("file")
            if file is None:
                raise ApplicationError("文件：请选择要上传的文件", field="file", code="required")
            document = services.document_upload(
                actor=actor, kind=request.POST.get("kind", ""), period=year, title=request.POST.get("title", ""),
                issuer=request.POST.get("issuer", ""), issued_on=request.POST.get("issued_on", ""), file=file,
                name=file.name or "")
            return HttpResponseRedirect(f"{reverse('indicators:documents')}?year={year}&saved={document.pk}")
    except ApplicationError as exc:
        if request.method != "POST":
            return _error(request, exc)
        error = exc
    rows = [(d, textstats.term_counts(d.text, ["高", "新"])) for d in document_list(year=year)]
    return render(request, "indicators/documents.html", {
        "rows": rows, "year": year, "error": error, "kinds": SourceDocument.Kind.choices, "form": request.POST,
        "may_upload": services.may_upload_documents(actor), "saved": request.GET.get("saved", "")},
        status=error.status if error else 200)


@login_required
@require_GET
def document_file(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    actor = _user(request)
    try:
        require_reader(actor)
        document = SourceDocument.objects.filter(pk=pk).first()
        if document is None:
            raise NotFound("来源文件不存在")
    except ApplicationError as exc:
        return _error(request, exc)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name)

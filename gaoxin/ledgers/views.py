"""Pages of the ledger engine, one job per role: designers import an XLSForm, publish it, download it again;
filling units see what they owe, fill the generated form (or download the Excel template and upload it), revise
approved entries; reviewers approve or return their queue; leaders read the board of progress against targets and
drill down to the entries. Thin over the services and selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from gaoxin.accounts.models import User
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError, NotFound, PermissionDenied
from gaoxin.core.ledger import LedgerHasErrors
from gaoxin.ledgers import excel, periods, policy, selectors, services, workflow
from gaoxin.ledgers.definition import FieldSpec, display, fields_from_json, read_xlsform, write_xlsform
from gaoxin.ledgers.models import Ledger, LedgerEntry, LedgerVersion
from gaoxin.ledgers.shipped import shipped_codes, shipped_source

STATES = dict(LedgerEntry.State.choices)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INPUT_TYPES = {"integer": ("number", "1"), "decimal": ("number", "any"), "money": ("number", "0.01"),
               "date": ("date", "")}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required guarantees it
    return request.user


def _error(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    return render(request, "ledgers/error.html", {"error": error}, status=error.status)


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    return year if 2000 <= year <= 2100 else (clock.now().date() - dt.timedelta(days=31)).year


def _ledger(code: str) -> Ledger:
    ledger = Ledger.objects.select_related("current_version", "owner").filter(code=code).first()
    if ledger is None or ledger.current_version is None:
        raise NotFound(f"没有编码为 {code} 的台账", field="ledger")
    return ledger


def _form_fields(version: LedgerVersion, values: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for f in fields_from_json(version.fields):
        kind, step = INPUT_TYPES.get(f.kind, ("text", ""))
        value = values.get(f.name)
        if f.kind == "money" and isinstance(value, int):
            value = display(f, value, {}).replace(",", "")
        out.append({"spec": f, "input": kind, "step": step, "value": "" if value is None else value,
                    "options": version.choices.get(f.list_name, []) if f.kind == "choice" else []})
    return out


def _values(request: HttpRequest, version: LedgerVersion) -> dict[str, Any]:
    return {f.name: request.POST.get(f.name, "") for f in fields_from_json(version.fields) if f.kind != "attachment"}


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    return render(request, "ledgers/home.html", {
        "may_design": policy.may_design(actor), "may_board": policy.may_see_boards(actor),
        "may_review": selectors.review_queue(actor=actor).exists() or (
            actor.role == "data_officer" and Ledger.objects.filter(owner_id=actor.org_unit_id).exists()),
        "ledgers": selectors.ledger_list(actor=actor).distinct()})


# --- designers ------------------------------------------------------------------------------------------------


@login_required
def design(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    if not policy.may_design(actor):
        return _error(request, PermissionDenied("只有台账设计人员（平台管理员）可以设计台账"))
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ApplicationError("请选择 XLSForm 文件（.xlsx）", field="file", code="required")
            version = services.ledger_definition_import(actor=actor, source=upload.read())
            return HttpResponseRedirect(f"{reverse('ledgers:design')}#v{version.pk}")
        except ApplicationError as exc:
            error = exc
    versions = LedgerVersion.objects.select_related("ledger").order_by("ledger__code", "-number")
    return render(request, "ledgers/design.html", {"versions": versions, "error": error},
                  status=error.status if error else 200)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _user(request)
    version = LedgerVersion.objects.filter(pk=pk).first()
    if version is None:
        return _error(request, NotFound("没有这个版本"))
    try:
        services.ledger_version_publish(actor=actor, version=version)
    except ApplicationError as exc:
        return _error(request, exc)
    return HttpResponseRedirect(f"{reverse('ledgers:design')}#v{pk}")


@login_required
@require_GET
def xlsform_sample(request: HttpRequest) -> HttpResponse:
    """A shipped definition as an XLSForm workbook, for a department to start its own from."""
    if not policy.may_design(_user(request)):
        return _error(request, PermissionDenied())
    code = request.GET.get("code") or "guaranteed_delivery"
    if code not in shipped_codes():
        return _error(request, NotFound("没有这个样例", field="code"))
    response = HttpResponse(write_xlsform(read_xlsform(shipped_source(code))), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{code}-sample.xlsx"'
    return response


@login_required
@require_GET
def xlsform(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _user(request)
    version = LedgerVersion.objects.select_related("ledger").filter(pk=pk).first()
    if not policy.may_design(actor) or version is None:
        return _error(request, PermissionDenied())
    body = write_xlsform(read_xlsform(bytes(version.xlsform)))
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{version.ledger.code}-v{version.number}.xlsx"'
    return response


# --- filling units --------------------------------------------------------------------------------------------


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    actor, year = _user(request), _year(request)
    dues = selectors.my_due(actor=actor, year=year)
    return render(request, "ledgers/mine.html", {"dues": dues, "year": year,
                                                 "reminders": selectors.my_reminders(actor=actor)})


@login_required
def fill(request: HttpRequest, code: str) -> HttpResponse:
    actor = _user(request)
    try:
        ledger = _ledger(code)
        version = ledger.current_version
        assert version is not None
        units = policy.fillable_units(actor, version.fillers)
        if not units:
            raise PermissionDenied(f"您不是{ledger.name}的填报单位")
    except ApplicationError as exc:
        return _error(request, exc)
    error = None
    source = request.POST if request.method == "POST" else request.GET
    unit_code = source.get("unit") or units[0].code
    period_text = source.get("period") or periods.label(version.period, periods.bounds(
        version.period, clock.now().date())[0])
    values: dict[str, Any] = {}
    if request.method == "POST":
        values = _values(request, version)
        try:
            unit = next((u for u in units if u.code == unit_code), None)
            if unit is None:
                raise ApplicationError("请选择您可以填报的单位", field="unit")
            start = periods.parse(version.period, period_text)
            entry = services.entry_create(actor=actor, ledger=ledger, org_unit=unit, period_start=start,
                                          values=values, submit=request.POST.get("action") == "submit")
            return HttpResponseRedirect(reverse("ledgers:entry", args=[entry.pk]))
        except ApplicationError as exc:
            error = exc
    return render(request, "ledgers/fill.html", {
        "ledger": ledger, "version": version, "units": units, "unit_code": unit_code, "period": period_text,
        "fields": _form_fields(version, values), "error": error}, status=error.status if error else 200)


def _entry_rows(entry: LedgerEntry) -> list[tuple[FieldSpec, str]]:
    return [(f, display(f, entry.values.get(f.name), entry.version.choices))
            for f in fields_from_json(entry.version.fields) if f.kind != "attachment"]


@login_required
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _user(request)
    item = selectors.entry_get(actor=actor, pk=pk)
    if item is None:
        return _error(request, NotFound("条目不存在或不在您的管辖范围内"))
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in {"save", "submit"}:
                services.entry_update(actor=actor, entry=item, values=_values(request, item.version),
                                      submit=action == "submit")
            elif action == "attach":
                upload = request.FILES.get("file")
                if upload is None:
                    raise ApplicationError("请选择附件", field="file", code="required")
                services.entry_attach(actor=actor, entry=item, field=request.POST.get("field", ""), file=upload)
            elif action == "approve":
                services.entry_approve(actor=actor, entry=item)
            elif action == "return":
                services.entry_return(actor=actor, entry=item, reason=request.POST.get("reason", ""))
            elif action == "revise":
                revision = services.entry_revise(actor=actor, entry=item, values=_values(request, item.version),
                                                 reason=request.POST.get("reason", ""))
                return HttpResponseRedirect(reverse("ledgers:entry", args=[revision.pk]))
            else:
                raise ApplicationError("未知的操作", field="action")
            return HttpResponseRedirect(reverse("ledgers:entry", args=[pk]))
        except ApplicationError as exc:
            error = exc
        refreshed = selectors.entry_get(actor=actor, pk=pk)
        assert refreshed is not None
        item = refreshed
    editable = item.state in {workflow.DRAFT, workflow.RETURNED} and policy.may_fill(
        actor, item.version.fillers, item.org_unit)
    revisable = item.state == workflow.APPROVED and policy.may_fill(actor, item.version.fillers, item.org_unit)
    return render(request, "ledgers/entry.html", {
        "item": item, "rows": _entry_rows(item), "events": [
            (e, workflow.ACTION_LABELS.get(e.action, e.action), STATES.get(e.from_state, ""), STATES[e.to_state])
            for e in item.events.select_related("actor")],
        "attachments": item.attachments.all(), "editable": editable, "revisable": revisable,
        "reviewable": item.state == workflow.SUBMITTED and policy.may_review(actor, item),
        "fields": _form_fields(item.version, item.values) if editable or revisable else [],
        "period": periods.label(item.version.period, item.period_start), "error": error},
        status=error.status if error else 200)


@login_required
@require_GET
def template(request: HttpRequest, code: str) -> HttpResponse:
    try:
        body = excel.ledger_template(ledger=_ledger(code))
    except ApplicationError as exc:
        return _error(request, exc)
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{code}-template.xlsx"'
    return response


@login_required
@require_POST
def upload(request: HttpRequest, code: str) -> HttpResponse:
    actor = _user(request)
    try:
        ledger = _ledger(code)
        file = request.FILES.get("file")
        if file is None:
            raise ApplicationError("请选择填好的模板（.xlsx）", field="file", code="required")
        if request.POST.get("action") == "check":  # preview: nothing written
            preview = excel.ledger_import_preview(actor=actor, ledger=ledger, file=file)
            if preview.bad_rows:
                response = HttpResponse(preview.error_workbook(), status=400, content_type=XLSX)
                response["Content-Disposition"] = f'attachment; filename="{code}-errors.xlsx"'
                return response
            return render(request, "ledgers/upload_result.html", {"ledger": ledger, "checked": len(preview.rows)})
        result = excel.ledger_import_commit(actor=actor, ledger=ledger, file=file,
                                            clean_rows_only=request.POST.get("clean_rows_only") == "1")
    except LedgerHasErrors as exc:
        return render(request, "ledgers/upload_result.html", {"ledger": ledger, "bad": exc.preview.bad_rows,
                                                               "error": exc}, status=400)
    except ApplicationError as exc:
        return _error(request, exc)
    return render(request, "ledgers/upload_result.html", {"ledger": ledger, "result": result,
                                                           "bad": result.skipped_rows})


# --- reviewers ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    return render(request, "ledgers/review.html", {"queue": selectors.review_queue(actor=actor)[:200]})


# --- leaders --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    actor, year = _user(request), _year(request)
    try:
        rows = selectors.board(actor=actor, year=year)
    except ApplicationError as exc:
        return _error(request, exc)
    late = [d for d in selectors.due_periods(year=year) if d.late]
    return render(request, "ledgers/board.html", {"rows": rows, "late": late, "year": year})


@login_required
@require_GET
def entries(request: HttpRequest, code: str) -> HttpResponse:
    """The entries of a ledger the actor may see: the drill-down of the board and the provenance of a figure
    (``f_<field>=<value>`` filters on field values, as the figure's filters)."""
    actor = _user(request)
    try:
        ledger = _ledger(code)
    except ApplicationError as exc:
        return _error(request, exc)
    filters = {k: request.GET.get(k, "") for k in ("state", "unit") if request.GET.get(k)}
    filters["year"] = str(_year(request))
    qs = selectors.entry_list(actor=actor, ledger=ledger, filters=filters)
    for key, value in request.GET.items():
        if key.startswith("f_") and value:
            qs = qs.filter(**{f"values__{key[2:]}": value})
    version = ledger.current_version
    assert version is not None
    fields = [f for f in fields_from_json(version.fields) if f.kind != "attachment"]
    rows = [(e, periods.label(version.period, e.period_start),
             [display(f, e.values.get(f.name), version.choices) for f in fields]) for e in qs[:1000]]
    return render(request, "ledgers/entries.html", {"ledger": ledger, "fields": fields, "rows": rows,
                                                    "count": qs.count(), "year": filters["year"]})

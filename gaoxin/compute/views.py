"""Pages of the city compute network (issue 21), thin over the services and selectors. An enterprise submits jobs
and follows them, its bills and vouchers; a provider's staff follow their pools, what ran on them and their
settlements; the operator (经济发展局) registers providers and pools, sets prices, runs the broker, watches the
queue and the failures, closes the months and issues vouchers; leaders read the overview."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gaoxin.accounts.models import User
from gaoxin.compute import ledger, policy, selectors, services, workflow
from gaoxin.compute.models import Attempt, ComputeJob, Pool, Provider, Usage, VoucherProgram
from gaoxin.compute.placement import REASON_LABELS
from gaoxin.compute.units import GPU_FP16_TFLOPS, GPU_MODELS, cu_per_gpu_hour
from gaoxin.core import clock, pages
from gaoxin.core.calendar import local_today
from gaoxin.core.errors import ApplicationError, NotFound

page = pages.page


def actor_of(request: HttpRequest) -> User:
    user = pages.actor_of(request)
    assert isinstance(user, User)
    return user


def _month(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(f"{(text or '').strip()}-01")
    except ValueError:
        return None


def _year(request: HttpRequest) -> int:
    text = request.GET.get("year", "")
    return int(text) if text.isdecimal() and 2000 <= int(text) <= 2100 else local_today().year


@page(policy.is_user)
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if policy.is_operator(actor):
        return redirect("compute:pool_list")
    if policy.is_reader(actor):
        return redirect("compute:overview")
    if policy.provider_ids_of(actor):
        return redirect("compute:pool_list")
    return redirect("compute:job_list")


@page(policy.is_user)
def job_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    pool = request.GET.get("pool", "")
    filters = selectors.JobFilters(state=request.GET.get("state", ""), pool=pages.posted_id(pool) or None,
                                   q=pages.param(request, "q"), month=_month(request.GET.get("month")))
    jobs = selectors.job_list(actor=actor, filters=filters)
    if request.GET.get("export") == "xlsx":
        return pages.xlsx_response(ledger.jobs_export(jobs), "compute-jobs.xlsx")
    may_submit = policy.enterprise_id_of(actor) is not None
    error, form = None, request.POST if request.method == "POST" else {}
    if request.method == "POST" and may_submit:
        try:
            fields = ("name", "script", "cpus", "gpus", "gpu_model", "memory_gb", "expected_hours", "deadline",
                      "budget", "data_site", "data_local_only")
            values: dict[str, Any] = {k: request.POST.get(k, "") for k in fields}
            values["sites"] = request.POST.getlist("sites")
            job = services.job_submit(actor=actor, values=values)
            return redirect("compute:job_detail", pk=job.pk)
        except ApplicationError as exc:
            error = exc
    counts = dict(jobs.order_by().values_list("state").annotate(n=Count("pk", distinct=True)))
    return render(request, "compute/jobs.html", {
        "page": pages.paged(request, jobs), "total": sum(counts.values()), "counts": counts, "filters": filters,
        "states": [(code, label, counts.get(code, 0)) for code, label in ComputeJob.STATE_CHOICES],
        "pools": selectors.pool_list(actor=actor) if policy.is_reader(actor) else [], "may_submit": may_submit,
        "error": error, "form": form, "gpu_models": GPU_MODELS,
        "sites": sorted(set(Pool.objects.values_list("site", flat=True))),
        "is_reader": policy.is_reader(actor), "query": request.GET.urlencode()})


@page(policy.is_user)
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    job = selectors.job_detail(actor=actor, pk=pk)
    error = None
    if request.method == "POST" and request.POST.get("action") == "cancel":
        try:
            services.job_cancel(actor=actor, job=job)
            return redirect("compute:job_detail", pk=job.pk)
        except ApplicationError as exc:
            error = exc
    attempts = list(selectors.attempts_of(actor=actor, job=job))
    metered = {u.attempt_id: u for u in Usage.objects.filter(attempt__in=attempts)}
    rows = [(a, metered.get(a.pk)) for a in attempts]
    states = dict(ComputeJob.STATE_CHOICES)
    may_cancel = job.state in workflow.OPEN and (policy.is_operator(actor)
                                                 or policy.enterprise_id_of(actor) == job.enterprise_id)
    return render(request, "compute/job_detail.html", {
        "job": job, "rows": rows, "may_cancel": may_cancel,
        "events": [(e.at, workflow.MOVE_LABELS.get(e.move, e.move), states.get(e.from_state, ""),
                    states.get(e.to_state, e.to_state), e.payload.get("pool_code", ""),
                    REASON_LABELS.get(str(e.payload.get("reason", "")), e.payload.get("reason", "")))
                   for e in job.events.order_by("seq")],
        "error": error, "billed_fen": sum(u.amount_fen for u in metered.values() if u.billable)})


def _pool_rows(actor: User) -> list[dict[str, Any]]:
    rows = []
    for pool in selectors.pool_list(actor=actor).annotate(
            open_jobs=Count("attempts", filter=Q(attempts__state__in=Attempt.OPEN_STATES), distinct=True)):
        cap = pool.last_capacity or {}
        main_total = cap.get("gpus") if pool.gpus else cap.get("cpus")
        main_free = cap.get("free_gpus") if pool.gpus else cap.get("free_cpus")
        busy = round(100 * (main_total - main_free) / main_total, 1) if main_total else None
        rows.append({"pool": pool, "busy": busy, "capacity": cap})
    return rows


@page(policy.is_user)
def pool_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not (policy.is_reader(actor) or policy.provider_ids_of(actor)):
        return redirect("compute:job_list")
    error, action, report = None, request.POST.get("action", ""), None
    if request.method == "POST":
        try:
            if action == "provider":
                services.provider_register(actor=actor, name=request.POST.get("name", ""),
                                           kind=request.POST.get("kind", ""),
                                           enterprise_code=request.POST.get("enterprise_code", ""))
                return redirect("compute:pool_list")
            if action == "pool":
                provider = Provider.objects.filter(pk=pages.posted_id(request.POST.get("provider"))).first()
                if provider is None:
                    raise ApplicationError("算力提供方：请选择", field="provider", code="required")
                pool = services.pool_register(actor=actor, provider=provider, values=request.POST.dict())
                return redirect("compute:pool_detail", pk=pool.pk)
            if action == "tick":
                report = services.broker_tick(actor=actor)
        except ApplicationError as exc:
            error = exc
    return render(request, "compute/pools.html", {
        "rows": _pool_rows(actor), "is_operator": policy.is_operator(actor), "error": error, "action": action,
        "form": request.POST if request.method == "POST" else {}, "report": report,
        "providers": Provider.objects.filter(pk__in=selectors.pool_list(actor=actor).values("provider"))
        if not policy.is_reader(actor) else Provider.objects.annotate(n_pools=Count("pools")),
        "provider_kinds": Provider.Kind.choices, "schedulers": Pool.Scheduler.choices, "gpu_models": GPU_MODELS,
        "queue": ComputeJob.objects.filter(state=workflow.SUBMITTED).count() if policy.is_reader(actor) else None,
        "failures": selectors.failures(actor=actor, limit=20),
        "units": [(m, GPU_FP16_TFLOPS[m], cu_per_gpu_hour(m)) for m in GPU_MODELS]})


@page(policy.is_user)
def pool_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    pool = selectors.pool_detail(actor=actor, pk=pk)
    error, action = None, request.POST.get("action", "")
    if request.method == "POST":
        try:
            if action == "prices":
                services.pool_prices_set(actor=actor, pool=pool, values=request.POST.dict())
            elif action == "status":
                services.pool_status_set(actor=actor, pool=pool, status=request.POST.get("status", ""))
            elif action == "staff":
                services.provider_staff_add(actor=actor, provider=pool.provider,
                                            username=request.POST.get("username", ""))
            return redirect("compute:pool_detail", pk=pool.pk)
        except ApplicationError as exc:
            error = exc
    year = _year(request)
    usage = selectors.utilisation_by_month(actor=actor, year=year)
    row = next((r for r in usage["rows"] if r["pool"].pk == pool.pk), None)
    attempts = pool.attempts.select_related("job__enterprise").order_by("-placed_at", "-pk")[:30]
    return render(request, "compute/pool_detail.html", {
        "pool": pool, "row": row, "year": year, "attempts": attempts, "error": error,
        "is_operator": policy.is_operator(actor), "statuses": Pool.Status.choices,
        "chart": {"months": usage["months"], "shares": row["shares"] if row else []},
        "capacity": pool.last_capacity or {}, "staff": pool.provider.staff.all()})


@page(policy.is_user)
def billing(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    month = _month(request.GET.get("month"))
    error, closed = None, None
    if request.method == "POST":
        try:
            chosen = _month(request.POST.get("month"))
            if chosen is None:
                raise ApplicationError("账期：应为年月，如 2023-05", field="month", code="invalid_month")
            closed = services.month_close(actor=actor, month=chosen)
        except ApplicationError as exc:
            error = exc
    bills = selectors.bill_list(actor=actor, month=month).order_by("-month", "enterprise__name")
    if request.GET.get("export") == "xlsx":
        return pages.xlsx_response(ledger.bills_export(bills), "compute-bills.xlsx")
    totals = bills.aggregate(usage=Sum("usage_fen"), voucher=Sum("voucher_fen"), payable=Sum("payable_fen"))
    enterprise_id = policy.enterprise_id_of(actor)
    return render(request, "compute/billing.html", {
        "page": pages.paged(request, bills), "totals": totals, "month": month, "error": error, "closed": closed,
        "is_operator": policy.is_operator(actor), "is_reader": policy.is_reader(actor),
        "vouchers": selectors.voucher_list(actor=actor) if enterprise_id is not None else [],
        "last_month": (local_today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m"),
        "query": request.GET.urlencode()})


@page(policy.is_user)
def bill_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    bill = selectors.bill_list(actor=actor).filter(pk=pk).first()
    if bill is None:
        raise NotFound("账单不存在（或不在您的查看范围内）", field="bill")
    lines = (selectors.usage_of(actor=actor).filter(enterprise=bill.enterprise, month=bill.month, billable=True)
             .select_related("attempt__job", "pool").order_by("ended", "pk"))
    return render(request, "compute/bill_detail.html", {
        "bill": bill, "lines": lines, "redemptions": bill.redemptions.select_related("voucher__program"),
        "lines_total": lines.aggregate(s=Sum("amount_fen"))["s"] or 0})


@page(policy.is_user)
def settlement_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not (policy.is_reader(actor) or policy.provider_ids_of(actor)):
        raise NotFound("页面不存在", field="page")
    settlements = selectors.settlement_list(actor=actor).order_by("-month", "provider__name")
    if request.GET.get("export") == "xlsx":
        return pages.xlsx_response(ledger.settlements_export(settlements), "compute-settlements.xlsx")
    totals = settlements.aggregate(gross=Sum("gross_fen"), voucher=Sum("voucher_fen"),
                                   enterprise=Sum("enterprise_fen"), unbilled=Sum("unbilled_fen"))
    return render(request, "compute/settlements.html", {"page": pages.paged(request, settlements),
                                                        "totals": totals})


@page(policy.is_reader)
def voucher_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    error, action = None, request.POST.get("action", "")
    if request.method == "POST":
        try:
            if action == "program":
                services.program_create(actor=actor, values=request.POST.dict())
            elif action == "issue":
                program = VoucherProgram.objects.filter(pk=pages.posted_id(request.POST.get("program"))).first()
                if program is None:
                    raise ApplicationError("算力券项目：请选择", field="program", code="required")
                services.voucher_issue(actor=actor, program=program,
                                       enterprise_code=request.POST.get("enterprise_code", ""),
                                       amount=request.POST.get("amount", ""))
            return redirect("compute:voucher_list")
        except ApplicationError as exc:
            error = exc
    return render(request, "compute/vouchers.html", {
        "programs": selectors.program_list(actor=actor), "vouchers": pages.paged(request,
                                                                                selectors.voucher_list(actor=actor)),
        "is_operator": policy.is_operator(actor), "error": error, "action": action,
        "form": request.POST if request.method == "POST" else {}, "year": local_today().year})


@page(policy.is_reader)
def overview(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    year = _year(request)
    figures = selectors.overview(actor=actor, year=year)
    usage = selectors.utilisation_by_month(actor=actor, year=year)
    chart = {"months": figures["months"], "cu": figures["cu"], "yuan": figures["yuan"], "users": figures["users"],
             "pools": [{"code": r["pool"].code, "shares": r["shares"]} for r in usage["rows"]]}
    return render(request, "compute/overview.html", {
        "year": year, "years": list(range(local_today().year, 2022, -1)), "f": figures, "usage": usage,
        "chart": chart, "state_counts": [(label, figures["jobs_by_state"].get(code, 0))
                                         for code, label in ComputeJob.STATE_CHOICES],
        "labels": {"cu": _("算力用量（算力单位·时）"), "yuan": _("计费金额（元）"), "users": _("用户企业数")},
        "now": clock.now()})

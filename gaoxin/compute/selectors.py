"""Every read of the compute network, scoped to the actor (``policy``): the operator, leaders and admins see the
whole network; an enterprise's users their own enterprise's jobs, bills and vouchers; a provider's staff their
pools, the attempts on them and their settlements. A record out of scope reads as unknown."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from gaoxin.accounts.models import User
from gaoxin.compute import policy, workflow
from gaoxin.compute.models import Attempt, Bill, ComputeJob, Pool, Settlement, Usage, Voucher, VoucherProgram
from gaoxin.core.calendar import SHANGHAI
from gaoxin.core.errors import NotFound

NOTHING = Q(pk__in=[])


def job_scope_q(*, actor: User) -> Q:
    if policy.is_reader(actor):
        return Q()
    enterprise_id = policy.enterprise_id_of(actor)
    providers = policy.provider_ids_of(actor)
    q = NOTHING
    if enterprise_id is not None:
        q |= Q(enterprise_id=enterprise_id)
    if providers:
        q |= Q(attempts__pool__provider_id__in=providers)
    return q


def pool_scope_q(*, actor: User) -> Q:
    if policy.is_reader(actor):
        return Q()
    providers = policy.provider_ids_of(actor)
    return Q(provider_id__in=providers) if providers else NOTHING


def enterprise_scope_q(*, actor: User, field: str = "enterprise_id") -> Q:
    if policy.is_reader(actor):
        return Q()
    enterprise_id = policy.enterprise_id_of(actor)
    return Q(**{field: enterprise_id}) if enterprise_id is not None else NOTHING


@dataclass(frozen=True)
class JobFilters:
    state: str = ""
    pool: int | None = None
    q: str = ""
    month: dt.date | None = None


def job_list(*, actor: User, filters: JobFilters = JobFilters()) -> QuerySet[ComputeJob]:
    jobs = ComputeJob.objects.filter(job_scope_q(actor=actor)).distinct()
    if filters.state in workflow.STATES:
        jobs = jobs.filter(state=filters.state)
    if filters.pool:
        jobs = jobs.filter(attempts__pool_id=filters.pool)
    if filters.q:
        jobs = jobs.filter(Q(number__icontains=filters.q) | Q(name__icontains=filters.q)
                           | Q(enterprise__name__icontains=filters.q))
    if filters.month:
        start = dt.datetime.combine(filters.month, dt.time(), SHANGHAI)
        end = dt.datetime.combine((filters.month.replace(day=28) + dt.timedelta(days=4)).replace(day=1), dt.time(),
                                  SHANGHAI)
        jobs = jobs.filter(submitted_at__gte=start, submitted_at__lt=end)
    return jobs.select_related("enterprise", "pool").order_by("-submitted_at", "-pk")


def job_detail(*, actor: User, pk: int) -> ComputeJob:
    job = ComputeJob.objects.filter(job_scope_q(actor=actor), pk=pk).select_related("enterprise", "pool").first()
    if job is None:
        raise NotFound("作业不存在（或不在您的查看范围内）", field="job")
    return job


def attempts_of(*, actor: User, job: ComputeJob) -> QuerySet[Attempt]:
    attempts = job.attempts.select_related("pool__provider").order_by("seq")
    if policy.is_reader(actor) or policy.enterprise_id_of(actor) == job.enterprise_id:
        return attempts
    return attempts.filter(pool__provider_id__in=policy.provider_ids_of(actor))


def pool_list(*, actor: User) -> QuerySet[Pool]:
    return Pool.objects.filter(pool_scope_q(actor=actor)).select_related("provider").order_by("code")


def pool_detail(*, actor: User, pk: int) -> Pool:
    pool = pool_list(actor=actor).filter(pk=pk).first()
    if pool is None:
        raise NotFound("资源池不存在（或不在您的查看范围内）", field="pool")
    return pool


def bill_list(*, actor: User, month: dt.date | None = None) -> QuerySet[Bill]:
    bills = Bill.objects.filter(enterprise_scope_q(actor=actor)).select_related("enterprise")
    return bills.filter(month=month) if month else bills


def voucher_list(*, actor: User) -> QuerySet[Voucher]:
    return (Voucher.objects.filter(enterprise_scope_q(actor=actor)).select_related("program", "enterprise")
            .order_by("-issued_on", "-pk"))


def program_list(*, actor: User) -> QuerySet[VoucherProgram]:
    if not policy.is_reader(actor):
        return VoucherProgram.objects.none()
    return VoucherProgram.objects.annotate(issued=Sum("vouchers__amount_fen"), spent=Sum("vouchers__spent_fen"),
                                           holders=Count("vouchers"))


def settlement_list(*, actor: User) -> QuerySet[Settlement]:
    q = Q() if policy.is_reader(actor) else Q(provider_id__in=policy.provider_ids_of(actor))
    return Settlement.objects.filter(q).select_related("provider")


def usage_of(*, actor: User) -> QuerySet[Usage]:
    if policy.is_reader(actor):
        return Usage.objects.all()
    providers = policy.provider_ids_of(actor)
    q = enterprise_scope_q(actor=actor)
    if providers:
        q |= Q(pool__provider_id__in=providers)
    return Usage.objects.filter(q)


def utilisation_by_month(*, actor: User, year: int) -> dict[str, Any]:
    """Per pool and month: CU-hours, money and the share of the pool's core-hours used (from the usage lines)."""
    pools = list(pool_list(actor=actor))
    usage = (usage_of(actor=actor).filter(pool__in=pools, month__year=year).values("pool_id", "month")
             .annotate(core_seconds=Sum(F("elapsed_seconds") * F("cpus")),
                       gpu_seconds=Sum(F("elapsed_seconds") * F("gpus")), cu=Sum("cu_hours"),
                       fen=Sum("amount_fen"), jobs=Count("attempt__job", distinct=True)))
    table: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    for line in usage:
        table[line["pool_id"]][line["month"].month] = line
    out = []
    for pool in pools:
        shares = []
        for month in range(1, 13):
            row = table[pool.pk].get(month)
            days = ((dt.date(year + (month == 12), month % 12 + 1, 1)) - dt.date(year, month, 1)).days
            if pool.gpus:
                share = (row["gpu_seconds"] if row else 0) / (pool.gpus * days * 86400)
            else:
                share = (row["core_seconds"] if row else 0) / (pool.cpus * days * 86400)
            shares.append(round(100 * share, 1))
        out.append({"pool": pool, "shares": shares,
                    "cu": sum(float(r["cu"]) for r in table[pool.pk].values()),
                    "fen": sum(int(r["fen"]) for r in table[pool.pk].values()),
                    "jobs": sum(int(r["jobs"]) for r in table[pool.pk].values())})
    return {"rows": out, "months": list(range(1, 13))}


def overview(*, actor: User, year: int) -> dict[str, Any]:
    """The leaders' figures of a year: CU-hours and money by month, the enterprises that used the network, the
    vouchers issued and spent, jobs by state."""
    usage = usage_of(actor=actor).filter(month__year=year)
    by_month = {r["m"].month: r for r in usage.annotate(m=TruncMonth("month")).values("m").annotate(
        cu=Sum("cu_hours"), fen=Sum("amount_fen"), users=Count("enterprise", distinct=True))}
    vouchers = Voucher.objects.filter(enterprise_scope_q(actor=actor), program__year=year)
    totals = usage.aggregate(cu=Sum("cu_hours"), fen=Sum("amount_fen"), users=Count("enterprise", distinct=True))
    jobs = ComputeJob.objects.filter(job_scope_q(actor=actor), submitted_at__year=year)
    return {
        "months": list(range(1, 13)),
        "cu": [round(float(by_month[m]["cu"]), 1) if m in by_month else 0 for m in range(1, 13)],
        "yuan": [round(int(by_month[m]["fen"]) / 100, 2) if m in by_month else 0 for m in range(1, 13)],
        "users": [by_month[m]["users"] if m in by_month else 0 for m in range(1, 13)],
        "cu_total": totals["cu"] or 0, "fen_total": totals["fen"] or 0, "users_total": totals["users"] or 0,
        "voucher_issued_fen": vouchers.aggregate(s=Sum("amount_fen"))["s"] or 0,
        "voucher_spent_fen": vouchers.aggregate(s=Sum("spent_fen"))["s"] or 0,
        "voucher_holders": vouchers.values("enterprise").distinct().count(),
        "jobs_by_state": dict(jobs.values_list("state").annotate(n=Count("pk")).order_by()),
        "jobs_total": jobs.count(),
        "top_users": list(usage.values("enterprise__name").annotate(cu=Sum("cu_hours"), fen=Sum("amount_fen"))
                          .order_by("-fen")[:10]),
    }


def failures(*, actor: User, limit: int = 50) -> QuerySet[Attempt]:
    """The latest attempts that ended by the pool's fault (lost, dark, refused): what the operator watches."""
    return (Attempt.objects.filter(pool__in=pool_list(actor=actor), state__in=("lost", "dark", "rejected"))
            .select_related("job", "pool").order_by("-ended_at", "-pk")[:limit])

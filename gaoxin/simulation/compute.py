"""The city compute network's 2023 (issue 21): the network launched in July (在全国率先启动城市算力网建设), its
providers and pools registered and a compute-voucher program issued through the services, then the second half
year of jobs run by the real broker in the discrete-event simulation (``compute.simulator``: simulated schedulers
on a simulated clock, with their failures), and what it did written as records — every job with its attempts and
its hash-chained moves, every attempt's usage from the simulated accounting priced at its pool's prices — and
each month closed through the services (bills with vouchers spent, providers' settlements).

The demo's logins: ``suanli`` operates the network (经济发展局), ``suanligong`` is a provider's staff, and ``qiye``'s
enterprise is among the users with a voucher."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any, Protocol

import numpy as np

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import Role
from gaoxin.compute import services
from gaoxin.compute.adapters.base import UsageRecord
from gaoxin.compute.adapters.simulated import Failures
from gaoxin.compute.models import Attempt, ComputeJob, JobEvent, Pool, Provider, Usage
from gaoxin.compute.placement import JobRequest
from gaoxin.compute.services.metering import NOT_BILLED
from gaoxin.compute.simulator import Scenario, SimJobRecord, SimPool, run
from gaoxin.core import audit, clock
from gaoxin.core.calendar import SHANGHAI
from gaoxin.enterprises.models import Enterprise, EnterpriseUser

LAUNCH_MONTH = 7
JOBS_FULL_SCALE = 4_000          # jobs from the launch to the year's end, at scale 1
VOUCHER_HOLDERS_FULL_SCALE = 200
PROVIDERS = (
    ("郑州人工智能计算中心", "government"),
    ("嵩山人工智能公共算力开放创新平台", "government"),
    ("郑州大学超算中心", "institution"),
    ("高新区企业自有集群联盟", "enterprise"),
)
# (provider index, code, name, site, cpus, gpus, model, memory, speed, 元/核·时, 元/卡·时, 元/GB·时)
POOLS = (
    (0, "ZZAI-A100", "郑州人工智能计算中心 A100 训练池", "郑州人工智能计算中心", 512, 64, "A100", 4096, "1.0", "0.10",
     "9.00", "0.01"),
    (0, "ZZAI-CPU", "郑州人工智能计算中心 通用计算池", "郑州人工智能计算中心", 1024, 0, "", 4096, "1.0", "0.08", "0",
     "0.01"),
    (1, "SS-910B", "嵩山平台 昇腾训练池", "嵩山智算平台", 768, 128, "Ascend910B", 6144, "1.0", "0.09", "7.50", "0.01"),
    (2, "ZZU-HPC", "郑州大学超算 CPU 池", "郑州大学超算中心", 2048, 0, "", 8192, "1.2", "0.06", "0", "0.01"),
    (3, "GX-T4", "企业集群 T4 推理池", "高新区企业集群", 256, 32, "T4", 1024, "0.8", "0.12", "2.50", "0.01"),
)
DEMO_OPERATOR, DEMO_PROVIDER_STAFF = "suanli", "suanligong"


class SimulatedYear(Protocol):
    year: int
    scale: float
    enterprises: list[Enterprise]

    def rng(self, domain: str) -> np.random.Generator: ...


def officer() -> User:
    user, _ = User.objects.get_or_create(username="sim-jfj-compute", defaults={
        "role": Role.HANDLER, "org_unit": OrgUnit.objects.get(code="GX-D10"),
        "display_name": "经济发展局数字经济科（模拟）", "is_synthetic": True})
    return user


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def _network(actor: User) -> list[Pool]:
    """The providers and pools, registered through the services (kept as they are when an earlier year made
    them)."""
    providers = [Provider.objects.filter(name=name).first()
                 or services.provider_register(actor=actor, name=name, kind=kind) for name, kind in PROVIDERS]
    Provider.objects.filter(pk__in=[p.pk for p in providers]).update(is_synthetic=True)
    pools = []
    for index, code, name, site, cpus, gpus, model, memory, speed, cpu, gpu, mem in POOLS:
        existing = Pool.objects.filter(code=code).first()
        if existing is not None:
            pools.append(existing)
            continue
        pools.append(services.pool_register(actor=actor, provider=providers[index], values={
            "code": code, "name": name, "site": site, "scheduler": "simulated", "cpus": cpus, "gpus": gpus,
            "gpu_model": model, "memory_gb": memory, "speed": speed, "price_cpu": cpu, "price_gpu": gpu,
            "price_mem": mem, "storage_tb": cpus // 8, "is_synthetic": True}))
    staff = User.objects.filter(username=DEMO_PROVIDER_STAFF, role=Role.ENTERPRISE).first()
    if staff is not None:
        providers[0].staff.add(staff)
    return pools


def _scenario(year: SimulatedYear, pools: list[Pool], rng: np.random.Generator) -> tuple[Scenario, list[int]]:
    start = _at(dt.date(year.year, LAUNCH_MONTH, 1), 0)
    end = _at(dt.date(year.year + 1, 1, 1), 0) - dt.timedelta(days=3)
    sim_pools = []
    for pool in pools:
        dark_at = start.timestamp() + float(rng.uniform(0.05, 0.95)) * (end - start).total_seconds()
        sim_pools.append(SimPool(services.pool_spec(pool), Failures(
            reject_rate=0.01, lose_rate=0.005, fail_rate=0.02, dark=((dark_at, dark_at + 3600 * rng.uniform(2, 8)),))))
    n = max(3, round(JOBS_FULL_SCALE * year.scale))
    users = year.enterprises[: max(3, round(len(year.enterprises) * 0.2))]
    demo = EnterpriseUser.objects.filter(user__username="qiye").values_list("enterprise_id", flat=True).first()
    user_ids = [e.pk for e in users]
    if demo is not None and demo not in user_ids:
        user_ids.append(demo)
    span = (end - start).total_seconds()
    jobs = []
    models = sorted({p.gpu_model for p in pools if p.gpu_model})
    for i in range(n):
        # working hours: a day of the span, then 9:00–19:00
        day = start + dt.timedelta(days=int(rng.integers(0, int(span // 86400))))
        at = day + dt.timedelta(hours=9 + float(rng.uniform(0, 10)))
        gpu = rng.random() < 0.5
        hours = round(float(rng.lognormal(0.4, 0.9)), 2) + 0.05
        jobs.append((at, JobRequest(
            id=i + 1, cpus=int(rng.choice((4, 8, 16, 32, 64))), gpus=int(rng.choice((1, 2, 4, 8))) if gpu else 0,
            gpu_model=str(rng.choice(models)) if gpu and rng.random() < 0.6 else "",
            memory_gb=int(rng.choice((16, 32, 64, 128))), expected_hours=hours,
            deadline=(at + dt.timedelta(hours=hours * float(rng.uniform(8, 40)) + 6)).timestamp(),
            budget_fen=0), int(rng.integers(0, len(user_ids)))))
    jobs.sort(key=lambda j: (j[0], j[1].id))
    renumbered = [(at, JobRequest(k + 1, r.cpus, r.gpus, r.gpu_model, r.memory_gb, r.expected_hours, r.deadline,
                                  r.budget_fen), who) for k, (at, r, who) in enumerate(jobs)]
    return Scenario(sim_pools, renumbered, start, end, tick_seconds=600, dark_grace=1200,
                    number_prefix=f"CJ{year.year}"), user_ids


def _payload(detail: dict[str, object], pools: dict[int, Pool]) -> dict[str, object]:
    """An event's payload as the database store writes it: the pool by its code, the reason, the outcome."""
    payload = {k: v for k, v in detail.items() if k != "pool"}
    pool = detail.get("pool")
    if isinstance(pool, int):
        payload["pool_code"] = pools[pool].code
    return payload


def _write(result_records: list[SimJobRecord], usage: dict[tuple[int, str], UsageRecord], pools: dict[int, Pool],
           user_ids: list[int], year: int, submitter: User) -> tuple[int, int]:
    jobs: list[tuple[ComputeJob, list[dict[str, Any]], SimJobRecord]] = []
    attempts: list[Attempt] = []
    events: list[JobEvent] = []
    lines: list[Usage] = []
    for k, record in enumerate(result_records, start=1):
        number = record.number
        steps = [audit.Step(at=at, actor_id=submitter.pk if move == "submit" else None,
                            fields={"move": move, "from_state": before, "to_state": after},
                            payload=_payload(detail, pools))
                 for at, move, before, after, detail in record.events]
        chained = audit.chained(JobEvent, number, steps)
        r = record.request
        job = ComputeJob(
            number=number, enterprise_id=user_ids[record.enterprise], name=f"模型训练任务 {k}",
            script="#!/bin/bash\npython train.py\n", cpus=r.cpus, gpus=r.gpus, gpu_model=r.gpu_model,
            memory_gb=r.memory_gb, expected_hours=Decimal(str(r.expected_hours)),
            deadline=dt.datetime.fromtimestamp(r.deadline, dt.UTC) if math.isfinite(r.deadline) else None,
            state=record.state, pool_id=record.pool, blocked_pools=sorted(r.blocked),
            move_keys=sorted(record.keys), submitted_at=record.submitted,
            started_at=record.started, ended_at=record.ended, estimate_fen=record.cost_fen, reason=record.reason,
            audit_head=chained[-1]["hash"], event_count=chained[-1]["seq"], is_synthetic=True)
        jobs.append((job, chained, record))
    ComputeJob.objects.bulk_create([j for j, _, _ in jobs], batch_size=2000)
    saved = dict(ComputeJob.objects.filter(number__startswith=f"CJ{year}").values_list("number", "pk"))
    for job, chained, record in jobs:
        job_id = saved[job.number]
        events.extend(JobEvent(job_id=job_id, **values) for values in chained)
        for a in record.attempts:
            attempts.append(Attempt(job_id=job_id, seq=a.seq, pool_id=a.pool, name=a.name,
                                    scheduler_id=a.scheduler_id, state=a.state, reason=a.reason[:200],
                                    placed_at=a.placed, submitted_at=a.placed if a.scheduler_id else None,
                                    started_at=a.started, ended_at=a.ended, estimate_fen=a.cost_fen,
                                    runtime_hours=a.runtime_hours, is_synthetic=True))
    JobEvent.objects.bulk_create(events, batch_size=5000)
    Attempt.objects.bulk_create(attempts, batch_size=5000)
    by_name = {(a.pool_id, a.name): a for a in Attempt.objects.filter(job__number__startswith=f"CJ{year}")
               .select_related("job")}
    for key, accounted in usage.items():
        attempt = by_name.get(key)
        if attempt is None or accounted.elapsed_seconds <= 0:
            continue
        lines.append(Usage(attempt=attempt, pool_id=attempt.pool_id, enterprise_id=attempt.job.enterprise_id,
                           billable=attempt.state not in NOT_BILLED, is_synthetic=True,
                           **services.usage_values(accounted, pools[attempt.pool_id])))
    Usage.objects.bulk_create(lines, batch_size=5000)
    return len(jobs), len(lines)


def generate(year: SimulatedYear) -> dict[str, int]:
    rng = year.rng("compute")
    actor = officer()
    launch = dt.date(year.year, LAUNCH_MONTH, 1)
    with clock.frozen(_at(launch - dt.timedelta(days=20), 10)):
        pools = _network(actor)
        program = services.program_create(actor=actor, values={
            "name": f"{year.year} 年度算力券", "doc_number": f"郑高算〔{year.year}〕1号（模拟）", "year": year.year,
            "budget": round(5_000_000 * year.scale) + 100_000, "cap": 20_000,
            "valid_until": dt.date(year.year + 1, 6, 30).isoformat(), "is_synthetic": True})
    scenario, user_ids = _scenario(year, pools, rng)
    result = run(scenario)
    holders = user_ids[: max(2, round(VOUCHER_HOLDERS_FULL_SCALE * year.scale))]
    demo = EnterpriseUser.objects.filter(user__username="qiye").values_list("enterprise_id", flat=True).first()
    if demo is not None and demo in user_ids and demo not in holders:
        holders.append(demo)
    codes = dict(Enterprise.objects.filter(pk__in=holders).values_list("pk", "credit_code"))
    with clock.frozen(_at(launch, 10)):
        for enterprise_id in holders:
            services.voucher_issue(actor=actor, program=program, enterprise_code=codes[enterprise_id],
                                   amount=int(rng.choice((5_000, 10_000, 20_000))), on=launch)
    submitter = User.objects.filter(username="sim-compute-user").first() or User.objects.create(
        username="sim-compute-user", role=Role.ENTERPRISE, display_name="算力网用户（模拟）", is_synthetic=True)
    n_jobs, n_lines = _write(result.records, result.usage, {p.pk: p for p in pools}, user_ids, year.year, submitter)
    bills = settlements = 0
    for month in range(LAUNCH_MONTH, 13):
        with clock.frozen(_at(dt.date(year.year + (month == 12), month % 12 + 1, 1), 9)):
            made = services.month_close(actor=actor, month=dt.date(year.year, month, 1))
        bills, settlements = bills + made[0], settlements + made[1]
    return {"compute_jobs": n_jobs, "compute_usage": n_lines, "compute_bills": bills,
            "compute_settlements": settlements, "compute_vouchers": len(holders)}

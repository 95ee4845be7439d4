"""The broker's loop, one ``tick`` at a time, over a ``Store`` of jobs and the pools' adapters. The same code runs
in production (``compute.services.broker``: the store is the database, the adapters talk to Slurm) and in the
city-scale simulation (``compute.simulator``: an in-memory store, simulated schedulers on a simulated clock).

A tick, at ``now``:
1. reads every pool's capacity; a pool that does not answer, or whose nodes are all down, is dark;
2. follows every open attempt: an attempt without a scheduler id (the broker stopped between recording the
   attempt and hearing the scheduler's answer) is looked up by its name and adopted, or submitted now — so a
   restart neither loses a job nor runs it twice; the scheduler's states move the job (``workflow``, each move
   once per attempt); a job the pool lost, or a pool dark for ``dark_grace`` seconds, fails over: the attempt is
   closed, the pool blocked for the job, the job queued again;
3. places the queued jobs (``placement.plan``) on the pools' free capacity, recording each attempt before
   submitting it; jobs that no pool can ever take (too big, over budget, past the deadline) fail with the reason.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from gaoxin.compute.adapters.base import (
    Adapter,
    Capacity,
    JobSpec,
    SchedulerRejected,
    SchedulerUnreachable,
    reading,
)
from gaoxin.compute.placement import FINAL_REASONS, JobRequest, PoolView, plan

DARK_GRACE_SECONDS = 300


@dataclass(frozen=True)
class PoolSpec:
    """A pool as the broker sees it: the registered facts (prices, totals, speed, window) and its partition."""

    id: int
    code: str
    site: str
    gpu_model: str
    cpus: int
    gpus: int
    memory_gb: int
    price_cpu_fen: int
    price_gpu_fen: int
    price_mem_fen: int
    speed: float
    partition: str
    open_until: Callable[[dt.datetime], float] = lambda now: math.inf


@dataclass(frozen=True)
class OpenAttempt:
    job_id: int
    attempt_id: int
    seq: int
    pool_id: int
    name: str
    scheduler_id: str
    cancel_requested: bool
    spec: JobSpec


@dataclass(frozen=True)
class QueuedJob:
    request: JobRequest
    number: str
    script: str


class Store(Protocol):
    def queued(self) -> list[QueuedJob]: ...

    def open_attempts(self) -> list[OpenAttempt]: ...

    def pool_seen(self, pool_id: int, capacity: Capacity | None, at: dt.datetime) -> dt.datetime | None:
        """Record what the pool answered (None: it did not); return since when it has been dark, or None."""

    def move(self, job_id: int, move: str, *, key: str, at: dt.datetime, detail: Mapping[str, object]) -> bool: ...

    def attempt_begin(self, job_id: int, pool_id: int, *, at: dt.datetime, cost_fen: int,
                      runtime_hours: float) -> tuple[int, int, str]:
        """Record the attempt and place the job (one transaction); return (attempt id, seq, name)."""

    def attempt_submitted(self, attempt_id: int, scheduler_id: str, *, at: dt.datetime) -> None: ...

    def attempt_state(self, attempt_id: int, state: str, *, at: dt.datetime, reason: str = "",
                      started: dt.datetime | None = None, ended: dt.datetime | None = None) -> None: ...


@dataclass
class TickReport:
    placed: int = 0
    started: int = 0
    succeeded: int = 0
    failed: int = 0
    failed_over: int = 0
    expired: int = 0
    adopted: int = 0
    resubmitted: int = 0
    cancelled: int = 0
    dark_pools: list[int] = field(default_factory=list)


def time_limit_minutes(runtime_hours: float) -> int:
    """What the scheduler is told: 1.5 × the expected runtime on the pool, at least 2 minutes."""
    return max(2, math.ceil(runtime_hours * 60 * 1.5))


def job_spec(name: str, script: str, request: JobRequest, pool: PoolSpec, runtime_hours: float) -> JobSpec:
    return JobSpec(name=name, script=script, cpus=request.cpus, gpus=request.gpus,
                   gpu_model=request.gpu_model or pool.gpu_model, memory_gb=request.memory_gb,
                   time_limit_minutes=time_limit_minutes(runtime_hours), partition=pool.partition,
                   expected_seconds=round(runtime_hours * 3600))


def tick(store: Store, pools: Sequence[PoolSpec], adapters: Mapping[int, Adapter], now: dt.datetime, *,
         dark_grace: float = DARK_GRACE_SECONDS) -> TickReport:
    report = TickReport()
    capacity: dict[int, Capacity] = {}
    dark: set[int] = set()
    for pool in pools:
        try:
            seen: Capacity | None = adapters[pool.id].capacity()
        except SchedulerUnreachable:
            seen = None
        if seen is not None and seen.nodes_up == 0:
            seen = None
        since = store.pool_seen(pool.id, seen, now)
        if seen is None:
            report.dark_pools.append(pool.id)
            if since is not None and (now - since).total_seconds() >= dark_grace:
                dark.add(pool.id)
        else:
            capacity[pool.id] = seen
    _follow(store, adapters, now, dark, report)
    _place(store, pools, adapters, capacity, now, report)
    return report


def _fail_over(store: Store, attempt: OpenAttempt, outcome: str, reason: str, now: dt.datetime,
               report: TickReport) -> None:
    store.attempt_state(attempt.attempt_id, outcome, at=now, reason=reason)
    if store.move(attempt.job_id, "failover", key=f"{attempt.seq}:failover", at=now,
                  detail={"pool": attempt.pool_id, "outcome": outcome, "reason": reason}):
        report.failed_over += 1


def _follow(store: Store, adapters: Mapping[int, Adapter], now: dt.datetime, dark: set[int],
            report: TickReport) -> None:
    by_pool: dict[int, list[OpenAttempt]] = {}
    for attempt in store.open_attempts():
        by_pool.setdefault(attempt.pool_id, []).append(attempt)
    for pool_id, attempts in by_pool.items():
        adapter = adapters.get(pool_id)
        if adapter is None:  # a pool taken out of service: its jobs go elsewhere
            for attempt in attempts:
                _fail_over(store, attempt, "lost", "资源池已停用", now, report)
            continue
        if pool_id in dark:
            for attempt in attempts:
                if attempt.scheduler_id:  # dark: the cancel is best effort, the attempt is closed either way
                    with contextlib.suppress(SchedulerRejected, SchedulerUnreachable):
                        adapter.cancel(attempt.scheduler_id)
                _fail_over(store, attempt, "dark", "资源池失联", now, report)
            continue
        try:
            _follow_pool(store, adapter, attempts, now, report)
        except SchedulerUnreachable:
            continue  # not dark long enough yet: ask again next tick


def _follow_pool(store: Store, adapter: Adapter, attempts: list[OpenAttempt], now: dt.datetime,
                 report: TickReport) -> None:
    known = []
    for attempt in attempts:
        if attempt.scheduler_id:
            known.append(attempt)
            continue
        found = adapter.find(attempt.name)  # recorded, but the scheduler's answer never was
        if found is None and attempt.cancel_requested:
            store.attempt_state(attempt.attempt_id, "cancelled", at=now, reason="提交前已撤销")
            continue
        if found is None:
            try:
                found = adapter.submit(attempt.spec)
                report.resubmitted += 1
            except SchedulerRejected as exc:
                _fail_over(store, attempt, "rejected", str(exc)[:200], now, report)
                continue
        else:
            report.adopted += 1
        store.attempt_submitted(attempt.attempt_id, found, at=now)
        known.append(dataclasses.replace(attempt, scheduler_id=found))
    statuses = adapter.status([a.scheduler_id for a in known]) if known else {}
    for attempt in known:
        status = statuses.get(attempt.scheduler_id)
        if attempt.cancel_requested:
            if reading(status) in ("queued", "running"):
                with contextlib.suppress(SchedulerRejected):  # it ended meanwhile
                    adapter.cancel(attempt.scheduler_id)
            store.attempt_state(attempt.attempt_id, "cancelled", at=now, reason="用户撤销",
                                started=status.started if status else None, ended=now)
            report.cancelled += 1
            continue
        seen = reading(status)
        if seen == "queued":
            continue
        if status is None or seen == "lost":
            reason = f"{status.state} {status.reason}".strip() if status else "调度系统中查无此作业"
            _fail_over(store, attempt, "lost", reason, now, report)
        elif seen == "running":
            store.attempt_state(attempt.attempt_id, "running", at=now, started=status.started)
            if store.move(attempt.job_id, "start", key=f"{attempt.seq}:start", at=now,
                          detail={"scheduler_id": attempt.scheduler_id}):
                report.started += 1
        else:  # succeeded, or failed by itself (not retried elsewhere)
            reason = "" if seen == "succeeded" else f"{status.state} 退出码 {status.exit_code}"
            store.attempt_state(attempt.attempt_id, seen, at=now, started=status.started,
                                ended=status.ended or now, reason=reason)
            move = "succeed" if seen == "succeeded" else "fail"
            if store.move(attempt.job_id, move, key=f"{attempt.seq}:{seen}", at=now,
                          detail={"scheduler_id": attempt.scheduler_id, "state": status.state}):
                if seen == "succeeded":
                    report.succeeded += 1
                else:
                    report.failed += 1


def pool_view(pool: PoolSpec, capacity: Capacity | None, now: dt.datetime) -> PoolView:
    """The optimiser's view of a pool: its facts, and its free capacity as last read (none when it is dark)."""
    return PoolView(id=pool.id, site=pool.site, gpu_model=pool.gpu_model, cpus=pool.cpus, gpus=pool.gpus,
                    memory_gb=pool.memory_gb, free_cpus=capacity.free_cpus if capacity else 0,
                    free_gpus=capacity.free_gpus if capacity else 0,
                    free_memory_gb=capacity.free_memory_gb if capacity else 0, price_cpu_fen=pool.price_cpu_fen,
                    price_gpu_fen=pool.price_gpu_fen, price_mem_fen=pool.price_mem_fen, speed=pool.speed,
                    online=capacity is not None, open_until=pool.open_until(now))


def _place(store: Store, pools: Sequence[PoolSpec], adapters: Mapping[int, Adapter],
           capacity: Mapping[int, Capacity], now: dt.datetime, report: TickReport) -> None:
    queued = store.queued()
    if not queued:
        return
    views = [pool_view(p, capacity.get(p.id), now) for p in pools]
    result = plan([q.request for q in queued], views, now.timestamp())
    for index, reason in result.waiting.items():
        if reason in FINAL_REASONS and store.move(queued[index].request.id, "expire", key="expire", at=now,
                                                  detail={"reason": reason}):
            report.expired += 1
    for index, option in sorted(result.placements.items()):
        job, pool = queued[index], pools[option.pool]
        attempt_id, seq, name = store.attempt_begin(job.request.id, pool.id, at=now, cost_fen=option.cost_fen,
                                                    runtime_hours=option.runtime_hours)
        spec = job_spec(name, job.script, job.request, pool, option.runtime_hours)
        report.placed += 1
        try:
            scheduler_id = adapters[pool.id].submit(spec)
        except SchedulerRejected as exc:
            _fail_over(store, _attempt(job, attempt_id, seq, pool, name, spec), "rejected", str(exc)[:200], now,
                       report)
            continue
        except SchedulerUnreachable:
            continue  # accepted or not, nobody knows: the next tick finds it by name, or submits it then
        store.attempt_submitted(attempt_id, scheduler_id, at=now)


def _attempt(job: QueuedJob, attempt_id: int, seq: int, pool: PoolSpec, name: str, spec: JobSpec) -> OpenAttempt:
    return OpenAttempt(job.request.id, attempt_id, seq, pool.id, name, "", False, spec)

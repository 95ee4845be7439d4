"""The city compute network at scale, as a discrete-event simulation: N pools with capacity, prices, speeds and
failures (refused submissions, lost jobs, dark spells), thousands of jobs arriving over a simulated month, and the
real broker (``compute.broker.tick``, ``compute.placement``, ``compute.workflow``) ticking on a simulated clock
over simulated schedulers (``adapters.simulated``, the adapter interface of the real ones) and an in-memory store.

Figures (``SimulationResult``): the share of jobs that reach a terminal state (goal ≥ 99 % under failures), the
cost of the placements against the cheapest feasible pool of each job (the optimum without capacity limits: a
lower bound), pool utilisation, and queueing delay (submission to start). ``bench/bench_compute.py`` runs it;
docs/PERFORMANCE.md records the figures; the simulated year writes its jobs (``simulation/compute.py``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from gaoxin.compute import workflow
from gaoxin.compute.adapters.base import Capacity, SchedulerUnreachable, UsageRecord
from gaoxin.compute.adapters.simulated import Failures, SimulatedAdapter
from gaoxin.compute.broker import OpenAttempt, PoolSpec, QueuedJob, job_spec, pool_view, tick
from gaoxin.compute.placement import FINAL_REASONS, JobRequest, PoolView, options


@dataclass(frozen=True)
class SimPool:
    spec: PoolSpec
    failures: Failures


@dataclass
class SimAttempt:
    job: int
    seq: int
    pool: int
    name: str
    placed: dt.datetime
    cost_fen: int
    runtime_hours: float
    scheduler_id: str = ""
    state: str = "placed"
    reason: str = ""
    started: dt.datetime | None = None
    ended: dt.datetime | None = None


@dataclass
class SimJobRecord:
    request: JobRequest
    number: str
    submitted: dt.datetime
    enterprise: int
    state: str = workflow.SUBMITTED
    keys: set[str] = field(default_factory=set)
    pool: int | None = None
    attempts: list[SimAttempt] = field(default_factory=list)
    # (at, move, from, to, detail): the detail's pool and reason as the database store keeps them in the payload
    events: list[tuple[dt.datetime, str, str, str, dict[str, object]]] = field(default_factory=list)
    started: dt.datetime | None = None
    ended: dt.datetime | None = None
    cost_fen: int = 0
    reason: str = ""


SCRIPT = "#!/bin/bash\n"  # the simulated schedulers run a job for its expected time, whatever its script


class MemoryStore:
    """The broker's ``Store`` in memory, with the same semantics as ``services.store.DatabaseStore``."""

    def __init__(self, pools: list[PoolSpec]) -> None:
        self.pools = {p.id: p for p in pools}
        self.jobs: dict[int, SimJobRecord] = {}
        self.dark_since: dict[int, dt.datetime | None] = {}
        self.open: dict[int, SimAttempt] = {}
        self._next_attempt = 1

    def add(self, record: SimJobRecord) -> None:
        self.jobs[record.request.id] = record
        record.events.append((record.submitted, "submit", "", workflow.SUBMITTED, {}))

    def queued(self) -> list[QueuedJob]:
        return [QueuedJob(r.request, r.number, SCRIPT) for r in self.jobs.values()
                if r.state == workflow.SUBMITTED]

    def open_attempts(self) -> list[OpenAttempt]:
        out = []
        for attempt_id, a in self.open.items():
            record = self.jobs[a.job]
            spec = job_spec(a.name, SCRIPT, record.request, self.pools[a.pool], a.runtime_hours)
            out.append(OpenAttempt(a.job, attempt_id, a.seq, a.pool, a.name, a.scheduler_id, False, spec))
        return out

    def pool_seen(self, pool_id: int, capacity: Capacity | None, at: dt.datetime) -> dt.datetime | None:
        since = self.dark_since.get(pool_id)
        self.dark_since[pool_id] = (since or at) if capacity is None else None
        return self.dark_since[pool_id]

    def move(self, job_id: int, move: str, *, key: str, at: dt.datetime, detail: Mapping[str, object]) -> bool:
        record = self.jobs[job_id]
        try:
            outcome = workflow.apply(record.state, move, key=key, seen=record.keys)
        except workflow.MoveRefused:
            return False
        if not outcome.changed:
            return False
        record.keys.add(key)
        record.events.append((at, move, record.state, outcome.state,
                              {k: v for k, v in detail.items() if k in ("pool", "reason", "outcome")}))
        record.state = outcome.state
        if move == "place":
            record.pool = pool_of(detail)
        elif move == "start" and record.started is None:
            record.started = at
        elif move == "failover":
            record.request = dataclasses.replace(record.request, blocked=record.request.blocked | {pool_of(detail)})
            record.pool = None
        if outcome.state in workflow.TERMINAL:
            record.ended = at
            record.reason = str(detail.get("reason", ""))
        return True

    def attempt_begin(self, job_id: int, pool_id: int, *, at: dt.datetime, cost_fen: int,
                      runtime_hours: float) -> tuple[int, int, str]:
        record = self.jobs[job_id]
        seq = len(record.attempts) + 1
        name = f"gx-{record.number}-{seq}"
        attempt_id = self._next_attempt
        self._next_attempt += 1
        attempt = SimAttempt(job_id, seq, pool_id, name, at, cost_fen, runtime_hours)
        record.attempts.append(attempt)
        self.open[attempt_id] = attempt
        self.move(job_id, "place", key=f"{seq}:place", at=at, detail={"pool": pool_id})
        record.cost_fen = cost_fen
        return attempt_id, seq, name

    def attempt_submitted(self, attempt_id: int, scheduler_id: str, *, at: dt.datetime) -> None:
        self.open[attempt_id].scheduler_id = scheduler_id
        self.open[attempt_id].state = "queued"

    def attempt_state(self, attempt_id: int, state: str, *, at: dt.datetime, reason: str = "",
                      started: dt.datetime | None = None, ended: dt.datetime | None = None) -> None:
        attempt = self.open[attempt_id]
        attempt.state, attempt.reason = state, reason
        if started is not None:
            attempt.started = started
        if state not in ("placed", "queued", "running"):
            attempt.ended = ended or at
            del self.open[attempt_id]


def pool_of(detail: Mapping[str, object]) -> int:
    pool = detail["pool"]
    assert isinstance(pool, int)
    return pool


@dataclass
class SimulationResult:
    jobs: int
    terminal: int
    succeeded: int
    failed: int
    expired: int
    failovers: int
    cost_fen: int
    optimum_fen: int
    utilisation: dict[str, float]
    median_wait_minutes: float
    p95_wait_minutes: float
    ticks: int
    records: list[SimJobRecord]
    usage: dict[tuple[int, str], UsageRecord] = field(default_factory=dict)  # (pool, attempt name) → accounting

    @property
    def terminal_share(self) -> float:
        return self.terminal / self.jobs if self.jobs else 1.0

    @property
    def cost_ratio(self) -> float:
        return self.cost_fen / self.optimum_fen if self.optimum_fen else 1.0


@dataclass(frozen=True)
class Scenario:
    pools: list[SimPool]
    jobs: list[tuple[dt.datetime, JobRequest, int]]  # (arrival, request, enterprise)
    start: dt.datetime
    end: dt.datetime
    tick_seconds: int = 60
    dark_grace: float = 600
    number_prefix: str = "S"  # a job's number: the prefix and its arrival order


SITES = ("郑州人工智能计算中心", "嵩山智算平台", "高新区企业集群", "郑州大学超算中心", "中原云数据中心")
GPU_POOL_MODELS = ("A100", "Ascend910B", "V100", "T4")


def city_scenario(*, pools: int = 6, jobs: int = 3000, seed: int = 7, start: dt.datetime | None = None,
                  days: int = 30, failures: bool = True) -> Scenario:
    """A month of the city network: ``pools`` pools over the sites (CPU and GPU of several models, prices and
    speeds that differ), ``jobs`` jobs of the zone's enterprises arriving through working hours, and — with
    ``failures`` — each pool refusing 1 % of submissions, losing 0.5 % of jobs and going dark for a few hours."""
    rng = random.Random(seed)
    start = start or dt.datetime(2023, 3, 1, tzinfo=dt.UTC)
    end = start + dt.timedelta(days=days)
    made = []
    for i in range(pools):
        gpu = GPU_POOL_MODELS[i % len(GPU_POOL_MODELS)] if i % 3 != 2 else ""
        cpus = rng.choice((128, 256, 512))
        gpus = rng.choice((16, 32, 64)) if gpu else 0
        spec = PoolSpec(id=i + 1, code=f"P{i + 1:03d}", site=SITES[i % len(SITES)], gpu_model=gpu, cpus=cpus,
                        gpus=gpus, memory_gb=cpus * 4, price_cpu_fen=rng.randint(8, 20),
                        price_gpu_fen=rng.randint(600, 1400) if gpu else 0, price_mem_fen=rng.randint(0, 2),
                        speed=rng.choice((0.8, 1.0, 1.2, 1.5)), partition="compute")
        dark_at = start.timestamp() + rng.uniform(0.1, 0.9) * (end - start).total_seconds()
        dark_hours = rng.uniform(2, 6)  # drawn either way: the same pools and jobs with or without failures
        dark = ((dark_at, dark_at + dark_hours * 3600),) if failures else ()
        made.append(SimPool(spec, Failures(reject_rate=0.01 if failures else 0, lose_rate=0.005 if failures else 0,
                                           fail_rate=0.01 if failures else 0, dark=dark)))
    models = sorted({p.spec.gpu_model for p in made if p.spec.gpu_model})
    arrivals = []
    span = (end - start).total_seconds() * 0.9
    for n in range(jobs):
        at = start + dt.timedelta(seconds=rng.uniform(0, span))
        wants_gpu = rng.random() < 0.45
        model = rng.choice(models) if wants_gpu and models and rng.random() < 0.5 else ""
        hours = round(rng.lognormvariate(0.3, 0.9), 2) + 0.05
        request = JobRequest(
            id=n + 1, cpus=rng.choice((4, 8, 16, 32, 64)), gpus=rng.choice((1, 2, 4, 8)) if wants_gpu else 0,
            gpu_model=model, memory_gb=rng.choice((16, 32, 64, 128)), expected_hours=hours,
            deadline=(at + dt.timedelta(hours=hours * rng.uniform(6, 30) + 4)).timestamp(),
            budget_fen=0 if rng.random() < 0.7 else 10**9,
            sites=frozenset({rng.choice(SITES)}) if rng.random() < 0.1 else frozenset())
        arrivals.append((at, request, rng.randint(1, 400)))
    arrivals.sort(key=lambda a: (a[0], a[1].id))
    return Scenario(made, arrivals, start, end)


def idle_views(pools: list[PoolSpec]) -> list[PoolView]:
    """The pools with all their capacity free: what the optimum's lower bound compares against."""
    at = dt.datetime.fromtimestamp(0, dt.UTC)
    return [pool_view(p, Capacity(1, 1, p.cpus, p.cpus, p.gpus, p.gpus, p.memory_gb, p.memory_gb), at)
            for p in pools]


def cheapest_fen(request: JobRequest, views: list[PoolView]) -> int | None:
    """The job's cost on the cheapest pool that could take it, capacity aside (the optimum's lower bound)."""
    found, _ = options(dataclasses.replace(request, deadline=math.inf, blocked=frozenset()), views, 0.0)
    return found[0].cost_fen if found else None


def run(scenario: Scenario, *, progress: Callable[[float], None] | None = None) -> SimulationResult:
    """Drive the broker tick by tick over the scenario (and on after its end until every job is over, up to a
    week), with the simulated clock shared by every pool; ``progress`` hears the simulated hours gone by."""
    now = scenario.start
    adapters: dict[int, SimulatedAdapter] = {
        p.spec.id: SimulatedAdapter(pool_id=p.spec.id, cpus=p.spec.cpus, gpus=p.spec.gpus, memory_gb=p.spec.memory_gb,
                                    clock=lambda: now, failures=p.failures, seed=p.spec.id)
        for p in scenario.pools}
    specs = [p.spec for p in scenario.pools]
    store = MemoryStore(specs)
    pending = list(scenario.jobs)
    step = dt.timedelta(seconds=scenario.tick_seconds)
    ticks, failovers = 0, 0
    busy: dict[int, float] = dict.fromkeys(adapters, 0.0)  # resource-seconds of each pool's main resource
    metered = dict.fromkeys(adapters, scenario.start)
    usage: dict[tuple[int, str], UsageRecord] = {}
    stop = scenario.end + dt.timedelta(days=7)
    while now < stop:
        if pending and not store.open and all(r.state in workflow.TERMINAL for r in store.jobs.values()):
            idle = (pending[0][0] - now) // step  # nothing running or queued: on to the next arrival's tick
            now += step * max(int(idle), 0)
        while pending and pending[0][0] <= now:
            at, request, enterprise = pending.pop(0)
            store.add(SimJobRecord(request, f"{scenario.number_prefix}{request.id:06d}", at, enterprise))
        report = tick(store, specs, adapters, now, dark_grace=scenario.dark_grace)
        failovers += report.failed_over
        for pool_id, adapter in adapters.items():
            cpus, gpus, _ = adapter.used()
            busy[pool_id] += (gpus if adapter.gpus else cpus) * scenario.tick_seconds
            try:
                for record in adapter.accounting(start=metered[pool_id], end=now):
                    usage[(pool_id, record.name)] = record
                metered[pool_id] = now
            except SchedulerUnreachable:
                pass  # read again once the pool answers
            adapter.forget_ended_before(min(now.timestamp() - 3600, metered[pool_id].timestamp()))
        ticks += 1
        if progress is not None and ticks % 144 == 0:
            progress((now - scenario.start).total_seconds() / 3600)  # simulated hours so far
        if now >= scenario.end and not pending and all(r.state in workflow.TERMINAL for r in store.jobs.values()):
            break
        now += step
    records = list(store.jobs.values())
    terminal = [r for r in records if r.state in workflow.TERMINAL]
    succeeded = [r for r in records if r.state == workflow.SUCCEEDED]
    cost = optimum = 0
    views = idle_views(specs)
    for r in succeeded:
        best = cheapest_fen(r.request, views)
        if best is not None:
            cost += r.cost_fen
            optimum += best
    waits = sorted((r.started - r.submitted).total_seconds() / 60 for r in records if r.started is not None)
    seconds = (now - scenario.start).total_seconds() or 1
    utilisation = {p.spec.code: busy[p.spec.id] / ((p.spec.gpus or p.spec.cpus) * seconds) for p in scenario.pools}
    return SimulationResult(
        jobs=len(records), terminal=len(terminal), succeeded=len(succeeded),
        failed=sum(1 for r in records if r.state == workflow.FAILED and r.reason not in FINAL_REASONS),
        expired=sum(1 for r in records if r.state == workflow.FAILED and r.reason in FINAL_REASONS),
        failovers=failovers, cost_fen=cost, optimum_fen=optimum, utilisation=utilisation,
        median_wait_minutes=statistics.median(waits) if waits else 0.0,
        p95_wait_minutes=waits[int(len(waits) * 0.95)] if waits else 0.0, ticks=ticks, records=records,
        usage=usage)


__all__ = ["MemoryStore", "Scenario", "SimPool", "SimulationResult", "city_scenario", "job_spec", "run"]

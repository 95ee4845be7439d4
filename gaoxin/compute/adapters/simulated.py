"""A simulated scheduler with the same interface as the real ones, on a clock it is given (the city-scale
simulation's, or the platform's for the synthetic pools of the demo): a FIFO queue on the pool's capacity, jobs
that run for the broker's expected time × a drawn factor, and the failures a real pool has — submissions
refused, jobs lost, the whole pool dark for a while (its running jobs end as NODE_FAIL, every call fails).

Its state is plain data (``state()`` / ``from_state``), so a pool's simulated scheduler can be kept between
calls (``Pool.sim_state``)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from gaoxin.compute.adapters.base import (
    Capacity,
    JobSpec,
    JobStatus,
    SchedulerRejected,
    SchedulerUnreachable,
    UsageRecord,
)


@dataclass(frozen=True)
class Failures:
    reject_rate: float = 0.0       # share of submissions refused
    lose_rate: float = 0.0         # share of jobs the pool loses while running
    fail_rate: float = 0.0         # share of jobs that fail by themselves (the job's own error)
    dark: tuple[tuple[float, float], ...] = ()  # (start, end) epoch seconds when the pool does not answer


@dataclass
class SimJob:
    id: str
    name: str
    cpus: int
    gpus: int
    memory_gb: int
    runtime: float
    submitted: float
    fate: str                      # ok | fail | lose
    started: float | None = None
    ended: float | None = None
    state: str = "PENDING"


@dataclass
class SimState:
    next_id: int = 1
    jobs: dict[str, SimJob] = field(default_factory=dict)
    clock_at: float = 0.0


def _draw(*parts: object) -> float:
    """A uniform draw in [0, 1) fixed by its inputs (a stable hash, not a shared random stream: the same job
    gets the same fate however the calls interleave)."""
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


class SimulatedAdapter:
    def __init__(self, *, pool_id: int, cpus: int, gpus: int, memory_gb: int, clock: Callable[[], dt.datetime],
                 failures: Failures = Failures(), seed: int = 0, state: SimState | None = None) -> None:
        self.pool_id, self.cpus, self.gpus, self.memory_gb = pool_id, cpus, gpus, memory_gb
        self.clock, self.failures, self.seed = clock, failures, seed
        self.sim = state or SimState()

    # -- plain-data state -------------------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        return {"next_id": self.sim.next_id, "clock_at": self.sim.clock_at,
                "jobs": [asdict(j) for j in self.sim.jobs.values()]}

    @staticmethod
    def state_from(data: dict[str, Any] | None) -> SimState:
        if not data:
            return SimState()
        jobs = {j["id"]: SimJob(**j) for j in data.get("jobs", [])}
        return SimState(next_id=int(data.get("next_id", 1)), jobs=jobs, clock_at=float(data.get("clock_at", 0)))

    # -- the simulated scheduler ------------------------------------------------------------------------------
    def _dark_at(self, t: float) -> tuple[float, float] | None:
        for start, end in self.failures.dark:
            if start <= t < end:
                return start, end
        return None

    def used(self) -> tuple[int, int, int]:
        running = [j for j in self.sim.jobs.values() if j.state == "RUNNING"]
        return (sum(j.cpus for j in running), sum(j.gpus for j in running), sum(j.memory_gb for j in running))

    def _start_pending(self, t: float) -> None:
        if self._dark_at(t):
            return
        cpus, gpus, memory = self.used()
        for job in sorted((j for j in self.sim.jobs.values() if j.state == "PENDING"),
                          key=lambda j: (j.submitted, int(j.id))):
            if cpus + job.cpus <= self.cpus and gpus + job.gpus <= self.gpus and memory + job.memory_gb <= \
                    self.memory_gb:
                job.state, job.started = "RUNNING", t
                cpus, gpus, memory = cpus + job.cpus, gpus + job.gpus, memory + job.memory_gb
            else:
                break  # FIFO: the head of the queue waits for room, and the rest behind it

    def _end_of(self, job: SimJob) -> float:
        assert job.started is not None
        return job.started + (job.runtime * 0.5 if job.fate == "lose" else job.runtime)

    def advance(self) -> None:
        """Bring the pool up to the clock: jobs end at their moments (freeing room for the queue in order), and a
        dark spell ends its running jobs as NODE_FAIL when it starts."""
        now = self.clock().timestamp()
        t = self.sim.clock_at
        while True:
            running = [j for j in self.sim.jobs.values() if j.state == "RUNNING"]
            ends = [(self._end_of(j), int(j.id), j) for j in running]
            darks = [s for s, _ in self.failures.dark if t <= s <= now]
            next_end = min(ends, key=lambda e: (e[0], e[1])) if ends else None
            next_dark = min(darks) if darks else None
            if next_dark is not None and (next_end is None or next_dark <= next_end[0]) and running:
                for job in running:
                    job.state, job.ended = "NODE_FAIL", next_dark
                t = next_dark + 1e-6
                continue
            if next_end is None or next_end[0] > now:
                break
            at, _, job = next_end
            job.ended = at
            job.state = {"ok": "COMPLETED", "fail": "FAILED", "lose": "NODE_FAIL"}[job.fate]
            t = at
            self._start_pending(t)
        self._start_pending(now)
        self.sim.clock_at = now

    def _answering(self) -> float:
        now = self.clock().timestamp()
        self.advance()
        if self._dark_at(now):
            raise SchedulerUnreachable(f"模拟资源池 {self.pool_id} 失联")
        return now

    def capacity(self) -> Capacity:
        self._answering()
        cpus, gpus, memory = self.used()
        return Capacity(nodes_up=1, nodes_total=1, cpus=self.cpus, free_cpus=self.cpus - cpus, gpus=self.gpus,
                        free_gpus=self.gpus - gpus, memory_gb=self.memory_gb, free_memory_gb=self.memory_gb - memory)

    def submit(self, spec: JobSpec) -> str:
        now = self._answering()
        if spec.cpus > self.cpus or spec.gpus > self.gpus or spec.memory_gb > self.memory_gb:
            raise SchedulerRejected("Requested node configuration is not available")
        if _draw(self.seed, self.pool_id, spec.name, "reject") < self.failures.reject_rate:
            raise SchedulerRejected("模拟：资源池拒绝了提交")
        fate_draw = _draw(self.seed, self.pool_id, spec.name, "fate")
        fate = ("lose" if fate_draw < self.failures.lose_rate else
                "fail" if fate_draw < self.failures.lose_rate + self.failures.fail_rate else "ok")
        runtime = max(spec.expected_seconds, 1) * (0.8 + 0.3 * _draw(self.seed, spec.name, "runtime"))
        job_id = str(self.sim.next_id)
        self.sim.next_id += 1
        self.sim.jobs[job_id] = SimJob(job_id, spec.name, spec.cpus, spec.gpus, spec.memory_gb, runtime, now, fate)
        self._start_pending(now)
        return job_id

    def status(self, ids: Sequence[str]) -> dict[str, JobStatus]:
        self._answering()
        out = {}
        for key in ids:
            job = self.sim.jobs.get(key)
            if job is not None:
                out[key] = JobStatus(state=job.state, started=_moment(job.started), ended=_moment(job.ended),
                                     exit_code=1 if job.state == "FAILED" else 0)
        return out

    def find(self, name: str) -> str | None:
        self._answering()
        found = [j.id for j in self.sim.jobs.values() if j.name == name]
        return found[-1] if found else None

    def cancel(self, scheduler_id: str) -> None:
        now = self._answering()
        job = self.sim.jobs.get(scheduler_id)
        if job is not None and job.state in ("PENDING", "RUNNING"):
            job.state, job.ended = "CANCELLED", now
            self._start_pending(now)

    def accounting(self, *, start: dt.datetime, end: dt.datetime) -> list[UsageRecord]:
        self._answering()
        lo, hi = start.timestamp(), end.timestamp()
        out = []
        for job in self.sim.jobs.values():
            if job.ended is None or job.started is None or not lo <= job.ended < hi:
                continue
            out.append(UsageRecord(scheduler_id=job.id, name=job.name, state=job.state,
                                   started=_moment(job.started) or start, ended=_moment(job.ended) or end,
                                   elapsed_seconds=round(job.ended - job.started), cpus=job.cpus, gpus=job.gpus,
                                   memory_gb=job.memory_gb))
        return out

    def forget_ended_before(self, t: float) -> None:
        """Drop jobs that ended before ``t`` (a long simulation keeps its memory flat; accounting was read)."""
        self.sim.jobs = {k: j for k, j in self.sim.jobs.items() if j.ended is None or j.ended >= t}


def _moment(epoch: float | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(epoch, dt.UTC) if epoch is not None else None

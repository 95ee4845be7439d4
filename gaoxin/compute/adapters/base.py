"""What the broker asks of a scheduler, whatever it is (Slurm through slurmrestd, the simulator's pools): submit,
status, find by name, cancel, capacity and accounting. Every adapter raises the same two errors, so the broker's
failover does not depend on the scheduler kind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class SchedulerRejected(Exception):
    """The scheduler answered and refused the request (a bad partition, a request beyond its limits …)."""


class SchedulerUnreachable(Exception):
    """The scheduler did not answer (connection refused, timeout, a 5xx): the pool may be dark."""


@dataclass(frozen=True)
class JobSpec:
    """A job as a scheduler receives it. ``name`` is the broker's key for the attempt (``gx-<number>-<seq>``):
    after a restart the broker finds a job it submitted by this name."""

    name: str
    script: str
    cpus: int
    gpus: int
    gpu_model: str
    memory_gb: int
    time_limit_minutes: int
    partition: str
    expected_seconds: int = 0  # the runtime the broker expects on this pool (a simulated scheduler runs this long)


@dataclass(frozen=True)
class Capacity:
    nodes_up: int
    nodes_total: int
    cpus: int
    free_cpus: int
    gpus: int
    free_gpus: int
    memory_gb: int
    free_memory_gb: int


# A scheduler's job states, reduced to what the broker needs (``state``: Slurm's names).
@dataclass(frozen=True)
class JobStatus:
    state: str
    reason: str = ""
    started: dt.datetime | None = None
    ended: dt.datetime | None = None
    exit_code: int | None = None


@dataclass(frozen=True)
class UsageRecord:
    """One finished job as the scheduler's accounting knows it."""

    scheduler_id: str
    name: str
    state: str
    started: dt.datetime
    ended: dt.datetime
    elapsed_seconds: int
    cpus: int
    gpus: int
    memory_gb: int


class Adapter(Protocol):
    def capacity(self) -> Capacity: ...

    def submit(self, spec: JobSpec) -> str: ...

    def status(self, ids: Sequence[str]) -> dict[str, JobStatus]: ...

    def find(self, name: str) -> str | None: ...

    def cancel(self, scheduler_id: str) -> None: ...

    def accounting(self, *, start: dt.datetime, end: dt.datetime) -> list[UsageRecord]: ...


# How the broker reads a scheduler state.
RUNNING_STATES = frozenset({"RUNNING", "COMPLETING", "CONFIGURING", "STAGE_OUT", "SIGNALING"})
QUEUED_STATES = frozenset({"PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESIZING", "SUSPENDED",
                           "STOPPED"})
SUCCEEDED_STATES = frozenset({"COMPLETED"})
FAILED_STATES = frozenset({"FAILED", "TIMEOUT", "OUT_OF_MEMORY", "DEADLINE"})  # the job's own end
LOST_STATES = frozenset({"NODE_FAIL", "BOOT_FAIL", "PREEMPTED", "CANCELLED", "REVOKED", "SPECIAL_EXIT"})


def reading(status: JobStatus | None) -> str:
    """``queued``, ``running``, ``succeeded``, ``failed`` (the job's own failure: not retried elsewhere) or
    ``lost`` (the pool lost it: a node failed, it was cancelled by someone else, the scheduler forgot it)."""
    if status is None:
        return "lost"
    if status.state in SUCCEEDED_STATES:
        return "succeeded"
    if status.state in FAILED_STATES:
        return "failed"
    if status.state in RUNNING_STATES:
        return "running"
    if status.state in QUEUED_STATES:
        return "queued"
    return "lost"

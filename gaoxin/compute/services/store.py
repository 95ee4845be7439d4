"""The broker's ``Store`` on the database: every method is one short transaction, so what the broker recorded
before calling a scheduler survives a crash right after the call (``compute.broker`` says why that matters)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from gaoxin.compute import workflow
from gaoxin.compute.adapters.base import Capacity
from gaoxin.compute.broker import OpenAttempt, QueuedJob, job_spec
from gaoxin.compute.models import Attempt, ComputeJob, Pool
from gaoxin.compute.placement import JobRequest
from gaoxin.compute.services.jobs import job_move
from gaoxin.compute.services.pools import pool_spec

QUEUE_BATCH = 2000


def job_request(job: ComputeJob) -> JobRequest:
    return JobRequest(id=job.pk, cpus=job.cpus, gpus=job.gpus, gpu_model=job.gpu_model, memory_gb=job.memory_gb,
                      expected_hours=float(job.expected_hours),
                      deadline=job.deadline.timestamp() if job.deadline else math.inf, budget_fen=job.budget_fen,
                      sites=frozenset(job.sites), blocked=frozenset(job.blocked_pools))


class DatabaseStore:
    def queued(self) -> list[QueuedJob]:
        jobs = ComputeJob.objects.filter(state=workflow.SUBMITTED).order_by("submitted_at", "pk")[:QUEUE_BATCH]
        return [QueuedJob(job_request(j), j.number, j.script) for j in jobs]

    def open_attempts(self) -> list[OpenAttempt]:
        out = []
        for a in Attempt.objects.filter(state__in=Attempt.OPEN_STATES).select_related("job", "pool").order_by("pk"):
            spec = job_spec(a.name, a.job.script, job_request(a.job), pool_spec(a.pool), a.runtime_hours)
            out.append(OpenAttempt(a.job_id, a.pk, a.seq, a.pool_id, a.name, a.scheduler_id, a.cancel_requested,
                                   spec))
        return out

    def pool_seen(self, pool_id: int, capacity: Capacity | None, at: dt.datetime) -> dt.datetime | None:
        with transaction.atomic():
            pool = Pool.objects.select_for_update().get(pk=pool_id)
            if capacity is None:
                pool.dark_since = pool.dark_since or at
            else:
                pool.dark_since, pool.last_seen_at = None, at
                pool.last_capacity = {k: getattr(capacity, k) for k in capacity.__dataclass_fields__}
            pool.save(update_fields=["dark_since", "last_seen_at", "last_capacity"])
            return pool.dark_since

    def move(self, job_id: int, move: str, *, key: str, at: dt.datetime, detail: Mapping[str, object]) -> bool:
        with transaction.atomic():
            return job_move(job_id, move, key=key, at=at, detail=detail)

    def attempt_begin(self, job_id: int, pool_id: int, *, at: dt.datetime, cost_fen: int,
                      runtime_hours: float) -> tuple[int, int, str]:
        with transaction.atomic():
            job = ComputeJob.objects.select_for_update().get(pk=job_id)
            seq = (job.attempts.aggregate(m=Max("seq"))["m"] or 0) + 1
            name = f"{settings.GAOXIN_COMPUTE_JOB_PREFIX}-{job.number}-{seq}"
            attempt = Attempt.objects.create(job=job, seq=seq, pool_id=pool_id, name=name, placed_at=at,
                                             estimate_fen=cost_fen, runtime_hours=runtime_hours,
                                             is_synthetic=job.is_synthetic)
            code = Pool.objects.values_list("code", flat=True).get(pk=pool_id)
            job_move(job_id, "place", key=f"{seq}:place", at=at,
                     detail={"pool": pool_id, "pool_code": code, "estimate_fen": cost_fen})
            ComputeJob.objects.filter(pk=job_id).update(estimate_fen=cost_fen)
            return attempt.pk, seq, name

    def attempt_submitted(self, attempt_id: int, scheduler_id: str, *, at: dt.datetime) -> None:
        Attempt.objects.filter(pk=attempt_id).update(scheduler_id=scheduler_id, submitted_at=at, state="queued")

    def attempt_state(self, attempt_id: int, state: str, *, at: dt.datetime, reason: str = "",
                      started: dt.datetime | None = None, ended: dt.datetime | None = None) -> None:
        fields: dict[str, object] = {"state": state}
        if reason:
            fields["reason"] = reason[:200]
        if started is not None:
            fields["started_at"] = started
        if state not in Attempt.OPEN_STATES:
            fields["ended_at"] = ended or at
        Attempt.objects.filter(pk=attempt_id).update(**fields)

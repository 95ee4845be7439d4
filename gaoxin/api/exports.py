"""Exports of case lists: small ones stream straight to the caller, large ones run as a background job with
progress and a download link, so that no request holds a worker for more than a few seconds (DESIGN §7).

One definition of what an exported case looks like (``CASE_HEADERS``, ``case_row``: personal data masked, formula
cells neutralised by ``core.csvexport``), one query (the caller's own scoped case list, filtered as the API or the
case list page filter it), read in keyset batches so memory stays flat however many rows there are.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q, QuerySet
from huey.contrib.djhuey import db_task

from gaoxin.accounts.models import User
from gaoxin.api.models import ExportJob
from gaoxin.cases import selectors
from gaoxin.cases.models import Case
from gaoxin.cases.privacy import mask_name, mask_phone
from gaoxin.core import clock, unavailable
from gaoxin.core.csvexport import csv_chunks
from gaoxin.core.errors import ApplicationError, NotFound

# Above this many rows an export runs in the background (streamed, 10,000 rows take about a second).
SYNC_LIMIT = 10_000
# Hard ceiling of one export (a whole zone-year is about 450,000 cases).
MAX_ROWS = 2_000_000
BATCH = 2_000
PROGRESS_EVERY = 5_000
KEEP_DAYS = 7
# A queued job not started, or a running one silent, for this long lost its worker (killed, or the database went
# away under it): it is queued again, up to MAX_ATTEMPTS starts in all.
STALE = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 3

CASE_HEADERS = ("案件编号", "来源渠道", "类别", "状态", "地址", "反映人", "联系电话", "处置单位", "上报时间",
                "办结时间")


def case_row(c: Case) -> list[Any]:
    """One case as exported: reporter masked (张*, 138****1234), moments in Beijing time."""
    return [c.number, c.get_channel_display(), c.category.name, c.state_label, c.address,
            mask_name(c.reporter_name), mask_phone(c.reporter_phone), c.assignee.name if c.assignee else "",
            c.reported_at.isoformat(), c.closed_at.isoformat() if c.closed_at else ""]


def case_rows(qs: QuerySet[Case], *, progress: Callable[[int], None] = lambda n: None) -> Iterator[list[Any]]:
    """The rows of ``qs``, newest first, read in keyset batches of ``BATCH`` (by id, descending)."""
    qs = qs.select_related("category", "assignee").order_by("-id")
    last: int | None = None
    done = 0
    while True:
        batch = list((qs.filter(pk__lt=last) if last is not None else qs)[:BATCH])
        if not batch:
            return
        for case in batch:
            yield case_row(case)
        last = batch[-1].pk
        done += len(batch)
        progress(done)


def stream_csv(qs: QuerySet[Case]) -> Iterator[str]:
    return csv_chunks(CASE_HEADERS, case_rows(qs))


# --- background jobs -----------------------------------------------------------------------------------------

def job_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    """Case-list filters (``cases.selectors.case_list``) as a job keeps them: JSON, moments as ISO text."""
    return {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in filters.items()}


def _queryset(job: ExportJob) -> QuerySet[Case]:
    """The job's cases, as its owner may see them now."""
    filters = {k: dt.datetime.fromisoformat(v) if k.endswith(("_from", "_to")) and isinstance(v, str) else v
               for k, v in job.params.items()}
    return selectors.case_list(actor=job.owner, filters=filters)


def export_job_create(*, actor: User, kind: str, source: str, filters: Mapping[str, Any]) -> ExportJob:
    """Queue the export of the cases ``filters`` select (``case_list`` filters; checked now, so a bad one is
    refused before anything is queued) and start it after the commit."""
    if kind != "cases":
        raise ApplicationError(f"未知的导出类型：{kind}", field="kind")
    count = selectors.case_list(actor=actor, filters=filters).count()
    if count > MAX_ROWS:
        raise ApplicationError(f"导出不能超过 {MAX_ROWS} 行，请缩小筛选范围", field="filters", code="export_too_large")
    with transaction.atomic():
        job = ExportJob.objects.create(owner=actor, kind=kind, source=source, params=job_filters(filters),
                                       rows_total=count, created_at=clock.now())
        transaction.on_commit(lambda: _schedule(job.pk))
    return job


def _schedule(job_id: int) -> None:
    export_job_task(job_id)


@db_task()
def export_job_task(job_id: int) -> None:
    """The worker's side: write a queued export (the worker loads it through ``api.tasks``)."""
    export_job_run(job_id=job_id)


def export_job_run(*, job_id: int) -> ExportJob:
    """Write the job's CSV (called by the task worker), recording progress; a failure is recorded, not raised.
    The job is claimed first, so a job queued twice (``export_jobs_requeue_stale``) is written once."""
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    claimed = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, heartbeat_at=clock.now(), attempts=F("attempts") + 1)
    if not claimed:
        job.refresh_from_db()
        return job
    try:
        qs = _queryset(job)
        total = qs.count()
        ExportJob.objects.filter(pk=job.pk).update(rows_total=total)

        def progress(done: int) -> None:
            if done % PROGRESS_EVERY < BATCH or done == total:
                ExportJob.objects.filter(pk=job.pk).update(rows_done=done, heartbeat_at=clock.now())

        text = "".join(csv_chunks(CASE_HEADERS, case_rows(qs, progress=progress)))
        job.file.save(f"{job.kind}-{clock.now():%Y%m%d-%H%M%S}.csv", ContentFile(text.encode("utf-8")), save=False)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.DONE, file=job.file.name, rows_done=total,
                                                   finished_at=clock.now())
    except Exception as exc:  # recorded for the owner to see; the worker goes on
        if unavailable.is_unavailable(exc):
            raise  # the database or the disk went away: the job stays running and is queued again once stale
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, error=str(exc)[:500],
                                                   finished_at=clock.now())
    job.refresh_from_db()
    return job


def export_jobs_requeue_stale() -> int:
    """Queue again the jobs whose worker was lost: queued and never started, or running and silent, for
    ``STALE``; a job started ``MAX_ATTEMPTS`` times fails with the reason instead. Returns how many were queued."""
    cutoff = clock.now() - STALE
    lost = ExportJob.objects.filter(
        Q(status=ExportJob.Status.QUEUED, created_at__lt=cutoff, heartbeat_at__isnull=True)
        | Q(status=ExportJob.Status.QUEUED, heartbeat_at__lt=cutoff)
        | Q(status=ExportJob.Status.RUNNING, heartbeat_at__lt=cutoff))
    requeued = 0
    for job in lost:
        if job.attempts >= MAX_ATTEMPTS:
            ExportJob.objects.filter(pk=job.pk, status=job.status).update(
                status=ExportJob.Status.FAILED, finished_at=clock.now(),
                error=f"导出进程 {job.attempts} 次中断，请缩小筛选范围后重新导出")
            continue
        if ExportJob.objects.filter(pk=job.pk, status=job.status).update(
                status=ExportJob.Status.QUEUED, heartbeat_at=clock.now()):
            transaction.on_commit(functools.partial(_schedule, job.pk))
            requeued += 1
    return requeued


def export_job_get(*, actor: User, job_id: int) -> ExportJob:
    """One of the actor's own export jobs."""
    job = ExportJob.objects.filter(pk=job_id, owner=actor).first()
    if job is None:
        raise NotFound("导出任务不存在", code="export_not_found")
    return job


def export_job_list(*, actor: User) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(owner=actor).order_by("-created_at", "-pk")


def export_purge(*, older_than_days: int = KEEP_DAYS) -> int:
    """Delete the files and records of exports older than ``older_than_days``."""
    cutoff = clock.now() - dt.timedelta(days=older_than_days)
    old = list(ExportJob.objects.filter(created_at__lt=cutoff))
    for job in old:
        if job.file:
            job.file.delete(save=False)
    ExportJob.objects.filter(pk__in=[j.pk for j in old]).delete()
    return len(old)

"""Background work of the API app (huey)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gaoxin.api.exports import export_job_task  # noqa: F401  # defined beside its service; the worker loads it here


@db_periodic_task(crontab(minute="*"))
def export_jobs_requeue() -> int:
    """Every minute: queue again the exports whose worker was lost (killed, or the database went away)."""
    from gaoxin.api.exports import export_jobs_requeue_stale

    return export_jobs_requeue_stale()


@db_periodic_task(crontab(minute="17", hour="3"))
def idempotency_purge_old() -> int:
    """Nightly: forget idempotency records older than the retry window (72 h)."""
    from gaoxin.api.idempotency import idempotency_purge

    return idempotency_purge()


@db_periodic_task(crontab(minute="23", hour="3"))
def export_purge_old() -> int:
    """Nightly: delete exports older than a week."""
    from gaoxin.api.exports import export_purge

    return export_purge()

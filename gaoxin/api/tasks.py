"""Background work of the API app (huey)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="17", hour="3"))
def idempotency_purge_old() -> int:
    """Nightly: forget idempotency records older than the retry window (72 h)."""
    from gaoxin.api.idempotency import idempotency_purge

    return idempotency_purge()

"""Background work of the shared building blocks (huey)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="7"))  # type: ignore[untyped-decorator]  # huey ships no type hints
def rate_counters_purge() -> int:
    """Hourly: delete the rate-limit counters of windows that are over (database backend; Redis keys expire)."""
    from gaoxin.core.ratelimit import purge_expired

    return purge_expired()

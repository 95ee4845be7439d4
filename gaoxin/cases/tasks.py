"""Background work of the case engine (huey). Task bodies are thin: the logic is in services, which tests call
directly with a frozen clock."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]  # huey ships no type hints
def supervise_overdue_cases() -> int:
    """Every five minutes: mark overdue cases and raise supervision notices (督办)."""
    from gaoxin.cases.services import case_supervise_overdue

    created = case_supervise_overdue()
    if created:
        logger.info("raised %d supervision notices", created)
    return created

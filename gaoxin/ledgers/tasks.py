"""Background work of the ledgers (huey): queue the reminders (催报) of reports past their due date."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="30", hour="8"))  # type: ignore[untyped-decorator]  # huey ships no type hints
def ledger_reminders() -> int:
    """Every morning at 8:30: a reminder for each report of this year (and of last year, in January) past due."""
    from gaoxin.core import clock
    from gaoxin.ledgers.services import ledger_reminders_queue

    today = clock.now().date()
    queued = sum(ledger_reminders_queue(year=y, today=today) for y in {today.year, today.year - (today.month == 1)})
    if queued:
        logger.info("queued %d ledger reminders", queued)
    return queued

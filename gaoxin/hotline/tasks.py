"""Background work of the 12345 link (huey)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]  # huey ships no type hints
def hotline_deliver_outbox() -> int:
    """Every minute: send due outbox messages to the city platform (backoff per message)."""
    from gaoxin.hotline.outbox import deliver_pending

    report = deliver_pending()
    if report.delivered or report.retried or report.dead:
        logger.info("12345 outbox: %d delivered, %d to retry, %d dead", report.delivered, report.retried,
                    report.dead)
    return report.delivered

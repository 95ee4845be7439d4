"""Background work of the SMS outbox (huey)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]  # huey ships no type hints
def notify_deliver_sms() -> int:
    """Every minute: send the due text messages through the gateway (backoff per message)."""
    from gaoxin.notify.services import sms_deliver_pending

    report = sms_deliver_pending()
    if report.delivered or report.retried or report.dead:
        logger.info("SMS outbox: %d delivered, %d to retry, %d dead", report.delivered, report.retried, report.dead)
    return report.delivered

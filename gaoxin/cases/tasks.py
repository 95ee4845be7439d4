"""Background work of the case engine (huey). Task bodies are thin: the logic is in services, which tests call
directly with a frozen clock."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/5"))
def supervise_overdue_cases() -> int:
    """Every five minutes: mark overdue cases and raise supervision notices (督办)."""
    from gaoxin.cases.services import case_supervise_overdue

    created = case_supervise_overdue()
    if created:
        logger.info("raised %d supervision notices", created)
    return created


@db_task()
def case_event_notify(event_id: int) -> None:
    """Tell the outside world about an event: the assignee of a dispatch, the reporter of a closing, and for
    12345 orders the hotline platform (its reply interface is configured per deployment; until then the reply is
    logged)."""
    from gaoxin.cases.models import CaseEvent, Channel

    event = CaseEvent.objects.select_related("case").filter(pk=event_id).first()
    if event is None:
        return
    case = event.case
    if case.channel == Channel.HOTLINE_12345 and case.external_ref:
        logger.info("12345 reply for order %s: %s → %s", case.external_ref, event.action, event.to_state)
    else:
        logger.debug("case %s: %s → %s", case.number, event.action, event.to_state)

"""Background work of the enterprise service (huey): tell enterprises the results of their problems."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/5"))
def notify_problem_results() -> int:
    """Every five minutes: a result notice for each enterprise problem whose case has closed since."""
    from gaoxin.enterprises.services_problems import problem_results_notify

    created = problem_results_notify()
    if created:
        logger.info("told enterprises the results of %d problems", created)
    return created

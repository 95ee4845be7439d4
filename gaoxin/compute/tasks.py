"""Background work of the compute network (huey): the broker ticks every minute (placing, following, failing
over, metering); a tick still running makes the next one wait for its turn."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]  # huey ships no type hints
def compute_broker_tick() -> dict[str, int]:
    from gaoxin.compute.services import broker_tick
    from gaoxin.core.errors import Conflict

    try:
        report = broker_tick()
    except Conflict:
        return {}
    return {"placed": report.placed, "succeeded": report.succeeded, "failed_over": report.failed_over}

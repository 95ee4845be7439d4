"""Running the broker on the database: one tick at a time under a lease (two ticks never overlap, whether the
task queue's or an operator's), then metering. ``broker_tick`` is what the periodic task and the operator's
"立即调度" button call; after a restart the first tick is the reconciliation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction

from gaoxin.accounts.models import User
from gaoxin.compute import broker, policy
from gaoxin.compute.adapters.base import Adapter
from gaoxin.compute.adapters.simulated import SimulatedAdapter
from gaoxin.compute.models import BrokerLease, Pool
from gaoxin.compute.services.metering import usage_collect
from gaoxin.compute.services.pools import adapter_for, pool_spec
from gaoxin.compute.services.store import DatabaseStore
from gaoxin.core import clock
from gaoxin.core.errors import Conflict

LEASE_SECONDS = 300


def _lease(now: dt.datetime, holder: str) -> bool:
    BrokerLease.objects.get_or_create(name="broker", defaults={"until": now - dt.timedelta(seconds=1)})
    return BrokerLease.objects.filter(name="broker", until__lt=now).update(
        holder=holder, until=now + dt.timedelta(seconds=LEASE_SECONDS)) == 1


def _release() -> None:
    BrokerLease.objects.filter(name="broker").update(until=clock.now() - dt.timedelta(seconds=1))


def broker_tick(*, actor: User | None = None, adapters: Mapping[int, Adapter] | None = None,
                dark_grace: float = broker.DARK_GRACE_SECONDS, meter_lag: float = 120) -> broker.TickReport:
    """One tick over the active pools (``adapters`` replaces the pools' own, for tests and the simulation), then the
    usage of the pools metered up to ``meter_lag`` seconds ago."""
    if actor is not None:
        policy.require_operator(actor)
    now = clock.now()
    if not _lease(now, actor.username if actor is not None else "task"):
        raise Conflict("调度：上一轮调度仍在进行，请稍后再试", field="broker", code="broker_busy")
    try:
        pools = list(Pool.objects.filter(status=Pool.Status.ACTIVE).select_related("provider"))
        used = adapters or {p.pk: adapter_for(p) for p in pools}
        report = broker.tick(DatabaseStore(), [pool_spec(p) for p in pools], used, now, dark_grace=dark_grace)
        for pool in pools:
            adapter = used.get(pool.pk)
            if adapter is not None:
                usage_collect(pool=pool, adapter=adapter, until=now - dt.timedelta(seconds=meter_lag))
            if adapters is None and isinstance(adapter, SimulatedAdapter):
                # keep a simulated pool's state small: what was metered more than a day ago is not asked again
                adapter.forget_ended_before((pool.metered_until or now).timestamp() - 86400)
                with transaction.atomic():
                    Pool.objects.filter(pk=pool.pk).update(sim_state=adapter.state())
        return report
    finally:
        _release()

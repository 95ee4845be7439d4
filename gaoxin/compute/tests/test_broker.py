"""The broker on the database over simulated schedulers, on the frozen platform clock: a job placed on the
cheapest pool runs and succeeds with every move audited once; a pool that refuses, loses the job or goes dark is
blocked for it and the job re-placed; a restart between recording an attempt and hearing the scheduler neither
loses the job nor runs it twice; a user's cancel reaches the scheduler; what no pool can take fails with the
reason; two ticks never overlap."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.compute import services
from gaoxin.compute.adapters.base import SchedulerUnreachable
from gaoxin.compute.adapters.simulated import Failures, SimulatedAdapter
from gaoxin.compute.models import Attempt, BrokerLease, ComputeJob, JobEvent, Usage
from gaoxin.compute.services.store import DatabaseStore
from gaoxin.compute.tests.conftest import JOB, make_pool
from gaoxin.compute.units import fen_round
from gaoxin.core import audit, clock
from gaoxin.core.errors import Conflict

pytestmark = pytest.mark.django_db


def sim(pool, failures: Failures | None = None) -> SimulatedAdapter:
    return SimulatedAdapter(pool_id=pool.pk, cpus=pool.cpus, gpus=pool.gpus, memory_gb=pool.memory_gb,
                            clock=clock.now, failures=failures or Failures(), seed=1)


def moves(job) -> list[tuple[str, str, str]]:
    return list(JobEvent.objects.filter(job=job).order_by("seq").values_list("move", "from_state", "to_state"))


def run_ticks(adapters, n, step=dt.timedelta(minutes=1), **kw):
    reports = []
    for _ in range(n):
        reports.append(services.broker_tick(adapters=adapters, **kw))
        clock.advance(step)
    return reports


def test_a_job_goes_to_the_cheapest_pool_runs_and_is_metered(world, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        dear = make_pool(world, code="DEAR", price_cpu="0.50")
        cheap = make_pool(world, code="CHEAP", price_cpu="0.10")
        job = services.job_submit(actor=world.owner, values=JOB)
        adapters = {dear.pk: sim(dear), cheap.pk: sim(cheap)}
        run_ticks(adapters, 40)
        job.refresh_from_db()
        assert job.state == "succeeded"
        assert list(job.attempts.values_list("pool__code", "state")) == [("CHEAP", "succeeded")]
        assert moves(job) == [("submit", "", "submitted"), ("place", "submitted", "placed"),
                              ("start", "placed", "running"), ("succeed", "running", "succeeded")]
        # 2 cores × 0.10 元 + 1 GB × 0.01 元 = 21 分 an hour; the estimate is for 0.5 h
        assert job.estimate_fen == 11
        clock.advance(dt.timedelta(minutes=5))
        services.broker_tick(adapters=adapters)
        usage = Usage.objects.get(attempt__job=job)
        seconds = usage.elapsed_seconds
        assert 0.8 * 1800 - 60 <= seconds <= 1.1 * 1800 + 60
        assert usage.amount_fen == fen_round(Decimal(21 * seconds) / 3600)
        assert usage.billable
        assert usage.enterprise == world.enterprise
    assert list(audit.verify(JobEvent)) == []


def test_a_pool_that_refuses_is_blocked_and_the_job_placed_elsewhere(world, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        refusing = make_pool(world, code="NO", price_cpu="0.01")
        other = make_pool(world, code="YES", price_cpu="0.20")
        job = services.job_submit(actor=world.owner, values=JOB)
        adapters = {refusing.pk: sim(refusing, Failures(reject_rate=1.0)), other.pk: sim(other)}
        report = services.broker_tick(adapters=adapters)
        assert (report.placed, report.failed_over) == (1, 1)
        services.broker_tick(adapters=adapters)
        job.refresh_from_db()
        assert job.blocked_pools == [refusing.pk]
        assert list(job.attempts.values_list("pool__code", "state")) == [("NO", "rejected"), ("YES", "queued")]


def test_a_pool_that_goes_dark_mid_job_loses_it_to_another_pool(world, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        start = clock.now().timestamp()
        flaky = make_pool(world, code="FLAKY", price_cpu="0.01")
        steady = make_pool(world, code="STEADY", price_cpu="0.20")
        job = services.job_submit(actor=world.owner, values=JOB)
        adapters = {flaky.pk: sim(flaky, Failures(dark=((start + 600, start + 7200),))), steady.pk: sim(steady)}
        run_ticks(adapters, 60, dark_grace=300)
        job.refresh_from_db()
        assert job.state == "succeeded"
        assert list(job.attempts.values_list("pool__code", "state")) == [("FLAKY", "dark"), ("STEADY", "succeeded")]
        assert [m for m, _, _ in moves(job)] == ["submit", "place", "start", "failover", "place", "start", "succeed"]
        flaky.refresh_from_db()
        assert flaky.dark_since is not None


def test_a_lost_job_fails_over_and_a_failed_job_does_not(world, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        losing = make_pool(world, code="LOSE", price_cpu="0.01")
        other = make_pool(world, code="OTHER", price_cpu="0.20")
        lost = services.job_submit(actor=world.owner, values=JOB)
        adapters = {losing.pk: sim(losing, Failures(lose_rate=1.0)), other.pk: sim(other, Failures(fail_rate=1.0))}
        run_ticks(adapters, 60)
        lost.refresh_from_db()
        assert list(lost.attempts.values_list("pool__code", "state")) == [("LOSE", "lost"), ("OTHER", "failed")]
        assert lost.state == "failed"  # the job's own failure on the second pool: not retried
        usage = dict(Usage.objects.filter(attempt__job=lost).values_list("pool__code", "billable"))
        assert usage == {"LOSE": False, "OTHER": True}


def test_restart_reconciliation_adopts_or_resubmits_never_twice(world, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        pool = make_pool(world)
        adapter = sim(pool)
        accepted = services.job_submit(actor=world.owner, values=JOB)
        never_sent = services.job_submit(actor=world.owner, values={**JOB, "name": "未送达"})
        store = DatabaseStore()
        # the broker recorded both attempts and died: the first after the scheduler took it, the second before
        first = store.attempt_begin(accepted.pk, pool.pk, at=clock.now(), cost_fen=11, runtime_hours=0.5)
        store.attempt_begin(never_sent.pk, pool.pk, at=clock.now(), cost_fen=11, runtime_hours=0.5)
        spec = next(a.spec for a in store.open_attempts() if a.job_id == accepted.pk)
        assert spec.name == first[2]
        scheduler_id = adapter.submit(spec)
        report = services.broker_tick(adapters={pool.pk: adapter})
        assert (report.adopted, report.resubmitted, report.placed) == (1, 1, 0)
        assert Attempt.objects.get(job=accepted).scheduler_id == scheduler_id
        assert len(adapter.sim.jobs) == 2  # one each: nothing ran twice
        report = services.broker_tick(adapters={pool.pk: adapter})
        assert (report.adopted, report.resubmitted) == (0, 0)
        assert len(adapter.sim.jobs) == 2


def test_cancel_reaches_the_scheduler(world, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        pool = make_pool(world)
        adapter = sim(pool)
        job = services.job_submit(actor=world.owner, values=JOB)
        run_ticks({pool.pk: adapter}, 2)
        services.job_cancel(actor=world.owner, job=job)
        services.broker_tick(adapters={pool.pk: adapter})
        assert [j.state for j in adapter.sim.jobs.values()] == ["CANCELLED"]
        job.refresh_from_db()
        assert (job.state, job.attempts.get().state) == ("cancelled", "cancelled")
        with pytest.raises(Conflict) as refused:
            services.job_cancel(actor=world.owner, job=job)
        assert refused.value.field == "state"


def test_what_no_pool_can_take_fails_with_the_reason(world, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        pool = make_pool(world)
        too_big = services.job_submit(actor=world.owner, values={**JOB, "cpus": "999"})
        poor = services.job_submit(actor=world.owner, values={**JOB, "budget": "0.01"})
        services.broker_tick(adapters={pool.pk: sim(pool)})
        assert dict(ComputeJob.objects.values_list("pk", "reason")) == {too_big.pk: "no_pool", poor.pk: "over_budget"}
        assert set(ComputeJob.objects.values_list("state", flat=True)) == {"failed"}


def test_an_unreachable_pool_only_waits_until_the_grace_is_over(world, frozen_now):
    """Its only pool dark past the grace, the job has nowhere left to go: it fails, naming why."""
    with frozen_now(2023, 3, 1, 9):
        pool = make_pool(world)
        adapter = sim(pool)
        job = services.job_submit(actor=world.owner, values=JOB)
        services.broker_tick(adapters={pool.pk: adapter})
        start = clock.now().timestamp()
        adapter.failures = Failures(dark=((start, start + 3600),))
        with pytest.raises(SchedulerUnreachable):
            adapter.capacity()
        run_ticks({pool.pk: adapter}, 3, dark_grace=300)
        job.refresh_from_db()
        assert job.state == "placed"
        run_ticks({pool.pk: adapter}, 3, step=dt.timedelta(minutes=3), dark_grace=300)
        job.refresh_from_db()
        assert (job.state, job.blocked_pools, job.reason) == ("failed", [pool.pk], "pools_failed")


def test_two_ticks_never_overlap(world, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        make_pool(world)
        BrokerLease.objects.create(name="broker", holder="another", until=clock.now() + dt.timedelta(minutes=1))
        with pytest.raises(Conflict) as busy:
            services.broker_tick(adapters={})
        assert busy.value.code == "broker_busy"
        clock.advance(dt.timedelta(minutes=2))
        services.broker_tick(adapters={})


def test_only_the_operator_runs_the_broker(world, frozen_now):
    from gaoxin.core.errors import PermissionDenied

    with frozen_now(2023, 3, 1, 9), pytest.raises(PermissionDenied):
        services.broker_tick(actor=world.owner, adapters={})

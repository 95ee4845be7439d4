"""The broker over the real Slurm test cluster (``compute.testcluster``: two one-node clusters from Debian's
packages, slurmrestd with JWT, accounting in MariaDB through slurmdbd), on the real clock: a short job placed,
run and billed from Slurm's own accounting; a pool dying mid-job (its slurmd killed) and a drained pool, the job
re-placed on the other cluster; a restart reconciled by job name. The tests take a lock on the cluster so that
the test processes run them one at a time."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import subprocess
import time
import uuid

import pytest

from gaoxin.compute import services
from gaoxin.compute.adapters.slurm import SlurmRestAdapter
from gaoxin.compute.models import Attempt, Bill, ComputeJob, Usage
from gaoxin.compute.services.store import DatabaseStore
from gaoxin.compute.tests.conftest import JOB
from gaoxin.compute.units import usage_fen
from gaoxin.core import clock

pytestmark = [pytest.mark.django_db, pytest.mark.slurm]


@pytest.fixture
def cluster(slurm_cluster, settings):
    settings.GAOXIN_COMPUTE_JOB_PREFIX = f"t{uuid.uuid4().hex[:8]}"  # jobs of another test run are not ours
    with open(slurm_cluster.base_dir() / ".testlock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for c in slurm_cluster.CLUSTERS:  # every node up, as a previous test may have left one down
            slurm_cluster.start_slurmd(c)
            _scontrol(c, "update", f"nodename={c.node}", "state=resume", check=False)
        _wait(lambda: all(_nodes_up(c) for c in slurm_cluster.CLUSTERS), 60)
        yield slurm_cluster
        for c in slurm_cluster.CLUSTERS:
            slurm_cluster.start_slurmd(c)
            _scontrol(c, "update", f"nodename={c.node}", "state=resume", check=False)


def _scontrol(c, *args, check=True):
    from gaoxin.compute import testcluster

    return subprocess.run(["scontrol", *args], env={**os.environ, "SLURM_CONF": str(testcluster.conf_path(c))},
                          check=check, capture_output=True, text=True)


def _adapter(c) -> SlurmRestAdapter:
    from gaoxin.compute import testcluster

    return SlurmRestAdapter(endpoint=c.rest_url, token=testcluster.token(), partition="compute", cluster=c.name)


def _nodes_up(c) -> bool:
    try:
        return _adapter(c).capacity().nodes_up == 1
    except Exception:  # noqa: BLE001 - a daemon still starting
        return False


def _wait(done, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if done():
            return
        time.sleep(1)
    raise AssertionError("timed out")


def _pools(world, cluster, *, price_a="0.10", price_b="0.30"):
    from gaoxin.compute import testcluster

    made = []
    for c, price in zip(cluster.CLUSTERS, (price_a, price_b), strict=True):
        made.append(services.pool_register(actor=world.operator, provider=world.provider, values={
            "code": c.name.upper(), "name": c.name, "site": "郑州人工智能计算中心", "scheduler": "slurm",
            "endpoint": c.rest_url, "cluster": c.name, "partition": "compute", "token": testcluster.token(),
            "cpus": str(c.cpus), "memory_gb": str(c.memory_mb // 1000), "price_cpu": price, "price_mem": "0.01"}))
    return made


def _until(job, states, seconds=90, **kw):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        services.broker_tick(meter_lag=0, **kw)
        job.refresh_from_db()
        if job.state in states:
            return job
        if job.state in ("succeeded", "failed", "cancelled"):
            break
        time.sleep(1)
    raise AssertionError(f"job {job.state} ({job.reason}): "
                         f"{list(job.attempts.values_list('pool__code', 'state', 'reason'))}")


def test_a_real_job_runs_and_is_billed_from_slurm_accounting(world, cluster):
    pool_a, _ = _pools(world, cluster)
    job = services.job_submit(actor=world.owner, values={**JOB, "expected_hours": "0.01"})
    _until(job, ("succeeded",))
    attempt = job.attempts.get()
    assert (attempt.pool, attempt.state) == (pool_a, "succeeded")
    row = _adapter(cluster.CLUSTERS[0])._db_job(attempt.scheduler_id)
    assert row is not None
    assert (row["name"], row["state"]["current"]) == (attempt.name, "COMPLETED")
    _wait(lambda: services.broker_tick(meter_lag=0) is not None and Usage.objects.filter(attempt=attempt).exists(),
          60)
    usage = Usage.objects.get(attempt=attempt)
    assert (usage.cpus, usage.memory_gb) == (2, 1)
    assert usage.elapsed_seconds == row["time"]["elapsed"] >= 2
    assert usage.amount_fen == usage_fen(seconds=usage.elapsed_seconds, cpus=2, gpus=0, memory_gb=1,
                                         price_cpu_fen=10, price_gpu_fen=0, price_mem_fen=1)
    month = usage.month
    with clock.frozen(dt.datetime.combine(month, dt.time(), dt.UTC) + dt.timedelta(days=40)):
        assert services.month_close(actor=world.operator, month=month) == (1, 1)
    bill = Bill.objects.get(enterprise=world.enterprise, month=month)
    assert (bill.usage_fen, bill.payable_fen, bill.jobs) == (usage.amount_fen, usage.amount_fen, 1)


def test_a_pool_dying_mid_job_hands_the_job_to_the_other_cluster(world, cluster):
    a, b = cluster.CLUSTERS
    pool_a, pool_b = _pools(world, cluster)
    job = services.job_submit(actor=world.owner, values={**JOB, "script": "#!/bin/bash\nsleep 8\n",
                                                         "expected_hours": "0.01"})
    _until(job, ("running",))
    assert job.pool == pool_a
    cluster.stop_slurmd(a)  # the data centre loses its node mid-job
    _until(job, ("succeeded",), seconds=150, dark_grace=0)
    assert list(job.attempts.values_list("pool", "state")) == [(pool_a.pk, "dark"), (pool_b.pk, "succeeded")] or \
        list(job.attempts.values_list("pool", "state")) == [(pool_a.pk, "lost"), (pool_b.pk, "succeeded")]
    assert job.blocked_pools == [pool_a.pk]


def test_a_drained_pool_gets_no_new_job(world, cluster):
    a, _ = cluster.CLUSTERS
    pool_a, pool_b = _pools(world, cluster)
    _scontrol(a, "update", f"nodename={a.node}", "state=drain", "reason=maintenance")
    _wait(lambda: not _nodes_up(a), 30)
    job = services.job_submit(actor=world.owner, values={**JOB, "expected_hours": "0.01"})
    _until(job, ("succeeded",))
    assert list(job.attempts.values_list("pool", "state")) == [(pool_b.pk, "succeeded")]


def test_a_restart_is_reconciled_by_job_name(world, cluster):
    pool_a, _ = _pools(world, cluster)
    job = services.job_submit(actor=world.owner, values={**JOB, "expected_hours": "0.01"})
    store = DatabaseStore()
    attempt_id, _, name = store.attempt_begin(job.pk, pool_a.pk, at=clock.now(), cost_fen=1, runtime_hours=0.01)
    spec = next(a.spec for a in store.open_attempts() if a.attempt_id == attempt_id)
    scheduler_id = _adapter(cluster.CLUSTERS[0]).submit(spec)  # …and the broker died before recording the answer
    report = services.broker_tick(meter_lag=0)
    assert (report.adopted, report.resubmitted) == (1, 0)
    assert Attempt.objects.get(pk=attempt_id).scheduler_id == scheduler_id
    _until(job, ("succeeded",))
    assert ComputeJob.objects.get(pk=job.pk).attempts.count() == 1
    assert [j["name"] for j in _adapter(cluster.CLUSTERS[0])._ctld_jobs()].count(name) == 1

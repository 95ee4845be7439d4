"""The compute JSON API: reads scoped as the pages (an enterprise its own jobs and bills, a provider's staff its
pools, the operator and leaders everything), money in fen, a pool's token never returned, another enterprise's job
a 404 problem, a role without compute a 403."""

from __future__ import annotations

import pytest

from gaoxin.compute import services
from gaoxin.compute.tests.conftest import JOB, make_pool

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(world, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        make_pool(world, scheduler="slurm", endpoint="http://10.0.0.5:6820", token="secret-jwt")
        return services.job_submit(actor=world.owner, values=JOB)


def test_an_enterprise_reads_its_own_jobs(client, world, job):
    client.force_login(world.owner)
    (row,) = client.get("/api/v1/compute/jobs").json()
    assert (row["number"], row["state"], row["cpus"], row["estimate_fen"]) == (job.number, "submitted", 2, 0)
    detail = client.get(f"/api/v1/compute/jobs/{job.pk}").json()
    assert (detail["number"], detail["attempts"]) == (job.number, [])
    assert client.get("/api/v1/compute/bills").json() == []
    client.force_login(world.rival)
    assert client.get("/api/v1/compute/jobs").json() == []
    missing = client.get(f"/api/v1/compute/jobs/{job.pk}")
    assert (missing.status_code, missing["Content-Type"]) == (404, "application/problem+json")


def test_pools_carry_prices_never_the_token(client, world, job):
    client.force_login(world.leader)
    (pool,) = client.get("/api/v1/compute/pools").json()
    assert (pool["code"], pool["price_cpu_fen"], pool["scheduler"]) == ("ZZ-CPU", 12, "slurm")
    assert "secret-jwt" not in client.get("/api/v1/compute/pools").content.decode()
    client.force_login(world.provider_staff)
    assert [p["code"] for p in client.get("/api/v1/compute/pools").json()] == ["ZZ-CPU"]
    client.force_login(world.other)
    assert client.get("/api/v1/compute/pools").status_code == 403

"""The compute pages per role, on simulated schedulers: the operator connects a pool and runs the broker; the
enterprise submits a job (a bad field named, nothing saved), follows it to the end and reads its bill with its
voucher spent; the provider's staff see their pools and settlements only; the leader reads the overview; another
enterprise and another department are refused or see nothing of it."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.compute import services
from gaoxin.compute.models import Bill, ComputeJob, Pool, Settlement, Voucher, VoucherProgram
from gaoxin.compute.tests.conftest import JOB, POOL, code
from gaoxin.core import clock

pytestmark = pytest.mark.django_db


def snapshot() -> tuple[int, ...]:
    return (ComputeJob.objects.count(), Pool.objects.count(), Voucher.objects.count(), Bill.objects.count())


def test_the_whole_month_through_the_pages(client, world, frozen_now):
    client.force_login(world.operator)
    with frozen_now(2023, 3, 1, 9):
        response = client.post("/compute/pools/", {"action": "pool", "provider": str(world.provider.pk), **POOL})
        pool = Pool.objects.get()
        assert response["Location"] == f"/compute/pools/{pool.pk}/"
        client.post("/compute/vouchers/", {"action": "program", "name": "算力券", "doc_number": "郑高〔2023〕1号",
                                           "year": "2023", "budget": "1000", "cap": "500",
                                           "valid_until": "2023-12-31"})
        program = VoucherProgram.objects.get()
        client.post("/compute/vouchers/", {"action": "issue", "program": str(program.pk),
                                           "enterprise_code": code(1), "amount": "0.05"})
    assert Voucher.objects.get().amount_fen == 5

    client.force_login(world.owner)
    with frozen_now(2023, 3, 1, 10):
        before = snapshot()
        refused = client.post("/compute/jobs/", {**JOB, "cpus": "0"})
        assert snapshot() == before
        assert refused.status_code == 200
        assert "CPU 核数：应为 1–100000 的整数" in refused.content.decode()
        response = client.post("/compute/jobs/", JOB)
        job = ComputeJob.objects.get()
        assert response["Location"] == f"/compute/jobs/{job.pk}/"

    client.force_login(world.operator)
    with frozen_now(2023, 3, 1, 10, 1):
        page = client.post("/compute/pools/", {"action": "tick"}).content.decode()
    assert 'id="tick-report"' in page
    job.refresh_from_db()
    assert (job.state, job.pool) == ("placed", pool)
    with frozen_now(2023, 3, 1, 11):  # the simulated scheduler ran it for its expected time (0.5 h ± 20 %)
        services.broker_tick()
        clock.advance(dt.timedelta(minutes=5))
        services.broker_tick()
    job.refresh_from_db()
    assert job.state == "succeeded"

    with frozen_now(2023, 4, 1, 9):
        closed = client.post("/compute/bills/", {"month": "2023-03"}).content.decode()
    assert 'id="close-report"' in closed
    bill = Bill.objects.get()
    assert (bill.voucher_fen, bill.payable_fen) == (5, bill.usage_fen - 5)

    client.force_login(world.owner)
    bills = client.get("/compute/bills/").content.decode()
    detail = client.get(f"/compute/bills/{bill.pk}/").content.decode()
    assert bill.number in bills
    assert 'id="my-vouchers"' in bills
    assert f'id="bill-lines-total">{bill.usage_fen / 100:,.2f}<' in detail
    assert client.get(f"/compute/jobs/{job.pk}/").status_code == 200

    client.force_login(world.provider_staff)
    assert pool.code in client.get("/compute/pools/").content.decode()
    assert client.get(f"/compute/jobs/{job.pk}/").status_code == 200  # it ran on their pool
    assert Settlement.objects.get().number in client.get("/compute/settlements/").content.decode()
    assert client.get("/compute/vouchers/").status_code == 403

    client.force_login(world.rival)  # another enterprise: nothing of it
    assert client.get(f"/compute/jobs/{job.pk}/").status_code == 404
    assert job.number not in client.get("/compute/jobs/").content.decode()
    assert client.get(f"/compute/bills/{bill.pk}/").status_code == 404

    client.force_login(world.leader)
    with frozen_now(2023, 12, 1, 9):
        overview = client.get("/compute/overview/?year=2023").content.decode()
    assert f'id="ov-fen"><a href="/compute/bills/">{bill.usage_fen / 100:,.2f}<' in overview
    assert 'id="ov-users">1<' in overview


def test_refusals_change_nothing(client, world, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        client.force_login(world.owner)  # an enterprise may not connect pools or run the broker
        before = snapshot()
        assert client.post("/compute/pools/", {"action": "pool", "provider": str(world.provider.pk),
                                               **POOL}).status_code in (302, 403)
        assert client.post("/compute/vouchers/", {"action": "program", "name": "x"}).status_code == 403
        assert snapshot() == before
        client.force_login(world.other)  # another department: no compute page at all
        assert client.get("/compute/jobs/").status_code == 403
        assert client.get("/compute/overview/").status_code == 403
        client.force_login(world.operator)
        response = client.post("/compute/pools/", {"action": "pool", "provider": str(world.provider.pk),
                                                   **{**POOL, "price_cpu": "abc"}})
        assert "CPU 单价（元/核·时）：应为以元计的金额" in response.content.decode()
        response = client.post("/compute/vouchers/", {"action": "program", "name": "券", "doc_number": "文",
                                                      "year": "2023", "budget": "100", "cap": "200",
                                                      "valid_until": "2023-12-31"})
        assert "单户上限（元）：不能超过预算总额" in response.content.decode()
        assert snapshot() == before


def test_voucher_budget_cap_and_once_per_enterprise(world, frozen_now):
    from gaoxin.core.errors import ApplicationError

    with frozen_now(2023, 3, 1, 9):
        program = services.program_create(actor=world.operator, values={
            "name": "算力券", "doc_number": "文号", "year": "2023", "budget": "100", "cap": "80",
            "valid_until": "2023-12-31"})
        services.voucher_issue(actor=world.operator, program=program, enterprise_code=code(1), amount="80")
        refusals = []
        for enterprise, amount in ((code(2), "30"), (code(1), "10"), (code(2), "90")):
            with pytest.raises(ApplicationError) as refused:
                services.voucher_issue(actor=world.operator, program=program, enterprise_code=enterprise,
                                       amount=amount)
            refusals.append((refused.value.field, refused.value.code))
    assert refusals == [("amount", "over_budget"), ("enterprise_code", "duplicate"), ("amount", "over_cap")]
    assert Voucher.objects.count() == 1

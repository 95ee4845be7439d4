"""The compute services' inputs and money: every bad field named with nothing written; scripts as browsers send
them; pools registered only with what their scheduler needs; a month closed once it is over, again only for what
is missing; vouchers spent earliest expiry first, and the settlement's voucher part shared to the fen."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.compute import services
from gaoxin.compute.models import Attempt, Bill, ComputeJob, Pool, Settlement, Usage, Voucher
from gaoxin.compute.services.metering import _shares
from gaoxin.compute.tests.conftest import JOB, POOL, code, make_pool
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"cpus": "0"}, "cpus", "CPU 核数：应为 1–100000 的整数"),
    ({"memory_gb": "x"}, "memory_gb", "内存（GB）：应为 1–1000000 的整数"),
    ({"expected_hours": "0"}, "expected_hours", "预计运行时长（小时）：应为 0.01–10000 小时，最多两位小数"),
    ({"script": "sleep 1"}, "script", "作业脚本：应以 #! 开头（如 #!/bin/bash）"),
    ({"deadline": "2023-02-01T10:00"}, "deadline", "截止时间：应晚于现在"),
    ({"deadline": "tomorrow"}, "deadline", "截止时间：应为日期时间，如 2023-05-01 18:00"),
    ({"budget": "-1"}, "budget", "预算（元）：应为不小于 0 的金额，最多两位小数"),
    ({"gpus": "1", "gpu_model": "GTX"}, "gpu_model", "GPU 型号：不在可选型号中"),
    ({"sites": ["火星站"]}, "sites", "限定站点：网络中没有站点“火星站”"),
    ({"name": ""}, "name", "作业名称：不能为空"),
])
def test_a_bad_job_is_refused_naming_the_field(world, frozen_now, change, field, message):
    with frozen_now(2023, 3, 1, 9):
        make_pool(world)
        with pytest.raises(ApplicationError) as refused:
            services.job_submit(actor=world.owner, values={**JOB, **change})
    assert (refused.value.field, refused.value.message) == (field, message)
    assert ComputeJob.objects.count() == 0


def test_a_script_typed_in_a_browser_runs_with_unix_line_ends(world, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        job = services.job_submit(actor=world.owner, values={**JOB, "script": "#!/bin/bash\r\nsleep 5\r\n"})
    assert job.script == "#!/bin/bash\nsleep 5"


def test_only_enterprise_users_submit_and_only_the_operator_registers(world, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        for actor in (world.leader, world.other, world.provider_staff):
            with pytest.raises(PermissionDenied):
                services.job_submit(actor=actor, values=JOB)
        with pytest.raises(PermissionDenied):
            services.pool_register(actor=world.leader, provider=world.provider, values=POOL)
    assert (ComputeJob.objects.count(), Pool.objects.count()) == (0, 0)


@pytest.mark.parametrize(("change", "field"), [
    ({"scheduler": "slurm", "endpoint": "ftp://x"}, "endpoint"),
    ({"scheduler": "slurm", "endpoint": "http://10.0.0.5:6820"}, "token"),
    ({"gpus": "8"}, "gpu_model"),
    ({"scheduler": "pbs"}, "scheduler"),
    ({"speed": "0"}, "speed"),
    ({"window_start": "08:00"}, "window_end"),
    ({"window_days": "89"}, "window_days"),
])
def test_a_pool_needs_what_its_scheduler_needs(world, change, field):
    with pytest.raises(ApplicationError) as refused:
        make_pool(world, **change)
    assert refused.value.field == field
    assert Pool.objects.count() == 0


def test_opening_hours_bound_placement(world, frozen_now):
    with frozen_now(2023, 3, 1, 9):  # a Wednesday
        pool = make_pool(world, window_days="12345", window_start="08:00", window_end="18:00")
        assert services.open_until(pool, clock.now()) == dt.datetime(2023, 3, 1, 10, tzinfo=dt.UTC).timestamp()
    with frozen_now(2023, 3, 4, 9):  # Saturday: closed
        assert services.open_until(pool, clock.now()) == clock.now().timestamp()


def _usage(world, pool, enterprise, month: dt.date, amount: int) -> None:
    job = ComputeJob.objects.create(number=f"CJ{ComputeJob.objects.count():010d}", enterprise=enterprise,
                                    name="x", script="#!/bin/sh", cpus=1, memory_gb=1, expected_hours=1,
                                    state="succeeded", submitted_at=clock.now())
    attempt = Attempt.objects.create(job=job, seq=1, pool=pool, name=f"a-{job.number}", state="succeeded",
                                     placed_at=clock.now())
    moment = dt.datetime(month.year, month.month, 10, tzinfo=dt.UTC)
    Usage.objects.create(attempt=attempt, pool=pool, enterprise=enterprise, month=month, started=moment,
                         ended=moment, elapsed_seconds=3600, cpus=1, gpus=0, memory_gb=1, cu_hours=1,
                         amount_fen=amount)


def test_month_close_bills_spend_vouchers_and_settle(world, frozen_now):
    march = dt.date(2023, 3, 1)
    with frozen_now(2023, 2, 1, 9):
        a = make_pool(world, code="A")
        other = services.provider_register(actor=world.operator, name="嵩山平台", kind="government")
        b = make_pool(world, provider=other, code="B")
        late = services.program_create(actor=world.operator, values={
            "name": "下半年券", "doc_number": "1", "year": "2023", "budget": "100", "cap": "100",
            "valid_until": "2023-12-31"})
        soon = services.program_create(actor=world.operator, values={
            "name": "上半年券", "doc_number": "2", "year": "2023", "budget": "100", "cap": "100",
            "valid_until": "2023-06-30"})
        services.voucher_issue(actor=world.operator, program=late, enterprise_code=code(1), amount="10")
        services.voucher_issue(actor=world.operator, program=soon, enterprise_code=code(1), amount="1")
        _usage(world, a, world.enterprise, march, 1_000)
        _usage(world, b, world.enterprise, march, 501)
        with pytest.raises(ApplicationError) as still_open:
            services.month_close(actor=world.operator, month=march)
    assert still_open.value.field == "month"
    assert Bill.objects.count() == 0
    with frozen_now(2023, 4, 1, 9):
        assert services.month_close(actor=world.operator, month=march) == (1, 2)
        assert services.month_close(actor=world.operator, month=march) == (0, 0)
    bill = Bill.objects.get()
    assert (bill.usage_fen, bill.voucher_fen, bill.payable_fen) == (1501, 1100, 401)
    spent = dict(Voucher.objects.values_list("program__name", "spent_fen"))
    assert spent == {"上半年券": 100, "下半年券": 1000}  # the one expiring first is used up first
    settled = dict(Settlement.objects.values_list("provider__name", "voucher_fen"))
    # 1,100 fen of vouchers over 1,000 : 501 → 732.84… and 367.15…: the fen left to the larger remainder
    assert settled == {"郑州人工智能计算中心": 733, "嵩山平台": 367}
    assert sum(Settlement.objects.values_list("gross_fen", flat=True)) == 1501


def test_shares_add_up_to_the_fen():
    assert _shares(100, {1: 1, 2: 1, 3: 1}) == {1: 34, 2: 33, 3: 33}
    assert _shares(0, {1: 5}) == {1: 0}
    assert sum(_shares(12345, {1: 7, 2: 11, 3: 13}).values()) == 12345

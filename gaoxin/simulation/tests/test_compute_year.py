"""The compute network's simulated 2023 (``simulation/compute.py``): every job reached a terminal state with its
moves chained, every billable usage line is on its enterprise's bill, vouchers stayed within the program's
budget and were spent on bills, and each provider's settlement adds up to its pools' billable usage."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from gaoxin.compute import workflow
from gaoxin.compute.models import (
    Attempt,
    Bill,
    ComputeJob,
    JobEvent,
    Pool,
    Settlement,
    Usage,
    Voucher,
    VoucherProgram,
)
from gaoxin.core import audit
from gaoxin.simulation.tests.conftest import YEAR

pytestmark = pytest.mark.django_db


def test_jobs_ran_to_the_end_with_their_history(small_year):
    counts = small_year.domains["compute"]
    jobs = ComputeJob.objects.filter(submitted_at__year=YEAR)
    assert jobs.count() == counts["compute_jobs"] > 0
    assert set(jobs.values_list("state", flat=True)) <= set(workflow.TERMINAL)
    assert not jobs.filter(is_synthetic=False).exists()
    assert list(audit.verify(JobEvent)) == []
    assert JobEvent.objects.filter(job__in=jobs).count() == jobs.aggregate(n=Sum("event_count"))["n"]
    codes = set(Pool.objects.values_list("code", flat=True))
    assert {e.payload.get("pool_code") for e in JobEvent.objects.filter(move="place")} <= codes
    # a job that succeeded has exactly one attempt that succeeded, and it ran after the network's launch
    for job in jobs.filter(state=workflow.SUCCEEDED)[:50]:
        assert job.attempts.filter(state="succeeded").count() == 1
        assert job.started_at is not None
        assert job.started_at.month >= 7


def test_bills_settlements_and_vouchers_add_up(small_year):
    billable = Usage.objects.filter(billable=True)
    assert Usage.objects.count() == small_year.domains["compute"]["compute_usage"] > 0
    assert Bill.objects.aggregate(s=Sum("usage_fen"))["s"] == billable.aggregate(s=Sum("amount_fen"))["s"]
    for bill in Bill.objects.all():
        assert bill.payable_fen == bill.usage_fen - bill.voucher_fen
        assert bill.voucher_fen == sum(r.amount_fen for r in bill.redemptions.all())
    settled = Settlement.objects.aggregate(g=Sum("gross_fen"), v=Sum("voucher_fen"))
    assert settled["g"] == billable.aggregate(s=Sum("amount_fen"))["s"]
    assert settled["v"] == Bill.objects.aggregate(s=Sum("voucher_fen"))["s"]
    program = VoucherProgram.objects.get(year=YEAR)
    issued = Voucher.objects.filter(program=program).aggregate(s=Sum("amount_fen"), spent=Sum("spent_fen"))
    assert issued["s"] <= program.budget_fen
    assert issued["spent"] == settled["v"]
    assert Usage.objects.filter(billable=False).count() == Usage.objects.filter(
        attempt__state__in=("lost", "dark", "rejected")).count()
    assert Attempt.objects.filter(state__in=Attempt.OPEN_STATES).count() == 0

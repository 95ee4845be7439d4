"""Excel exports of the compute network on ``core.ledger``: jobs, bills and settlements, filtered and scoped as
the pages that offer them (the records come from the broker and the month close: nothing is imported)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from gaoxin.compute.models import Bill, ComputeJob, Settlement
from gaoxin.core.calendar import SHANGHAI
from gaoxin.core.ledger import Column, SheetSpec, export_only_kind, export_workbook

REASON = "算力网台账由调度和月结生成，不能导入"


def _yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


JOBS = SheetSpec("算力作业", (
    Column("number", "作业编号", export_only=True, width=16),
    Column("enterprise", "用户单位", export_only=True, width=28),
    Column("name", "作业名称", export_only=True, width=24),
    Column("resources", "资源", export_only=True, width=24),
    Column("state", "状态", export_only=True, width=10),
    Column("pool", "资源池", export_only=True, width=14),
    Column("submitted", "提交时间", export_only=True, width=18),
    Column("ended", "结束时间", export_only=True, width=18),
    Column("estimate", "预估费用（元）", export_only=True, width=14),
    Column("reason", "原因", export_only=True, width=24),
))
BILLS = SheetSpec("算力账单", (
    Column("number", "账单号", export_only=True, width=16),
    Column("enterprise", "企业", export_only=True, width=28),
    Column("month", "账期", export_only=True, width=10),
    Column("jobs", "作业数", export_only=True, width=8),
    Column("usage", "用量金额（元）", export_only=True, width=14),
    Column("voucher", "算力券抵扣（元）", export_only=True, width=14),
    Column("payable", "应付（元）", export_only=True, width=14),
))
SETTLEMENTS = SheetSpec("结算单", (
    Column("number", "结算单号", export_only=True, width=16),
    Column("provider", "算力提供方", export_only=True, width=28),
    Column("month", "账期", export_only=True, width=10),
    Column("jobs", "作业数", export_only=True, width=8),
    Column("gross", "结算金额（元）", export_only=True, width=14),
    Column("voucher", "其中算力券（元）", export_only=True, width=14),
    Column("enterprise", "其中企业支付（元）", export_only=True, width=16),
    Column("unbilled", "资源池故障未计费（元）", export_only=True, width=18),
))
JOB_LEDGER = export_only_kind(name="compute_jobs", label="算力作业台账", sheets=(JOBS,), reason=REASON,
                              instructions=("每行一个算力作业；资源为 CPU 核数、GPU 卡数与内存。",))
BILL_LEDGER = export_only_kind(name="compute_bills", label="算力账单台账", sheets=(BILLS,), reason=REASON,
                               instructions=("每行一张企业月度账单；应付 = 用量金额 − 算力券抵扣。",))
SETTLEMENT_LEDGER = export_only_kind(name="compute_settlements", label="算力结算台账", sheets=(SETTLEMENTS,),
                                     reason=REASON, instructions=("每行一张算力提供方月度结算单。",))


def _local(moment: Any) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""


def jobs_export(jobs: QuerySet[ComputeJob]) -> bytes:
    rows: Iterable[Mapping[str, Any]] = (
        {"number": j.number, "enterprise": j.enterprise.name, "name": j.name,
         "resources": f"{j.cpus} 核 / {j.gpus} 卡{(' ' + j.gpu_model) if j.gpu_model else ''} / {j.memory_gb} GB",
         "state": j.get_state_display(), "pool": j.pool.code if j.pool else "", "submitted": _local(j.submitted_at),
         "ended": _local(j.ended_at), "estimate": _yuan(j.estimate_fen), "reason": j.reason}
        for j in jobs.iterator(chunk_size=2000))
    return export_workbook(JOB_LEDGER, {JOBS.title: rows})


def bills_export(bills: QuerySet[Bill]) -> bytes:
    rows: Iterable[Mapping[str, Any]] = (
        {"number": b.number, "enterprise": b.enterprise.name, "month": b.month.strftime("%Y-%m"), "jobs": b.jobs,
         "usage": _yuan(b.usage_fen), "voucher": _yuan(b.voucher_fen), "payable": _yuan(b.payable_fen)}
        for b in bills.iterator(chunk_size=2000))
    return export_workbook(BILL_LEDGER, {BILLS.title: rows})


def settlements_export(settlements: QuerySet[Settlement]) -> bytes:
    rows: Iterable[Mapping[str, Any]] = (
        {"number": s.number, "provider": s.provider.name, "month": s.month.strftime("%Y-%m"), "jobs": s.jobs,
         "gross": _yuan(s.gross_fen), "voucher": _yuan(s.voucher_fen), "enterprise": _yuan(s.enterprise_fen),
         "unbilled": _yuan(s.unbilled_fen)}
        for s in settlements.iterator(chunk_size=2000))
    return export_workbook(SETTLEMENT_LEDGER, {SETTLEMENTS.title: rows})

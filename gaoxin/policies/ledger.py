"""Excel ledgers of the enterprise policies, on the shared base (``core.ledger``): the decisions (兑现台账) and a
payment batch for the treasury (拨付清单: one line per enterprise with its account). Both are exports: decisions
are made by the rules and the services, not typed into a sheet."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from gaoxin.core.ledger import Column, SheetSpec, export_only_kind, export_workbook
from gaoxin.policies.models import Decision, PaymentBatch

DECISIONS = SheetSpec("兑现台账", (
    Column("number", "编号", export_only=True, width=16),
    Column("year", "年度", export_only=True, width=8),
    Column("policy", "政策文号", export_only=True, width=24),
    Column("item", "兑现事项", export_only=True, width=28),
    Column("route", "兑现方式", export_only=True, width=10),
    Column("credit_code", "统一社会信用代码", export_only=True, text=True, width=22),
    Column("enterprise", "企业名称", export_only=True, width=28),
    Column("amount", "兑现金额（元）", export_only=True, width=14),
    Column("status", "状态", export_only=True, width=12),
    Column("notice", "公示编号", export_only=True, width=14),
    Column("paid", "已拨付（元）", export_only=True, width=14),
    Column("paid_on", "拨付日期", export_only=True, width=12),
    Column("clawed_back", "已追回（元）", export_only=True, width=14),
))

BATCH = SheetSpec("拨付清单", (
    Column("line", "序号", export_only=True, width=6),
    Column("number", "兑现编号", export_only=True, width=16),
    Column("credit_code", "统一社会信用代码", export_only=True, text=True, width=22),
    Column("enterprise", "收款单位", export_only=True, width=28),
    Column("bank_name", "开户行", export_only=True, width=20),
    Column("bank_account", "银行账号", export_only=True, text=True, width=24),
    Column("amount", "拨付金额（元）", export_only=True, width=14),
    Column("item", "兑现事项", export_only=True, width=28),
    Column("policy", "政策文号", export_only=True, width=24),
))


DECISION_LEDGER = export_only_kind(
    name="policy_decisions", label="政策兑现台账", sheets=(DECISIONS,),
    instructions=("每行一项兑现决定（企业 × 兑现事项 × 年度）；金额单位元，精确到分。",),
    reason="兑现决定由规则和审核产生")
BATCH_LEDGER = export_only_kind(
    name="payment_batch", label="拨付清单", sheets=(BATCH,),
    instructions=("财政金融局拨付清单：每行一笔拨付，合计见批次金额；金额单位元，精确到分。",),
    reason="拨付由拨付批次产生")


def yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def decisions_export(decisions: QuerySet[Decision]) -> bytes:
    rows: Iterable[Mapping[str, Any]] = (
        {"number": d.number, "year": d.year, "policy": d.item.clause.policy.doc_number, "item": d.item.name,
         "route": d.get_route_display(), "credit_code": d.enterprise.credit_code, "enterprise": d.enterprise.name,
         "amount": yuan(d.amount_fen), "status": d.get_status_display(), "notice": d.notice.number if d.notice else "",
         "paid": yuan(d.paid_fen), "paid_on": d.paid_on.isoformat() if d.paid_on else "",
         "clawed_back": yuan(d.clawed_back_fen)}
        for d in decisions.select_related("item__clause__policy", "enterprise", "notice").iterator(chunk_size=2000))
    return export_workbook(DECISION_LEDGER, {DECISIONS.title: rows})


def batch_export(batch: PaymentBatch, decisions: QuerySet[Decision]) -> bytes:
    rows: Iterable[Mapping[str, Any]] = (
        {"line": line, "number": d.number, "credit_code": d.enterprise.credit_code, "enterprise": d.enterprise.name,
         "bank_name": d.bank_name, "bank_account": d.bank_account, "amount": yuan(d.paid_fen), "item": d.item.name,
         "policy": d.item.clause.policy.doc_number}
        for line, d in enumerate(decisions, start=1))
    return export_workbook(BATCH_LEDGER, {BATCH.title: rows})

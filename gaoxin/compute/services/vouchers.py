"""Compute vouchers (算力券): a program with its policy document, budget and per-enterprise cap; vouchers issued to
enterprises of the registry within the budget (the program row locked, so two officers cannot overspend it);
spent against the enterprises' bills first, oldest expiry first. Every issue and spend is a hash-chained event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Sum

from gaoxin.accounts.models import User
from gaoxin.compute import policy
from gaoxin.compute.models import Bill, Voucher, VoucherEvent, VoucherProgram, VoucherRedemption
from gaoxin.compute.services.inputs import whole, yuan_to_fen
from gaoxin.core import audit, clock
from gaoxin.core.calendar import local_today
from gaoxin.core.errors import ApplicationError, Conflict
from gaoxin.core.numbering import next_number
from gaoxin.core.validation import checked_text
from gaoxin.enterprises.selectors import enterprise_by_credit_code


@transaction.atomic
def program_create(*, actor: User, values: dict[str, Any]) -> VoucherProgram:
    policy.require_operator(actor)
    budget = yuan_to_fen(values.get("budget"), field="budget", label="预算总额（元）")
    cap = yuan_to_fen(values.get("cap"), field="cap", label="单户上限（元）")
    if cap > budget:
        raise ApplicationError("单户上限（元）：不能超过预算总额", field="cap", code="cap_over_budget")
    try:
        valid_until = dt.date.fromisoformat(str(values.get("valid_until") or ""))
    except ValueError:
        raise ApplicationError("有效期至：应为日期，如 2023-12-31", field="valid_until", code="invalid_date") from None
    return VoucherProgram.objects.create(
        name=checked_text(values.get("name"), field="name", label="算力券项目", max_length=100),
        doc_number=checked_text(values.get("doc_number"), field="doc_number", label="政策文号", max_length=60),
        year=whole(values.get("year"), field="year", label="年度", low=2000, high=2100),
        budget_fen=budget, cap_fen=cap, valid_until=valid_until, created_by=actor,
        is_synthetic=bool(values.get("is_synthetic")))


def issued_fen(program: VoucherProgram) -> int:
    return program.vouchers.aggregate(s=Sum("amount_fen"))["s"] or 0


@transaction.atomic
def voucher_issue(*, actor: User, program: VoucherProgram, enterprise_code: str, amount: Any,
                  on: dt.date | None = None) -> Voucher:
    policy.require_operator(actor)
    locked = VoucherProgram.objects.select_for_update().get(pk=program.pk)
    enterprise = enterprise_by_credit_code(enterprise_code)
    amount_fen = yuan_to_fen(amount, field="amount", label="面额（元）")
    on = on or local_today()
    if on > locked.valid_until:
        raise Conflict("发放日期：项目已过有效期", field="program", code="program_expired")
    if amount_fen > locked.cap_fen:
        raise ApplicationError(f"面额（元）：超过单户上限 {locked.cap_fen / 100:,.2f} 元", field="amount",
                               code="over_cap")
    left = locked.budget_fen - issued_fen(locked)
    if amount_fen > left:
        raise Conflict(f"面额（元）：超出项目剩余预算 {left / 100:,.2f} 元", field="amount", code="over_budget")
    if locked.vouchers.filter(enterprise=enterprise).exists():
        raise Conflict("企业：该企业已领取本项目的算力券", field="enterprise_code", code="duplicate")
    voucher = Voucher.objects.create(program=locked, number=next_number(Voucher, "SLQ", locked.year),
                                     enterprise=enterprise, amount_fen=amount_fen, issued_on=on,
                                     is_synthetic=locked.is_synthetic)
    audit.append(VoucherEvent, voucher, actor=actor, at=clock.now(), action="issue", amount_fen=amount_fen)
    return voucher


def voucher_spend(*, bill: Bill, month_end: dt.datetime, at: dt.datetime) -> int:
    """Spend the enterprise's vouchers on a new bill (inside the month close's transaction): vouchers issued by the
    month's end and valid at its start, oldest expiry first, each up to what is left on it. Returns the fen spent."""
    due = bill.usage_fen
    spent = 0
    vouchers = (Voucher.objects.select_for_update().select_related("program")
                .filter(enterprise_id=bill.enterprise_id, issued_on__lt=month_end.date(),
                        program__valid_until__gte=bill.month)
                .order_by("program__valid_until", "issued_on", "pk"))
    for voucher in vouchers:
        take = min(voucher.amount_fen - voucher.spent_fen, due - spent)
        if take <= 0:
            continue
        Voucher.objects.filter(pk=voucher.pk).update(spent_fen=voucher.spent_fen + take)
        VoucherRedemption.objects.create(voucher=voucher, bill=bill, amount_fen=take)
        audit.append(VoucherEvent, voucher, actor=None, at=at, action="redeem", amount_fen=take,
                     note=bill.number)
        spent += take
        if spent == due:
            break
    return spent

"""Writes of the government guidance funds (政府引导基金, issue 19): a parent fund (母基金) and its sub-funds
(子基金), the capital committed by source and paid in, the investments out of the paid-in capital, and the exits.
The arithmetic the ledger relies on is enforced here, under a lock of the fund: paid-in never exceeds committed,
investments never exceed paid-in, exits never return more cost than was invested, and a parent fund never commits
more to its sub-funds than its own size."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from gaoxin.accounts.models import User
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError, Conflict
from gaoxin.core.validation import checked_text
from gaoxin.finance import policy
from gaoxin.finance.models import Commitment, Exit, FundManager, GuidanceFund, Investment, PaidIn
from gaoxin.finance.services.inputs import (
    FEN_PER_WAN,
    choice_of,
    date_of,
    enterprise_of,
    not_future,
    percent_of,
    total_of,
    wan_to_fen,
)


def committed_fen(fund: GuidanceFund, *, exclude_parent: bool = False) -> int:
    commitments = fund.commitments.all()
    if exclude_parent:
        commitments = commitments.exclude(source=Commitment.Source.PARENT)
    return total_of(commitments, "committed_fen")


def paid_in_fen(fund: GuidanceFund) -> int:
    return total_of(PaidIn.objects.filter(commitment__fund=fund), "amount_fen")


def invested_fen(fund: GuidanceFund) -> int:
    return total_of(fund.investments.all(), "amount_fen")


@transaction.atomic
def guidance_fund_register(*, actor: User, name: str, parent: GuidanceFund | None, manager: FundManager | None,
                           established_on: Any, term_years: Any, reinvest_pct: Any,
                           is_synthetic: bool = False) -> GuidanceFund:
    """A parent fund (母基金, no parent) or a sub-fund (子基金) of one; sub-funds have no sub-funds of their own."""
    policy.require_officer(actor)
    name = checked_text(name, field="name", label="基金名称", max_length=200)
    day = not_future(date_of(established_on, field="established_on", label="设立日期"), field="established_on",
                      label="设立日期")
    if parent is not None and parent.parent_id is not None:
        raise ApplicationError("母基金：子基金不能再设子基金", field="parent", code="parent_is_sub_fund")
    if parent is not None and day < parent.established_on:
        raise ApplicationError("设立日期：不能早于母基金设立日期", field="established_on", code="before_parent")
    term = str(term_years or "").strip()
    if not term.isdecimal() or not 1 <= int(term) <= 30:
        raise ApplicationError("存续期：应为 1–30 年", field="term_years", code="invalid_term")
    pct = percent_of(reinvest_pct, field="reinvest_pct", label="返投比例", upper=300)
    if GuidanceFund.objects.filter(name=name).exists():
        raise Conflict("基金名称：已有同名引导基金", field="name", code="guidance_fund_exists")
    return GuidanceFund.objects.create(name=name, parent=parent, manager=manager, established_on=day,
                                       term_years=int(term), reinvest_pct=pct, created_by=actor,
                                       created_at=clock.now(), is_synthetic=is_synthetic)


@transaction.atomic
def commitment_add(*, actor: User, fund: GuidanceFund, source: str, investor: str, amount_wan: Any,
                   committed_on: Any, is_synthetic: bool = False) -> Commitment:
    """A contributor's subscription. The parent fund's (source 母基金) is made in its name, and all its commitments
    to its sub-funds together may not exceed its own size."""
    policy.require_officer(actor)
    source = choice_of(source, Commitment.Source, field="source", label="出资来源")
    amount = wan_to_fen(amount_wan, field="amount", label="认缴金额")
    day = not_future(date_of(committed_on, field="committed_on", label="认缴日期"), field="committed_on",
                      label="认缴日期")
    GuidanceFund.objects.select_for_update().filter(pk=fund.pk).first()
    if source == Commitment.Source.PARENT:
        parent = fund.parent
        if parent is None:
            raise ApplicationError("出资来源：只有子基金有母基金出资", field="source", code="no_parent")
        investor = parent.name
        GuidanceFund.objects.select_for_update().filter(pk=parent.pk).first()
        pledged = total_of(Commitment.objects.filter(fund__parent=parent, source=Commitment.Source.PARENT),
                       "committed_fen")
        if pledged + amount > committed_fen(parent):
            raise ApplicationError("认缴金额：母基金对子基金的认缴合计不能超过母基金规模", field="amount",
                                   code="parent_overcommitted")
    investor = checked_text(investor, field="investor", label="出资人", max_length=200)
    if fund.commitments.filter(investor=investor).exists():
        raise Conflict("出资人：该出资人已认缴，请记录实缴", field="investor", code="commitment_exists")
    return Commitment.objects.create(fund=fund, source=source, investor=investor, committed_fen=amount,
                                     committed_on=day, created_at=clock.now(), is_synthetic=is_synthetic)


@transaction.atomic
def paid_in_record(*, actor: User, commitment: Commitment, paid_on: Any, amount_wan: Any,
                   is_synthetic: bool = False) -> PaidIn:
    """A payment of committed capital: never more in total than the commitment, nor before it."""
    policy.require_officer(actor)
    amount = wan_to_fen(amount_wan, field="amount", label="实缴金额")
    day = not_future(date_of(paid_on, field="paid_on", label="实缴日期"), field="paid_on", label="实缴日期")
    if day < commitment.committed_on:
        raise ApplicationError("实缴日期：不能早于认缴日期", field="paid_on", code="before_commitment")
    Commitment.objects.select_for_update().filter(pk=commitment.pk).first()
    if total_of(commitment.payments.all(), "amount_fen") + amount > commitment.committed_fen:
        raise ApplicationError("实缴金额：实缴合计不能超过认缴金额", field="amount", code="over_commitment")
    return PaidIn.objects.create(commitment=commitment, paid_on=day, amount_fen=amount, created_by=actor,
                                 created_at=clock.now(), is_synthetic=is_synthetic)


@transaction.atomic
def investment_record(*, actor: User, fund: GuidanceFund, enterprise_code: str = "", target: str = "",
                      in_zone: bool = False, funding_round: str, amount_wan: Any, invested_on: Any,
                      is_synthetic: bool = False) -> Investment:
    """An investment of the fund, out of the capital paid in and not yet invested. An enterprise of the registry
    is in the zone (it counts towards the fund's 返投), named by its credit code; a project not in the registry is
    named in ``target``, in the zone or not."""
    policy.require_officer(actor)
    enterprise = None
    if str(enterprise_code or "").strip():
        enterprise = enterprise_of(enterprise_code)
        target, in_zone = enterprise.name, True
    target = checked_text(target, field="target", label="投资项目或企业", max_length=200)
    funding_round = choice_of(funding_round, Investment.Round, field="round", label="轮次")
    amount = wan_to_fen(amount_wan, field="amount", label="投资金额")
    day = not_future(date_of(invested_on, field="invested_on", label="投资日期"), field="invested_on",
                      label="投资日期")
    if day < fund.established_on:
        raise ApplicationError("投资日期：不能早于基金设立日期", field="invested_on", code="before_established")
    GuidanceFund.objects.select_for_update().filter(pk=fund.pk).first()
    available = paid_in_fen(fund) - invested_fen(fund)
    if amount > available:
        raise ApplicationError(f"投资金额：超过基金可投资金（实缴未投 {Decimal(available) / FEN_PER_WAN} 万元）",
                               field="amount", code="over_paid_in")
    return Investment.objects.create(fund=fund, enterprise=enterprise, target=target, in_zone=bool(in_zone),
                                     round=funding_round, amount_fen=amount, invested_on=day, created_by=actor,
                                     created_at=clock.now(), is_synthetic=is_synthetic)


@transaction.atomic
def exit_record(*, actor: User, investment: Investment, kind: str, exited_on: Any, cost_wan: Any,
                proceeds_wan: Any, is_synthetic: bool = False) -> Exit:
    """An exit, whole or partial: the cost it returns (in total at most what was invested) and its proceeds."""
    policy.require_officer(actor)
    kind = choice_of(kind, Exit.Kind, field="kind", label="退出方式")
    day = not_future(date_of(exited_on, field="exited_on", label="退出日期"), field="exited_on", label="退出日期")
    if day < investment.invested_on:
        raise ApplicationError("退出日期：不能早于投资日期", field="exited_on", code="before_investment")
    cost = wan_to_fen(cost_wan, field="cost", label="退出本金")
    proceeds = wan_to_fen(proceeds_wan, field="proceeds", label="退出所得", positive=False)
    Investment.objects.select_for_update().filter(pk=investment.pk).first()
    if total_of(investment.exits.all(), "cost_fen") + cost > investment.amount_fen:
        raise ApplicationError("退出本金：退出本金合计不能超过投资金额", field="cost", code="over_invested")
    return Exit.objects.create(investment=investment, kind=kind, exited_on=day, cost_fen=cost, proceeds_fen=proceeds,
                               created_by=actor, created_at=clock.now(), is_synthetic=is_synthetic)

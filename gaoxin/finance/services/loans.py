"""Writes of the startup guarantee loans (创业担保贷款, issue 19): an application (by an individual starting a
business or by a small business), the zone's guarantee decision, the bank's grant with its interest subsidy and the
jobs it created, and the repayment's end (repaid, or compensated by the guarantee after an overdue).

The limits are the ones of the national rule the zone applies (财金〔2020〕21号): an individual borrows at most
20 万元 for at most 3 years, a small business at most 300 万元 for at most 2 years. The treasury's subsidy (贴息)
is ``SUBSIDY_SHARE`` of the interest at the loan's rate, capped at LPR + 50 bp (``SUBSIDY_RATE_CAP_PCT``), over
the term: the zone's parameters, in one place."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction

from gaoxin.accounts.models import User
from gaoxin.cases.privacy import is_id_number, is_phone
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError, Conflict
from gaoxin.core.validation import checked_text
from gaoxin.enterprises.creditcode import credit_code_normalize
from gaoxin.finance import policy
from gaoxin.finance.models import StartupLoan
from gaoxin.finance.services.inputs import FEN_PER_WAN, choice_of, date_of, not_future, percent_of, wan_to_fen

Kind, Status = StartupLoan.Kind, StartupLoan.Status
MAX_AMOUNT_FEN = {Kind.INDIVIDUAL: 200_000 * 100, Kind.BUSINESS: 3_000_000 * 100}
MAX_TERM_MONTHS = {Kind.INDIVIDUAL: 36, Kind.BUSINESS: 24}
SUBSIDY_SHARE = Decimal(2) / Decimal(3)
SUBSIDY_RATE_CAP_PCT = Decimal("3.95")  # 1-year LPR 3.45 % (2023-08) + 50 bp
CLOSING = {Status.REPAID, Status.COMPENSATED}
OPEN_LOAN_STATES = (Status.APPLIED, Status.GUARANTEED, Status.GRANTED, Status.OVERDUE)  # one per applicant
REPAYMENT_MOVES = {Status.GRANTED: {Status.OVERDUE, Status.REPAID}, Status.OVERDUE: {Status.REPAID,
                                                                                      Status.COMPENSATED}}


def subsidy_fen(*, amount_fen: int, rate_pct: Decimal, term_months: int) -> int:
    """The treasury's interest subsidy over the whole term: simple interest at the rate capped at
    ``SUBSIDY_RATE_CAP_PCT``, times ``SUBSIDY_SHARE``, rounded half up to the fen."""
    rate = min(rate_pct, SUBSIDY_RATE_CAP_PCT)
    interest = Decimal(amount_fen) * rate / 100 * Decimal(term_months) / 12
    return int((interest * SUBSIDY_SHARE).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# The field rules, shared by the services (which raise the first) and the Excel ledger (which lists them all).

def applicant_checked(kind: str, id_number: Any, credit_code: Any) -> tuple[str, str]:
    """(ID number, credit code): an individual's valid resident ID number, or a small business's credit code."""
    if kind == Kind.INDIVIDUAL:
        person = str(id_number or "").strip().upper()
        if not (len(person) == 18 and is_id_number(person)):
            raise ApplicationError("身份证号：应为 18 位有效的居民身份证号码", field="id_number",
                                   code="invalid_id_number")
        return person, ""
    return "", credit_code_normalize(str(credit_code or ""))


def phone_checked(value: Any) -> str:
    phone = "".join(str(value or "").split())
    if not (phone.isdecimal() and is_phone(phone)):
        raise ApplicationError("联系电话：应为手机号或带区号的固定电话", field="phone", code="invalid_phone")
    return phone


def requested_checked(kind: str, requested_wan: Any) -> int:
    requested = wan_to_fen(requested_wan, field="requested", label="申请金额")
    if requested > MAX_AMOUNT_FEN[Kind(kind)]:
        raise ApplicationError(f"申请金额：{Kind(kind).label}最高 {MAX_AMOUNT_FEN[Kind(kind)] // FEN_PER_WAN} 万元",
                               field="requested", code="over_limit")
    return requested


def term_checked(kind: str, value: Any) -> int:
    term, limit = str(value or "").strip(), MAX_TERM_MONTHS[Kind(kind)]
    if not term.isdecimal() or not 1 <= int(term) <= limit:
        raise ApplicationError(f"贷款期限：应为 1–{limit} 个月", field="term_months", code="invalid_term")
    return int(term)


def jobs_checked(value: Any) -> int:
    jobs = str(value or "").strip()
    if not jobs.isdecimal() or not 1 <= int(jobs) <= 10_000:
        raise ApplicationError("带动就业人数：应为 1–10000 的整数（含创业者本人）", field="jobs_created",
                               code="invalid_jobs")
    return int(jobs)


def _next_number(year: int) -> str:
    stem = f"CD{year}"
    last = (StartupLoan.objects.select_for_update().filter(number__startswith=stem).order_by("-number")
            .values_list("number", flat=True).first())
    return f"{stem}{(int(last[len(stem):]) + 1 if last else 1):06d}"


def _require(loan: StartupLoan, *states: str) -> None:
    if loan.status not in states:
        raise Conflict(f"状态：该贷款当前为“{loan.get_status_display()}”，不能进行此操作", field="status",
                       code="invalid_state")


@transaction.atomic
def loan_apply(*, actor: User, kind: str, applicant_name: str, id_number: str = "", credit_code: str = "",
               phone: str, project: str, requested_wan: Any, applied_on: Any,
               is_synthetic: bool = False) -> StartupLoan:
    """An application: an individual gives a valid resident ID number, a small business its credit code."""
    policy.require_officer(actor)
    kind = choice_of(kind, Kind, field="kind", label="申请类型")
    name = checked_text(applicant_name, field="applicant_name", label="申请人", max_length=100)
    person, code = applicant_checked(kind, id_number, credit_code)
    phone = phone_checked(phone)
    project = checked_text(project, field="project", label="创业项目", max_length=200)
    requested = requested_checked(kind, requested_wan)
    day = not_future(date_of(applied_on, field="applied_on", label="申请日期"), field="applied_on", label="申请日期")
    holder = {"id_number": person} if person else {"credit_code": code}
    if StartupLoan.objects.filter(status__in=OPEN_LOAN_STATES, **holder).exists():
        field = "id_number" if person else "credit_code"
        raise Conflict("申请人：已有未结清的创业担保贷款或在办申请", field=field, code="loan_open")
    return StartupLoan.objects.create(
        number=_next_number(day.year), kind=kind, applicant_name=name, id_number=person, credit_code=code,
        phone=phone, project=project, requested_fen=requested, applied_on=day, created_by=actor,
        created_at=clock.now(), is_synthetic=is_synthetic)


def _locked(loan: StartupLoan) -> StartupLoan:
    return StartupLoan.objects.select_for_update().get(pk=loan.pk)


@transaction.atomic
def loan_decide(*, actor: User, loan: StartupLoan, approve: bool, decided_on: Any, reason: str = "") -> StartupLoan:
    """The guarantee decision (担保审核): approved, or refused with a reason."""
    policy.require_officer(actor)
    loan = _locked(loan)
    _require(loan, Status.APPLIED)
    day = not_future(date_of(decided_on, field="decided_on", label="决定日期"), field="decided_on", label="决定日期")
    if day < loan.applied_on:
        raise ApplicationError("决定日期：不能早于申请日期", field="decided_on", code="before_applied")
    loan.refusal_reason = "" if approve else checked_text(reason, field="reason", label="不予担保理由",
                                                          max_length=300)
    loan.status, loan.decided_on = (Status.GUARANTEED if approve else Status.REFUSED), day
    loan.save(update_fields=["status", "decided_on", "refusal_reason"])
    return loan


@transaction.atomic
def loan_grant(*, actor: User, loan: StartupLoan, bank: str, amount_wan: Any, granted_on: Any, term_months: Any,
               rate_pct: Any, jobs_created: Any) -> StartupLoan:
    """The bank's grant of a guaranteed loan: at most what was asked and the kind's limit, with its term, its rate,
    the subsidy it earns and the jobs the business created (its employees, the founder included)."""
    policy.require_officer(actor)
    loan = _locked(loan)
    _require(loan, Status.GUARANTEED)
    bank = checked_text(bank, field="bank", label="经办银行", max_length=100)
    amount = wan_to_fen(amount_wan, field="amount", label="放款金额")
    if amount > loan.requested_fen:
        raise ApplicationError("放款金额：不能超过申请金额", field="amount", code="over_requested")
    day = not_future(date_of(granted_on, field="granted_on", label="放款日期"), field="granted_on", label="放款日期")
    assert loan.decided_on is not None
    if day < loan.decided_on:
        raise ApplicationError("放款日期：不能早于担保决定日期", field="granted_on", code="before_decided")
    term = term_checked(loan.kind, term_months)
    rate = percent_of(rate_pct, field="rate_pct", label="年利率", upper=24)
    jobs = jobs_checked(jobs_created)
    loan.bank, loan.granted_fen, loan.granted_on, loan.term_months, loan.rate_pct = bank, amount, day, term, rate
    loan.subsidy_fen = subsidy_fen(amount_fen=amount, rate_pct=rate, term_months=term)
    loan.jobs_created, loan.status = jobs, Status.GRANTED
    loan.save(update_fields=["bank", "granted_fen", "granted_on", "term_months", "rate_pct", "subsidy_fen",
                             "jobs_created", "status"])
    return loan


@transaction.atomic
def loan_repayment(*, actor: User, loan: StartupLoan, status: str, on: Any) -> StartupLoan:
    """The repayment's course: a granted loan falls overdue or is repaid; an overdue one is repaid or compensated
    by the guarantee fund (代偿)."""
    policy.require_officer(actor)
    loan = _locked(loan)
    _require(loan, Status.GRANTED, Status.OVERDUE)
    status = choice_of(status, Status, field="status", label="还款状态")
    if status not in REPAYMENT_MOVES[Status(loan.status)]:
        raise Conflict(f"还款状态：“{loan.get_status_display()}”不能变为“{Status(status).label}”", field="status",
                       code="invalid_move")
    day: dt.date = not_future(date_of(on, field="on", label="日期"), field="on", label="日期")
    assert loan.granted_on is not None
    if day < loan.granted_on:
        raise ApplicationError("日期：不能早于放款日期", field="on", code="before_granted")
    loan.status = status
    loan.closed_on = day if status in CLOSING else None
    loan.save(update_fields=["status", "closed_on"])
    return loan

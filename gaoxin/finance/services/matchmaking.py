"""Writes of the financing platform (郑好融-style, issue 19): 需求收集 → 匹配对接 → 跟踪回访.

- the officers certify an enterprise on the platform (a dated state), register the partner banks, their staff and
  their credit products with the eligibility rules;
- a certified enterprise posts a demand with its credit authorisation (征信授权), and the matching step proposes
  the best fitting products at once, each with its reasons (``finance.matching``);
- a bank's staff answer each proposal within ``ANSWER_WORKING_DAYS`` working days (a late answer is kept, and
  counted late), and record the loan granted;
- the demand ends granted, declined (every proposed bank refused) or withdrawn by the enterprise, and the officers
  record the follow-up visit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from gaoxin.accounts.models import User
from gaoxin.core import clock
from gaoxin.core.calendar import SHANGHAI, add_working_time, local_today
from gaoxin.core.errors import ApplicationError, Conflict, PermissionDenied
from gaoxin.core.validation import checked_text
from gaoxin.enterprises.models import Enterprise, IndustrialChain, QualificationType
from gaoxin.finance import matching, policy
from gaoxin.finance.models import Bank, Certification, FinancingDemand, FollowUp, LoanProduct, Proposal
from gaoxin.finance.services.inputs import (
    FEN_PER_WAN,
    choice_of,
    date_of,
    enterprise_of,
    not_future,
    percent_of,
    wan_to_fen,
)

ANSWER_WORKING_DAYS = 3
Status = FinancingDemand.Status
OPEN_STATES = (Status.OPEN, Status.MATCHED)


def _months(value: Any, *, field: str, label: str, upper: int = 120) -> int:
    text = str(value or "").strip()
    if not text.isdecimal() or not 1 <= int(text) <= upper:
        raise ApplicationError(f"{label}：应为 1–{upper} 个月", field=field, code="invalid_term")
    return int(text)


# Certification and the banks --------------------------------------------------------------------------------

@transaction.atomic
def certification_grant(*, actor: User, enterprise_code: str, certified_on: Any,
                        is_synthetic: bool = False) -> Certification:
    policy.require_officer(actor)
    enterprise = enterprise_of(enterprise_code)
    day = not_future(date_of(certified_on, field="certified_on", label="认证日期"), field="certified_on",
                     label="认证日期")
    Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
    if enterprise.finance_certifications.filter(revoked_on__isnull=True).exists():
        raise Conflict("企业：该企业已在平台认证", field="enterprise_code", code="already_certified")
    last = enterprise.finance_certifications.order_by("-revoked_on").values_list("revoked_on", flat=True).first()
    if last is not None and day < last:
        raise ApplicationError("认证日期：不能早于上次认证的撤销日期", field="certified_on", code="before_revoked")
    return Certification.objects.create(enterprise=enterprise, certified_on=day, created_by=actor,
                                        created_at=clock.now(), is_synthetic=is_synthetic)


@transaction.atomic
def certification_revoke(*, actor: User, certification: Certification, revoked_on: Any, reason: str) -> Certification:
    policy.require_officer(actor)
    certification = Certification.objects.select_for_update().get(pk=certification.pk)
    if certification.revoked_on is not None:
        raise Conflict("认证：已撤销", field="certification", code="already_revoked")
    day = not_future(date_of(revoked_on, field="revoked_on", label="撤销日期"), field="revoked_on", label="撤销日期")
    if day < certification.certified_on:
        raise ApplicationError("撤销日期：不能早于认证日期", field="revoked_on", code="before_certified")
    certification.revoked_on = day
    certification.revoked_reason = checked_text(reason, field="reason", label="撤销原因", max_length=200)
    certification.save(update_fields=["revoked_on", "revoked_reason"])
    return certification


def is_certified(enterprise: Enterprise) -> bool:
    """An open certification dated today or earlier."""
    return enterprise.finance_certifications.filter(revoked_on__isnull=True,
                                                    certified_on__lte=local_today()).exists()


def certified_enterprise_ids() -> list[int]:
    """The enterprises ever certified (for the simulated year, which certifies the others)."""
    return list(Certification.objects.values_list("enterprise_id", flat=True).distinct())


@transaction.atomic
def bank_register(*, actor: User, name: str, is_synthetic: bool = False) -> Bank:
    policy.require_officer(actor)
    name = checked_text(name, field="name", label="银行", max_length=100)
    if Bank.objects.filter(name=name).exists():
        raise Conflict("银行：已登记", field="name", code="bank_exists")
    return Bank.objects.create(name=name, is_synthetic=is_synthetic)


@transaction.atomic
def bank_staff_add(*, actor: User, bank: Bank, user: User) -> None:
    """A bank's account manager: an enterprise-role user, on the staff of one bank at most."""
    policy.require_officer(actor)
    if user.role != "enterprise" or getattr(user, "enterprise_link", None) is not None:
        raise ApplicationError("客户经理：应为未关联企业的企业类用户账号", field="user", code="not_a_bank_account")
    if user.finance_banks.exclude(pk=bank.pk).exists():
        raise Conflict("客户经理：该账号已属于另一家银行", field="user", code="other_bank")
    bank.staff.add(user)


def _rules(rules: dict[str, Any]) -> dict[str, Any]:
    """The eligibility rules, checked: known keys, sizes/chains/qualifications that exist, non-negative minima."""
    unknown = set(rules) - matching.RULE_KEYS
    if unknown:
        raise ApplicationError(f"准入条件：未知条件 {'、'.join(sorted(unknown))}", field="rules", code="unknown_rule")
    out: dict[str, Any] = {}
    if rules.get("sizes"):
        if not set(rules["sizes"]) <= set(Enterprise.Size.values):
            raise ApplicationError("准入条件：企业规模不在列表中", field="sizes", code="invalid_choice")
        out["sizes"] = sorted(rules["sizes"])
    for key, model, label in (("chains_any", IndustrialChain, "产业链"), ("qualifications_any", QualificationType,
                                                                        "资质")):
        if rules.get(key):
            codes = sorted(set(rules[key]))
            if model.objects.filter(code__in=codes).count() != len(codes):
                raise ApplicationError(f"准入条件：{label}不在列表中", field=key, code="invalid_choice")
            out[key] = codes
    if rules.get("min_employees") not in (None, ""):
        text = str(rules["min_employees"]).strip()
        if not text.isdecimal():
            raise ApplicationError("准入条件：从业人员下限应为非负整数", field="min_employees", code="invalid_number")
        out["min_employees"] = int(text)
    if rules.get("min_revenue_wan") not in (None, ""):
        fen = wan_to_fen(rules["min_revenue_wan"], field="min_revenue_wan", label="营业收入下限", positive=False)
        out["min_revenue_wan"] = str(Decimal(fen) / FEN_PER_WAN)
    return out


@transaction.atomic
def product_save(*, actor: User, bank: Bank, name: str, rate_min_pct: Any, rate_max_pct: Any, amount_min_wan: Any,
                 amount_max_wan: Any, term_max_months: Any, needs_collateral: bool, rules: dict[str, Any],
                 is_synthetic: bool = False) -> LoanProduct:
    """A bank's product, new or (same bank and name) updated: the officers, or the bank's own staff."""
    if not (policy.is_officer(actor) or policy.bank_id_of(actor) == bank.pk):
        raise PermissionDenied("只有财政金融局工作人员或本行客户经理可以维护信贷产品", code="product_owner_only")
    name = checked_text(name, field="name", label="产品名称", max_length=100)
    low = percent_of(rate_min_pct, field="rate_min_pct", label="年利率下限", upper=24)
    high = percent_of(rate_max_pct, field="rate_max_pct", label="年利率上限", upper=24)
    if high < low:
        raise ApplicationError("年利率上限：不能低于下限", field="rate_max_pct", code="invalid_range")
    amount_min = wan_to_fen(amount_min_wan, field="amount_min", label="额度下限")
    amount_max = wan_to_fen(amount_max_wan, field="amount_max", label="额度上限")
    if amount_max < amount_min:
        raise ApplicationError("额度上限：不能低于下限", field="amount_max", code="invalid_range")
    values = {"rate_min_pct": low, "rate_max_pct": high, "amount_min_fen": amount_min, "amount_max_fen": amount_max,
              "term_max_months": _months(term_max_months, field="term_max_months", label="最长期限"),
              "needs_collateral": bool(needs_collateral), "rules": _rules(rules or {}), "is_synthetic": is_synthetic}
    product, _ = LoanProduct.objects.update_or_create(bank=bank, name=name, defaults=values)
    return product


# Demands and the matching step --------------------------------------------------------------------------------

def _match(demand: FinancingDemand) -> list[Proposal]:
    products = list(LoanProduct.objects.filter(is_active=True).select_related("bank").order_by("pk"))
    facts = matching.facts_for([demand.enterprise_id], year=demand.posted_at.year)[demand.enterprise_id]
    taken = set(demand.proposals.values_list("product_id", flat=True))
    fits = [f for f in matching.proposals_for(demand, products, facts, matching.labels())
            if f.product.pk not in taken]
    now = clock.now()
    due = add_working_time(now, ANSWER_WORKING_DAYS, "day")
    made = Proposal.objects.bulk_create([Proposal(demand=demand, product=f.product, reasons=f.reasons,
                                                  proposed_at=now, due_at=due) for f in fits])
    if made and demand.status == Status.OPEN:
        demand.status = Status.MATCHED
        demand.save(update_fields=["status"])
    return made


@transaction.atomic
def demand_post(*, actor: User, amount_wan: Any, term_months: Any, purpose: str, collateral: str, consent: bool,
                is_synthetic: bool = False) -> FinancingDemand:
    """A certified enterprise's demand, matched at once: proposals go to the best fitting products."""
    enterprise_id = policy.enterprise_id_of(actor)
    if enterprise_id is None:
        raise PermissionDenied("只有企业用户可以发布融资需求", code="enterprise_only")
    enterprise = Enterprise.objects.get(pk=enterprise_id)
    if not is_certified(enterprise):
        raise ApplicationError("企业：尚未在平台认证，请联系财政金融局", field="enterprise", code="not_certified")
    amount = wan_to_fen(amount_wan, field="amount", label="需求金额")
    term = _months(term_months, field="term_months", label="期限")
    purpose = checked_text(purpose, field="purpose", label="用途", max_length=200)
    collateral = choice_of(collateral, FinancingDemand.Collateral, field="collateral", label="担保方式")
    if consent is not True:
        raise ApplicationError("征信授权：请阅读并同意授权银行查询企业征信", field="consent", code="consent_required")
    now = clock.now()
    demand = FinancingDemand.objects.create(enterprise=enterprise, amount_fen=amount, term_months=term,
                                            purpose=purpose, collateral=collateral, consent_at=now, posted_at=now,
                                            posted_by=actor, is_synthetic=is_synthetic)
    _match(demand)
    return demand


@transaction.atomic
def demand_rematch(*, actor: User, demand: FinancingDemand) -> list[Proposal]:
    """Match an open demand again (new products since): only products not proposed yet."""
    policy.require_officer(actor)
    demand = FinancingDemand.objects.select_for_update().get(pk=demand.pk)
    if demand.status not in OPEN_STATES:
        raise Conflict("状态：该需求已办结", field="status", code="demand_closed")
    return _match(demand)


def _locked_open(demand: FinancingDemand) -> FinancingDemand:
    demand = FinancingDemand.objects.select_for_update().get(pk=demand.pk)
    if demand.status not in OPEN_STATES:
        raise Conflict(f"状态：该需求已“{demand.get_status_display()}”", field="status", code="demand_closed")
    return demand


@transaction.atomic
def proposal_answer(*, actor: User, proposal: Proposal, interested: bool, note: str = "") -> Proposal:
    """The bank's answer (its own staff only): interested, or declined with the reason. A demand whose every
    proposal is declined ends declined."""
    if policy.bank_id_of(actor) != proposal.product.bank_id:
        raise PermissionDenied("只有该产品所属银行的客户经理可以答复", code="bank_staff_only")
    demand = _locked_open(proposal.demand)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.answer:
        raise Conflict("答复：已答复", field="answer", code="already_answered")
    text = checked_text(note, field="note", label="答复说明", required=not interested, max_length=300)
    proposal.answer = Proposal.Answer.INTERESTED if interested else Proposal.Answer.DECLINED
    proposal.answer_note, proposal.answered_at, proposal.answered_by = text, clock.now(), actor
    proposal.save(update_fields=["answer", "answer_note", "answered_at", "answered_by"])
    if not demand.proposals.exclude(answer=Proposal.Answer.DECLINED).exists():
        demand.status, demand.closed_at = Status.DECLINED, clock.now()
        demand.outcome_note = "推送的银行均不予受理"
        demand.save(update_fields=["status", "closed_at", "outcome_note"])
    return proposal


@transaction.atomic
def loan_granted(*, actor: User, proposal: Proposal, amount_wan: Any, granted_on: Any) -> FinancingDemand:
    """The loan a bank granted on a proposal it took up: within the product's range, dated on or after the answer."""
    if policy.bank_id_of(actor) != proposal.product.bank_id:
        raise PermissionDenied("只有该产品所属银行的客户经理可以登记放款", code="bank_staff_only")
    demand = _locked_open(proposal.demand)
    proposal = Proposal.objects.select_for_update().select_related("product").get(pk=proposal.pk)
    if proposal.answer != Proposal.Answer.INTERESTED:
        raise Conflict("放款：请先答复有意向并完成对接", field="proposal", code="not_taken_up")
    amount = wan_to_fen(amount_wan, field="amount", label="放款金额")
    product = proposal.product
    if not product.amount_min_fen <= amount <= product.amount_max_fen:
        raise ApplicationError("放款金额：应在产品额度范围内", field="amount", code="outside_product")
    day = not_future(date_of(granted_on, field="granted_on", label="放款日期"), field="granted_on", label="放款日期")
    assert proposal.answered_at is not None
    if day < proposal.answered_at.astimezone(SHANGHAI).date():
        raise ApplicationError("放款日期：不能早于答复日期", field="granted_on", code="before_answer")
    demand.status, demand.granted_fen, demand.granted_on, demand.granted_product = Status.GRANTED, amount, day, product
    demand.closed_at = clock.now()
    demand.save(update_fields=["status", "granted_fen", "granted_on", "granted_product", "closed_at"])
    return demand


@transaction.atomic
def demand_withdraw(*, actor: User, demand: FinancingDemand, reason: str) -> FinancingDemand:
    if policy.enterprise_id_of(actor) != demand.enterprise_id:
        raise PermissionDenied("只有发布需求的企业可以撤回", code="own_demand_only")
    demand = _locked_open(demand)
    demand.outcome_note = checked_text(reason, field="reason", label="撤回原因", max_length=300)
    demand.status, demand.closed_at = Status.WITHDRAWN, clock.now()
    demand.save(update_fields=["status", "outcome_note", "closed_at"])
    return demand


@transaction.atomic
def follow_up_record(*, actor: User, demand: FinancingDemand, visited_on: Any, satisfied: bool, note: str,
                     is_synthetic: bool = False) -> FollowUp:
    """The follow-up visit (跟踪回访) of a demand that reached its outcome."""
    policy.require_officer(actor)
    demand = FinancingDemand.objects.get(pk=demand.pk)
    if demand.status in OPEN_STATES or demand.closed_at is None:
        raise Conflict("状态：需求办结后才能回访", field="status", code="demand_open")
    day = not_future(date_of(visited_on, field="visited_on", label="回访日期"), field="visited_on", label="回访日期")
    if day < demand.closed_at.astimezone(SHANGHAI).date():
        raise ApplicationError("回访日期：不能早于办结日期", field="visited_on", code="before_closed")
    return FollowUp.objects.create(demand=demand, visited_on=day, satisfied=bool(satisfied),
                                   note=checked_text(note, field="note", label="回访记录", max_length=500),
                                   created_by=actor, created_at=clock.now(), is_synthetic=is_synthetic)

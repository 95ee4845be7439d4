"""Reads of the enterprise policies, scoped: policy and finance officers and leaders read every decision; an
enterprise user its own enterprise's; a service cadre the enterprises of its scope; anyone else none. The
catalog (published policies, their clauses, items and parameters) is public to every signed-in user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.enterprises.models import Enterprise
from gaoxin.enterprises.scope import enterprise_scope_q, own_enterprise_id
from gaoxin.policies import engine, policy
from gaoxin.policies.models import BenefitItem, Budget, Decision, Notice, Objection, PaymentBatch, Policy

NOTHING = Q(pk__in=[])
OPEN_STATUSES = (Decision.Status.MATCHED, Decision.Status.CONFIRMED, Decision.Status.APPLIED,
                 Decision.Status.APPROVED)
LIVE_STATUSES = (*OPEN_STATUSES, Decision.Status.NOTICED, Decision.Status.CLEARED, Decision.Status.PAID,
                 Decision.Status.CLAWED_BACK)


def decision_scope_q(*, actor: User) -> Q:
    if policy.is_reader(actor):
        return Q()
    own = own_enterprise_id(actor)
    if own:
        return Q(enterprise_id=own)
    if actor.is_authenticated and actor.role == Role.SERVICE_CADRE:
        return enterprise_scope_q(actor=actor, prefix="enterprise__")
    return NOTHING


@dataclass(frozen=True)
class Filters:
    status: str = ""
    policy: str = ""
    route: str = ""
    year: int | None = None
    q: str = ""
    paid_year: int | None = None  # paid in that year (the records of F058–F059)


def decision_list(*, actor: User, filters: Filters = Filters()) -> QuerySet[Decision]:
    qs = Decision.objects.filter(decision_scope_q(actor=actor)).select_related(
        "item__clause__policy", "enterprise", "notice", "payment_batch")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.policy:
        qs = qs.filter(item__clause__policy__code=filters.policy)
    if filters.route:
        qs = qs.filter(route=filters.route)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.paid_year:
        qs = qs.filter(paid_on__year=filters.paid_year, paid_fen__gt=0)
    if filters.q:
        qs = qs.filter(Q(number__icontains=filters.q) | Q(enterprise__name__icontains=filters.q)
                       | Q(enterprise__credit_code__icontains=filters.q))
    return qs.order_by("-year", "-number")


def decision_get(*, actor: User, pk: int) -> Decision | None:
    return decision_list(actor=actor).filter(pk=pk).first()


def items_in_force(on: dt.date, *, route: str = "") -> list[BenefitItem]:
    qs = BenefitItem.objects.filter(
        clause__policy__status=Policy.Status.PUBLISHED, clause__policy__in_force_from__lte=on).filter(
        Q(clause__policy__in_force_to__isnull=True) | Q(clause__policy__in_force_to__gte=on)).select_related(
        "clause__policy")
    if route:
        qs = qs.filter(route=route)
    return list(qs.order_by("code"))


def calculator_enterprises(*, actor: User) -> QuerySet[Enterprise]:
    """The enterprises ``actor`` may run the calculator for: an enterprise user its own; officers, leaders and
    service cadres those of their scope."""
    if not actor.is_authenticated:
        return Enterprise.objects.none()
    own = own_enterprise_id(actor)
    if actor.role == Role.ENTERPRISE:
        return Enterprise.objects.filter(pk=own or 0)
    if policy.is_reader(actor) or actor.role == Role.SERVICE_CADRE:
        return Enterprise.objects.filter(enterprise_scope_q(actor=actor))
    return Enterprise.objects.none()


@dataclass(frozen=True)
class CalculatorRow:
    item: BenefitItem
    trace: dict[str, Any]
    state: str  # eligible | near (one condition short) | no
    unmet: list[dict[str, Any]]
    decision: Decision | None


def calculator(*, enterprise: Enterprise, on: dt.date) -> list[CalculatorRow]:
    """政策计算器: every item in force on ``on`` for ``enterprise``, explained — the eligible ones first, then those
    one condition short, then the rest — with the decision of that year when there is one."""
    items = items_in_force(on)
    if not items:
        return []
    evaluation = engine.evaluation_run(items, [enterprise.pk], on=on, trace=True)
    decided = {d.item_id: d for d in Decision.objects.filter(enterprise=enterprise, year=on.year)}
    rows = []
    for index, item in enumerate(items):
        trace = evaluation.explain(index, 0)
        unmet = [c for c in trace["conditions"] if not c["held"]]
        state = "eligible" if trace["eligible"] and trace["amount_fen"] > 0 else "near" if len(unmet) == 1 else "no"
        rows.append(CalculatorRow(item, trace, state, unmet, decided.get(item.pk)))
    return sorted(rows, key=lambda r: ("eligible", "near", "no").index(r.state))


def policy_list(*, actor: User, include_drafts: bool = False) -> QuerySet[Policy]:
    qs = Policy.objects.annotate(n_items=Count("clauses__items", distinct=True))
    if not (include_drafts and policy.is_policy_officer(actor)):
        qs = qs.filter(status=Policy.Status.PUBLISHED)
    return qs.order_by("code")


def notice_list(*, actor: User) -> QuerySet[Notice]:
    if not policy.is_reader(actor):
        return Notice.objects.none()
    return Notice.objects.annotate(n=Count("decisions"), amount=Sum("decisions__amount_fen"),
                                   objections=Count("decisions__objections"))


def objection_list(*, actor: User, notice: Notice) -> QuerySet[Objection]:
    if not policy.is_reader(actor):
        return Objection.objects.none()
    return Objection.objects.filter(decision__notice=notice).select_related("decision__enterprise")


def batch_list(*, actor: User) -> QuerySet[PaymentBatch]:
    if not policy.is_reader(actor):
        return PaymentBatch.objects.none()
    return PaymentBatch.objects.annotate(n=Count("decisions"))


def mask_account(account: str) -> str:
    return f"{account[:4]}{'*' * max(len(account) - 8, 0)}{account[-4:]}" if len(account) > 8 else "****"


def reconciliation(*, actor: User, year: int) -> list[dict[str, Any]]:
    """Per policy of ``year``: budget, decided, awaiting notice, in notice, cleared, paid, clawed back, net paid
    and available, in fen — decided is the sum of the four stages and available is the budget less the net paid,
    to the fen (``balanced``), and the paid equals the payment batches' lines (``batches``)."""
    if not policy.is_reader(actor):
        return []
    budgets = dict(Budget.objects.filter(year=year).values_list("policy_id", "amount_fen"))
    sums = {row["item__clause__policy_id"]: row for row in Decision.objects.filter(year=year).values(
        "item__clause__policy_id").annotate(
        decided=Sum("amount_fen", filter=Q(status__in=LIVE_STATUSES)),
        awaiting=Sum("amount_fen", filter=Q(status__in=OPEN_STATUSES)),
        noticed=Sum("amount_fen", filter=Q(status=Decision.Status.NOTICED)),
        cleared=Sum("amount_fen", filter=Q(status=Decision.Status.CLEARED)),
        paid_decided=Sum("amount_fen", filter=Q(status__in=(Decision.Status.PAID, Decision.Status.CLAWED_BACK))),
        paid=Sum("paid_fen"), back=Sum("clawed_back_fen"), n=Count("pk", filter=Q(status__in=LIVE_STATUSES)),
        enterprises=Count("enterprise", filter=Q(paid_fen__gt=0), distinct=True))}
    batched = dict(PaymentBatch.objects.filter(decisions__year=year).values(
        "decisions__item__clause__policy_id").annotate(total=Sum("decisions__paid_fen")).values_list(
        "decisions__item__clause__policy_id", "total"))
    out = []
    for p in Policy.objects.filter(Q(pk__in=budgets) | Q(pk__in=sums)).order_by("code"):
        row = {k: int(v or 0) for k, v in sums.get(p.pk, {}).items() if k != "item__clause__policy_id"}
        for key in ("decided", "awaiting", "noticed", "cleared", "paid_decided", "paid", "back", "n", "enterprises"):
            row.setdefault(key, 0)
        budget = int(budgets.get(p.pk, 0))
        net = row["paid"] - row["back"]
        out.append({"policy": p, "budget": budget, **row, "net": net, "available": budget - net,
                    "batches": int(batched.get(p.pk) or 0),
                    "balanced": (row["decided"] == row["awaiting"] + row["noticed"] + row["cleared"]
                                 + row["paid_decided"] and row["paid"] == int(batched.get(p.pk) or 0)
                                 and budget - net >= 0)})
    return out


def money_by(*, actor: User, year: int, by: str) -> list[dict[str, Any]]:
    """Net money paid in ``year`` and enterprises paid, by policy, chain, street or enterprise size."""
    if not policy.is_reader(actor):
        return []
    field = {"policy": "item__clause__policy__title", "chain": "enterprise__chains__name",
             "street": "enterprise__street__name", "size": "enterprise__size"}[by]
    rows = Decision.objects.filter(paid_on__year=year, paid_fen__gt=0).values(field).annotate(
        paid=Sum("paid_fen"), back=Sum("clawed_back_fen"), enterprises=Count("enterprise", distinct=True))
    return sorted(({"key": r[field] or "—", "net": int(r["paid"]) - int(r["back"] or 0),
                    "enterprises": r["enterprises"]} for r in rows), key=lambda r: -r["net"])

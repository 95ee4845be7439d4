"""Reads of innovation and technology transfer, scoped to the actor:

- officers (科技创新局) and leaders: everything;
- an enterprise user: its enterprise's demands, contracts and projects, and the listed achievements (the public
  成果清单);
- an institution user: its institution's achievements, and the open demands (to offer a solution);
- a service cadre: the demands of the enterprises in scope;
- anyone else: nothing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.enterprises.scope import enterprise_scope_q, own_enterprise_id
from gaoxin.innovation import policy
from gaoxin.innovation.models import (
    Achievement,
    InnovationProject,
    Institution,
    Match,
    MatchEvent,
    TechContract,
    TechDemand,
)

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Filters:
    status: str = ""
    field: str = ""
    q: str = ""
    year: int | None = None


def demand_scope_q(*, actor: User) -> Q:
    if policy.is_reader(actor):
        return Q()
    if actor.role == Role.ENTERPRISE and own_enterprise_id(actor):
        return Q(enterprise_id=own_enterprise_id(actor))
    if policy.own_institution_id(actor):
        return Q(status=TechDemand.Status.OPEN)
    if actor.role == Role.SERVICE_CADRE:
        return enterprise_scope_q(actor=actor, prefix="enterprise__")
    return NOTHING


def achievement_scope_q(*, actor: User) -> Q:
    if policy.is_reader(actor):
        return Q()
    institution = policy.own_institution_id(actor)
    if institution:
        return Q(institution_id=institution)
    if actor.role == Role.ENTERPRISE and own_enterprise_id(actor):
        return Q(listed_on__isnull=False)
    return NOTHING


def contract_scope_q(*, actor: User) -> Q:
    if policy.is_reader(actor):
        return Q()
    own = own_enterprise_id(actor)
    if own:
        return Q(buyer_enterprise_id=own) | Q(seller_enterprise_id=own)
    institution = policy.own_institution_id(actor)
    return Q(seller_institution_id=institution) if institution else NOTHING


def _common(qs: QuerySet[Any], filters: Filters, text_fields: tuple[str, ...]) -> QuerySet[Any]:
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.field:
        qs = qs.filter(field__code=filters.field)
    if filters.q:
        query = NOTHING
        for name in text_fields:
            query |= Q(**{f"{name}__icontains": filters.q})
        qs = qs.filter(query)
    return qs


def demand_list(*, actor: User, filters: Filters = Filters()) -> QuerySet[TechDemand]:
    qs = TechDemand.objects.filter(demand_scope_q(actor=actor)).select_related("enterprise", "field", "solved_by")
    if filters.year:
        qs = qs.filter(posted_at__year=filters.year)
    return _common(qs, filters, ("title", "text", "number", "enterprise__name"))


def achievement_list(*, actor: User, filters: Filters = Filters()) -> QuerySet[Achievement]:
    qs = Achievement.objects.filter(achievement_scope_q(actor=actor)).select_related("institution", "field")
    if filters.status == "listed":
        qs = qs.filter(listed_on__isnull=False)
    elif filters.status == "unlisted":
        qs = qs.filter(listed_on__isnull=True)
    elif filters.status == "transferred":
        qs = qs.filter(transferred_on__isnull=False)
    return _common(qs, Filters(field=filters.field, q=filters.q), ("name", "text", "number", "institution__name"))


def contract_list(*, actor: User, filters: Filters = Filters()) -> QuerySet[TechContract]:
    qs = TechContract.objects.filter(contract_scope_q(actor=actor))
    if filters.year:
        qs = qs.filter(submitted_at__year=filters.year)
    return _common(qs, Filters(status=filters.status, q=filters.q), ("title", "number", "seller", "buyer"))


def project_list(*, actor: User) -> QuerySet[InnovationProject]:
    qs = InnovationProject.objects.select_related("enterprise", "field")
    if policy.is_reader(actor):
        return qs
    own = own_enterprise_id(actor)
    return qs.filter(enterprise_id=own) if own else qs.none()


def event_list(*, actor: User) -> QuerySet[MatchEvent]:
    return MatchEvent.objects.annotate(n_matches=Count("matches")) if policy.is_reader(actor) else \
        MatchEvent.objects.none()


def institution_list(*, actor: User) -> QuerySet[Institution]:
    qs = Institution.objects.annotate(
        n_achievements=Count("achievements", distinct=True),
        n_listed=Count("achievements", filter=Q(achievements__listed_on__isnull=False), distinct=True),
        n_transferred=Count("achievements", filter=Q(achievements__transferred_on__isnull=False), distinct=True))
    return qs if policy.is_reader(actor) else qs.none()


def demand_matches(*, actor: User, demand: TechDemand) -> QuerySet[Match]:
    if not TechDemand.objects.filter(demand_scope_q(actor=actor), pk=demand.pk).exists():
        return Match.objects.none()
    qs = Match.objects.filter(demand=demand).select_related("achievement__institution", "achievement__field",
                                                            "event")
    if not policy.is_reader(actor):  # an enterprise sees the proposals of listed achievements only
        qs = qs.filter(achievement__listed_on__isnull=False)
    return qs.order_by("-score", "pk")


def latest_year(*, default: int) -> int:
    """The latest year with a demand or a contract (the board opens on it), else ``default``."""
    years = [d.year for d in (TechDemand.objects.order_by("-posted_at").values_list("posted_at", flat=True)[:1])]
    years += [d.year for d in (TechContract.objects.order_by("-submitted_at").values_list("submitted_at",
                                                                                          flat=True)[:1])]
    return max(years) if years else default


def board(*, actor: User, year: int) -> dict[str, Any]:
    """The officer's and leader's board: the year's turnover, matches and the state of each list."""
    if not policy.is_reader(actor):
        return {}
    contracts = TechContract.objects.filter(status=TechContract.Status.REGISTERED, registered_at__year=year)
    by_kind = list(contracts.values("kind").annotate(n=Count("pk"), amount=Sum("amount")).order_by("kind"))
    labels = dict(TechContract.Kind.choices)
    turnover = contracts.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return {
        "turnover": turnover,
        "turnover_yi": turnover / 10_000,
        "contracts": contracts.count(),
        "contracts_by_kind": [{**r, "label": labels[r["kind"]]} for r in by_kind],
        "pending_contracts": TechContract.objects.filter(status=TechContract.Status.SUBMITTED).count(),
        "demands_open": TechDemand.objects.filter(status=TechDemand.Status.OPEN).count(),
        "demands_solved": TechDemand.objects.filter(status=TechDemand.Status.SOLVED, solved_at__year=year).count(),
        "intents": Match.objects.filter(intent_at__year=year).count(),
        "matches_succeeded": Match.objects.filter(status=Match.Status.SUCCEEDED, succeeded_at__year=year).count(),
        "achievements": Achievement.objects.count(),
        "listed": Achievement.objects.filter(listed_on__year=year).count(),
        "projects_approved": InnovationProject.objects.filter(approved_on__year=year).count(),
        "funding": InnovationProject.objects.filter(approved_on__year=year).aggregate(
            total=Sum("funding_granted"))["total"] or 0,
        "by_field": list(TechDemand.objects.filter(posted_at__year=year).values("field__name").annotate(
            n=Count("pk"), solved=Count("pk", filter=Q(status=TechDemand.Status.SOLVED))).order_by("-n")),
    }

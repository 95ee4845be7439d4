"""Reads of the finance records, scoped: 财政金融局 staff and leaders read everything, the borrowers' personal data
masked for all but the officers; anyone else nothing (``finance.policy``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
from django.db import models
from django.db.models import BigIntegerField, Count, Exists, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_noop

from gaoxin.accounts.models import User
from gaoxin.cases.privacy import mask_free_text, mask_name, mask_phone
from gaoxin.core.calendar import local_today, working_time_between
from gaoxin.enterprises.models import Enterprise, IndustrialChain, QualificationType
from gaoxin.finance import policy
from gaoxin.finance.models import (
    AumRecord,
    Bank,
    CapitalEvent,
    Certification,
    Commitment,
    Exit,
    FinancingDeal,
    FinancingDemand,
    Fund,
    FundManager,
    GuidanceFund,
    IndexRun,
    IndexScore,
    Investment,
    LoanProduct,
    PaidIn,
    Proposal,
    StartupLoan,
)


@dataclass(frozen=True)
class Filters:
    settled_year: int | None = None
    q: str = ""


def latest_aum(on: dt.date) -> Subquery:
    """The manager's assets under management on ``on``: its last record dated on or before that day."""
    return Subquery(AumRecord.objects.filter(manager=OuterRef("pk"), as_of__lte=on).order_by("-as_of").values(
        "amount_fen")[:1])


def manager_list(*, actor: User, filters: Filters = Filters(), on: dt.date | None = None) -> QuerySet[FundManager]:
    if not policy.is_reader(actor):
        return FundManager.objects.none()
    qs = FundManager.objects.annotate(n_funds=Count("funds", distinct=True), funds_fen=Sum("funds__size_fen"))
    if on is not None:
        qs = qs.annotate(aum_fen=latest_aum(on))
    if filters.settled_year:
        qs = qs.filter(settled_on__year=filters.settled_year)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(credit_code__icontains=filters.q)
                       | Q(amac_number__icontains=filters.q))
    return qs.order_by("-settled_on", "pk")


def annotated(record: models.Model, name: str) -> int | None:
    """A figure a list annotated its record with (a manager's ``aum_fen``, ``funds_fen``, ``n_funds``; a guidance
    fund's ``committed_fen``, ``in_zone_fen`` …); None when there is none (no record, no fund)."""
    value = getattr(record, name, None)
    return None if value is None else int(value)


def manager_get(*, actor: User, pk: int) -> FundManager | None:
    return manager_list(actor=actor).filter(pk=pk).first()


def funds_of(manager: FundManager) -> QuerySet[Fund]:
    return manager.funds.order_by("-vintage", "pk")


def aum_of(manager: FundManager) -> QuerySet[AumRecord]:
    return manager.aum_records.select_related("created_by").order_by("-as_of")


# Government guidance funds (政府引导基金) -----------------------------------------------------------------------

def _fund_total(queryset: QuerySet[Any], key: str, field: str) -> Coalesce:
    """The sum of ``field`` over the rows of ``queryset`` whose ``key`` is the outer fund, as an annotation."""
    rows = queryset.filter(**{key: OuterRef("pk")}).order_by().values(key).annotate(total=Sum(field))
    return Coalesce(Subquery(rows.values("total")[:1]), 0, output_field=BigIntegerField())


@dataclass(frozen=True)
class GuidanceFilters:
    established_year: int | None = None
    q: str = ""


def guidance_fund_list(*, actor: User, filters: GuidanceFilters = GuidanceFilters()) -> QuerySet[GuidanceFund]:
    """The guidance funds with their money: committed (in total, and not counting the parent fund's share, which
    the parent already counts), paid in, invested, invested in the zone (返投), and the cost exited."""
    if not policy.is_reader(actor):
        return GuidanceFund.objects.none()
    commitments = Commitment.objects.all()
    qs = GuidanceFund.objects.select_related("parent", "manager").annotate(
        committed_fen=_fund_total(commitments, "fund", "committed_fen"),
        own_committed_fen=_fund_total(commitments.exclude(source=Commitment.Source.PARENT), "fund", "committed_fen"),
        paid_in_fen=_fund_total(PaidIn.objects.all(), "commitment__fund", "amount_fen"),
        invested_fen=_fund_total(Investment.objects.all(), "fund", "amount_fen"),
        in_zone_fen=_fund_total(Investment.objects.filter(in_zone=True), "fund", "amount_fen"),
        exited_cost_fen=_fund_total(Exit.objects.all(), "investment__fund", "cost_fen"),
        n_investments=Count("investments", distinct=True))
    if filters.established_year:
        qs = qs.filter(established_on__year=filters.established_year)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(manager__name__icontains=filters.q))
    return qs.order_by("-established_on", "pk")


def guidance_fund_get(*, actor: User, pk: int) -> GuidanceFund | None:
    return guidance_fund_list(actor=actor).filter(pk=pk).first()


def reinvest_due_fen(fund: GuidanceFund) -> int:
    """The 返投 obligation: ``reinvest_pct`` of the fund's committed size, rounded half up to the fen."""
    due = Decimal(annotated(fund, "committed_fen") or 0) * fund.reinvest_pct / 100
    return int(due.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def reinvest_progress_pct(fund: GuidanceFund) -> Decimal | None:
    """The share of the 返投 obligation achieved by the fund's investments in the zone, in percent (one decimal)."""
    due = reinvest_due_fen(fund)
    if not due:
        return None
    return (Decimal(annotated(fund, "in_zone_fen") or 0) * 100 / due).quantize(Decimal("0.1"),
                                                                               rounding=ROUND_HALF_UP)


def commitments_of(fund: GuidanceFund) -> QuerySet[Commitment]:
    return fund.commitments.annotate(paid_in_fen=Coalesce(Sum("payments__amount_fen"), 0)).order_by("source", "pk")


def payments_of(fund: GuidanceFund) -> QuerySet[PaidIn]:
    return PaidIn.objects.filter(commitment__fund=fund).select_related("commitment").order_by("-paid_on", "-pk")


@dataclass(frozen=True)
class InvestmentFilters:
    year: int | None = None
    fund: int | None = None
    q: str = ""


def investment_list(*, actor: User, filters: InvestmentFilters = InvestmentFilters()) -> QuerySet[Investment]:
    if not policy.is_reader(actor):
        return Investment.objects.none()
    qs = Investment.objects.select_related("fund", "enterprise").annotate(
        exited_cost_fen=Coalesce(Sum("exits__cost_fen"), 0), proceeds_fen=Coalesce(Sum("exits__proceeds_fen"), 0))
    if filters.year:
        qs = qs.filter(invested_on__year=filters.year)
    if filters.fund:
        qs = qs.filter(fund_id=filters.fund)
    if filters.q:
        qs = qs.filter(Q(target__icontains=filters.q) | Q(fund__name__icontains=filters.q))
    return qs.order_by("-invested_on", "-pk")


def exits_of(fund: GuidanceFund) -> QuerySet[Exit]:
    return Exit.objects.filter(investment__fund=fund).select_related("investment").order_by("-exited_on", "-pk")


# Startup guarantee loans (创业担保贷款) -------------------------------------------------------------------------

@dataclass(frozen=True)
class LoanFilters:
    status: str = ""
    kind: str = ""
    granted_year: int | None = None
    q: str = ""


def loan_list(*, actor: User, filters: LoanFilters = LoanFilters()) -> QuerySet[StartupLoan]:
    if not policy.is_reader(actor):
        return StartupLoan.objects.none()
    qs = StartupLoan.objects.all()
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.granted_year:
        qs = qs.filter(granted_on__year=filters.granted_year)
    if filters.q:
        # Searching by a person's name or ID number is for those who may see them.
        text = Q(number__icontains=filters.q) | Q(project__icontains=filters.q) | Q(bank__icontains=filters.q)
        if policy.may_see_personal_data(actor):
            text |= Q(applicant_name__icontains=filters.q) | Q(id_number=filters.q.upper())
        qs = qs.filter(text)
    return qs.order_by("-applied_on", "-pk")


def loan_get(*, actor: User, pk: int) -> StartupLoan | None:
    return loan_list(actor=actor).filter(pk=pk).first()


@dataclass(frozen=True)
class Borrower:
    """The applicant as the actor may see them: in clear for the finance officers, masked for anyone else."""

    name: str
    id_number: str
    phone: str


def borrower_of(loan: StartupLoan, *, actor: User) -> Borrower:
    if policy.may_see_personal_data(actor):
        return Borrower(loan.applicant_name, loan.id_number, loan.phone)
    name = loan.applicant_name if loan.kind == StartupLoan.Kind.BUSINESS else mask_name(loan.applicant_name)
    return Borrower(name, mask_free_text(loan.id_number), mask_phone(loan.phone))


def loan_totals(loans: QuerySet[StartupLoan]) -> dict[str, int]:
    totals = loans.aggregate(granted=Coalesce(Sum("granted_fen"), 0), subsidy=Coalesce(Sum("subsidy_fen"), 0),
                             jobs=Coalesce(Sum("jobs_created"), 0))
    return {key: int(value) for key, value in totals.items()}


# Capital events and financing (资本力量1+6, 企业融资) ------------------------------------------------------------

@dataclass(frozen=True)
class EventFilters:
    year: int | None = None
    q: str = ""


def event_list(*, actor: User, filters: EventFilters = EventFilters()) -> QuerySet[CapitalEvent]:
    if not policy.is_reader(actor):
        return CapitalEvent.objects.none()
    qs = CapitalEvent.objects.annotate(
        n_enterprises=Count("enterprises", distinct=True),
        deals_fen=_fund_total(FinancingDeal.objects.all(), "event", "amount_fen"))
    if filters.year:
        qs = qs.filter(held_on__year=filters.year)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(series__icontains=filters.q))
    return qs.order_by("-held_on", "pk")


def event_get(*, actor: User, pk: int) -> CapitalEvent | None:
    return event_list(actor=actor).filter(pk=pk).first()


@dataclass(frozen=True)
class DealFilters:
    year: int | None = None
    kind: str = ""
    series: str = ""
    event: int | None = None
    q: str = ""


def deal_list(*, actor: User, filters: DealFilters = DealFilters()) -> QuerySet[FinancingDeal]:
    if not policy.is_reader(actor):
        return FinancingDeal.objects.none()
    qs = FinancingDeal.objects.select_related("enterprise", "event")
    if filters.year:
        qs = qs.filter(closed_on__year=filters.year)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.series:
        qs = qs.filter(event__series=filters.series)
    if filters.event:
        qs = qs.filter(event_id=filters.event)
    if filters.q:
        qs = qs.filter(Q(enterprise__name__icontains=filters.q) | Q(investor__icontains=filters.q))
    return qs.order_by("-closed_on", "-pk")


def deal_total(deals: QuerySet[FinancingDeal]) -> int:
    return int(deals.aggregate(total=Coalesce(Sum("amount_fen"), 0))["total"])


# Money raised, by channel, chain and month (the leaders' overview) -----------------------------------------------

CHANNELS = (("guidance", gettext_noop("引导基金投资")), ("equity", gettext_noop("股权融资")),
            ("debt", gettext_noop("债权融资")), ("startup_loans", gettext_noop("创业担保贷款")))
NO_CHAIN = "未关联产业链"


@dataclass(frozen=True)
class MoneyRaised:
    """The year's money raised by the zone's enterprises and founders, in fen: per channel and month, and per
    channel and industrial chain (an enterprise in two chains counts in both; the totals count it once)."""

    year: int
    by_month: dict[str, list[int]]  # channel → 12 monthly sums
    by_chain: dict[str, dict[str, int]]  # chain name → channel → sum
    totals: dict[str, int]  # channel → sum


def money_raised(*, actor: User, year: int) -> MoneyRaised:
    rows: list[tuple[str, dt.date, int | None, int]] = []  # channel, day, enterprise id, fen
    if policy.is_reader(actor):
        rows += [("guidance", d, e, a) for d, e, a in Investment.objects.filter(invested_on__year=year).values_list(
            "invested_on", "enterprise_id", "amount_fen")]
        rows += [(k, d, e, a) for k, d, e, a in FinancingDeal.objects.filter(closed_on__year=year).values_list(
            "kind", "closed_on", "enterprise_id", "amount_fen")]
        rows += [("startup_loans", d, None, a or 0) for d, a in StartupLoan.objects.filter(
            granted_on__year=year).values_list("granted_on", "granted_fen") if d is not None]
    chains: dict[int, list[str]] = {}
    ids = {e for _, _, e, _ in rows if e is not None}
    for linked, name in Enterprise.chains.through.objects.filter(enterprise_id__in=ids).order_by(
            "industrialchain__sort_order").values_list("enterprise_id", "industrialchain__name"):
        chains.setdefault(linked, []).append(name)
    by_month = {code: [0] * 12 for code, _ in CHANNELS}
    by_chain: dict[str, dict[str, int]] = {}
    for channel, day, enterprise_id, fen in rows:
        by_month[channel][day.month - 1] += fen
        for chain in chains.get(enterprise_id or 0, [NO_CHAIN]):
            by_chain.setdefault(chain, dict.fromkeys(by_month, 0))[channel] += fen
    return MoneyRaised(year, by_month, by_chain, {code: sum(months) for code, months in by_month.items()})


def latest_year() -> int | None:
    """The last year with money raised on record (the overview opens on it): the records' own dates, not the
    reader's scope."""
    days = [Investment.objects.aggregate(day=Max("invested_on"))["day"],
            FinancingDeal.objects.aggregate(day=Max("closed_on"))["day"],
            StartupLoan.objects.aggregate(day=Max("granted_on"))["day"]]
    return max((d.year for d in days if d is not None), default=None)


# The financing platform (郑好融-style) ----------------------------------------------------------------------------

def certification_list(*, actor: User, year: int | None = None, q: str = "") -> QuerySet[Certification]:
    if not policy.is_reader(actor):
        return Certification.objects.none()
    qs = Certification.objects.select_related("enterprise")
    if year:
        qs = qs.filter(certified_on__year=year)
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__credit_code__icontains=q))
    return qs.order_by("-certified_on", "-pk")


def first_certifications(qs: QuerySet[Certification]) -> QuerySet[Certification]:
    """The certifications that are their enterprise's first (a re-certification after a revocation is not new)."""
    earlier = Certification.objects.filter(enterprise=OuterRef("enterprise"), certified_on__lt=OuterRef(
        "certified_on"))
    return qs.exclude(Exists(earlier))


@dataclass(frozen=True)
class DemandFilters:
    status: str = ""
    year: int | None = None
    granted_year: int | None = None
    q: str = ""


def demand_list(*, actor: User, filters: DemandFilters = DemandFilters()) -> QuerySet[FinancingDemand]:
    """Readers see every demand, an enterprise its own, a bank's staff those proposed to their bank."""
    qs = FinancingDemand.objects.select_related("enterprise", "granted_product__bank")
    if policy.is_reader(actor):
        pass
    elif (enterprise_id := policy.enterprise_id_of(actor)) is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    elif (bank_id := policy.bank_id_of(actor)) is not None:
        qs = qs.filter(Exists(Proposal.objects.filter(demand=OuterRef("pk"), product__bank_id=bank_id)))
    else:
        return FinancingDemand.objects.none()
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.year:
        qs = qs.filter(posted_at__year=filters.year)
    if filters.granted_year:
        qs = qs.filter(granted_on__year=filters.granted_year)
    if filters.q:
        qs = qs.filter(Q(enterprise__name__icontains=filters.q) | Q(purpose__icontains=filters.q))
    return qs.annotate(n_proposals=Count("proposals")).order_by("-posted_at", "-pk")


def demand_get(*, actor: User, pk: int) -> FinancingDemand | None:
    return demand_list(actor=actor).filter(pk=pk).first()


def proposals_of(demand: FinancingDemand, *, actor: User) -> QuerySet[Proposal]:
    """The demand's proposals as the actor may see them: a bank's staff only their own bank's."""
    qs = demand.proposals.select_related("product__bank", "answered_by").order_by("pk")
    bank_id = policy.bank_id_of(actor)
    return qs.filter(product__bank_id=bank_id) if bank_id is not None else qs


def bank_proposals(*, actor: User, pending: bool | None = None) -> QuerySet[Proposal]:
    bank_id = policy.bank_id_of(actor)
    if bank_id is None:
        return Proposal.objects.none()
    qs = Proposal.objects.filter(product__bank_id=bank_id).select_related("demand__enterprise", "product")
    if pending is not None:
        qs = qs.filter(answer="") if pending else qs.exclude(answer="")
    return qs.order_by("due_at", "pk")


@dataclass(frozen=True)
class PlatformStats:
    """The chain measured: proposals answered, answered within the limit, the median answer time in working hours,
    and the demands matched that ended in a loan."""

    proposals: int
    answered: int
    on_time: int
    median_answer_hours: float | None
    matched: int
    granted: int

    @property
    def on_time_pct(self) -> float | None:
        return round(self.on_time * 100 / self.answered, 1) if self.answered else None

    @property
    def match_to_loan_pct(self) -> float | None:
        return round(self.granted * 100 / self.matched, 1) if self.matched else None


def platform_stats(demands: QuerySet[FinancingDemand]) -> PlatformStats:
    proposals = Proposal.objects.filter(demand__in=demands.values("pk"))
    answered = [(a, b, due) for a, b, due in proposals.exclude(answered_at=None).values_list(
        "proposed_at", "answered_at", "due_at") if b is not None]
    hours = sorted(working_time_between(a, b).total_seconds() / 3600 for a, b, _ in answered)
    median = None if not hours else (hours[len(hours) // 2] if len(hours) % 2 else
                                     (hours[len(hours) // 2 - 1] + hours[len(hours) // 2]) / 2)
    matched = demands.filter(Exists(Proposal.objects.filter(demand=OuterRef("pk"))))
    return PlatformStats(proposals=proposals.count(), answered=len(answered),
                         on_time=sum(1 for _, b, due in answered if b <= due),
                         median_answer_hours=None if median is None else round(median, 1),
                         matched=matched.count(),
                         granted=matched.filter(status=FinancingDemand.Status.GRANTED).count())


def bank_list(*, actor: User) -> QuerySet[Bank]:
    if not policy.is_reader(actor):
        return Bank.objects.none()
    return Bank.objects.annotate(n_products=Count("products", distinct=True)).order_by("name")


def product_list(*, actor: User) -> QuerySet[LoanProduct]:
    if not policy.is_platform_user(actor):
        return LoanProduct.objects.none()
    return LoanProduct.objects.select_related("bank").order_by("bank__name", "name")


def demand_granted_total(demands: QuerySet[FinancingDemand]) -> int:
    return int(demands.aggregate(total=Coalesce(Sum("granted_fen"), 0))["total"])


def bank_of(actor: User) -> Bank | None:
    bank_id = policy.bank_id_of(actor)
    return None if bank_id is None else Bank.objects.filter(pk=bank_id).first()


def own_enterprise_certified(actor: User) -> bool:
    """Whether the actor's own enterprise holds an open certification dated today or earlier."""
    enterprise_id = policy.enterprise_id_of(actor)
    return enterprise_id is not None and Certification.objects.filter(
        enterprise_id=enterprise_id, revoked_on__isnull=True, certified_on__lte=local_today()).exists()


def rule_choices() -> dict[str, Any]:
    """What a product's eligibility rules may name: sizes, chains and the active qualifications."""
    return {"sizes": Enterprise.Size.choices, "chains": IndustrialChain.objects.order_by("sort_order", "code"),
            "qualifications": QualificationType.objects.filter(is_active=True).order_by("sort_order", "code")}


# The SME growth index ---------------------------------------------------------------------------------------

def index_runs(*, actor: User) -> QuerySet[IndexRun]:
    return IndexRun.objects.all() if policy.is_reader(actor) else IndexRun.objects.none()


def latest_runs(*, actor: User) -> dict[int, IndexRun]:
    """The latest run of every year (what the pages show), by year."""
    latest: dict[int, IndexRun] = {}
    for run in index_runs(actor=actor).order_by("year", "computed_at", "pk"):
        latest[run.year] = run
    return latest


def index_scores(run: IndexRun, *, q: str = "") -> QuerySet[IndexScore]:
    qs = run.scores.select_related("enterprise", "enterprise__street")
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__credit_code__icontains=q))
    return qs.order_by("rank")


@dataclass(frozen=True)
class GroupRow:
    name: str
    enterprises: int
    mean: float
    median: float
    best_rank: int


def index_by_group(run: IndexRun, *, by: str) -> list[GroupRow]:
    """The run's scores per industrial chain (an enterprise in two chains counts in both) or per street."""
    scored = list(run.scores.values_list("enterprise_id", "score", "rank"))
    scores = {e: score for e, score, _ in scored}
    ranks = {e: rank for e, _, rank in scored}
    groups: dict[str, list[int]] = {}
    pairs: list[tuple[int, str | None]] = list(
        Enterprise.chains.through.objects.filter(enterprise_id__in=scores).values_list(
            "enterprise_id", "industrialchain__name") if by == "chain" else
        Enterprise.objects.filter(pk__in=scores).values_list("pk", "street__name"))
    for enterprise_id, name in pairs:
        groups.setdefault(name or "未登记", []).append(enterprise_id)
    rows = [GroupRow(name, len(ids), round(float(np.mean([scores[i] for i in ids])), 2),
                     round(float(np.median([scores[i] for i in ids])), 2), min(ranks[i] for i in ids))
            for name, ids in groups.items()]
    return sorted(rows, key=lambda r: -r.median)


def index_trend(runs: dict[int, IndexRun]) -> dict[str, Any]:
    """Per chain, the median score of each year's latest run (each year normalised on its own: a trend of the
    relative position)."""
    years = sorted(runs)
    series: dict[str, list[float | None]] = {}
    for k, year in enumerate(years):
        for row in index_by_group(runs[year], by="chain"):
            series.setdefault(row.name, [None] * len(years))[k] = row.median
    return {"years": years, "series": [{"name": n, "data": d} for n, d in sorted(series.items())]}


def enterprise_index(*, actor: User, enterprise_id: int) -> list[tuple[IndexRun, IndexScore]]:
    """An enterprise's score in each year's latest run: readers, and the enterprise's own users."""
    if not (policy.is_reader(actor) or policy.enterprise_id_of(actor) == enterprise_id):
        return []
    runs = {run.pk: run for run in IndexRun.objects.all().order_by("year", "computed_at", "pk")}
    latest = {run.year: run.pk for run in runs.values()}
    scores = IndexScore.objects.filter(run_id__in=latest.values(), enterprise_id=enterprise_id)
    return sorted(((runs[s.run_id], s) for s in scores), key=lambda pair: pair[0].year)

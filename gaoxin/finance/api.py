"""JSON endpoints of the finance records (django-ninja), mounted by the project on the API v1 at
``/api/v1/finance/`` (``gaoxin/urls.py``): reads over the selectors, scoped as the pages — 财政金融局 and leaders
everything; on the financing platform an enterprise its own demands and a bank's staff those proposed to their
bank. Money is in fen (integers). The startup loans' borrowers are masked except for the finance officers. Writes
stay on the pages, as for the policies. Authentication and the RFC 7807 error bodies are the API's."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import Field

from gaoxin.accounts.models import User
from gaoxin.core.apischema import ERRORS
from gaoxin.core.errors import NotFound, PermissionDenied
from gaoxin.core.pages import filter_text
from gaoxin.finance import policy, selectors

router = Router(tags=["金融服务"])


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]  # set by the API's auth classes


def _reader(request: HttpRequest) -> User:
    actor = _actor(request)
    if not policy.is_reader(actor):
        raise PermissionDenied("只有财政金融局工作人员和领导可以查看", code="finance_reader_only")
    return actor


class Page(Schema):
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


class GuidanceFundOut(Schema):
    id: int
    name: str
    parent: str | None = Field(description="母基金（空：本基金为母基金）")
    established_on: str
    term_years: int
    committed_fen: int
    own_committed_fen: int = Field(description="不含母基金出资的认缴")
    paid_in_fen: int
    invested_fen: int
    reinvest_pct: str = Field(description="返投比例（%，占基金规模）")
    reinvest_due_fen: int
    in_zone_fen: int = Field(description="投向区内的金额（返投完成）")


@router.get("/guidance-funds", response={200: list[GuidanceFundOut], **ERRORS},
            summary="政府引导基金（认缴、实缴、投资、返投）")
def guidance_funds(request: HttpRequest, page: Query[Page]) -> list[dict[str, Any]]:
    funds = selectors.guidance_fund_list(actor=_reader(request)).order_by("pk")[page.offset:page.offset + page.limit]
    return [{"id": f.pk, "name": f.name, "parent": f.parent.name if f.parent else None,
             "established_on": f.established_on.isoformat(), "term_years": f.term_years,
             **{k: selectors.annotated(f, k) or 0 for k in ("committed_fen", "own_committed_fen", "paid_in_fen",
                                                             "invested_fen", "in_zone_fen")},
             "reinvest_pct": f"{f.reinvest_pct:f}", "reinvest_due_fen": selectors.reinvest_due_fen(f)} for f in funds]


class YearPage(Page):
    year: int | None = Field(None, ge=2000, le=2100)


class InvestmentOut(Schema):
    id: int
    fund: str
    target: str
    enterprise_credit_code: str | None
    in_zone: bool
    round: str
    invested_on: str
    amount_fen: int
    exited_cost_fen: int


@router.get("/guidance-investments", response={200: list[InvestmentOut], **ERRORS}, summary="引导基金投资")
def guidance_investments(request: HttpRequest, filters: Query[YearPage]) -> list[dict[str, Any]]:
    rows = selectors.investment_list(actor=_reader(request), filters=selectors.InvestmentFilters(
        year=filters.year)).order_by("pk")[filters.offset:filters.offset + filters.limit]
    return [{"id": i.pk, "fund": i.fund.name, "target": i.target,
             "enterprise_credit_code": i.enterprise.credit_code if i.enterprise else None, "in_zone": i.in_zone,
             "round": i.round, "invested_on": i.invested_on.isoformat(), "amount_fen": i.amount_fen,
             "exited_cost_fen": selectors.annotated(i, "exited_cost_fen") or 0} for i in rows]


class DealFilters(YearPage):
    kind: str = Field("", max_length=8, description="equity 股权、debt 债权")
    series: str = Field("", max_length=50, description="活动品牌，如 资本力量1+6")


class DealOut(Schema):
    id: int
    enterprise: str
    enterprise_credit_code: str
    kind: str
    investor: str
    amount_fen: int
    closed_on: str
    event: str | None


@router.get("/financing-deals", response={200: list[DealOut], **ERRORS}, summary="企业融资（含资本活动归入）")
def financing_deals(request: HttpRequest, filters: Query[DealFilters]) -> list[dict[str, Any]]:
    rows = selectors.deal_list(actor=_reader(request), filters=selectors.DealFilters(
        year=filters.year, kind=filter_text(filters.kind), series=filter_text(filters.series))).order_by("pk")
    return [{"id": d.pk, "enterprise": d.enterprise.name, "enterprise_credit_code": d.enterprise.credit_code,
             "kind": d.kind, "investor": d.investor, "amount_fen": d.amount_fen, "closed_on": d.closed_on.isoformat(),
             "event": d.event.title if d.event else None} for d in rows[filters.offset:filters.offset + filters.limit]]


class LoanFilters(Page):
    granted_year: int | None = Field(None, ge=2000, le=2100)
    status: str = Field("", max_length=12)


class LoanOut(Schema):
    id: int
    number: str
    kind: str
    applicant: str = Field(description="申请人（非财政金融局人员脱敏）")
    id_number: str
    phone: str
    project: str
    status: str
    bank: str
    granted_on: str | None
    granted_fen: int | None
    subsidy_fen: int | None
    jobs_created: int | None


@router.get("/startup-loans", response={200: list[LoanOut], **ERRORS}, summary="创业担保贷款")
def startup_loans(request: HttpRequest, filters: Query[LoanFilters]) -> list[dict[str, Any]]:
    actor = _reader(request)
    rows = selectors.loan_list(actor=actor, filters=selectors.LoanFilters(
        status=filter_text(filters.status), granted_year=filters.granted_year)).order_by("pk")
    out = []
    for loan in rows[filters.offset:filters.offset + filters.limit]:
        who = selectors.borrower_of(loan, actor=actor)
        out.append({"id": loan.pk, "number": loan.number, "kind": loan.kind, "applicant": who.name,
                    "id_number": who.id_number, "phone": who.phone, "project": loan.project, "status": loan.status,
                    "bank": loan.bank, "granted_on": loan.granted_on.isoformat() if loan.granted_on else None,
                    "granted_fen": loan.granted_fen, "subsidy_fen": loan.subsidy_fen,
                    "jobs_created": loan.jobs_created})
    return out


class DemandFilters(Page):
    status: str = Field("", max_length=10)
    granted_year: int | None = Field(None, ge=2000, le=2100)


class ProposalOut(Schema):
    bank: str
    product: str
    reasons: list[str]
    due_at: str
    answer: str = Field(description="空：待答复；interested；declined")
    answered_at: str | None


class DemandOut(Schema):
    id: int
    enterprise: str
    amount_fen: int
    term_months: int
    purpose: str
    collateral: str
    status: str
    posted_at: str
    granted_fen: int | None
    granted_on: str | None
    proposals: list[ProposalOut]


@router.get("/demands", response={200: list[DemandOut], **ERRORS},
            summary="融资需求及其推送（读者全部；企业本企业的；银行推送给本行的）")
def demands(request: HttpRequest, filters: Query[DemandFilters]) -> list[dict[str, Any]]:
    actor = _actor(request)
    if not policy.is_platform_user(actor):
        raise PermissionDenied("无权查看融资需求", code="platform_only")
    rows = selectors.demand_list(actor=actor, filters=selectors.DemandFilters(
        status=filter_text(filters.status), granted_year=filters.granted_year)).order_by("pk")
    out = []
    for d in rows[filters.offset:filters.offset + filters.limit]:
        proposals = [{"bank": p.product.bank.name, "product": p.product.name, "reasons": p.reasons,
                      "due_at": p.due_at.isoformat(), "answer": p.answer,
                      "answered_at": p.answered_at.isoformat() if p.answered_at else None}
                     for p in selectors.proposals_of(d, actor=actor)]
        out.append({"id": d.pk, "enterprise": d.enterprise.name, "amount_fen": d.amount_fen,
                    "term_months": d.term_months, "purpose": d.purpose, "collateral": d.collateral,
                    "status": d.status, "posted_at": d.posted_at.isoformat(), "granted_fen": d.granted_fen,
                    "granted_on": d.granted_on.isoformat() if d.granted_on else None, "proposals": proposals})
    return out


class ScoreOut(Schema):
    enterprise: str
    enterprise_credit_code: str
    rank: int
    score: float
    pillars: list[float]
    rank_p05: float | None
    rank_p95: float | None


class IndexOut(Schema):
    year: int
    version: str
    config_digest: str
    input_digest: str
    enterprises: int
    computed_at: str
    imputed: dict[str, int]
    treatment: dict[str, str]
    scenarios: list[dict[str, Any]]
    scores: list[ScoreOut]


IndexYear = Annotated[int, Path(ge=2000, le=2100, description="年度")]


@router.get("/sme-index/{year}", response={200: IndexOut, **ERRORS}, summary="中原中小企业成长指数（该年最近一次计算）")
def sme_index(request: HttpRequest, year: IndexYear, page: Query[Page]) -> dict[str, Any]:
    run = selectors.latest_runs(actor=_reader(request)).get(year)
    if run is None:
        raise NotFound("该年度尚未计算成长指数")
    scores = selectors.index_scores(run)[page.offset:page.offset + page.limit]
    return {"year": run.year, "version": run.version, "config_digest": run.config_digest,
            "input_digest": run.input_digest, "enterprises": run.enterprises,
            "computed_at": run.computed_at.isoformat(), "imputed": run.imputed, "treatment": run.treatment,
            "scenarios": run.scenarios,
            "scores": [{"enterprise": s.enterprise.name, "enterprise_credit_code": s.enterprise.credit_code,
                        "rank": s.rank, "score": s.score, "pillars": s.pillars, "rank_p05": s.rank_p05,
                        "rank_p95": s.rank_p95} for s in scores]}

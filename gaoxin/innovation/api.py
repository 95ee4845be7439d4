"""JSON endpoints of innovation and technology transfer (django-ninja), mounted by the project on the API v1 at
``/api/v1/innovation/`` (``gaoxin/urls.py``): technology demands, a demand's proposed achievements with the terms
that matched, achievements and technology contracts — reads over the same scoped selectors as the pages (an
enterprise its own demands and contracts and the listed achievements, an institution its own achievements, the
科技创新局 and leaders all). Writes stay on the pages and the Excel ledgers: creating a record through the API would
need the API app's idempotency layer, which sits above this app. Authentication and the RFC 7807 error bodies are
the API's."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import Field

from gaoxin.accounts.models import User
from gaoxin.core.apischema import ERRORS
from gaoxin.core.errors import NotFound
from gaoxin.core.pages import filter_text
from gaoxin.innovation import selectors
from gaoxin.innovation.models import Achievement, Match, TechContract, TechDemand

router = Router(tags=["科技创新与成果转化"])
MAX_ID = 2**63 - 1
DemandId = Annotated[int, Path(ge=1, le=MAX_ID, description="技术需求 id")]



class Filters(Schema):
    status: str = Field("", max_length=12, description="状态")
    field: str = Field("", max_length=32, description="技术领域（产业链编码）")
    q: str = Field("", max_length=100, description="名称、编号或单位中的文字")
    year: int | None = Field(None, ge=2000, le=2100)
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)

    def selector_filters(self) -> selectors.Filters:
        return selectors.Filters(status=filter_text(self.status), field=filter_text(self.field),
                                 q=filter_text(self.q), year=self.year)


class DemandOut(Schema):
    id: int
    number: str
    enterprise: str
    enterprise_credit_code: str
    title: str
    text: str
    field: str = Field(description="技术领域（产业链编码）")
    budget: str | None = Field(description="预算（万元）")
    deadline: str | None
    required_readiness: int | None = Field(description="要求技术就绪度（GB/T 22900-2022，1–9）")
    status: str
    posted_at: str
    solved_by: str | None


class ProposalOut(Schema):
    achievement_id: int
    achievement_number: str
    achievement: str
    institution: str
    readiness: int
    score: float
    terms: list[str] = Field(description="命中词")
    status: str


class AchievementOut(Schema):
    id: int
    number: str
    institution: str
    name: str
    keywords: list[str]
    text: str
    field: str
    form: str
    readiness: int
    transfer_method: str
    price: str | None = Field(description="意向价格（万元）")
    listed_on: str | None
    transferred_on: str | None


class ContractOut(Schema):
    id: int
    number: str
    kind: str
    title: str
    seller: str
    buyer: str
    amount: str = Field(description="合同成交额（万元）")
    signed_on: str
    status: str
    tech_income: str | None = Field(description="技术交易额（万元）")
    certificate_no: str | None
    registered_at: str | None


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]  # set by the API's auth classes


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _demand_out(d: TechDemand) -> dict[str, Any]:
    return {"id": d.pk, "number": d.number, "enterprise": d.enterprise.name,
            "enterprise_credit_code": d.enterprise.credit_code, "title": d.title, "text": d.text,
            "field": d.field.code, "budget": _money(d.budget),
            "deadline": d.deadline.isoformat() if d.deadline else None, "required_readiness": d.required_readiness,
            "status": d.status, "posted_at": d.posted_at.isoformat(),
            "solved_by": d.solved_by.name if d.solved_by else None}


def _proposal_out(m: Match) -> dict[str, Any]:
    a = m.achievement
    return {"achievement_id": a.pk, "achievement_number": a.number, "achievement": a.name,
            "institution": a.institution.name, "readiness": a.readiness, "score": round(m.score, 4),
            "terms": list(m.terms), "status": m.status}


def _achievement_out(a: Achievement) -> dict[str, Any]:
    return {"id": a.pk, "number": a.number, "institution": a.institution.name, "name": a.name,
            "keywords": list(a.keywords), "text": a.text, "field": a.field.code, "form": a.form,
            "readiness": a.readiness, "transfer_method": a.transfer_method, "price": _money(a.price),
            "listed_on": a.listed_on.isoformat() if a.listed_on else None,
            "transferred_on": a.transferred_on.isoformat() if a.transferred_on else None}


def _contract_out(c: TechContract) -> dict[str, Any]:
    return {"id": c.pk, "number": c.number, "kind": c.kind, "title": c.title, "seller": c.seller, "buyer": c.buyer,
            "amount": str(c.amount), "signed_on": c.signed_on.isoformat(), "status": c.status,
            "tech_income": _money(c.tech_income), "certificate_no": c.certificate_no,
            "registered_at": c.registered_at.isoformat() if c.registered_at else None}


@router.get("/demands", response={200: list[DemandOut], **ERRORS}, summary="技术需求列表")
def demand_list(request: HttpRequest, filters: Query[Filters]) -> list[dict[str, Any]]:
    demands = selectors.demand_list(actor=_actor(request), filters=filters.selector_filters()).order_by("pk")
    return [_demand_out(d) for d in demands[filters.offset:filters.offset + filters.limit]]


@router.get("/demands/{demand_id}", response={200: DemandOut, **ERRORS}, summary="技术需求详情")
def demand_detail(request: HttpRequest, demand_id: DemandId) -> dict[str, Any]:
    return _demand_out(_demand(request, demand_id))


@router.get("/demands/{demand_id}/proposals", response={200: list[ProposalOut], **ERRORS},
            summary="需求的成果推荐（得分与命中词）")
def demand_proposals(request: HttpRequest, demand_id: DemandId) -> list[dict[str, Any]]:
    demand = _demand(request, demand_id)
    return [_proposal_out(m) for m in selectors.demand_matches(actor=_actor(request), demand=demand)]


def _demand(request: HttpRequest, demand_id: int) -> TechDemand:
    demand = selectors.demand_list(actor=_actor(request)).filter(pk=demand_id).first()
    if demand is None:
        raise NotFound("技术需求不存在（或不在您的范围内）")
    return demand


@router.get("/achievements", response={200: list[AchievementOut], **ERRORS},
            summary="科技成果列表（status：listed 已发布清单、unlisted 未发布、transferred 已转化）")
def achievement_list(request: HttpRequest, filters: Query[Filters]) -> list[dict[str, Any]]:
    achievements = selectors.achievement_list(actor=_actor(request),
                                              filters=filters.selector_filters()).order_by("pk")
    return [_achievement_out(a) for a in achievements[filters.offset:filters.offset + filters.limit]]


@router.get("/contracts", response={200: list[ContractOut], **ERRORS}, summary="技术合同认定登记列表")
def contract_list(request: HttpRequest, filters: Query[Filters]) -> list[dict[str, Any]]:
    contracts = selectors.contract_list(actor=_actor(request), filters=filters.selector_filters()).order_by("pk")
    return [_contract_out(c) for c in contracts[filters.offset:filters.offset + filters.limit]]

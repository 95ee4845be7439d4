"""JSON endpoints of the enterprise policies (django-ninja), mounted by the project on the API v1 at
``/api/v1/policies/`` (``gaoxin/urls.py``): the published catalog with its dated parameters, decisions (scoped as
the pages: officers and leaders all, an enterprise its own, a service cadre the enterprises of its scope) with
their traces, the policy calculator, and the reconciliation per policy. Money is in fen (integers). A bank account
is masked except for the 财政金融局 officers, who pay it. Writes stay on the pages: an idempotent create needs the
API app's idempotency layer, which sits above this app. Authentication and the RFC 7807 error bodies are the
API's."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import Field

from gaoxin.accounts.models import User
from gaoxin.core.apischema import ERRORS
from gaoxin.core.calendar import local_today
from gaoxin.core.errors import NotFound, PermissionDenied
from gaoxin.core.pages import filter_text
from gaoxin.policies import policy, selectors
from gaoxin.policies.models import BenefitItem, Decision, ParameterValue

router = Router(tags=["惠企政策兑现"])
MAX_ID = 2**63 - 1
DecisionId = Annotated[int, Path(ge=1, le=MAX_ID, description="兑现决定 id")]


class ParameterOut(Schema):
    name: str
    label: str
    start: str = Field(description="生效日期")
    value: str = Field(description="值（单位见 unit：yuan 元、wan 万元、rate 比例、count 数量）")
    unit: str
    reference: str = Field(description="依据（文号、条款）")


class ItemOut(Schema):
    code: str
    name: str
    clause: str = Field(description="条款")
    route: str = Field(description="auto 免申即享、apply 快申快享")
    family: str = Field(description="规则类型")
    exclusive_group: str = Field(description="不重复享受组（空：无）")
    materials: list[str] = Field(description="快申快享的申报材料")
    review_days: int = Field(description="审核时限（工作日）")
    parameters: list[ParameterOut]


class PolicyOut(Schema):
    code: str
    doc_number: str
    title: str
    issuer: str
    in_force_from: str
    in_force_to: str | None
    synthetic: bool
    items: list[ItemOut]


class DecisionFilters(Schema):
    status: str = Field("", max_length=12, description="状态")
    policy: str = Field("", max_length=32, description="政策编码")
    route: str = Field("", max_length=8, description="auto 或 apply")
    year: int | None = Field(None, ge=2000, le=2100)
    paid_year: int | None = Field(None, ge=2000, le=2100, description="在该年拨付")
    q: str = Field("", max_length=100, description="编号、企业名称或统一社会信用代码中的文字")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)

    def selector_filters(self) -> selectors.Filters:
        return selectors.Filters(status=filter_text(self.status), policy=filter_text(self.policy),
                                 route=filter_text(self.route), year=self.year, q=filter_text(self.q),
                                 paid_year=self.paid_year)


class DecisionOut(Schema):
    id: int
    number: str
    policy: str = Field(description="政策编码")
    item: str = Field(description="兑现事项编码")
    item_name: str
    enterprise: str
    enterprise_credit_code: str
    year: int
    route: str
    evaluated_on: str
    amount_fen: int = Field(description="兑现金额（分）")
    status: str
    bank_name: str
    bank_account: str = Field(description="银行账号（财政金融局以外脱敏）")
    review_due: str | None
    refusal_reason: str
    notice: str | None = Field(description="公示编号")
    payment_batch: str | None = Field(description="拨付批次号")
    paid_on: str | None
    paid_fen: int
    clawed_back_fen: int
    clawback_reason: str


class DecisionDetailOut(DecisionOut):
    trace: dict[str, Any] = Field(description="判定依据：条件、事实（期间与来源记录）、参数")


class CalculatorQuery(Schema):
    enterprise_id: int | None = Field(None, ge=1, le=MAX_ID, description="企业 id（企业用户可省略：本企业）")
    on: dt.date | None = Field(None, description="测算日期（默认今天）")


class ConditionOut(Schema):
    label: str
    held: bool


class CalculatorOut(Schema):
    item: str
    item_name: str
    policy: str
    route: str
    state: str = Field(description="eligible 符合、near 差一项条件、no 不符合")
    amount_fen: int
    conditions: list[ConditionOut]
    unmet: list[str] = Field(description="未满足的条件")
    decision: str | None = Field(description="本年已有的兑现决定编号")


class ReconciliationOut(Schema):
    policy: str
    title: str
    budget_fen: int
    decided_fen: int
    awaiting_fen: int = Field(description="待公示")
    noticed_fen: int = Field(description="公示中")
    cleared_fen: int = Field(description="公示无异议待拨付")
    paid_fen: int
    clawed_back_fen: int
    net_fen: int = Field(description="净拨付")
    available_fen: int = Field(description="预算余额")
    enterprises_paid: int
    balanced: bool = Field(description="到分平衡：决定 = 各环节之和，拨付 = 拨付批次，余额不为负")


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]  # set by the API's auth classes


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _decision_out(d: Decision, *, full_account: bool) -> dict[str, Any]:
    return {"id": d.pk, "number": d.number, "policy": d.item.clause.policy.code, "item": d.item.code,
            "item_name": d.item.name, "enterprise": d.enterprise.name,
            "enterprise_credit_code": d.enterprise.credit_code, "year": d.year, "route": d.route,
            "evaluated_on": d.evaluated_on.isoformat(), "amount_fen": d.amount_fen, "status": d.status,
            "bank_name": d.bank_name,
            "bank_account": d.bank_account if full_account or not d.bank_account else selectors.mask_account(
                d.bank_account),
            "review_due": d.review_due.isoformat() if d.review_due else None, "refusal_reason": d.refusal_reason,
            "notice": d.notice.number if d.notice else None,
            "payment_batch": d.payment_batch.number if d.payment_batch else None, "paid_on": _date(d.paid_on),
            "paid_fen": d.paid_fen, "clawed_back_fen": d.clawed_back_fen, "clawback_reason": d.clawback_reason}


@router.get("/catalog", response={200: list[PolicyOut], **ERRORS}, summary="已发布的政策、兑现事项及其分期参数")
def catalog(request: HttpRequest) -> list[dict[str, Any]]:
    policies = list(selectors.policy_list(actor=_actor(request)))
    items = BenefitItem.objects.filter(clause__policy__in=policies).select_related("clause").order_by("code")
    parameters: dict[int, list[dict[str, Any]]] = {}
    for v in ParameterValue.objects.filter(item__in=items).order_by("item_id", "name", "start"):
        parameters.setdefault(v.item_id, []).append({
            "name": v.name, "label": v.label, "start": v.start.isoformat(), "value": f"{v.value.normalize():f}",
            "unit": v.unit, "reference": v.reference})
    by_policy: dict[int, list[dict[str, Any]]] = {}
    for item in items:
        by_policy.setdefault(item.clause.policy_id, []).append({
            "code": item.code, "name": item.name, "clause": item.clause.number, "route": item.route,
            "family": item.family, "exclusive_group": item.exclusive_group, "materials": list(item.materials),
            "review_days": item.review_days, "parameters": parameters.get(item.pk, [])})
    return [{"code": p.code, "doc_number": p.doc_number, "title": p.title, "issuer": p.issuer,
             "in_force_from": p.in_force_from.isoformat(), "in_force_to": _date(p.in_force_to),
             "synthetic": p.is_synthetic, "items": by_policy.get(p.pk, [])} for p in policies]


@router.get("/decisions", response={200: list[DecisionOut], **ERRORS}, summary="兑现决定列表（按范围）")
def decision_list(request: HttpRequest, filters: Query[DecisionFilters]) -> list[dict[str, Any]]:
    actor = _actor(request)
    decisions = selectors.decision_list(actor=actor, filters=filters.selector_filters()).order_by("pk")
    full = policy.is_finance_officer(actor)
    return [_decision_out(d, full_account=full)
            for d in decisions[filters.offset:filters.offset + filters.limit]]


@router.get("/decisions/{decision_id}", response={200: DecisionDetailOut, **ERRORS},
            summary="兑现决定详情（含判定依据）")
def decision_detail(request: HttpRequest, decision_id: DecisionId) -> dict[str, Any]:
    actor = _actor(request)
    decision = selectors.decision_get(actor=actor, pk=decision_id)
    if decision is None:
        raise NotFound("兑现决定不存在（或不在您的范围内）")
    return _decision_out(decision, full_account=policy.is_finance_officer(actor)) | {"trace": decision.trace}


@router.get("/calculator", response={200: list[CalculatorOut], **ERRORS},
            summary="政策计算器：一家企业在某日符合、差一项条件和不符合的兑现事项")
def calculator(request: HttpRequest, query: Query[CalculatorQuery]) -> list[dict[str, Any]]:
    actor = _actor(request)
    scope = selectors.calculator_enterprises(actor=actor)
    enterprise = scope.filter(pk=query.enterprise_id).first() if query.enterprise_id else (
        scope.first() if scope.count() == 1 else None)
    if enterprise is None:
        raise NotFound("企业不存在（或不在您的范围内）；请用 enterprise_id 指明企业", field="enterprise_id")
    on = query.on or local_today()
    return [{"item": r.item.code, "item_name": r.item.name, "policy": r.item.clause.policy.code,
             "route": r.item.route, "state": r.state, "amount_fen": r.trace["amount_fen"],
             "conditions": [{"label": c["label"], "held": c["held"]} for c in r.trace["conditions"]],
             "unmet": [c["label"] for c in r.unmet], "decision": r.decision.number if r.decision else None}
            for r in selectors.calculator(enterprise=enterprise, on=on)]


@router.get("/reconciliation", response={200: list[ReconciliationOut], **ERRORS},
            summary="各政策的预算、决定、公示、拨付、追回与余额（到分）")
def reconciliation(request: HttpRequest, year: Annotated[int, Query(ge=2000, le=2100)]) -> list[dict[str, Any]]:
    actor = _actor(request)
    if not policy.is_reader(actor):
        raise PermissionDenied("只有政策兑现、财政金融工作人员和领导可以查看对账", code="policies_reader_only")
    return [{"policy": r["policy"].code, "title": r["policy"].title, "budget_fen": r["budget"],
             "decided_fen": r["decided"], "awaiting_fen": r["awaiting"], "noticed_fen": r["noticed"],
             "cleared_fen": r["cleared"], "paid_fen": r["paid"], "clawed_back_fen": r["back"], "net_fen": r["net"],
             "available_fen": r["available"], "enterprises_paid": r["enterprises"], "balanced": r["balanced"]}
            for r in selectors.reconciliation(actor=actor, year=year)]

"""Pages of the enterprise policies (惠企政策兑现), thin over the services and selectors:

- 企业服务局 policy officers: the board (matching runs), the catalog (a policy's clauses, items, dated parameters
  and rule tests; a new policy uploaded as a rules file; publication), the decisions (review of applications,
  notices), notices with their objections, clawbacks, the reconciliation;
- 财政金融局: the cleared decisions, payment batches and the treasury's Excel;
- enterprises: my policies (matched, applied, noticed, paid), the policy calculator, confirming an account,
  applying; service cadres: the calculator for an enterprise of their scope;
- leaders: the board (money by policy, chain, street and size) and every list, read only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core import pages
from gaoxin.core.calendar import local_today
from gaoxin.core.errors import ApplicationError, NotFound
from gaoxin.core.validation import parse_date
from gaoxin.enterprises.models import AnnualFigures, Enterprise, QualificationAward
from gaoxin.enterprises.scope import own_enterprise_id
from gaoxin.policies import engine, ledger, policy, selectors, services
from gaoxin.policies.models import BenefitItem, Decision, Objection
from gaoxin.policies.rules.families import FAMILY_LABELS

page = pages.page


def actor_of(request: HttpRequest) -> User:
    user = pages.actor_of(request)
    assert isinstance(user, User)
    return user


def is_enterprise(user: User) -> bool:
    return user.role == Role.ENTERPRISE and own_enterprise_id(user) is not None


def may_see_decisions(user: User) -> bool:
    return policy.is_reader(user) or is_enterprise(user) or user.role == Role.SERVICE_CADRE


def may_use_calculator(user: User) -> bool:
    return policy.is_reader(user) or is_enterprise(user) or user.role == Role.SERVICE_CADRE



def _year(request: HttpRequest) -> int:
    text = request.GET.get("year", "")
    if text.isdecimal() and 2000 <= int(text) <= 2100:
        return int(text)
    latest = Decision.objects.order_by("-year").values_list("year", flat=True).first()
    return int(latest) if latest else local_today().year


def _date(value: str | None, *, field: str, label: str) -> dt.date | None:
    try:
        return parse_date(value)
    except ValueError:
        raise ApplicationError(_("%(label)s：格式应为 YYYY-MM-DD") % {"label": label}, field=field,
                               code="invalid_date") from None


def _decision(actor: User, pk: int) -> Decision:
    found = selectors.decision_get(actor=actor, pk=pk)
    if found is None:
        raise NotFound(_("记录不存在或不在您的范围内"))
    return found


# --- board ---------------------------------------------------------------------------------------------------

@page(policy.is_reader)
def board(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    year = _year(request)
    rows = selectors.reconciliation(actor=actor, year=year)
    totals = {key: sum(r[key] for r in rows) for key in ("budget", "decided", "paid", "back", "net", "available")}
    created = None
    if request.method == "POST" and policy.is_policy_officer(actor):
        on = _date(request.POST.get("on"), field="on", label=_("判定日期")) or local_today()
        created = services.matching_run(actor=actor, on=on)
    return render(request, "policies/board.html", {
        "year": year, "totals": totals, "policies": sum(1 for r in rows if r["paid"] > 0), "created": created,
        "by": {key: selectors.money_by(actor=actor, year=year, by=key) for key in ("policy", "chain", "street",
                                                                                   "size")},
        "is_officer": policy.is_policy_officer(actor), "today": local_today(),
        "pending": selectors.decision_list(actor=actor).filter(status=Decision.Status.APPLIED).count()})


# --- catalog -------------------------------------------------------------------------------------------------

@page(lambda u: u.is_authenticated)
def catalog(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    error = None
    if request.method == "POST" and policy.is_policy_officer(actor):
        upload = request.FILES.get("file")
        try:
            if upload is None or upload.size is None or upload.size > 200_000:
                raise ApplicationError(_("政策规则文件：请选择不超过 200 KB 的 YAML 文件"), field="file",
                                       code="required")
            loaded = services.catalog_upload(actor=actor, text=upload.read().decode("utf-8", errors="replace"))
            return redirect("policies:policy_detail", code=loaded.code)
        except ApplicationError as exc:
            error = exc
    return render(request, "policies/catalog.html", {
        "policies": selectors.policy_list(actor=actor, include_drafts=True), "error": error,
        "is_officer": policy.is_policy_officer(actor)}, status=error.status if error else 200)


@page(lambda u: u.is_authenticated)
def policy_detail(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_of(request)
    p = selectors.policy_list(actor=actor, include_drafts=True).filter(code=code).first()
    if p is None:
        raise NotFound(_("政策不存在"))
    error, results = None, {}
    if request.method == "POST" and policy.is_policy_officer(actor):
        action = request.POST.get("action", "")
        try:
            if action == "publish":
                services.policy_publish(actor=actor, policy_=p)
                return redirect("policies:policy_detail", code=p.code)
            item = BenefitItem.objects.filter(clause__policy=p, pk=pages.posted_id(request.POST.get("item"))).first()
            if item is None:
                raise ApplicationError(_("兑现事项：请选择事项"), field="item", code="required")
            if action == "parameter":
                start = _date(request.POST.get("start"), field="start", label=_("生效日期"))
                if start is None:
                    raise ApplicationError(_("生效日期：不能为空"), field="start", code="required")
                services.parameter_set(actor=actor, item=item, name=request.POST.get("name", ""), start=start,
                                       value=request.POST.get("value", ""),
                                       reference=request.POST.get("reference", ""))
                return redirect("policies:policy_detail", code=p.code)
            if action == "tests":
                results[item.pk] = services.item_test_failures(item)
        except ApplicationError as exc:
            error = exc
    items = list(BenefitItem.objects.filter(clause__policy=p).select_related("clause").order_by("clause_id", "code"))
    for item in items:
        item.rule = engine.rule_of(item)  # type: ignore[attr-defined]  # for the template
        item.family_label = FAMILY_LABELS.get(item.family, item.family)  # type: ignore[attr-defined]
        item.values = item.parameters.order_by("name", "start")  # type: ignore[attr-defined]
        item.n_tests = len(services.catalog.parse_tests(item.tests))  # type: ignore[attr-defined]
        item.result = results.get(item.pk)  # type: ignore[attr-defined]
    return render(request, "policies/policy_detail.html", {
        "p": p, "clauses": p.clauses.all(), "items": items, "error": error, "today": local_today(),
        "is_officer": policy.is_policy_officer(actor), "budgets": p.budgets.order_by("year")},
        status=error.status if error else 200)


# --- decisions -----------------------------------------------------------------------------------------------

def _year_param(request: HttpRequest, name: str) -> int | None:
    text = request.GET.get(name, "")
    return int(text) if text.isdecimal() and 2000 <= int(text) <= 2100 else None


def _filters(request: HttpRequest) -> selectors.Filters:
    return selectors.Filters(status=pages.param(request, "status", max_length=20),
                             policy=pages.param(request, "policy", max_length=32),
                             route=pages.param(request, "route", max_length=8), q=pages.param(request, "q"),
                             year=_year_param(request, "year"), paid_year=_year_param(request, "paid_year"))


@page(may_see_decisions)
def decision_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    filters = _filters(request)
    qs = selectors.decision_list(actor=actor, filters=filters)
    if request.GET.get("export") == "xlsx":
        return pages.xlsx_response(ledger.decisions_export(qs), "policy-decisions.xlsx")
    error, done = None, ""
    if request.method == "POST":
        chosen = list(qs.filter(pk__in=[pages.posted_id(v) for v in request.POST.getlist("decision")]))
        try:
            if request.POST.get("action") == "notice":
                notice = services.notice_publish(actor=actor, decisions=chosen, title=request.POST.get("title", ""))
                return redirect("policies:notice_detail", pk=notice.pk)
            if request.POST.get("action") == "pay":
                batch = services.payment_batch_create(actor=actor, decisions=chosen)
                return redirect("policies:batch_detail", pk=batch.pk)
        except ApplicationError as exc:
            error = exc
    return render(request, "policies/decisions.html", {
        "page": pages.paged(request, qs), "total": qs.count(), "filters": filters, "error": error, "done": done,
        "statuses": Decision.Status.choices, "routes": BenefitItem.Route.choices,
        "policies": selectors.policy_list(actor=actor), "is_officer": policy.is_policy_officer(actor),
        "is_finance": policy.is_finance_officer(actor), "is_enterprise": is_enterprise(actor)},
        status=error.status if error else 200)


@page(may_see_decisions)
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    d = _decision(actor, pk)
    error = None
    if request.method == "POST":
        data, action = request.POST, request.POST.get("action", "")
        try:
            if action == "confirm":
                services.decision_confirm(actor=actor, decision=d, bank_name=data.get("bank_name", ""),
                                          bank_account=data.get("bank_account", ""))
            elif action in ("approve", "refuse"):
                services.application_decide(actor=actor, decision=d, approve=action == "approve",
                                            reason=data.get("reason", ""))
            elif action == "object":
                received = _date(data.get("received_on"), field="received_on", label=_("收到日期")) or local_today()
                services.objection_record(actor=actor, decision=d, objector=data.get("objector", ""),
                                          text=data.get("text", ""), received_on=received)
            elif action == "clawback":
                services.clawback(actor=actor, decision=d, amount_yuan=data.get("amount", ""),
                                  reason=data.get("reason", ""))
            else:
                raise ApplicationError(_("操作：未知的操作"), field="action", code="unknown_action")
            return redirect("policies:decision_detail", pk=d.pk)
        except ApplicationError as exc:
            error = exc
            d = _decision(actor, pk)
    own = own_enterprise_id(actor) == d.enterprise_id
    trace = _trace_view(d.trace)
    return render(request, "policies/decision_detail.html", {
        "d": d, "trace": trace, **_records_of(trace), "events": d.events.order_by("seq"), "error": error,
        "account": d.bank_account if own else selectors.mask_account(d.bank_account) if d.bank_account else "",
        "own": own, "today": local_today(),
        "is_officer": policy.is_policy_officer(actor), "objections": d.objections.order_by("pk")},
        status=error.status if error else 200)


def _trace_view(trace: dict[str, Any]) -> dict[str, Any]:
    """The stored trace with its facts' records as links and money in yuan."""
    facts = []
    for fact in trace.get("facts", []):
        value = fact["value"]
        if fact["name"] in ("revenue", "rd_spending", "tax_paid") and isinstance(value, int):
            value = f"{Decimal(value) / 1_000_000:,.2f} 万元"
        elif fact["name"].startswith("qualified_since__") and value == "9999-12-31":
            value = _("未取得")
        links = []
        for ref in fact.get("records", []):
            kind, _sep, key = ref.partition(":")
            links.append({"label": {"award": _("资质记录"), "figures": _("年度经营数据"), "enterprise": _("企业登记")}
                          .get(kind, kind) + f" #{key}", "anchor": f"{kind}-{key}"})
        facts.append({**fact, "shown": value, "links": links})
    return {**trace, "facts": facts}


def _records_of(trace: dict[str, Any]) -> dict[str, Any]:
    """The registry records behind the trace's facts, shown on the decision's page (the anchors of its links)."""
    keys: dict[str, set[int]] = {"award": set(), "figures": set(), "enterprise": set()}
    for fact in trace.get("facts", []):
        for link in fact["links"]:
            kind, _sep, key = link["anchor"].partition("-")
            if kind in keys and key.isdecimal():
                keys[kind].add(int(key))
    return {"award_records": QualificationAward.objects.filter(pk__in=keys["award"]).select_related(
                "qualification_type").order_by("year"),
            "figure_records": AnnualFigures.objects.filter(pk__in=keys["figures"]).order_by("year"),
            "enterprise_records": Enterprise.objects.filter(pk__in=keys["enterprise"]).prefetch_related("chains")}


# --- calculator and applications -----------------------------------------------------------------------------

@page(may_use_calculator)
def calculator(request: HttpRequest) -> HttpResponse:
    """政策计算器: for the enterprise (its own) or for one of the cadre's/officer's scope (``?enterprise=``)."""
    actor = actor_of(request)
    scope = selectors.calculator_enterprises(actor=actor)
    asked = pages.posted_id(request.GET.get("enterprise"))
    enterprise = scope.first() if is_enterprise(actor) else scope.filter(pk=asked).first()
    query = pages.param(request, "q")
    candidates = scope.filter(name__icontains=query).order_by("name")[:20] if query else []
    rows: list[dict[str, Any]] = []
    on = _date(request.GET.get("on"), field="on", label=_("测算日期")) or local_today()
    if enterprise is not None:
        rows = [{"item": r.item, "trace": _trace_view(r.trace), "unmet": r.unmet, "state": r.state,
                 "decision": r.decision} for r in selectors.calculator(enterprise=enterprise, on=on)]
    return render(request, "policies/calculator.html", {
        "enterprise": enterprise, "rows": rows, "q": query, "candidates": candidates, "on": on,
        "today": local_today(), "is_enterprise": is_enterprise(actor)})


@page(lambda u: is_enterprise(u) or policy.is_policy_officer(u))
def apply(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_of(request)
    item = BenefitItem.objects.filter(code=code, route=BenefitItem.Route.APPLY).select_related("clause__policy").first()
    if item is None:
        raise NotFound(_("兑现事项不存在"))
    asked = pages.posted_id(request.GET.get("enterprise"))
    enterprise = Enterprise.objects.filter(pk=own_enterprise_id(actor) or asked).first()
    if enterprise is None:
        raise NotFound(_("企业不存在"))
    error = None
    if request.method == "POST":
        try:
            decision = services.application_submit(
                actor=actor, item=item, enterprise=enterprise, materials=request.POST.getlist("materials"),
                bank_name=request.POST.get("bank_name", ""), bank_account=request.POST.get("bank_account", ""))
            return redirect("policies:decision_detail", pk=decision.pk)
        except ApplicationError as exc:
            error = exc
    return render(request, "policies/apply.html", {"item": item, "enterprise": enterprise, "error": error,
                                                   "data": request.POST}, status=error.status if error else 200)


# --- notices -------------------------------------------------------------------------------------------------

@page(policy.is_reader)
def notice_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.notice_list(actor=actor_of(request))
    return render(request, "policies/notices.html", {"page": pages.paged(request, qs), "today": local_today()})


@page(policy.is_reader)
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    notice = selectors.notice_list(actor=actor).filter(pk=pk).first()
    if notice is None:
        raise NotFound(_("公示不存在"))
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                services.notice_close(actor=actor, notice=notice)
            else:
                chosen = pages.posted_id(request.POST.get("objection"))
                objection = Objection.objects.filter(decision__notice=notice, pk=chosen).first()
                if objection is None:
                    raise NotFound(_("异议不存在"))
                services.objection_handle(actor=actor, objection=objection,
                                          upheld=request.POST.get("action") == "uphold",
                                          answer=request.POST.get("answer", ""))
            return redirect("policies:notice_detail", pk=notice.pk)
        except ApplicationError as exc:
            error = exc
    return render(request, "policies/notice_detail.html", {
        "notice": notice, "decisions": notice.decisions.select_related("enterprise", "item").order_by("number"),
        "objections": selectors.objection_list(actor=actor, notice=notice), "error": error, "today": local_today(),
        "is_officer": policy.is_policy_officer(actor)}, status=error.status if error else 200)


# --- payments ------------------------------------------------------------------------------------------------

@page(policy.is_reader)
def batch_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.batch_list(actor=actor_of(request))
    return render(request, "policies/batches.html", {"page": pages.paged(request, qs)})


@page(policy.is_reader)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_list(actor=actor_of(request)).filter(pk=pk).first()
    if batch is None:
        raise NotFound(_("拨付批次不存在"))
    decisions = batch.decisions.select_related("enterprise", "item__clause__policy").order_by("number")
    if request.GET.get("export") == "xlsx":
        return pages.xlsx_response(ledger.batch_export(batch, decisions), f"payment-{batch.number}.xlsx")
    return render(request, "policies/batch_detail.html", {"batch": batch, "decisions": decisions,
                                                          "mask": selectors.mask_account})


@page(policy.is_reader)
def reconciliation(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    rows = selectors.reconciliation(actor=actor_of(request), year=year)
    keys = ("budget", "decided", "awaiting", "noticed", "cleared", "paid", "back", "net", "available", "batches")
    return render(request, "policies/reconciliation.html", {
        "year": year, "rows": rows, "totals": {k: sum(r[k] for r in rows) for k in keys},
        "balanced": all(r["balanced"] for r in rows)})


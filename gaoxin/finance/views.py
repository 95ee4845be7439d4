"""Pages of the finance records (issue 19), thin over the services and selectors. 财政金融局 office staff keep
the ledgers: fund managers (their funds and assets under management), government guidance funds (commitments,
paid-in capital, investments, exits, 返投), capital events with the financing attributed to them, and startup
guarantee loans (application, guarantee, grant, repayment), and the financing platform's certifications, banks
and products. On the platform an enterprise posts and follows its demands and a bank's staff answer the demands
proposed to their bank.
Leaders read every page, the borrowers' personal data masked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gaoxin.accounts.models import User
from gaoxin.core import clock, pages
from gaoxin.core.calendar import local_today
from gaoxin.core.errors import ApplicationError, NotFound
from gaoxin.core.ledger import LedgerHasErrors
from gaoxin.finance import ledger, matching, policy, selectors, services, sme_index
from gaoxin.finance.models import (
    CapitalEvent,
    Commitment,
    Exit,
    FinancingDeal,
    FinancingDemand,
    Fund,
    GuidanceFund,
    Investment,
    StartupLoan,
)

page = pages.page


def actor_of(request: HttpRequest) -> User:
    user = pages.actor_of(request)
    assert isinstance(user, User)
    return user


def _year(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdecimal() and 2000 <= int(text) <= 2100 else None


def _aum_date(year: int | None) -> dt.date:
    """The date the list reads the assets on: the end of the chosen year, else today."""
    today = local_today()
    return min(dt.date(year, 12, 31), today) if year else today


@page(policy.is_reader)
def manager_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    year = _year(request.GET.get("settled_year"))
    filters = selectors.Filters(settled_year=year, q=pages.param(request, "q"))
    on = _aum_date(year)
    managers = selectors.manager_list(actor=actor, filters=filters, on=on)
    if request.GET.get("export") == "xlsx":
        return pages.xlsx_response(ledger.managers_export(managers), "fund-managers.xlsx")
    error, form = None, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            made = services.manager_register(actor=actor, name=request.POST.get("name", ""),
                                             credit_code=request.POST.get("credit_code", ""),
                                             amac_number=request.POST.get("amac_number", ""),
                                             settled_on=request.POST.get("settled_on", ""))
            return redirect("finance:manager_detail", pk=made.pk)
        except ApplicationError as exc:
            error = exc
    rows = list(managers)
    aum_total = sum(selectors.annotated(m, "aum_fen") or 0 for m in rows)
    return render(request, "finance/managers.html", {
        "rows": rows, "total": len(rows), "aum_total": aum_total, "on": on,
        "year": year, "q": filters.q, "error": error, "form": form, "is_officer": policy.is_officer(actor),
        "today": local_today(), "years": list(range(local_today().year, 2018, -1))},
        status=error.status if error else 200)


@page(policy.is_reader)
def manager_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    manager = selectors.manager_get(actor=actor, pk=pk)
    if manager is None:
        raise NotFound("基金管理机构不存在")
    error, action, form = None, "", request.POST if request.method == "POST" else {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "fund":
                services.fund_register(actor=actor, manager=manager, name=request.POST.get("name", ""),
                                       size_wan=request.POST.get("size", ""), stage=request.POST.get("stage", ""),
                                       currency=request.POST.get("currency", ""),
                                       vintage=request.POST.get("vintage", ""))
            elif action == "aum":
                services.aum_record(actor=actor, manager=manager, as_of=request.POST.get("as_of", ""),
                                    amount_wan=request.POST.get("amount", ""), source=request.POST.get("source", ""))
            else:
                raise ApplicationError("未知的操作", field="action", code="invalid_action")
            return redirect("finance:manager_detail", pk=manager.pk)
        except ApplicationError as exc:
            error = exc
    context: dict[str, Any] = {
        "m": manager, "funds": selectors.funds_of(manager), "aum": selectors.aum_of(manager), "error": error,
        "action": action, "form": form, "is_officer": policy.is_officer(actor), "stages": Fund.Stage.choices,
        "currencies": Fund.Currency.choices, "today": local_today()}
    return render(request, "finance/manager_detail.html", context, status=error.status if error else 200)


# Government guidance funds (政府引导基金) -----------------------------------------------------------------------

def _guidance_chart(rows: list[GuidanceFund]) -> dict[str, Any]:
    """The dashboard's bars: per fund, committed vs paid in vs invested vs 返投 achieved, in 亿元."""
    def yi(fen: int | None) -> float:
        return round((fen or 0) / 1e10, 4)
    return {"funds": [f.name for f in rows],
            "committed": [yi(selectors.annotated(f, "committed_fen")) for f in rows],
            "paid_in": [yi(selectors.annotated(f, "paid_in_fen")) for f in rows],
            "invested": [yi(selectors.annotated(f, "invested_fen")) for f in rows],
            "reinvest_due": [yi(selectors.reinvest_due_fen(f)) for f in rows],
            "in_zone": [yi(selectors.annotated(f, "in_zone_fen")) for f in rows],
            "urls": [reverse("finance:guidance_detail", args=[f.pk]) for f in rows]}


def _guidance_tree(funds: list[GuidanceFund]) -> list[GuidanceFund]:
    """Parent funds each followed by their sub-funds; a sub-fund whose parent is not listed stands alone."""
    listed = {f.pk for f in funds}
    children: dict[int, list[GuidanceFund]] = {}
    for f in funds:
        if f.parent_id in listed:
            children.setdefault(f.parent_id, []).append(f)
    out: list[GuidanceFund] = []
    for f in funds:
        if f.parent_id not in listed:
            out += [f, *children.get(f.pk, [])]
    return out


@page(policy.is_reader)
def guidance_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    year = _year(request.GET.get("established_year"))
    filters = selectors.GuidanceFilters(established_year=year, q=pages.param(request, "q"))
    funds = selectors.guidance_fund_list(actor=actor, filters=filters)
    if request.GET.get("export") == "xlsx":
        return pages.xlsx_response(ledger.guidance_export(funds), "guidance-funds.xlsx")
    error, form = None, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            parent = selectors.guidance_fund_get(actor=actor, pk=pages.posted_id(request.POST.get("parent")))
            manager = selectors.manager_get(actor=actor, pk=pages.posted_id(request.POST.get("manager")))
            made = services.guidance_fund_register(
                actor=actor, name=request.POST.get("name", ""), parent=parent, manager=manager,
                established_on=request.POST.get("established_on", ""), term_years=request.POST.get("term_years", ""),
                reinvest_pct=request.POST.get("reinvest_pct", ""))
            return redirect("finance:guidance_detail", pk=made.pk)
        except ApplicationError as exc:
            error = exc
    rows = _guidance_tree(list(funds))
    totals = {key: sum(selectors.annotated(f, key) or 0 for f in rows)
              for key in ("committed_fen", "own_committed_fen", "paid_in_fen", "invested_fen", "in_zone_fen")}
    totals["reinvest_due_fen"] = sum(selectors.reinvest_due_fen(f) for f in rows)
    return render(request, "finance/guidance.html", {
        "rows": [(f, selectors.reinvest_due_fen(f), selectors.reinvest_progress_pct(f)) for f in rows],
        "totals": totals, "chart": _guidance_chart(rows), "year": year, "q": filters.q, "error": error,
        "form": form, "is_officer": policy.is_officer(actor), "today": local_today(),
        "years": list(range(local_today().year, 2014, -1)),
        "parents": selectors.guidance_fund_list(actor=actor).filter(parent__isnull=True),
        "managers": selectors.manager_list(actor=actor).order_by("name")},
        status=error.status if error else 200)


def _guidance_post(request: HttpRequest, actor: User, fund: GuidanceFund) -> None:
    action, post = request.POST.get("action", ""), request.POST
    if action == "commitment":
        services.commitment_add(actor=actor, fund=fund, source=post.get("source", ""),
                                investor=post.get("investor", ""), amount_wan=post.get("amount", ""),
                                committed_on=post.get("committed_on", ""))
    elif action == "paid_in":
        commitment = selectors.commitments_of(fund).filter(pk=pages.posted_id(post.get("commitment"))).first()
        if commitment is None:
            raise ApplicationError("出资人：请从列表中选择", field="commitment", code="invalid_choice")
        services.paid_in_record(actor=actor, commitment=commitment, paid_on=post.get("paid_on", ""),
                                amount_wan=post.get("amount", ""))
    elif action == "investment":
        services.investment_record(actor=actor, fund=fund, enterprise_code=post.get("enterprise_code", ""),
                                   target=post.get("target", ""), in_zone=post.get("in_zone") == "1",
                                   funding_round=post.get("round", ""), amount_wan=post.get("amount", ""),
                                   invested_on=post.get("invested_on", ""))
    elif action == "exit":
        investment = fund.investments.filter(pk=pages.posted_id(post.get("investment"))).first()
        if investment is None:
            raise ApplicationError("投资：请从列表中选择", field="investment", code="invalid_choice")
        services.exit_record(actor=actor, investment=investment, kind=post.get("kind", ""),
                             exited_on=post.get("exited_on", ""), cost_wan=post.get("cost", ""),
                             proceeds_wan=post.get("proceeds", ""))
    else:
        raise ApplicationError("未知的操作", field="action", code="invalid_action")


@page(policy.is_reader)
def guidance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    fund = selectors.guidance_fund_get(actor=actor, pk=pk)
    if fund is None:
        raise NotFound("引导基金不存在")
    error, form = None, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            _guidance_post(request, actor, fund)
            return redirect("finance:guidance_detail", pk=fund.pk)
        except ApplicationError as exc:
            error = exc
    investments = selectors.investment_list(actor=actor, filters=selectors.InvestmentFilters(fund=fund.pk))
    return render(request, "finance/guidance_detail.html", {
        "f": fund, "due": selectors.reinvest_due_fen(fund), "progress": selectors.reinvest_progress_pct(fund),
        "commitments": selectors.commitments_of(fund), "payments": selectors.payments_of(fund),
        "investments": investments, "exits": selectors.exits_of(fund),
        "sub_funds": selectors.guidance_fund_list(actor=actor).filter(parent=fund), "error": error,
        "action": request.POST.get("action", ""), "form": form, "is_officer": policy.is_officer(actor),
        "sources": Commitment.Source.choices, "rounds": Investment.Round.choices, "exit_kinds": Exit.Kind.choices,
        "today": local_today()}, status=error.status if error else 200)


@page(policy.is_reader)
def investment_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    fund = request.GET.get("fund", "")
    filters = selectors.InvestmentFilters(year=_year(request.GET.get("year")), q=pages.param(request, "q"),
                                          fund=pages.posted_id(fund) or None)
    investments = selectors.investment_list(actor=actor, filters=filters)
    if request.GET.get("export") == "xlsx":
        return pages.xlsx_response(ledger.investments_export(investments), "guidance-investments.xlsx")
    rows = list(investments)
    return render(request, "finance/investments.html", {
        "rows": rows, "total": len(rows), "amount_total": sum(i.amount_fen for i in rows),
        "in_zone_total": sum(i.amount_fen for i in rows if i.in_zone), "filters": filters,
        "funds": selectors.guidance_fund_list(actor=actor).order_by("name"), "is_officer": policy.is_officer(actor),
        "years": list(range(local_today().year, 2014, -1))})


# Startup guarantee loans (创业担保贷款) -------------------------------------------------------------------------

@page(policy.is_reader)
def loan_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    filters = selectors.LoanFilters(status=pages.param(request, "status"), kind=pages.param(request, "kind"),
                                    granted_year=_year(request.GET.get("granted_year")), q=pages.param(request, "q"))
    loans = selectors.loan_list(actor=actor, filters=filters)
    if request.GET.get("export") == "xlsx":
        return pages.xlsx_response(ledger.loans_export(loans, actor=actor), "startup-loans.xlsx")
    error, form = None, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        post = request.POST
        try:
            made = services.loan_apply(actor=actor, kind=post.get("kind", ""),
                                       applicant_name=post.get("applicant_name", ""),
                                       id_number=post.get("id_number", ""), credit_code=post.get("credit_code", ""),
                                       phone=post.get("phone", ""), project=post.get("project", ""),
                                       requested_wan=post.get("requested", ""), applied_on=post.get("applied_on", ""))
            return redirect("finance:loan_detail", pk=made.pk)
        except ApplicationError as exc:
            error = exc
    listed = pages.paged(request, loans)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "finance/loans.html", {
        "page": listed, "rows": [(loan, selectors.borrower_of(loan, actor=actor)) for loan in listed],
        "total": listed.paginator.count, "totals": selectors.loan_totals(loans), "filters": filters,
        "query": query.urlencode(), "statuses": StartupLoan.Status.choices, "kinds": StartupLoan.Kind.choices,
        "error": error, "form": form, "is_officer": policy.is_officer(actor), "today": local_today(),
        "years": list(range(local_today().year, 2014, -1))}, status=error.status if error else 200)


def _loan_post(request: HttpRequest, actor: User, loan: StartupLoan) -> None:
    action, post = request.POST.get("action", ""), request.POST
    if action in ("approve", "refuse"):
        services.loan_decide(actor=actor, loan=loan, approve=action == "approve",
                             decided_on=post.get("decided_on", ""), reason=post.get("reason", ""))
    elif action == "grant":
        services.loan_grant(actor=actor, loan=loan, bank=post.get("bank", ""), amount_wan=post.get("amount", ""),
                            granted_on=post.get("granted_on", ""), term_months=post.get("term_months", ""),
                            rate_pct=post.get("rate_pct", ""), jobs_created=post.get("jobs_created", ""))
    elif action == "repayment":
        services.loan_repayment(actor=actor, loan=loan, status=post.get("status", ""), on=post.get("on", ""))
    else:
        raise ApplicationError("未知的操作", field="action", code="invalid_action")


@page(policy.is_reader)
def loan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    loan = selectors.loan_get(actor=actor, pk=pk)
    if loan is None:
        raise NotFound("创业担保贷款不存在")
    error, form = None, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            _loan_post(request, actor, loan)
            return redirect("finance:loan_detail", pk=loan.pk)
        except ApplicationError as exc:
            error = exc
            loan.refresh_from_db()
    moves = services.REPAYMENT_MOVES.get(StartupLoan.Status(loan.status), set())
    return render(request, "finance/loan_detail.html", {
        "loan": loan, "borrower": selectors.borrower_of(loan, actor=actor), "error": error,
        "action": request.POST.get("action", ""), "form": form, "is_officer": policy.is_officer(actor),
        "moves": [(s.value, s.label) for s in StartupLoan.Status if s in moves], "today": local_today(),
        "max_term": services.MAX_TERM_MONTHS[StartupLoan.Kind(loan.kind)]}, status=error.status if error else 200)


# Capital events and financing (资本力量1+6, 企业融资) ------------------------------------------------------------

@page(policy.is_reader)
def event_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    filters = selectors.EventFilters(year=_year(request.GET.get("year")), q=pages.param(request, "q"))
    events = selectors.event_list(actor=actor, filters=filters)
    error, form = None, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        post = request.POST
        try:
            made = services.event_create(actor=actor, title=post.get("title", ""), series=post.get("series", ""),
                                         kind=post.get("kind", ""), held_on=post.get("held_on", ""),
                                         location=post.get("location", ""), investors=post.get("investors", ""))
            return redirect("finance:event_detail", pk=made.pk)
        except ApplicationError as exc:
            error = exc
    rows = list(events)
    return render(request, "finance/events.html", {
        "rows": rows, "deals_total": sum(selectors.annotated(e, "deals_fen") or 0 for e in rows),
        "filters": filters, "kinds": CapitalEvent.Kind.choices, "series": services.EVENT_SERIES, "error": error,
        "form": form, "is_officer": policy.is_officer(actor), "years": list(range(local_today().year, 2014, -1))},
        status=error.status if error else 200)


@page(policy.is_reader)
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    event = selectors.event_get(actor=actor, pk=pk)
    if event is None:
        raise NotFound("资本活动不存在")
    error, form, post = None, request.POST if request.method == "POST" else {}, request.POST
    if request.method == "POST":
        try:
            if post.get("action") == "attend":
                services.event_attend(actor=actor, event=event, enterprise_code=post.get("enterprise_code", ""))
            elif post.get("action") == "deal":
                services.deal_record(actor=actor, enterprise_code=post.get("enterprise_code", ""),
                                     kind=post.get("kind", ""), investor=post.get("investor", ""),
                                     amount_wan=post.get("amount", ""), closed_on=post.get("closed_on", ""),
                                     event=event)
            else:
                raise ApplicationError("未知的操作", field="action", code="invalid_action")
            return redirect("finance:event_detail", pk=event.pk)
        except ApplicationError as exc:
            error = exc
    return render(request, "finance/event_detail.html", {
        "e": event, "enterprises": event.enterprises.order_by("name"),
        "deals": selectors.deal_list(actor=actor, filters=selectors.DealFilters(event=event.pk)), "error": error,
        "action": post.get("action", ""), "form": form, "is_officer": policy.is_officer(actor),
        "deal_kinds": FinancingDeal.Kind.choices, "today": local_today(),
        "attribution_days": services.ATTRIBUTION_DAYS}, status=error.status if error else 200)


@page(policy.is_reader)
def deal_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    filters = selectors.DealFilters(year=_year(request.GET.get("year")), kind=pages.param(request, "kind"),
                                    series=pages.param(request, "series"), q=pages.param(request, "q"))
    deals = selectors.deal_list(actor=actor, filters=filters)
    if request.GET.get("export") == "xlsx":
        return pages.xlsx_response(ledger.deals_export(deals), "financing-deals.xlsx")
    error, form = None, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        post = request.POST
        try:
            services.deal_record(actor=actor, enterprise_code=post.get("enterprise_code", ""),
                                 kind=post.get("kind", ""), investor=post.get("investor", ""),
                                 amount_wan=post.get("amount", ""), closed_on=post.get("closed_on", ""))
            return redirect(f"{reverse('finance:deal_list')}?{request.GET.urlencode()}")
        except ApplicationError as exc:
            error = exc
    listed = pages.paged(request, deals)
    query = request.GET.copy()
    query.pop("page", None)
    totals = {kind: selectors.deal_total(deals.filter(kind=kind)) for kind in FinancingDeal.Kind.values}
    return render(request, "finance/deals.html", {
        "page": listed, "total": listed.paginator.count, "amount_total": sum(totals.values()), "totals": totals,
        "query": query.urlencode(), "filters": filters, "kinds": FinancingDeal.Kind.choices,
        "series": services.EVENT_SERIES, "error": error, "form": form, "is_officer": policy.is_officer(actor),
        "today": local_today(), "years": list(range(local_today().year, 2014, -1))},
        status=error.status if error else 200)


# The leaders' overview ---------------------------------------------------------------------------------------

@page(policy.is_reader)
def overview(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    year = _year(request.GET.get("year")) or selectors.latest_year() or local_today().year - 1
    raised = selectors.money_raised(actor=actor, year=year)
    labels = dict(selectors.CHANNELS)
    chart = {"channels": [str(_(labels[c])) for c in labels], "months": list(range(1, 13)),
             "series": [[round(f / 1e10, 4) for f in raised.by_month[c]] for c in labels]}
    chains = sorted(raised.by_chain.items(), key=lambda item: -sum(item[1].values()))
    links = {"guidance": f"{reverse('finance:investment_list')}?year={year}",
             "equity": f"{reverse('finance:deal_list')}?year={year}&kind=equity",
             "debt": f"{reverse('finance:deal_list')}?year={year}&kind=debt",
             "startup_loans": f"{reverse('finance:loan_list')}?granted_year={year}"}
    return render(request, "finance/overview.html", {
        "year": year, "raised": raised, "channels": selectors.CHANNELS, "chart": chart,
        "chains": [(name, [money[c] for c in labels], sum(money.values())) for name, money in chains],
        "totals": [raised.totals[c] for c in labels], "grand_total": sum(raised.totals.values()),
        "channel_rows": [(code, label, raised.totals[code], links[code]) for code, label in selectors.CHANNELS],
        "years": list(range(local_today().year, 2014, -1))})



# The financing platform (郑好融-style) ----------------------------------------------------------------------------

@page(policy.is_platform_user)
def demand_list(request: HttpRequest) -> HttpResponse:
    """Readers: every demand and the chain's measures; an enterprise: its own demands and the form to post one; a
    bank's staff: the demands proposed to their bank."""
    actor = actor_of(request)
    filters = selectors.DemandFilters(status=pages.param(request, "status"), year=_year(request.GET.get("year")),
                                      granted_year=_year(request.GET.get("granted_year")),
                                      q=pages.param(request, "q"))
    demands = selectors.demand_list(actor=actor, filters=filters)
    enterprise_id = policy.enterprise_id_of(actor)
    error, form = None, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        post = request.POST
        try:
            made = services.demand_post(actor=actor, amount_wan=post.get("amount", ""),
                                        term_months=post.get("term_months", ""), purpose=post.get("purpose", ""),
                                        collateral=post.get("collateral", ""), consent=post.get("consent") == "1")
            return redirect("finance:demand_detail", pk=made.pk)
        except ApplicationError as exc:
            error = exc
    listed = pages.paged(request, demands)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "finance/demands.html", {
        "page": listed, "total": listed.paginator.count, "query": query.urlencode(), "filters": filters,
        "stats": selectors.platform_stats(demands) if policy.is_reader(actor) else None,
        "granted_total": selectors.demand_granted_total(demands), "is_enterprise": enterprise_id is not None,
        "certified": selectors.own_enterprise_certified(actor), "statuses": FinancingDemand.Status.choices,
        "collaterals": FinancingDemand.Collateral.choices, "error": error, "form": form,
        "years": list(range(local_today().year, 2014, -1))}, status=error.status if error else 200)


def _demand_post(request: HttpRequest, actor: User, demand: FinancingDemand) -> None:
    action, post = request.POST.get("action", ""), request.POST
    proposal = selectors.proposals_of(demand, actor=actor).filter(pk=pages.posted_id(post.get("proposal"))).first()
    if action in ("interested", "decline", "grant") and proposal is None:
        raise ApplicationError("推送：请从列表中选择", field="proposal", code="invalid_choice")
    if action in ("interested", "decline"):
        assert proposal is not None
        services.proposal_answer(actor=actor, proposal=proposal, interested=action == "interested",
                                 note=post.get("note", ""))
    elif action == "grant":
        assert proposal is not None
        services.loan_granted(actor=actor, proposal=proposal, amount_wan=post.get("amount", ""),
                              granted_on=post.get("granted_on", ""))
    elif action == "withdraw":
        services.demand_withdraw(actor=actor, demand=demand, reason=post.get("reason", ""))
    elif action == "rematch":
        services.demand_rematch(actor=actor, demand=demand)
    elif action == "follow_up":
        services.follow_up_record(actor=actor, demand=demand, visited_on=post.get("visited_on", ""),
                                  satisfied=post.get("satisfied") == "1", note=post.get("note", ""))
    else:
        raise ApplicationError("未知的操作", field="action", code="invalid_action")


@page(policy.is_platform_user)
def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    demand = selectors.demand_get(actor=actor, pk=pk)
    if demand is None:
        raise NotFound("融资需求不存在")
    error, form = None, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            _demand_post(request, actor, demand)
            return redirect("finance:demand_detail", pk=demand.pk)
        except ApplicationError as exc:
            error = exc
            demand.refresh_from_db()
    return render(request, "finance/demand_detail.html", {
        "d": demand, "proposals": selectors.proposals_of(demand, actor=actor), "follow_ups": demand.follow_ups.all(),
        "is_open": demand.status in services.OPEN_STATES, "is_officer": policy.is_officer(actor),
        "is_owner": policy.enterprise_id_of(actor) == demand.enterprise_id,
        "bank_id": policy.bank_id_of(actor), "error": error, "action": request.POST.get("action", ""),
        "form": form, "now": clock.now(), "today": local_today(),
        "answer_days": services.ANSWER_WORKING_DAYS}, status=error.status if error else 200)


@page(lambda actor: policy.bank_id_of(actor) is not None)
def bank_desk(request: HttpRequest) -> HttpResponse:
    """A bank's staff: the proposals to answer (the oldest limit first) and those answered."""
    actor = actor_of(request)
    bank = selectors.bank_of(actor)
    assert bank is not None
    return render(request, "finance/bank_desk.html", {
        "bank": bank, "pending": selectors.bank_proposals(actor=actor, pending=True),
        "answered": selectors.bank_proposals(actor=actor, pending=False).order_by("-answered_at")[:100],
        "products": selectors.product_list(actor=actor).filter(bank=bank), "now": clock.now(),
        "answer_days": services.ANSWER_WORKING_DAYS})


@page(policy.is_reader)
def certification_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    year, q = _year(request.GET.get("year")), pages.param(request, "q")
    first_only = request.GET.get("first") == "1"
    certifications = selectors.certification_list(actor=actor, year=year, q=q)
    if first_only:
        certifications = selectors.first_certifications(certifications)
    error, form, post = None, request.POST if request.method == "POST" else {}, request.POST
    if request.method == "POST":
        try:
            if post.get("action") == "revoke":
                target = certifications.filter(pk=pages.posted_id(post.get("certification"))).first()
                if target is None:
                    raise ApplicationError("认证：请从列表中选择", field="certification", code="invalid_choice")
                services.certification_revoke(actor=actor, certification=target, revoked_on=post.get("revoked_on"),
                                              reason=post.get("reason", ""))
            else:
                services.certification_grant(actor=actor, enterprise_code=post.get("enterprise_code", ""),
                                             certified_on=post.get("certified_on", ""))
            return redirect(f"{reverse('finance:certification_list')}?{request.GET.urlencode()}")
        except ApplicationError as exc:
            error = exc
    listed = pages.paged(request, certifications)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "finance/certifications.html", {
        "page": listed, "total": listed.paginator.count, "query": query.urlencode(), "year": year, "q": q,
        "first_only": first_only, "error": error, "form": form, "is_officer": policy.is_officer(actor),
        "today": local_today(), "years": list(range(local_today().year, 2014, -1))},
        status=error.status if error else 200)


@page(policy.is_reader)
def bank_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    error, form, post = None, request.POST if request.method == "POST" else {}, request.POST
    if request.method == "POST":
        try:
            if post.get("action") == "bank":
                services.bank_register(actor=actor, name=post.get("name", ""))
            elif post.get("action") == "product":
                bank = selectors.bank_list(actor=actor).filter(pk=pages.posted_id(post.get("bank"))).first()
                if bank is None:
                    raise ApplicationError("银行：请从列表中选择", field="bank", code="invalid_choice")
                services.product_save(
                    actor=actor, bank=bank, name=post.get("name", ""), rate_min_pct=post.get("rate_min_pct", ""),
                    rate_max_pct=post.get("rate_max_pct", ""), amount_min_wan=post.get("amount_min", ""),
                    amount_max_wan=post.get("amount_max", ""), term_max_months=post.get("term_max_months", ""),
                    needs_collateral=post.get("needs_collateral") == "1",
                    rules={"sizes": post.getlist("sizes"), "chains_any": post.getlist("chains_any"),
                           "qualifications_any": post.getlist("qualifications_any"),
                           "min_employees": post.get("min_employees", ""),
                           "min_revenue_wan": post.get("min_revenue_wan", "")})
            else:
                raise ApplicationError("未知的操作", field="action", code="invalid_action")
            return redirect("finance:bank_list")
        except ApplicationError as exc:
            error = exc
    return render(request, "finance/banks.html", {
        "banks": selectors.bank_list(actor=actor), "products": selectors.product_list(actor=actor),
        "labels": matching.labels(), **selectors.rule_choices(),
        "error": error, "action": post.get("action", ""), "form": form, "is_officer": policy.is_officer(actor)},
        status=error.status if error else 200)


# The SME growth index (中原中小企业成长指数) ------------------------------------------------------------------

@page(policy.is_reader)
def index_overview(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    runs = selectors.latest_runs(actor=actor)
    year = _year(request.GET.get("year")) or (max(runs) if runs else local_today().year - 1)
    error = None
    if request.method == "POST":
        try:
            services.index_compute(actor=actor, year=_year(request.POST.get("year")) or 0)
            return redirect(f"{reverse('finance:index_overview')}?year={request.POST.get('year')}")
        except ApplicationError as exc:
            error = exc
    run = runs.get(year)
    cfg = sme_index.config()
    if run is not None and request.GET.get("export") == "xlsx":
        return pages.xlsx_response(ledger.index_export(run, selectors.index_scores(run)), f"sme-index-{year}.xlsx")
    listed = pages.paged(request, selectors.index_scores(run, q=pages.param(request, "q"))) if run else None
    query = request.GET.copy()
    query.pop("page", None)
    indicators = [(name, spec["label"], spec["pillar"], run.imputed.get(name) if run else None,
                   run.treatment.get(name) if run else None) for name, spec in cfg.indicators.items()]
    return render(request, "finance/index.html", {
        "year": year, "run": run, "page": listed, "total": listed.paginator.count if listed else 0,
        "query": query.urlencode(), "q": pages.param(request, "q"), "indicators": indicators,
        "pillar_labels": PILLAR_LABELS, "pillars": [(p, w) for p, w in cfg.pillars.items()],
        "chains": selectors.index_by_group(run, by="chain") if run else [],
        "streets": selectors.index_by_group(run, by="street") if run else [],
        "trend": selectors.index_trend(runs), "years": sorted(runs, reverse=True), "cfg": cfg, "error": error,
        "is_officer": policy.is_officer(actor), "compute_years": list(range(local_today().year - 1, 2014, -1))},
        status=error.status if error else 200)


PILLAR_LABELS = {"growth": gettext_noop("成长性"), "innovation": gettext_noop("创新力"),
                 "efficiency": gettext_noop("经营效益"), "financing": gettext_noop("融资活跃度")}


@page(policy.is_platform_user)
def index_enterprise(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    history = selectors.enterprise_index(actor=actor, enterprise_id=pk)
    if not history:
        raise NotFound("该企业没有成长指数（不在参评范围或无权查看）")
    cfg = sme_index.config()
    latest_run, latest = history[-1]
    return render(request, "finance/index_enterprise.html", {
        "enterprise": latest.enterprise, "history": history, "latest": latest, "latest_run": latest_run,
        "pillars": [(PILLAR_LABELS[p], v) for p, v in zip(cfg.pillars, latest.pillars, strict=True)],
        "indicators": [(spec["label"], v) for spec, v in zip(cfg.indicators.values(), latest.indicators,
                                                              strict=True)],
        "chart": {"years": [run.year for run, _ in history], "scores": [round(s.score, 2) for _, s in history],
                  "ranks": [s.rank for _, s in history]}})


@page(lambda actor: policy.enterprise_id_of(actor) is not None)
def index_mine(request: HttpRequest) -> HttpResponse:
    enterprise_id = policy.enterprise_id_of(actor_of(request))
    return redirect("finance:index_enterprise", pk=enterprise_id)


IMPORT_BACK = {"startup_loans": "finance:loan_list", "fund_managers": "finance:manager_list",
               "guidance_investments": "finance:investment_list", "financing_deals": "finance:deal_list"}


@page(policy.is_officer)
def ledger_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview (every bad cell) → commit, or the error workbook to correct; ``?kind=`` one of
    ``ledger.KINDS``."""
    actor = actor_of(request)
    kind = next((k for k in ledger.KINDS if k.name == request.GET.get("kind")), None)
    if kind is None:
        raise NotFound("没有这种台账")
    if request.GET.get("template"):
        return pages.xlsx_response(ledger.ledger_template(kind=kind.name), f"{kind.name}-template.xlsx")
    context: dict[str, Any] = {"kind": kind, "back": IMPORT_BACK[kind.name],
                               "title": _("导入%(ledger)s") % {"ledger": _(kind.label)}}
    uploaded = request.FILES.get("file") if request.method == "POST" else None
    if uploaded is not None:
        upload = uploaded.read()
        if request.POST.get("errors"):
            preview = ledger.ledger_import_preview(actor=actor, file=upload, kind=kind.name)
            return pages.xlsx_response(preview.error_workbook(), f"{kind.name}-errors.xlsx")
        if request.POST.get("commit"):
            try:
                context["result"] = ledger.ledger_import_commit(
                    actor=actor, file=upload, kind=kind.name, clean_rows_only=bool(request.POST.get("clean_rows_only")))
            except LedgerHasErrors as exc:
                context["preview"] = exc.preview
        else:
            context["preview"] = ledger.ledger_import_preview(actor=actor, file=upload, kind=kind.name)
    return render(request, "finance/import.html", context)

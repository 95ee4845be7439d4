"""Pages of the fund managers (基金管理机构, issue 19), thin over the services and selectors: 财政金融局 office
staff register a manager, its funds and its assets under management as of a date; leaders read the list (new
managers of a year, their assets at its end) and every record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from gaoxin.accounts.models import User
from gaoxin.core import pages
from gaoxin.core.calendar import local_today
from gaoxin.core.errors import ApplicationError, NotFound
from gaoxin.finance import ledger, policy, selectors, services
from gaoxin.finance.models import Fund

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

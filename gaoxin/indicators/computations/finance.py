"""Figures of the finance records, read through ``finance.metrics``: the fund managers (F063–F064), the equity
financing (F065), the financing platform (F066–F067), the government guidance funds (F068–F070), the financing of
the 资本力量1+6 events (F071) and the startup guarantee loans (F092–F093)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet, Sum

from gaoxin.finance import metrics
from gaoxin.finance.services import EVENT_SERIES
from gaoxin.indicators.computations.base import Computation, Computed, Context, Total


def fund_manager_metric(ctx: Context, *, metric: str) -> Computed:
    params = {"from": ctx.start_date.isoformat(), "to": ctx.end_date.isoformat()}
    managers = metrics.new_managers(actor=ctx.actor, start=ctx.start_date, end=ctx.end_date)
    url = f"/finance/managers/?{urlencode({'settled_year': ctx.year})}"
    if metric == "new_managers":
        return Computed(Decimal(managers.count()), {"metric": metric, **params}, url, "finance.metrics.new_managers",
                        records=managers)
    if metric == "new_aum":
        return Computed(metrics.aum_yi(managers), {"metric": metric, **params}, url, "finance.metrics.aum_yi",
                        records=managers, records_total=metrics.aum_yi)
    raise KeyError(metric)


def _sum(records: QuerySet[Any], field: str, divisor: Decimal) -> Decimal:
    return Decimal(records.aggregate(total=Sum(field))["total"] or 0) / divisor


def guidance_metric(ctx: Context, *, metric: str) -> Computed:
    params = {"metric": metric, "from": ctx.start_date.isoformat(), "to": ctx.end_date.isoformat()}
    if metric == "new_size":
        commitments = metrics.new_guidance_commitments(actor=ctx.actor, start=ctx.start_date, end=ctx.end_date)
        return Computed(_sum(commitments, "committed_fen", metrics.FEN_PER_YI), params,
                        f"/finance/guidance/?{urlencode({'established_year': ctx.year})}",
                        "finance.metrics.new_guidance_commitments", records=commitments,
                        total=Total("sum", "committed_fen", metrics.FEN_PER_YI))
    investments = metrics.guidance_investments(actor=ctx.actor, start=ctx.start_date, end=ctx.end_date)
    url = f"/finance/guidance/investments/?{urlencode({'year': ctx.year})}"
    if metric == "investments":
        return Computed(Decimal(investments.count()), params, url, "finance.metrics.guidance_investments",
                        records=investments)
    if metric == "invested":
        return Computed(_sum(investments, "amount_fen", metrics.FEN_PER_YI), params, url,
                        "finance.metrics.guidance_investments", records=investments,
                        total=Total("sum", "amount_fen", metrics.FEN_PER_YI))
    raise KeyError(metric)


def financing_metric(ctx: Context, *, metric: str) -> Computed:
    params = {"metric": metric, "from": ctx.start_date.isoformat(), "to": ctx.end_date.isoformat()}
    if metric == "equity":
        deals = metrics.equity_deals(actor=ctx.actor, start=ctx.start_date, end=ctx.end_date)
        query = {"year": ctx.year, "kind": "equity"}
    elif metric == "events":
        deals = metrics.event_deals(actor=ctx.actor, start=ctx.start_date, end=ctx.end_date)
        query = {"year": ctx.year, "series": EVENT_SERIES}
    else:
        raise KeyError(metric)
    return Computed(_sum(deals, "amount_fen", metrics.FEN_PER_YI), params, f"/finance/deals/?{urlencode(query)}",
                    f"finance.metrics.{metric}_deals", records=deals,
                    total=Total("sum", "amount_fen", metrics.FEN_PER_YI))


def platform_metric(ctx: Context, *, metric: str) -> Computed:
    params = {"metric": metric, "from": ctx.start_date.isoformat(), "to": ctx.end_date.isoformat()}
    if metric == "certified":
        certified = metrics.new_certifications(actor=ctx.actor, start=ctx.start_date, end=ctx.end_date)
        return Computed(Decimal(certified.count()), params,
                        f"/finance/certifications/?{urlencode({'year': ctx.year, 'first': 1})}",
                        "finance.metrics.new_certifications", records=certified)
    if metric == "loans":
        loans = metrics.platform_loans(actor=ctx.actor, start=ctx.start_date, end=ctx.end_date)
        return Computed(_sum(loans, "granted_fen", metrics.FEN_PER_YI), params,
                        f"/finance/demands/?{urlencode({'granted_year': ctx.year})}", "finance.metrics.platform_loans",
                        records=loans, total=Total("sum", "granted_fen", metrics.FEN_PER_YI))
    raise KeyError(metric)


def startup_loan_metric(ctx: Context, *, metric: str) -> Computed:
    params = {"metric": metric, "from": ctx.start_date.isoformat(), "to": ctx.end_date.isoformat()}
    loans = metrics.loans_granted(actor=ctx.actor, start=ctx.start_date, end=ctx.end_date)
    url = f"/finance/loans/?{urlencode({'granted_year': ctx.year})}"
    if metric == "granted":
        return Computed(_sum(loans, "granted_fen", metrics.FEN_PER_WAN), params, url, "finance.metrics.loans_granted",
                        records=loans, total=Total("sum", "granted_fen", metrics.FEN_PER_WAN))
    if metric == "jobs":
        return Computed(_sum(loans, "jobs_created", Decimal(1)), params, url, "finance.metrics.loans_granted",
                        records=loans, total=Total("sum", "jobs_created"))
    raise KeyError(metric)


COMPUTATIONS: dict[str, Computation] = {"fund_manager_metric": fund_manager_metric,
                                        "guidance_metric": guidance_metric, "financing_metric": financing_metric,
                                        "platform_metric": platform_metric,
                                        "startup_loan_metric": startup_loan_metric}

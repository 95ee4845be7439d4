"""Figures of the key projects (重大项目, F011–F015) and of land (一码管地: X001, the base of the F061 share and
the F062 rank, and F060), read through ``projects.metrics`` and ``land.metrics``. Amounts are kept in 万元 and
reported in 亿元 (÷ 10,000), areas in m² and reported in 亩."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from gaoxin.indicators.computations.base import Computation, Computed, Context, Total, aggregate
from gaoxin.land import metrics as land_metrics
from gaoxin.land.models import M2_PER_MU
from gaoxin.projects import metrics as project_metrics

YI = Decimal(10_000)  # 万元 per 亿元


def _url(path: str, **params: object) -> str:
    return f"{path}?{urlencode({k: v for k, v in params.items() if v not in (None, '')})}"


def signed_amount(ctx: Context) -> Computed:
    records = project_metrics.signed_contracts(actor=ctx.actor, start=ctx.start_date, end=ctx.end_date)
    total = Total("sum", "amount", YI)
    return Computed(aggregate(records, total), {"signed_year": ctx.year},
                    _url("/projects/contracts/", year=ctx.year), "projects.metrics.signed_contracts",
                    records=records, total=total)


def started_investment(ctx: Context) -> Computed:
    records = project_metrics.new_starts(actor=ctx.actor, start=ctx.start_date, end=ctx.end_date)
    total = Total("sum", "total_investment", YI)
    return Computed(aggregate(records, total), {"started_year": ctx.year},
                    _url("/projects/", started_year=ctx.year), "projects.metrics.new_starts", records=records,
                    total=total)


def key_projects(ctx: Context) -> Computed:
    records = project_metrics.key_projects(actor=ctx.actor, year=ctx.year)
    return Computed(Decimal(records.count()), {"year": ctx.year, "key": True},
                    _url("/projects/", year=ctx.year, key=1), "projects.metrics.key_projects", records=records)


def key_investment(ctx: Context) -> Computed:
    records = project_metrics.key_project_reports(actor=ctx.actor, year=ctx.year)
    total = Total("sum", "ytd", YI)
    return Computed(aggregate(records, total), {"year": ctx.year, "key": True},
                    _url("/projects/", year=ctx.year, key=1), "projects.metrics.key_project_reports",
                    records=records, total=total)


def key_completion(ctx: Context) -> Computed:
    """自年初累计 of the key projects ÷ their annual plans × 100."""
    records = project_metrics.key_project_reports(actor=ctx.actor, year=ctx.year)
    plans = project_metrics.key_projects(actor=ctx.actor, year=ctx.year)
    total, plan_total = Total("sum", "ytd"), Total("sum", "annual_plan")
    done, plan = aggregate(records, total), aggregate(plans, plan_total)
    value = None if not plan or done is None else done / plan * 100
    return Computed(value, {"year": ctx.year, "key": True}, _url("/projects/lights/", year=ctx.year),
                    "projects.metrics.key_project_reports", {"completed": str(done), "plan": str(plan)},
                    records=records, denominator_records=plans, total=total, denominator_total=plan_total)


def industrial_land_supplied(ctx: Context) -> Computed:
    records = land_metrics.industrial_supply_records(actor=ctx.actor, start=ctx.start_date, end=ctx.end_date)
    total = Total("sum", "parcel__area_m2", M2_PER_MU)
    return Computed(aggregate(records, total), {"year": ctx.year, "use_class": "industrial"},
                    _url("/land/supplies/", year=ctx.year, use_class="industrial"),
                    "land.metrics.industrial_supply_records", records=records, total=total)


def four_permit_days(ctx: Context) -> Computed:
    records = land_metrics.four_permit_records(actor=ctx.actor, start=ctx.start_date, end=ctx.end_date)
    total = Total("min", "four_permit_days")
    best, fastest = land_metrics.fastest_four_permits(actor=ctx.actor, start=ctx.start_date, end=ctx.end_date)
    return Computed(None if best is None else Decimal(best), {"year": ctx.year},
                    _url("/land/supplies/", year=ctx.year, permits="four"), "land.metrics.fastest_four_permits",
                    {"fastest_supplies": len(fastest)}, records=records, total=total)


COMPUTATIONS: dict[str, Computation] = {
    "project_signed_amount": signed_amount,
    "project_started_investment": started_investment,
    "key_project_count": key_projects,
    "key_project_investment": key_investment,
    "key_project_completion": key_completion,
    "industrial_land_supplied": industrial_land_supplied,
    "four_permit_days": four_permit_days,
}

"""The operations dashboard (城运中心大屏): one period × one slice (street, handling unit, grid / micro-grid),
computed by the database in a handful of aggregate queries over the metric cohort (``cases.metrics``), cached
briefly per viewer and slice. Every number carries the query string of the case list behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, Q
from django.urls import reverse

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.cases import metrics, selectors, timelimits, workflow
from gaoxin.cases.models import Category, Channel
from gaoxin.core.db import ShanghaiDate
from gaoxin.grids.models import Grid
from gaoxin.web.filters import SHANGHAI

CACHE_SECONDS = 30
KPIS = ("accepted_volume", "closure_rate", "on_time_closure_rate", "satisfaction_rate")
# The case-list ``set`` behind each KPI's numerator and denominator.
KPI_SETS = {
    "accepted_volume": ("registered", None),
    "closure_rate": ("closed", "registered"),
    "on_time_closure_rate": ("on_time", "closed"),
    "satisfaction_rate": ("satisfied", "evaluated"),
}
KPI_COUNTS = {"registered": "registered", "closed": "closed", "on_time": "closed_on_time",
              "evaluated": "evaluated", "satisfied": "satisfied"}


@dataclass
class Slice:
    start: dt.date
    end: dt.date  # inclusive
    street: OrgUnit | None = None
    unit: OrgUnit | None = None
    grid: Grid | None = None
    shade: str = "density"

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=SHANGHAI)

    @property
    def end_at(self) -> dt.datetime:
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)

    def list_params(self, *, period: bool = True, **extra: Any) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if period:
            params.update(reg_from=self.start.isoformat(), reg_to=self.end.isoformat())
        if self.street:
            params["street"] = self.street.pk
        if self.unit:
            params["unit"] = self.unit.pk
        if self.grid:
            params["grid"] = self.grid.pk
        params.update({k: v for k, v in extra.items() if v not in (None, "")})
        return params

    def list_url(self, *, period: bool = True, **extra: Any) -> str:
        return f"{reverse('web:case_list')}?{urlencode(self.list_params(period=period, **extra))}"

    def cache_key(self, actor: User) -> str:
        return (f"web:dash:{actor.pk}:{self.start}:{self.end}:{self.street.pk if self.street else ''}:"
                f"{self.unit.pk if self.unit else ''}:{self.grid.pk if self.grid else ''}")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _category_tops() -> dict[int, tuple[str, str]]:
    """category id → (top-level code, top-level name): 小类 are counted under their 大类."""
    rows = Category.objects.values_list("pk", "code", "name", "parent__code", "parent__name")
    return {pk: ((pcode, pname) if pcode else (code, name)) for pk, code, name, pcode, pname in rows}


def dashboard_data(*, actor: User, s: Slice) -> dict[str, Any]:
    key = s.cache_key(actor)
    cached = cache.get(key)
    if cached is not None:
        return cached
    data = _compute(actor=actor, s=s)
    cache.set(key, data, CACHE_SECONDS)
    return data


def _compute(*, actor: User, s: Slice) -> dict[str, Any]:
    grid = s.grid
    cohort = metrics.metric_cases(actor=actor, start=s.start_at, end=s.end_at, org_unit=s.unit, street=s.street,
                                  grid=grid)
    values = metrics.compute(cohort, percentiles=False)
    counts = values["counts"]
    kpis = []
    for code in KPIS:
        meta = metrics.METRICS[code]
        num_set, den_set = KPI_SETS[code]
        value = values[code]
        kpis.append({
            "code": code, "name": meta["name"], "definition": meta["definition"],
            "display": str(value) if code == "accepted_volume" else _pct(value),
            "url": s.list_url(set=num_set),
            "numerator": counts[KPI_COUNTS[num_set]],
            "denominator": counts[KPI_COUNTS[den_set]] if den_set else None,
            "denominator_url": s.list_url(set=den_set) if den_set else None,
        })

    trend_rows = (cohort.annotate(day=ShanghaiDate("registered_at")).values("day")
                  .annotate(n=Count("pk"), closed=Count("pk", filter=Q(state__in=workflow.CLOSED_STATES)))
                  .order_by("day"))
    by_day = {row["day"]: row for row in trend_rows}
    days: list[str] = []
    registered: list[int] = []
    closed: list[int] = []
    day = s.start
    while day <= s.end and len(days) < 400:
        row = by_day.get(day, {})
        days.append(day.isoformat())
        registered.append(row.get("n", 0))
        closed.append(row.get("closed", 0))
        day += dt.timedelta(days=1)

    channel_labels = dict(Channel.choices)
    channels = [{"code": r["channel"], "name": str(channel_labels.get(r["channel"], r["channel"])), "value": r["n"],
                 "url": s.list_url(set="registered", channel=r["channel"])}
                for r in cohort.values("channel").annotate(n=Count("pk")).order_by("-n")]

    tops = _category_tops()
    category_totals: dict[tuple[str, str], int] = {}
    for r in cohort.values("category_id").annotate(n=Count("pk")).order_by():
        top = tops.get(r["category_id"], ("?", "?"))
        category_totals[top] = category_totals.get(top, 0) + r["n"]
    categories = [{"code": code, "name": name, "value": n, "url": s.list_url(set="registered", category=code)}
                  for (code, name), n in sorted(category_totals.items(), key=lambda kv: -kv[1])[:12]]

    open_filters: dict[str, Any] = {}
    if s.street:
        open_filters["street"] = s.street.pk
    if grid:
        open_filters["grid"] = grid.pk
    open_qs = selectors.case_list(actor=actor, filters=open_filters)
    if s.unit:
        open_qs = open_qs.filter(assignee__path__startswith=s.unit.path)
    now_running = open_qs.filter(state__in=workflow.CLOCK_RUNNING_STATES, deadline__isnull=False).order_by()
    from gaoxin.core import clock

    now = clock.now()
    color_counts = now_running.aggregate(
        red=Count("pk", filter=Q(deadline__lt=now)),
        yellow=Count("pk", filter=Q(deadline__gte=now, warn_at__lte=now)),
        green=Count("pk", filter=Q(warn_at__gt=now)),
    )
    colors = [{"code": c, "value": color_counts[c] or 0, "url": s.list_url(period=False, color=c)}
              for c in (timelimits.RED, timelimits.YELLOW, timelimits.GREEN)]

    ranking_rows = (cohort.filter(state__in=workflow.CLOSED_STATES, assignee__isnull=False).values("assignee_id")
                    .annotate(closed=Count("pk"), on_time=Count("pk", filter=Q(closed_on_time=True))).order_by())
    names = dict(OrgUnit.objects.filter(pk__in=[r["assignee_id"] for r in ranking_rows]).values_list("pk", "name"))
    ranking = sorted(
        ({"unit_id": r["assignee_id"], "name": names.get(r["assignee_id"], "?"), "closed": r["closed"],
          "on_time": r["on_time"], "rate": r["on_time"] / r["closed"] if r["closed"] else 0.0,
          "display": _pct(r["on_time"] / r["closed"] if r["closed"] else None),
          "url": s.list_url(set="on_time", unit=r["assignee_id"]),
          "closed_url": s.list_url(set="closed", unit=r["assignee_id"])}
         for r in ranking_rows),
        key=lambda r: (-r["rate"], -r["closed"], r["name"]))[:15]

    # Map: the zone's grids, a grid's micro-grids, or the micro-grid itself.
    if grid is None:
        level_field, parent_id, level = "grid_id", None, Grid.Level.GRID
    elif grid.level == Grid.Level.GRID:
        level_field, parent_id, level = "micro_grid_id", grid.pk, Grid.Level.MICRO
    else:
        level_field, parent_id, level = "micro_grid_id", grid.parent_id, Grid.Level.MICRO
    map_counts = {r[level_field]: {"n": r["n"], "overdue": r["overdue"]}
                  for r in cohort.exclude(**{f"{level_field}__isnull": True}).values(level_field)
                  .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(is_overdue=True)))
                  .order_by()}
    map_values = {str(k): v for k, v in map_counts.items()}

    return {
        "kpis": kpis,
        "counts": counts,
        "trend": {"days": days, "registered": registered, "closed": closed},
        "channels": channels,
        "categories": categories,
        "colors": colors,
        "ranking": ranking,
        "map": {"level": level, "parent": parent_id, "values": map_values,
                "selected": grid.pk if grid else None},
        "generated_at": now.isoformat(),
    }

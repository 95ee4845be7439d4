"""The operations dashboard (城运中心大屏): one period × one slice (street, handling unit, grid / micro-grid),
computed by the database in a handful of aggregate queries over the metric cohort (``cases.metrics``), cached
briefly per viewer and slice. Every number carries the query string of the case list behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import get_language, gettext

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.cases import metrics, rollup, selectors, timelimits, workflow
from gaoxin.cases.models import Case, CaseGridStat, CaseStat, CaseUnitGridStat, Category, Channel, Grain
from gaoxin.cases.populations import POPULATIONS
from gaoxin.core.db import ShanghaiDate, ShanghaiMonth
from gaoxin.grids.models import Grid
from gaoxin.web.filters import SHANGHAI

CACHE_SECONDS = 30
# Each a population or a ratio of two (``cases.metrics.METRICS``); their numbers link to the populations' lists.
KPIS = ("accepted_volume", "closure_rate", "on_time_closure_rate", "satisfaction_rate")


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
        return (f"web:dash:{get_language()}:{actor.pk}:{self.start}:{self.end}:{self.street.pk if self.street else ''}:"
                f"{self.unit.pk if self.unit else ''}:{self.grid.pk if self.grid else ''}")


def pct(value: float | None) -> str:
    """A rate as the pages show it (一位小数的百分比, — when it has no denominator)."""
    return "—" if value is None else f"{value * 100:.1f}%"


@dataclass
class Parts:
    """What the dashboard's figures are built from: cohort counts per (street, handling unit, 大类, channel), per
    trend point, and per map polygon."""

    main: dict[tuple, list[int]]
    trend: dict[dt.date, list[int]]
    map: dict[int, list[int]]

    def add(self, other: Parts) -> None:
        _add_into(self.main, other.main)
        _add_into(self.trend, other.trend)
        _add_into(self.map, other.map)


def _add_into(mine: dict[Any, list[int]], theirs: dict[Any, list[int]]) -> None:
    for key, counts in theirs.items():
        _add_counts(mine, key, counts)


def _add_counts(mine: dict[Any, list[int]], key: Any, counts: list[int]) -> None:
    total = mine.setdefault(key, [0] * len(counts))
    for i, n in enumerate(counts):
        total[i] += n


MAIN_COUNTS = ("registered", "closed", "closed_on_time", "evaluated", "satisfied")


def _monthly(s: Slice) -> bool:
    """Trend by month beyond about a year, by day otherwise."""
    return (s.end - s.start).days >= 400


def _map_level(grid: Grid | None) -> tuple[str, int | None, str]:
    """The map shows the zone's grids, a grid's micro-grids, or the micro-grid's siblings."""
    if grid is None:
        return "grid_id", None, Grid.Level.GRID
    if grid.level == Grid.Level.GRID:
        return "micro_grid_id", grid.pk, Grid.Level.MICRO
    return "micro_grid_id", grid.parent_id, Grid.Level.MICRO


def _from_cases(cohort: QuerySet[Case], s: Slice) -> Parts:
    """Parts counted from the cases themselves (grid drill-down, scopes the roll-ups cannot express)."""
    populations = POPULATIONS
    level_field, _parent, _level = _map_level(s.grid)
    main: dict[tuple, list[int]] = {}
    grid_map: dict[int, list[int]] = {}
    for street, assignee, top, channel, place, *counts, overdue in (
            cohort.annotate(top=Coalesce("category__parent_id", "category_id"))
            .values_list("street_id", "assignee_id", "top", "channel", level_field)
            .annotate(**{f"{code}_": populations[code].count() for code in MAIN_COUNTS},
                      overdue_=populations["overdue"].count())
            .order_by()):
        _add_counts(main, (street or 0, assignee or 0, top, channel), counts)
        if place:
            _add_counts(grid_map, place, [counts[0], overdue])
    point = ShanghaiMonth("registered_at") if _monthly(s) else ShanghaiDate("registered_at")
    trend = {start: [n, n_closed] for start, n, n_closed in
             cohort.annotate(point=point).values_list("point")
             .annotate(n=populations["registered"].count(), closed=populations["closed"].count()).order_by()}
    return Parts(main=main, trend=trend, map=grid_map)


def _from_rollups(stat_scope: Q, s: Slice) -> Parts:
    """Parts summed from the roll-ups (``cases.rollup``): whole years, whole months and the remaining days."""
    filters = stat_scope  # the key columns it filters on are common to the three tables
    if s.street:
        filters &= Q(street_key=s.street.pk)
    if s.unit:
        filters &= Q(assignee_key__in=list(OrgUnit.objects.filter(path__startswith=s.unit.path)
                                            .values_list("pk", flat=True)))
    main_rows = (rollup.period_rows(CaseStat, s.start, s.end).filter(filters)
                 .values_list("street_key", "assignee_key", "category_key", "channel")
                 .annotate(**{c: Sum(c) for c in MAIN_COUNTS}).order_by())
    main = {tuple(row[:4]): list(row[4:]) for row in main_rows}
    monthly = _monthly(s)
    points = rollup.period_rows(CaseStat, s.start, s.end, coarsest=Grain.MONTH if monthly else Grain.DAY)
    trend: dict[dt.date, list[int]] = {}
    for start, n, n_closed in (points.filter(filters).values_list("period_start")
                               .annotate(n=Sum("registered"), n_closed=Sum("closed")).order_by()):
        total = trend.setdefault(start.replace(day=1) if monthly else start, [0, 0])
        total[0] += n
        total[1] += n_closed
    grids = rollup.period_rows(CaseUnitGridStat if s.unit else CaseGridStat, s.start, s.end)
    grid_rows = (grids.filter(filters).values_list("grid_key")
                 .annotate(n=Sum("registered"), n_overdue=Sum("overdue")).order_by())
    return Parts(main=main, trend=trend, map={pk: [n, overdue] for pk, n, overdue in grid_rows})


def _parts(actor: User, s: Slice, cohort: QuerySet[Case]) -> Parts:
    """From the roll-ups where they can express the actor's scope and the slice, else from the cases."""
    scope = rollup.scope(actor)
    if scope is None or s.grid is not None:
        return _from_cases(cohort, s)
    stat_scope, outside = scope
    parts = _from_rollups(stat_scope, s)
    if outside is not None:
        parts.add(_from_cases(cohort.filter(outside), s))
    return parts


def _trend(s: Slice, points: dict[dt.date, list[int]]) -> dict[str, Any]:
    """Registered and closed per day (per month beyond about a year), every point with its case-list period."""
    labels: list[str] = []
    starts: list[str] = []
    ends: list[str] = []
    registered: list[int] = []
    closed: list[int] = []
    monthly = _monthly(s)
    point = s.start.replace(day=1) if monthly else s.start
    while point <= s.end:
        following = (point.replace(day=28) + dt.timedelta(days=4)).replace(day=1) if monthly else (
            point + dt.timedelta(days=1))
        labels.append(f"{point:%Y-%m}" if monthly else point.isoformat())
        starts.append(max(point, s.start).isoformat())
        ends.append(min(following - dt.timedelta(days=1), s.end).isoformat())
        n, n_closed = points.get(point, (0, 0))
        registered.append(n)
        closed.append(n_closed)
        point = following
    return {"grain": "month" if monthly else "day", "days": labels, "starts": starts, "ends": ends,
            "registered": registered, "closed": closed}


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
    parts = _parts(actor, s, cohort)
    totals: dict[str, int] = dict.fromkeys(MAIN_COUNTS, 0)
    by_channel: dict[str, int] = {}
    by_top: dict[int, int] = {}
    by_unit: dict[int, list[int]] = {}
    for (_street, assignee, top, channel), row in parts.main.items():
        for name, n in zip(MAIN_COUNTS, row, strict=True):
            totals[name] += n
        registered, n_closed, on_time = row[0], row[1], row[2]
        by_channel[channel] = by_channel.get(channel, 0) + registered
        by_top[top] = by_top.get(top, 0) + registered
        if assignee:
            unit_totals = by_unit.setdefault(assignee, [0, 0])
            unit_totals[0] += n_closed
            unit_totals[1] += on_time
    counts = totals
    kpis = []
    for code in KPIS:
        meta = metrics.METRICS[code]
        num_set, den_set = meta["numerator"], meta.get("denominator")
        value = metrics.population_rate(code, counts)
        kpis.append({
            "code": code, "name": meta["name"], "definition": meta["definition"],
            "display": str(value) if den_set is None else pct(value),
            "url": s.list_url(set=num_set),
            "numerator": counts[num_set],
            "denominator": counts[den_set] if den_set else None,
            "denominator_url": s.list_url(set=den_set) if den_set else None,
        })

    trend = _trend(s, parts.trend)

    channel_labels = dict(Channel.choices)
    channels = [{"code": code, "name": gettext(str(channel_labels.get(code, code))), "value": n,
                 "url": s.list_url(set="registered", channel=code)}
                for code, n in sorted(by_channel.items(), key=lambda kv: (-kv[1], kv[0])) if n]

    kinds = dict(Category.Kind.choices)
    tops = {pk: (code, name, kind) for pk, code, name, kind in
            Category.objects.filter(pk__in=list(by_top)).values_list("pk", "code", "name", "kind")}
    shown = [pk for pk, n in by_top.items() if n]
    twice = {name for name in (tops[pk][1] for pk in shown) if sum(tops[q][1] == name for q in shown) > 1}
    # 部件 and 事件 share some class names (市容环境类): the kind tells them apart.
    categories = [{"code": tops[pk][0], "value": n,
                   "name": f"{tops[pk][1]}（{gettext(str(kinds.get(tops[pk][2], tops[pk][2])))}）"
                   if tops[pk][1] in twice else tops[pk][1],
                   "url": s.list_url(set="registered", category=tops[pk][0])}
                  for pk, n in sorted(by_top.items(), key=lambda kv: (-kv[1], kv[0]))[:12] if n]

    open_qs = selectors.case_list(actor=actor, filters={"grid": grid.pk} if grid else {})
    if s.street:
        # The running cases are a few thousand among millions: the (state, deadline) index must lead. SQLite has
        # no statistics on how skewed ``state`` is and would scan the street's whole history through the street
        # index; ``street_id + 0`` is not indexable, so it does not tempt the planner.
        open_qs = open_qs.alias(street_plain=F("street_id") + 0).filter(street_plain=s.street.pk)
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

    names = dict(OrgUnit.objects.filter(pk__in=list(by_unit)).values_list("pk", "name"))
    ranked = sorted(((on_time / n_closed, n_closed, on_time, names.get(unit_id, "?"), unit_id)
                     for unit_id, (n_closed, on_time) in by_unit.items() if n_closed),
                    key=lambda r: (-r[0], -r[1], r[3]))[:15]
    ranking = [{"unit_id": unit_id, "name": name, "closed": n_closed, "on_time": on_time, "rate": rate,
                "display": pct(rate), "url": s.list_url(set="closed_on_time", unit=unit_id),
                "closed_url": s.list_url(set="closed", unit=unit_id)}
               for rate, n_closed, on_time, name, unit_id in ranked]

    _field, parent_id, level = _map_level(grid)
    map_values = {str(pk): {"n": n, "overdue": overdue} for pk, (n, overdue) in parts.map.items() if n}

    return {
        "kpis": kpis,
        "counts": counts,
        "trend": trend,
        "channels": channels,
        "categories": categories,
        "colors": colors,
        "ranking": ranking,
        "map": {"level": level, "parent": parent_id, "values": map_values,
                "selected": grid.pk if grid else None},
        "generated_at": now.isoformat(),
        "generated_at_local": now.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"),
    }

"""The case roll-ups (``CaseStat``, ``CaseGridStat``): the metric cohort counted per registration day and month,
so that a dashboard over years reads thousands of summary rows instead of millions of cases.

One definition, two ways to keep it:

- incrementally: every service that changes a case calls ``case_changed(before, after)`` with the snapshots of
  the case before and after, in the same transaction; the case's old contribution is taken away and its new one
  added (``INSERT … ON CONFLICT DO UPDATE`` with increments, so concurrent transactions add up);
- in bulk: ``rebuild()`` recomputes both tables from the cases with ``INSERT … SELECT … GROUP BY`` (the bulk
  simulation, and after an administrator re-parents a category). ``differences()`` compares the tables with a
  fresh computation — what the tests and ``gaoxin cases rollup --check`` use to prove the two ways agree.

A case counts from the day it is registered (立案) until it is merged into another (并案), as in
``cases.metrics``: registered 1; closed when its state is a closed state; closed on time when also
``closed_on_time``; evaluated / satisfied by its rating; overdue by ``is_overdue``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import ZONE_WIDE_ROLES
from gaoxin.accounts.selectors import scope_roots
from gaoxin.cases import workflow
from gaoxin.cases.models import Case, CaseGridStat, CaseStat, Category, Grain, Satisfaction
from gaoxin.cases.selectors import CENTER_ROLES, case_scope_q
from gaoxin.core.db import SHANGHAI, ShanghaiDate

SNAPSHOT_FIELDS = ("registered_at", "state", "street_id", "center_id", "assignee_id", "category_id", "channel",
                   "grid_id", "closed_on_time", "satisfaction", "is_overdue")
SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASIC)

Snapshot = dict[str, Any]
Key = tuple[Any, ...]
StatModel = type[CaseStat] | type[CaseGridStat]


def snapshot(case: Case) -> Snapshot:
    """The fields of ``case`` the roll-ups depend on."""
    return {name: getattr(case, name) for name in SNAPSHOT_FIELDS}


_tops: dict[int, int] = {}


def category_top(category_id: int) -> int:
    """The 大类 a category is counted under (itself when it is one)."""
    top = _tops.get(category_id)
    if top is None:
        _tops.clear()
        _tops.update({pk: parent or pk for pk, parent in Category.objects.values_list("pk", "parent_id")})
        top = _tops[category_id]
    return top


def _contributions(s: Snapshot) -> list[tuple[StatModel, Key, tuple[int, ...]]]:
    if s["registered_at"] is None or s["state"] == workflow.MERGED:
        return []
    day = s["registered_at"].astimezone(SHANGHAI).date()
    closed = s["state"] in workflow.CLOSED_STATES
    case_counts = (1, int(closed), int(closed and s["closed_on_time"] is True), int(s["satisfaction"] != ""),
                   int(s["satisfaction"] in SATISFIED), int(bool(s["is_overdue"])))
    street, center = s["street_id"] or 0, s["center_id"] or 0
    found: list[tuple[StatModel, Key, tuple[int, ...]]] = []
    for grain, start in ((Grain.DAY, day), (Grain.MONTH, day.replace(day=1))):
        found.append((CaseStat, (grain.value, start, street, center, s["assignee_id"] or 0,
                                 category_top(s["category_id"]), s["channel"]), case_counts))
        if s["grid_id"]:
            found.append((CaseGridStat, (grain.value, start, s["grid_id"], street, center),
                          (1, int(bool(s["is_overdue"])))))
    return found


def case_changed(before: Snapshot | None, after: Snapshot) -> None:
    """Move one case's contribution from ``before`` (None for a new case) to ``after``."""
    deltas: dict[tuple[StatModel, Key], list[int]] = {}
    for sign, s in ((-1, before), (1, after)):
        if s is None:
            continue
        for model, key, counts in _contributions(s):
            total = deltas.setdefault((model, key), [0] * len(counts))
            for i, n in enumerate(counts):
                total[i] += sign * n
    for model in (CaseStat, CaseGridStat):
        rows = [key + tuple(counts) for (m, key), counts in deltas.items() if m is model and any(counts)]
        _add(model, rows)


def overdue_marked(cases: QuerySet[Case]) -> None:
    """Count ``cases`` as overdue: called for a bulk ``is_overdue`` update of cases not yet overdue, before it."""
    day = ShanghaiDate("registered_at")
    cohort = _cohort(cases.filter(is_overdue=False))
    stat = (cohort.annotate(day=day, top=Coalesce("category__parent_id", "category_id"))
            .values_list("day", "street_id", "center_id", "assignee_id", "top", "channel").annotate(n=Count("pk"))
            .order_by())
    by_key: Counter[tuple[StatModel, Key]] = Counter()
    for day_, street, center, assignee, top, channel, n in stat:
        for grain, start in ((Grain.DAY, day_), (Grain.MONTH, day_.replace(day=1))):
            by_key[(CaseStat, (grain.value, start, street or 0, center or 0, assignee or 0, top, channel))] += n
    grids = (cohort.filter(grid_id__isnull=False).annotate(day=day)
             .values_list("day", "grid_id", "street_id", "center_id").annotate(n=Count("pk")).order_by())
    for day_, grid, street, center, n in grids:
        for grain, start in ((Grain.DAY, day_), (Grain.MONTH, day_.replace(day=1))):
            by_key[(CaseGridStat, (grain.value, start, grid, street or 0, center or 0))] += n
    _add(CaseStat, [key + (0, 0, 0, 0, 0, n) for (m, key), n in by_key.items() if m is CaseStat])
    _add(CaseGridStat, [key + (0, n) for (m, key), n in by_key.items() if m is CaseGridStat])


def _add(model: StatModel, rows: list[tuple]) -> None:
    """Add ``rows`` (key + counts) to ``model``'s table, creating missing rows."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [*model.KEY, *model.COUNTS]
    quoted = [connection.ops.quote_name(c) for c in columns]
    keys = ", ".join(quoted[: len(model.KEY)])
    updates = ", ".join(f"{q} = {table}.{q} + excluded.{q}" for q in quoted[len(model.KEY):])
    marks = ", ".join(["%s"] * len(columns))
    insert = f"INSERT INTO {table} ({', '.join(quoted)}) VALUES ({marks})"  # noqa: S608 - model metadata
    sql = f"{insert} ON CONFLICT ({keys}) DO UPDATE SET {updates}"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


# --- bulk --------------------------------------------------------------------------------------------------------

def _cohort(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.filter(registered_at__isnull=False).exclude(state=workflow.MERGED)


def _zero(field: str) -> Coalesce:
    return Coalesce(field, Value(0), output_field=IntegerField())


def _day_rows(model: StatModel, cases: QuerySet[Case]) -> QuerySet:
    """The day-grain rows of ``model`` computed from ``cases``, as a values queryset in column order."""
    closed = Q(state__in=workflow.CLOSED_STATES)
    qs = _cohort(cases).annotate(
        grain_=Value(Grain.DAY.value), period_start_=ShanghaiDate("registered_at"),
        street_key_=_zero("street_id"), center_key_=_zero("center_id"))
    if model is CaseStat:
        qs = qs.annotate(assignee_key_=_zero("assignee_id"),
                         category_key_=Coalesce("category__parent_id", "category_id"), channel_=F("channel"))
        keys: tuple[str, ...] = ("grain_", "period_start_", "street_key_", "center_key_", "assignee_key_",
                                 "category_key_", "channel_")
        counts = {
            "registered_": Count("pk"),
            "closed_": Count("pk", filter=closed),
            "closed_on_time_": Count("pk", filter=closed & Q(closed_on_time=True)),
            "evaluated_": Count("pk", filter=~Q(satisfaction="")),
            "satisfied_": Count("pk", filter=Q(satisfaction__in=SATISFIED)),
            "overdue_": Count("pk", filter=Q(is_overdue=True)),
        }
    else:
        qs = qs.filter(grid_id__isnull=False).annotate(grid_key_=_zero("grid_id"))
        keys = ("grain_", "period_start_", "grid_key_", "street_key_", "center_key_")
        counts = {"registered_": Count("pk"), "overdue_": Count("pk", filter=Q(is_overdue=True))}
    return qs.values(*keys).annotate(**counts).values_list(*keys, *counts).order_by()


def _insert_select(model: StatModel, select: QuerySet) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in (*model.KEY, *model.COUNTS))
    sql, params = select.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)  # noqa: S608 - compiled queryset


def _month_rows(model: StatModel, first: dt.date, after: dt.date) -> QuerySet:
    """The month-grain rows of ``model`` for the months in [first, after), summed from its day rows."""
    keys = [k for k in model.KEY if k not in ("grain", "period_start")]
    qs = (model.objects.filter(grain=Grain.DAY, period_start__gte=first, period_start__lt=after)
          .annotate(grain_=Value(Grain.MONTH.value), period_start_=TruncMonth("period_start"))
          .values("grain_", "period_start_", *keys))
    qs = qs.annotate(**{f"{c}_": Sum(c) for c in model.COUNTS})
    return qs.values_list("grain_", "period_start_", *keys, *[f"{c}_" for c in model.COUNTS]).order_by()


@transaction.atomic
def rebuild(start: dt.date | None = None, end: dt.date | None = None) -> dict[str, int]:
    """Recompute both roll-ups from the cases: all of them, or the whole months from ``start``'s to ``end``'s.
    Returns the number of rows of each table in that span afterwards."""
    cases = Case.objects.all()
    first = start.replace(day=1) if start else dt.date.min
    after = _next_month(end) if end else dt.date.max
    if start or end:
        cases = cases.filter(registered_at__gte=dt.datetime.combine(first, dt.time.min, tzinfo=SHANGHAI),
                             registered_at__lt=dt.datetime.combine(after, dt.time.min, tzinfo=SHANGHAI))
    written = {}
    for model in (CaseStat, CaseGridStat):
        span = model.objects.filter(period_start__gte=first, period_start__lt=after)
        span.delete()
        _insert_select(model, _day_rows(model, cases))
        _insert_select(model, _month_rows(model, first, after))
        written[model._meta.db_table] = span.count()
    return written


def _nonzero(rows: Iterable[tuple], n_keys: int) -> dict[Key, tuple[int, ...]]:
    found = {}
    for row in rows:
        key, counts = tuple(row[:n_keys]), tuple(row[n_keys:])
        if any(counts):
            found[key] = counts
    return found


def differences(limit: int = 20) -> list[str]:
    """How the stored roll-ups differ from a fresh computation (empty when they agree); at most ``limit``."""
    found: list[str] = []
    for model in (CaseStat, CaseGridStat):
        n = len(model.KEY)
        stored = _nonzero(model.objects.values_list(*model.KEY, *model.COUNTS), n)
        day = _nonzero(_day_rows(model, Case.objects.all()), n)
        fresh: dict[Key, tuple[int, ...]] = dict(day)
        months: dict[Key, list[int]] = {}
        for key, counts in day.items():
            month_key = (Grain.MONTH.value, key[1].replace(day=1), *key[2:])
            total = months.setdefault(month_key, [0] * len(counts))
            for i, c in enumerate(counts):
                total[i] += c
        fresh.update({k: tuple(v) for k, v in months.items()})
        for key in sorted(set(stored) | set(fresh), key=str):
            if stored.get(key) != fresh.get(key):
                found.append(f"{model._meta.db_table} {key}: stored {stored.get(key)} != computed {fresh.get(key)}")
                if len(found) >= limit:
                    return found
    return found


def scope(actor: User) -> tuple[Q, Q | None] | None:
    """The actor's case scope (``selectors.case_scope_q``) over the roll-ups: a filter on their keys, plus a
    filter over cases for the cases in scope that the keys cannot express (those the actor reported outside
    their units), or None when the roll-up keys cannot express the scope at all (handling units, grid
    workers, the public)."""
    if actor.role in ZONE_WIDE_ROLES or actor.is_superuser:
        return Q(), None
    if actor.role not in CENTER_ROLES:
        return None
    roots = scope_roots(actor=actor)
    if any(root.parent_id is None for root in roots):
        return Q(), None
    units = Q()
    for root in roots:
        units |= Q(path__startswith=root.path)
    ids = list(OrgUnit.objects.filter(units).values_list("pk", flat=True)) if roots else []
    keys = Q(center_key__in=ids) | Q(street_key__in=ids)
    outside = case_scope_q(actor=actor) & ~Q(center_id__in=ids) & ~Q(street_id__in=ids)
    return keys, outside


def period_rows(model: StatModel, start: dt.date, end: dt.date) -> QuerySet:
    """``model`` rows covering the days ``start``–``end`` (inclusive) exactly once: month rows for the whole
    months inside the period, day rows for the rest."""
    first_full = start if start.day == 1 else _next_month(start)
    after_end = end + dt.timedelta(days=1)
    last_full_end = after_end.replace(day=1)  # first day of the month after the last whole month
    if first_full >= last_full_end:
        return model.objects.filter(grain=Grain.DAY, period_start__gte=start, period_start__lte=end)
    return model.objects.filter(
        Q(grain=Grain.MONTH, period_start__gte=first_full, period_start__lt=last_full_end)
        | Q(grain=Grain.DAY, period_start__gte=start, period_start__lt=first_full)
        | Q(grain=Grain.DAY, period_start__gte=last_full_end, period_start__lte=end))


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)

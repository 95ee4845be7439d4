"""The case roll-ups (``CaseStat``, ``CaseGridStat``, ``CaseUnitGridStat``): the metric cohort counted per
registration day, month and year, so that a dashboard over years reads a few thousand summary rows instead of
millions of cases (``period_rows`` takes whole years, whole months and the remaining days).

One definition, two ways to keep it:

- incrementally: every service that changes a case calls ``case_changed(before, after)`` with the snapshots of
  the case before and after, in the same transaction; the case's old contribution is taken away and its new one
  added (``INSERT … ON CONFLICT DO UPDATE`` with increments, so concurrent transactions add up);
- in bulk: ``rebuild()`` recomputes the tables from the cases with ``INSERT … SELECT … GROUP BY`` (the bulk
  simulation, and after an administrator re-parents a category). ``differences()`` compares the tables with a
  fresh computation — what the tests and ``gaoxin cases rollup --check`` use to prove the two ways agree.

A case counts from the day it is registered (立案) until it is merged into another (并案) — ``populations.COHORT`` —
and each count column is the population of ``populations.POPULATIONS`` of the same name, counted by the database in
bulk and decided per case (``Population.contains``) incrementally.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import CENTER_ROLES, ZONE_WIDE_ROLES
from gaoxin.accounts.selectors import scope_roots
from gaoxin.cases import populations, reference
from gaoxin.cases.models import Case, CaseGridStat, CaseStat, CaseUnitGridStat, Grain
from gaoxin.core.db import SHANGHAI, FirstOfMonth, FirstOfYear, ShanghaiDate

SNAPSHOT_FIELDS = ("registered_at", "state", "street_id", "center_id", "assignee_id", "category_id", "channel",
                   "grid_id", "closed_on_time", "satisfaction", "is_overdue")
GRAINS = (Grain.DAY, Grain.MONTH, Grain.YEAR)

Snapshot = dict[str, Any]
Key = tuple[Any, ...]
StatModel = type[CaseStat] | type[CaseGridStat] | type[CaseUnitGridStat]
StatRow = CaseStat | CaseGridStat | CaseUnitGridStat
MODELS: tuple[StatModel, ...] = (CaseStat, CaseGridStat, CaseUnitGridStat)


def snapshot(case: Case) -> Snapshot:
    """The fields of ``case`` the roll-ups depend on."""
    return {name: getattr(case, name) for name in SNAPSHOT_FIELDS}


def period_start(day: dt.date, grain: str) -> dt.date:
    if grain == Grain.YEAR:
        return day.replace(month=1, day=1)
    return day.replace(day=1) if grain == Grain.MONTH else day


def _contributions(s: Snapshot) -> list[tuple[StatModel, Key, tuple[int, ...]]]:
    if not populations.in_cohort(s):
        return []
    day = s["registered_at"].astimezone(SHANGHAI).date()
    case_counts = tuple(int(populations.POPULATIONS[code].contains(s)) for code in CaseStat.COUNTS)
    overdue = case_counts[CaseStat.COUNTS.index("overdue")]
    street, center, assignee, grid = s["street_id"] or 0, s["center_id"] or 0, s["assignee_id"] or 0, s["grid_id"]
    top = reference.current().category_top(s["category_id"])
    found: list[tuple[StatModel, Key, tuple[int, ...]]] = []
    for grain in GRAINS:
        start = period_start(day, grain)
        found.append((CaseStat, (grain.value, start, street, center, assignee, top, s["channel"]), case_counts))
        if grid:
            found.append((CaseGridStat, (grain.value, start, grid, street, center), (1, overdue)))
            found.append((CaseUnitGridStat, (assignee, grain.value, start, grid, street, center), (1, overdue)))
    return found


def _apply(changes: Iterable[tuple[Snapshot | None, Snapshot]]) -> None:
    deltas: dict[tuple[StatModel, Key], list[int]] = {}
    for before, after in changes:
        for sign, s in ((-1, before), (1, after)):
            if s is None:
                continue
            for model, key, counts in _contributions(s):
                total = deltas.setdefault((model, key), [0] * len(counts))
                for i, n in enumerate(counts):
                    total[i] += sign * n
    for model in MODELS:  # rows in key order, tables in a fixed order: concurrent transactions cannot deadlock
        _add(model, sorted(key + tuple(counts) for (m, key), counts in deltas.items() if m is model and any(counts)))


def case_changed(before: Snapshot | None, after: Snapshot) -> None:
    """Move one case's contribution from ``before`` (None for a new case) to ``after``."""
    _apply([(before, after)])


def overdue_marked(cases: QuerySet[Case]) -> None:
    """Count ``cases`` as overdue: called before a bulk ``is_overdue`` update of cases not yet overdue."""
    _apply((row, {**row, "is_overdue": True}) for row in cases.filter(is_overdue=False).values(*SNAPSHOT_FIELDS))


def _add(model: StatModel, rows: list[tuple[Any, ...]]) -> None:
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
    return cases.filter(populations.COHORT)


def _zero(field: str) -> Coalesce:
    return Coalesce(field, Value(0), output_field=IntegerField())


def _day_rows(model: StatModel, cases: QuerySet[Case]) -> QuerySet[Case, tuple[Any, ...]]:
    """``model``'s day rows computed from ``cases``, as a values-list queryset in the table's column order."""
    keys: dict[str, Any] = {"grain": Value(Grain.DAY.value), "period_start": ShanghaiDate("registered_at"),
                            "street_key": _zero("street_id"), "center_key": _zero("center_id")}
    qs = _cohort(cases)
    if model is CaseStat:
        keys.update(assignee_key=_zero("assignee_id"), category_key=Coalesce("category__parent_id", "category_id"),
                    channel=F("channel"))
    else:
        qs = qs.filter(grid_id__isnull=False)
        keys["grid_key"] = F("grid_id")
        if model is CaseUnitGridStat:
            keys["assignee_key"] = _zero("assignee_id")
    counts = {code: populations.POPULATIONS[code].count() for code in model.COUNTS}
    qs = qs.annotate(**{f"{k}_": keys[k] for k in model.KEY}).values(*(f"{k}_" for k in model.KEY))
    qs = qs.annotate(**{f"{c}_": counts[c] for c in model.COUNTS})
    rows: QuerySet[Case, tuple[Any, ...]]  # field names built at run time: the plugin cannot type the rows
    rows = qs.values_list(*(f"{k}_" for k in model.KEY), *(f"{c}_" for c in model.COUNTS)).order_by()
    return rows


def _coarser_rows(model: StatModel, grain: str, span: Q) -> QuerySet[StatRow, tuple[Any, ...]]:
    """``model``'s month rows summed from its day rows, or year rows from month rows, within ``span``."""
    finer, trunc = (Grain.DAY, FirstOfMonth) if grain == Grain.MONTH else (Grain.MONTH, FirstOfYear)
    keys: dict[str, Any] = {k: F(k) for k in model.KEY}
    keys.update(grain=Value(grain), period_start=trunc("period_start"))
    qs = (model.objects.filter(span, grain=finer)
          .annotate(**{f"{k}_": keys[k] for k in model.KEY}).values(*(f"{k}_" for k in model.KEY))
          .annotate(**{f"{c}_": Sum(c) for c in model.COUNTS}))
    rows: QuerySet[StatRow, tuple[Any, ...]]  # field names built at run time: the plugin cannot type the rows
    rows = qs.values_list(*(f"{k}_" for k in model.KEY), *(f"{c}_" for c in model.COUNTS)).order_by()
    return rows


def _span(field: str, first: Any, after: Any) -> Q:
    span = Q()
    if first is not None:
        span &= Q(**{f"{field}__gte": first})
    if after is not None:
        span &= Q(**{f"{field}__lt": after})
    return span


def _grid_day_rows_from_units(span: Q) -> QuerySet[CaseUnitGridStat, tuple[Any, ...]]:
    keys = ("grain", "period_start", "grid_key", "street_key", "center_key")
    qs = (CaseUnitGridStat.objects.filter(span, grain=Grain.DAY).values(*keys)
          .annotate(registered_=Sum("registered"), overdue_=Sum("overdue")))
    rows: QuerySet[CaseUnitGridStat, tuple[Any, ...]]  # field names from a tuple: the plugin cannot type the rows
    rows = qs.values_list(*keys, "registered_", "overdue_").order_by()
    return rows


def _insert_select(model: StatModel, select: QuerySet[Any, tuple[Any, ...]]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in (*model.KEY, *model.COUNTS))
    sql, params = select.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)  # noqa: S608 - compiled queryset


@transaction.atomic
def rebuild(start: dt.date | None = None, end: dt.date | None = None) -> dict[str, int]:
    """Recompute the roll-ups from the cases: all of them, or the months from ``start``'s to ``end``'s (and the
    years around them). Returns the number of rows of each table afterwards."""
    first = start.replace(day=1) if start else None
    after = _next_month(end) if end else None
    first_year = first.replace(month=1) if first else None
    after_year = None if after is None else after if after.month == 1 else dt.date(after.year + 1, 1, 1)

    def moment(day: dt.date | None) -> dt.datetime | None:
        return None if day is None else dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)

    cases = Case.objects.filter(_span("registered_at", moment(first), moment(after)))
    months = _span("period_start", first, after)
    years = _span("period_start", first_year, after_year)
    written = {}
    for model in (CaseStat, CaseUnitGridStat, CaseGridStat):
        model.objects.filter(months, grain__in=(Grain.DAY, Grain.MONTH)).delete()
        if model is CaseGridStat:  # the units' rows summed: one scan of the cases fewer
            _insert_select(model, _grid_day_rows_from_units(months))
        else:
            _insert_select(model, _day_rows(model, cases))
        _insert_select(model, _coarser_rows(model, Grain.MONTH, months))
        model.objects.filter(years, grain=Grain.YEAR).delete()
        _insert_select(model, _coarser_rows(model, Grain.YEAR, years))
        written[model._meta.db_table] = model.objects.count()
    return written


def _nonzero(rows: Iterable[tuple[Any, ...]], n_keys: int) -> dict[Key, tuple[int, ...]]:
    found = {}
    for row in rows:
        key, counts = tuple(row[:n_keys]), tuple(row[n_keys:])
        if any(counts):
            found[key] = counts
    return found


def differences(limit: int = 20) -> list[str]:
    """How the stored roll-ups differ from a fresh computation from the cases (empty when they agree)."""
    found: list[str] = []
    for model in MODELS:
        n = len(model.KEY)
        at = model.KEY.index("grain")
        stored = _nonzero(model.objects.values_list(*model.KEY, *model.COUNTS), n)
        fresh: dict[Key, list[int]] = {}
        for key, counts in _nonzero(_day_rows(model, Case.objects.all()), n).items():
            for grain in GRAINS:
                coarse = (*key[:at], grain.value, period_start(key[at + 1], grain), *key[at + 2:])
                total = fresh.setdefault(coarse, [0] * len(counts))
                for i, c in enumerate(counts):
                    total[i] += c
        for key in sorted(set(stored) | set(fresh), key=str):
            computed = tuple(fresh[key]) if key in fresh else None
            if stored.get(key) != computed:
                found.append(f"{model._meta.db_table} {key}: stored {stored.get(key)} != computed {computed}")
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
    # The roll-ups hold the cases of the scope's centers and streets; the cases the actor reported elsewhere are
    # counted from the cases, through the reporter indexes.
    outside = (Q(reported_by=actor) | Q(reporter_user=actor)) & ~Q(center_id__in=ids) & ~Q(street_id__in=ids)
    return Q(center_key__in=ids) | Q(street_key__in=ids), outside


def period_rows(model: StatModel, start: dt.date, end: dt.date, coarsest: str = Grain.YEAR) -> QuerySet[StatRow]:
    """``model`` rows covering the days ``start``–``end`` (inclusive) exactly once, reading as few rows as
    possible: year rows for whole years, month rows for whole months, day rows for the rest (``coarsest``
    limits the grains used, e.g. to months for a monthly trend)."""
    spans: list[tuple[str, dt.date, dt.date]] = []  # (grain, first period start, first period start after)
    day = start
    grain: str
    while day <= end:
        year_after = dt.date(day.year + 1, 1, 1)
        month_after = _next_month(day)
        if coarsest == Grain.YEAR and day.month == 1 and day.day == 1 and year_after - dt.timedelta(days=1) <= end:
            grain, following = Grain.YEAR, year_after
        elif coarsest != Grain.DAY and day.day == 1 and month_after - dt.timedelta(days=1) <= end:
            grain, following = Grain.MONTH, month_after
        else:
            grain, following = Grain.DAY, min(month_after, end + dt.timedelta(days=1))
        if spans and spans[-1][0] == grain and spans[-1][2] == day:
            spans[-1] = (grain, spans[-1][1], following)
        else:
            spans.append((grain, day, following))
        day = following
    condition = Q(pk__in=[])
    for grain, first, after in spans:
        condition |= Q(grain=grain, period_start__gte=first, period_start__lt=after)
    return model.objects.filter(condition)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)

"""Case engine benchmark.

    .venv/bin/python bench/bench_cases.py [--n 1000] [--metrics-rows 1000000] [--seed 1]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gx_bench_cases .venv/bin/python bench/bench_cases.py

SQLite (default): a throw-away database in a temporary directory (GAOXIN_DATA_DIR). PostgreSQL: the database named
in DATABASE_URL is created when missing (and then dropped at the end); an existing one must be empty or hold
only a previous bench run's schema. The schema is made by ``migrate``.

1. Workflow: N cases each go report → register → dispatch → accept → feedback → verify through the services
   (six transactions, six hash-chained events per case); cases/s over the whole flow.
2. Bare inserts of the same rows: the N case rows and 6·N event rows just written are inserted again (new ids and
   numbers) with plain single-row ``INSERT``s — (a) one transaction per case, (b) one ``executemany`` per
   table in a single transaction — and the workflow rate is given as a fraction of those.
3. Metrics: ``--metrics-rows`` synthetic cases of one year are bulk-inserted (COPY on PostgreSQL, executemany
   on SQLite), the tables analysed, then each metric query is timed (median of 3) zone-wide for the year and
   for slices (one street for a month, one 大类, one channel).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path


def setup_django(data_dir: str) -> tuple[str, bool]:
    """Configure Django; returns (vendor label, whether this run created the PostgreSQL database)."""
    os.environ["GAOXIN_DATA_DIR"] = data_dir
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "gaoxin.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    created = False
    url = os.environ.get("DATABASE_URL")
    if url:
        created = _ensure_pg_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return ("PostgreSQL" if url else "SQLite"), created


def _ensure_pg_database(url: str) -> bool:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    name = cfg["NAME"]
    admin = psycopg.connect(host=cfg["HOST"] or "localhost", port=cfg["PORT"] or 5432, user=cfg["USER"],
                            password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True)
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    return not exists


def _drop_pg_database(url: str) -> None:
    import dj_database_url
    import psycopg
    from django.db import connections

    connections.close_all()
    cfg = dj_database_url.parse(url)
    admin = psycopg.connect(host=cfg["HOST"] or "localhost", port=cfg["PORT"] or 5432, user=cfg["USER"],
                            password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True)
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}"')


def build_zone():
    """Six streets side by side (each with its center, a handler, an operator, a dispatcher), each split into
    2 grids × 2 micro-grids; one citizen."""
    from django.db import transaction

    from gaoxin.accounts import services as accounts
    from gaoxin.accounts.models import OrgUnit
    from gaoxin.accounts.roles import Role
    from gaoxin.grids import services as grids
    from gaoxin.grids.locator import invalidate
    from gaoxin.grids.models import Grid

    def box(x0, y0, x1, y1):
        return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}

    def user(role, unit, name):
        return accounts.user_create(username=name, password="Bench-only-2023!", role=role, org_unit=unit,
                                    validate=False)

    streets = []
    with transaction.atomic():
        committee = accounts.org_unit_create(code="GX", name="高新区管委会", kind=OrgUnit.Kind.COMMITTEE)
        accounts.org_unit_create(code="GX-C", name="区级城运中心", kind=OrgUnit.Kind.ZONE_CENTER, parent=committee)
        accounts.org_unit_create(code="GX-D01", name="城市管理局", kind=OrgUnit.Kind.DEPARTMENT, parent=committee)
        zone = grids.grid_create(code="410171", name="高新区", level=Grid.Level.ZONE,
                                 geometry_geojson=box(113.50, 34.78, 113.62, 34.84))
        for s in range(6):
            street = accounts.org_unit_create(code=f"GX-S{s + 1:02d}", name=f"第{s + 1}办事处",
                                              kind=OrgUnit.Kind.STREET_OFFICE, parent=committee)
            center = accounts.org_unit_create(code=f"GX-S{s + 1:02d}-C", name=f"第{s + 1}城运中心",
                                              kind=OrgUnit.Kind.STREET_CENTER, parent=street)
            x0 = 113.50 + s * 0.02
            for g in range(2):
                y0 = 34.78 + g * 0.03
                grid = grids.grid_create(code=f"410171{s + 1:02d}{g + 1:03d}", name="网格", level=Grid.Level.GRID,
                                         parent=zone, street=street, geometry_geojson=box(x0, y0, x0 + 0.02, y0 + 0.03))
                for m in range(2):
                    grids.grid_create(code=f"{grid.code}{m + 1:02d}", name="微网格", level=Grid.Level.MICRO,
                                      parent=grid, street=street,
                                      geometry_geojson=box(x0 + m * 0.01, y0, x0 + (m + 1) * 0.01, y0 + 0.03))
            streets.append({
                "street": street, "x0": x0,
                "operator": user(Role.OPERATOR, center, f"op{s}"),
                "dispatcher": user(Role.DISPATCHER, center, f"disp{s}"),
                "handler": user(Role.HANDLER, street, f"handler{s}"),
            })
        citizen = user(Role.CITIZEN, None, "citizen")
    invalidate()
    return streets, citizen


def bench_workflow(n: int, streets, citizen, rng) -> tuple[float, list[int]]:
    import datetime as dt
    from zoneinfo import ZoneInfo

    from gaoxin.cases import services
    from gaoxin.cases.models import Category, Channel
    from gaoxin.core import clock

    category = Category.objects.get(code="09001")
    ids = []
    start = dt.datetime(2023, 3, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with clock.frozen(start):
        started = time.perf_counter()
        for i in range(n):
            s = streets[i % len(streets)]
            lon = s["x0"] + 0.001 + rng.random() * 0.018
            lat = 34.781 + rng.random() * 0.058
            case = services.case_report(actor=citizen, channel=Channel.PUBLIC_WEB, category=category,
                                        description="占道经营", lon=lon, lat=lat, reporter_phone="13800000000")
            case = services.case_register(actor=s["operator"], case=case)
            case = services.case_dispatch(actor=s["dispatcher"], case=case)
            case = services.case_accept(actor=s["handler"], case=case)
            case = services.case_feedback(actor=s["handler"], case=case, result="已劝离")
            case = services.case_verify(actor=s["operator"], case=case, passed=True)
            ids.append(case.pk)
        elapsed = time.perf_counter() - started
    return elapsed, ids


def _rows(model, ids_field: str, ids: list[int]):
    """Raw column names and values of existing rows (the pk column dropped, so inserts get fresh ids)."""
    from django.db import connection

    table = model._meta.db_table
    cols = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    quoted = ", ".join(connection.ops.quote_name(c) for c in cols)
    placeholders = ", ".join(["%s"] * len(cols))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted} FROM {table} WHERE {ids_field} IN ({', '.join(['%s'] * len(ids))})",  # noqa: S608
                       ids)
        rows = [list(r) for r in cursor.fetchall()]
    return table, cols, quoted, placeholders, rows


def bench_bare_inserts(ids: list[int]) -> tuple[float, float]:
    """Insert copies of the workflow's case and event rows: (per-case transactions s, executemany s)."""
    from django.db import connection, transaction

    from gaoxin.cases.models import Case, CaseEvent

    c_table, c_cols, c_quoted, c_ph, c_rows = _rows(Case, "id", ids)
    e_table, e_cols, e_quoted, e_ph, e_rows = _rows(CaseEvent, "case_id", ids)
    number_i, ref_i = c_cols.index("number"), c_cols.index("external_ref")
    case_i = e_cols.index("case_id")
    by_case: dict[int, list[list]] = {}
    for row in e_rows:
        by_case.setdefault(row[case_i], []).append(row)
    old_ids = ids
    insert_case = f"INSERT INTO {c_table} ({c_quoted}) VALUES ({c_ph})"  # noqa: S608
    insert_event = f"INSERT INTO {e_table} ({e_quoted}) VALUES ({e_ph})"  # noqa: S608
    returning = connection.vendor == "postgresql"

    def new_case_id(cursor, row) -> int:
        if returning:
            cursor.execute(insert_case + " RETURNING id", row)
            return cursor.fetchone()[0]
        cursor.execute(insert_case, row)
        return cursor.lastrowid

    # (a) one transaction per case: the case row, then its six event rows, one INSERT each.
    started = time.perf_counter()
    for k, (old, row) in enumerate(zip(old_ids, c_rows, strict=True)):
        row = list(row)
        row[number_i] = f"A{k:013d}"
        row[ref_i] = ""
        with transaction.atomic(), connection.cursor() as cursor:
            cid = new_case_id(cursor, row)
            for event in by_case.get(old, []):
                event = list(event)
                event[case_i] = cid
                cursor.execute(insert_event, event)
    per_case = time.perf_counter() - started

    # (b) executemany: all case rows, then all event rows, in one transaction.
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        rows = []
        for k, row in enumerate(c_rows):
            row = list(row)
            row[number_i] = f"B{k:013d}"
            rows.append(row)
        cursor.executemany(insert_case, rows)
        cursor.execute(f"SELECT id FROM {c_table} WHERE number LIKE %s ORDER BY number", ["B%"])  # noqa: S608
        new_ids = [r[0] for r in cursor.fetchall()]
        remap = dict(zip(old_ids, new_ids, strict=True))
        events = []
        for event in e_rows:
            event = list(event)
            event[case_i] = remap[event[case_i]]
            events.append(event)
        cursor.executemany(insert_event, events)
    many = time.perf_counter() - started
    return per_case, many


def bulk_metrics_cases(rows: int, seed: int) -> float:
    """``rows`` synthetic registered cases spread over 2023; returns seconds taken."""
    import datetime as dt

    import numpy as np
    from django.db import connection, transaction

    from gaoxin.accounts.models import OrgUnit
    from gaoxin.cases.models import Case, Category, Channel
    from gaoxin.grids.models import Grid

    rng = np.random.default_rng(seed)
    centers = {s: c for c, s in OrgUnit.objects.filter(kind=OrgUnit.Kind.STREET_CENTER).values_list("pk", "parent_id")}
    micro = list(Grid.objects.filter(level=Grid.Level.MICRO).values_list("pk", "parent_id", "street_id"))
    cats = list(Category.objects.filter(is_assignable=True).values_list("pk", flat=True))
    channels = Channel.values
    start = int(dt.datetime(2023, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp())
    year = 365 * 86400

    reg = np.sort(start + rng.integers(0, year, rows))
    state_draw = rng.random(rows)
    states = np.select(
        [state_draw < 0.90, state_draw < 0.96, state_draw < 0.97, state_draw < 0.975, state_draw < 0.985],
        ["closed", "evaluated", "merged", "suspended", "accepted"], default="dispatched")
    closed = (states == "closed") | (states == "evaluated")
    handling = rng.lognormal(mean=10.0, sigma=1.0, size=rows).astype(np.int64)
    dispatch = 1 + (rng.random(rows) < 0.08).astype(np.int64)
    returned = (dispatch == 2) & (rng.random(rows) < 0.5)
    reworked = (dispatch == 2) & ~returned
    satisfaction = np.where(states == "evaluated", np.where(rng.random(rows) < 0.97, "satisfied", "unsatisfied"), "")
    micro_idx = rng.integers(0, len(micro), rows)
    cat_idx = rng.integers(0, len(cats), rows)
    chan_idx = rng.integers(0, len(channels), rows)
    on_time = rng.random(rows) < 0.95
    accepted_on_time = rng.random(rows) < 0.98

    fields = ["number", "channel", "category_id", "description", "address", "micro_grid_id", "grid_id",
              "street_id", "center_id", "assignee_id", "reporter_name", "reporter_phone", "external_ref", "urgency",
              "state", "reported_at", "registered_at", "closed_at", "node", "suspended_working_seconds",
              "is_overdue", "pending_suspension", "dispatch_count", "on_time_accept_count", "returned_count",
              "handled_count", "reworked_count", "extension_count", "suspension_count", "reopened_count",
              "closed_on_time", "handling_seconds", "satisfaction", "version", "event_count", "audit_head",
              "is_synthetic"]
    utc = dt.UTC

    def row(i: int):
        mg, grid, street = micro[micro_idx[i]]
        registered = dt.datetime.fromtimestamp(int(reg[i]), utc)
        is_closed = bool(closed[i])
        d = int(dispatch[i])
        return (
            f"M{i:013d}", channels[chan_idx[i]], cats[cat_idx[i]], "模拟案件", "", mg, grid, street, centers[street],
            street, "", "", "", "normal", str(states[i]), registered, registered,
            registered + dt.timedelta(seconds=int(handling[i])) if is_closed else None, "", 0, False, False,
            d, d if accepted_on_time[i] else d - 1, int(returned[i]), 1 + int(reworked[i]), int(reworked[i]), 0,
            int(states[i] == "suspended"), 0, bool(on_time[i]) if is_closed else None,
            int(handling[i]) if is_closed else None, str(satisfaction[i]), 1, 0, "", True,
        )

    table = Case._meta.db_table
    started = time.perf_counter()
    batch = 20_000
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({', '.join(fields)}) FROM STDIN") as copy:
                for i in range(rows):
                    copy.write_row(row(i))
        else:
            sql = f"INSERT INTO {table} ({', '.join(fields)}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
            for lo in range(0, rows, batch):
                cursor.executemany(sql, [row(i) for i in range(lo, min(rows, lo + batch))])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def bench_metrics(leader) -> list[tuple[str, str, float, object]]:
    import datetime as dt

    from gaoxin.accounts.models import OrgUnit
    from gaoxin.cases import metrics

    tz = dt.timezone(dt.timedelta(hours=8))
    year = {"start": dt.datetime(2023, 1, 1, tzinfo=tz), "end": dt.datetime(2024, 1, 1, tzinfo=tz)}
    month = {"start": dt.datetime(2023, 6, 1, tzinfo=tz), "end": dt.datetime(2023, 7, 1, tzinfo=tz)}
    street = OrgUnit.objects.get(code="GX-S03")
    slices = [
        ("zone, 2023", year),
        ("street GX-S03, June", {**month, "street": street}),
        ("大类 09, 2023", {**year, "category": "09"}),
        ("channel 12345, 2023", {**year, "channel": "hotline_12345"}),
    ]
    out = []
    for label, kw in slices:
        for code in [*metrics.METRICS, "all (case_metrics)"]:
            times = []
            value: object = None
            for _ in range(3):
                started = time.perf_counter()
                if code.startswith("all"):
                    value = metrics.case_metrics(actor=leader, **kw)["accepted_volume"]
                else:
                    value = metrics.metric_value(code, actor=leader, **kw)
                times.append(time.perf_counter() - started)
            out.append((label, code, statistics.median(times), value))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="cases through the workflow services")
    parser.add_argument("--metrics-rows", type=int, default=1_000_000, help="bulk cases for the metric queries")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import random

    with tempfile.TemporaryDirectory(prefix="gaoxin-bench-cases-") as data_dir:
        vendor, created = setup_django(data_dir)
        from django.db import connection

        from gaoxin.accounts import services as accounts
        from gaoxin.accounts.roles import Role

        streets, citizen = build_zone()
        leader = accounts.user_create(username="leader", password="Bench-only-2023!", role=Role.LEADER,
                                      org_unit=streets[0]["street"].parent, validate=False)
        rng = random.Random(args.seed)
        bench_workflow(min(20, args.n), streets, citizen, rng)  # warm-up: locator, calendar, query caches
        flow_s, ids = bench_workflow(args.n, streets, citizen, rng)
        per_case_s, many_s = bench_bare_inserts(ids)
        load_s = bulk_metrics_cases(args.metrics_rows, args.seed) if args.metrics_rows else 0.0
        metric_times = bench_metrics(leader) if args.metrics_rows else []

        server = connection.cursor().connection.info.server_version if vendor == "PostgreSQL" else None
        version = f"PostgreSQL {server}" if server else f"SQLite {connection.Database.sqlite_version}"
        rate = args.n / flow_s
        print("Case engine benchmark")
        print(f"  machine        {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"{version}")
        print(f"  workflow       {args.n:,} cases × 6 transitions in {flow_s:.2f} s → {rate:,.0f} cases/s "
              f"({rate * 6:,.0f} transitions/s, {flow_s / args.n / 6 * 1000:.2f} ms each)")
        print(f"  bare inserts   same {args.n:,} case + {args.n * 6:,} event rows: one transaction per case "
              f"{per_case_s:.2f} s ({args.n / per_case_s:,.0f} cases/s); executemany {many_s:.2f} s "
              f"({args.n / many_s:,.0f} cases/s)")
        print(f"  ratio          workflow = {rate / (args.n / per_case_s):.1%} of per-case inserts, "
              f"{rate / (args.n / many_s):.1%} of executemany")
        if args.metrics_rows:
            print(f"  metrics load   {args.metrics_rows:,} cases bulk-inserted + ANALYZE in {load_s:.1f} s")
            print("  metric queries (median of 3)")
            for label, code, seconds, value in metric_times:
                shown = f"{value:.4f}" if isinstance(value, float) else str(value)
                print(f"    {label:<22} {code:<22} {seconds * 1000:9.1f} ms   = {shown}")
        if created:
            _drop_pg_database(os.environ["DATABASE_URL"])
    return 0


if __name__ == "__main__":
    sys.exit(main())

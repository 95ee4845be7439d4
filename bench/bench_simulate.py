"""Simulated-year benchmark (DESIGN §7: load the full simulated year in ≤ 60 s on 2 cores, SQLite).

    .venv/bin/python bench/bench_simulate.py [--scale 1.0] [--seed 2023]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gx_sim_bench .venv/bin/python bench/bench_simulate.py

SQLite (default): a throw-away database in a temporary directory (GAOXIN_DATA_DIR). PostgreSQL: the database
named in DATABASE_URL and a second one with the suffix ``_base`` are dropped and created afresh (use names of
your own). After ``migrate`` (not timed) it measures:

- simulate: ``simulate_year(year=2023)`` from an empty database — the grid layer, staff, registry, visits, plan,
  cases, events, notices and enterprise problems, index builds, foreign-key check, commit and the dashboard
  roll-ups included (wall time, CPU time of the process, peak RSS);
- bare executemany: the same case and event rows, read back, inserted into an empty migrated copy of the
  schema with a bare ``executemany`` of 20,000 rows at a time in one transaction (foreign-key enforcement off
  and the rollback journal on SQLite, as in the simulation) — the floor of a bulk path that keeps every index up
  to date row by row;
- on SQLite also the same into another fresh copy with the two tables' secondary indexes dropped before and
  created again after the rows (in the transaction and the timing) — the floor of the simulation's strategy.

It prints rows/s and the ratio simulate ÷ bare executemany, plus the machine's load average (other work on
a shared machine distorts the wall times; the CPU time is the steadier figure).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

BATCH = 20_000


def setup_django(data_dir: str) -> None:
    os.environ["GAOXIN_DATA_DIR"] = data_dir
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "gaoxin.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()


def recreate_postgres(url: str) -> str:
    """Drop and create the benchmark database and its ``_base`` twin; return the twin's URL."""
    import psycopg

    base_url = url.rsplit("/", 1)[0]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(f"{base_url}/postgres", autocommit=True) as conn:
        for db in (name, f"{name}_base"):
            conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
            conn.execute(f'CREATE DATABASE "{db}"')
    return f"{base_url}/{name}_base"


def bare_executemany(vendor: str, target: str, *, indexes_after: bool = False) -> tuple[float, int]:
    """Insert the simulated case and event rows into the empty twin database; (seconds, rows). With
    ``indexes_after`` (SQLite) the twin's secondary indexes of the two tables are dropped first and created
    again after the rows, inside the same transaction and the timing — the strategy of the simulation's bulk
    path."""
    from django.db import connection

    from gaoxin.cases.models import Case, CaseEvent

    if vendor == "sqlite":
        import sqlite3

        out = sqlite3.connect(target, isolation_level=None)
        out.execute("PRAGMA journal_mode=DELETE")  # as the simulation loads (core.db.rollback_journal_for_bulk_load)
        out.execute("PRAGMA synchronous=NORMAL")
        out.execute("PRAGMA foreign_keys=OFF")
        out.execute("PRAGMA cache_size=-65536")
        mark = "?"
    else:
        import psycopg

        out = psycopg.connect(target)
        out.execute("SET session_replication_role = replica")  # the twin has no users or units: no FK triggers
        mark = "%s"
    seconds, rows = 0.0, 0
    cursor = out.cursor()
    indexes: list[str] = []
    if vendor == "sqlite":
        cursor.execute("BEGIN")
        if indexes_after:
            started = time.perf_counter()
            for name, sql in cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                    "AND tbl_name IN (?, ?)", (Case._meta.db_table, CaseEvent._meta.db_table)).fetchall():
                cursor.execute(f'DROP INDEX "{name}"')
                indexes.append(sql)
            seconds += time.perf_counter() - started
    for model in (Case, CaseEvent):
        table = model._meta.db_table
        columns = [f.column for f in model._meta.concrete_fields]
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join([mark] * len(columns))})"  # noqa: S608
        with connection.cursor() as source:
            source.execute(f"SELECT {names} FROM {table} ORDER BY id")  # noqa: S608
            while True:
                batch = source.fetchmany(BATCH)
                if not batch:
                    break
                if vendor == "postgresql":  # JSON comes back decoded; send it as text like the simulation
                    import json

                    if model is CaseEvent:
                        k = columns.index("payload")
                        batch = [(*r[:k], json.dumps(r[k], ensure_ascii=False), *r[k + 1 :]) for r in batch]
                started = time.perf_counter()
                cursor.executemany(insert, batch)
                seconds += time.perf_counter() - started
                rows += len(batch)
    started = time.perf_counter()
    for sql in indexes:
        cursor.execute(sql)
    if vendor == "sqlite":
        cursor.execute("COMMIT")
    else:
        out.commit()
    seconds += time.perf_counter() - started
    out.close()
    return seconds, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--year", type=int, default=2023)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    base_target = recreate_postgres(url) if url else ""
    with tempfile.TemporaryDirectory(prefix="gaoxin-bench-sim-") as data_dir:
        setup_django(data_dir)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        vendor = connection.vendor
        if vendor == "sqlite":
            connection.close()
            base_target = str(Path(data_dir) / "base.sqlite3")
            shutil.copy(settings.DATABASES["default"]["NAME"], base_target)
            shutil.copy(settings.DATABASES["default"]["NAME"], Path(data_dir) / "migrated.sqlite3")
        else:  # the twin gets the same schema from the migrations, in a child process
            import subprocess

            manage = Path(__file__).resolve().parent.parent / "manage.py"
            subprocess.run([sys.executable, str(manage), "migrate", "-v0"], check=True,  # noqa: S603
                           env={**os.environ, "DATABASE_URL": base_target})

        from gaoxin.simulation.services import simulate_year

        load_before = os.getloadavg()
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        result = simulate_year(year=args.year, seed=args.seed, scale=args.scale)
        wall = time.perf_counter() - started
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
        load_after = os.getloadavg()
        cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows = result.cases + result.events + result.notices
        sys.stdout.flush()
        bare, bare_rows = bare_executemany(vendor, base_target)
        if vendor == "sqlite":  # the same again into a fresh twin, indexes built after the rows
            shutil.copy(Path(data_dir) / "migrated.sqlite3", base_target)
            bare_after, _ = bare_executemany(vendor, base_target, indexes_after=True)

        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"{vendor}; load average before/after: {load_before[0]:.2f} / {load_after[0]:.2f}")
        print(f"simulate --year {args.year} --seed {args.seed} --scale {args.scale}: {wall:.1f} s wall, "
              f"{cpu:.1f} s CPU, peak RSS {peak:.0f} MiB")
        print("  stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items()))
        print(f"  rows: {result.cases:,} cases + {result.events:,} events + {result.notices:,} notices = {rows:,} "
              f"→ {rows / wall:,.0f} rows/s")
        print(f"  also: {result.enterprises:,} enterprises, {result.visits:,} visits, {result.sessions:,} reception "
              f"days, {result.problems:,} enterprise problems")
        print(f"bare executemany of the same {bare_rows:,} case and event rows: {bare:.1f} s "
              f"→ {bare_rows / bare:,.0f} rows/s")
        print(f"ratio simulate ÷ bare executemany: {wall / bare:.2f}")
        if vendor == "sqlite":
            print(f"bare executemany with the secondary indexes built after the rows: {bare_after:.1f} s "
                  f"→ {bare_rows / bare_after:,.0f} rows/s; ratio simulate ÷ that: {wall / bare_after:.2f}")
        if vendor == "postgresql":
            connection.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Year-end report benchmark (DESIGN §7: the full year-end report in < 10 s).

    .venv/bin/python bench/bench_report.py [--data-dir DIR] [--year 2023] [--scale 1.0] [--runs 3]

With ``--data-dir`` pointing at a database produced by ``gaoxin simulate --year 2023`` (GAOXIN_DATA_DIR of that
run) the report is timed on it as is. Without it, a throw-away SQLite database is made in a temporary directory
and filled by the simulation (``gaoxin.simulation.services.simulate_year`` at ``--scale``). Either way the
approved simulated submissions are ensured first (``indicators.services.simulated_submissions_ensure``), then
each run times, in a fresh process state:

- build: every figure computed (records, submissions, derived measures), sections rendered, own keyword counts;
- html, docx, json: each rendering of the built report;
- total: build + all three renderings — the figure the quality bar is about.

The first run includes loading jieba's dictionary (≈1 s, once per process); the best and the worst run are
printed. Exits non-zero if a seed figure other than F115–F116 is missing.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path


def setup_django(data_dir: str) -> None:
    os.environ["GAOXIN_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="GAOXIN_DATA_DIR of a simulated database (default: simulate one)")
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--scale", type=float, default=1.0, help="scale of the simulation when one is made")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="gaoxin-bench-report-")
    setup_django(data_dir)
    from gaoxin.cases.models import Case

    if not args.data_dir:
        from gaoxin.simulation.services import simulate_year

        started = time.perf_counter()
        simulate_year(year=args.year, seed=2023, scale=args.scale, show_progress=False, log=lambda s: None)
        print(f"simulated {args.year} at scale {args.scale} in {time.perf_counter() - started:.1f} s")
    from gaoxin.indicators.services import simulated_submissions_ensure
    from gaoxin.reports import builder
    from gaoxin.reports.render import render_docx, render_html, render_json

    simulated_submissions_ensure(year=args.year)
    print(f"database: {data_dir} ({Case.objects.count():,} cases); python {platform.python_version()}, "
          f"{os.cpu_count()} cpus")
    totals = []
    report = None
    for run in range(1, args.runs + 1):
        t0 = time.perf_counter()
        report = builder.report_build(year=args.year)
        t1 = time.perf_counter()
        render_html(report)
        t2 = time.perf_counter()
        render_docx(report)
        t3 = time.perf_counter()
        render_json(report)
        t4 = time.perf_counter()
        totals.append(t4 - t0)
        print(f"run {run}: build {t1 - t0:.2f} s, html {t2 - t1:.2f} s, docx {t3 - t2:.2f} s, json {t4 - t3:.2f} s, "
              f"total {t4 - t0:.2f} s")
    print(f"total: best {min(totals):.2f} s, worst {max(totals):.2f} s (target < 10 s)")
    assert report is not None
    missing = [f.ref for f in report.missing if f.ref not in ("F115", "F116")]
    print(f"figures {len(report.figures)}, sources {report.source_counts()}, missing {missing or 'none'}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())

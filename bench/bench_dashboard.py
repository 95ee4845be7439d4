"""Operations dashboard and case list over a simulated year (DESIGN §7: dashboard < 100 ms p95).

    .venv/bin/python bench/bench_dashboard.py [--data-dir DIR] [--scale 1.0] [--runs 20]

With --data-dir, measures the database already there (e.g. one made by ``gaoxin demo`` or ``gaoxin simulate``);
otherwise simulates 2023 at --scale into a temporary directory first. Each page is requested through Django's
test client as the demo leader (one page as a street center's operator), with the dashboard's cache cleared
before every request, so every figure is an uncached page build (queries + rendering). Prints median, p95
(nearest rank) and max per page. The long-period pages cover the first five years of the database (2023 alone
for a database of one simulated year).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="gaoxin-bench-dash-")
    os.environ["GAOXIN_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "gaoxin.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db.models import Count, Max, Min
    from django.test import Client
    from django.utils.timezone import localtime

    from gaoxin.accounts.models import OrgUnit, User
    from gaoxin.cases.models import Case
    from gaoxin.grids.models import Grid

    call_command("migrate", verbosity=0)
    if not Case.objects.exists():
        from gaoxin.simulation.services import simulate_year

        simulate_year(year=2023, seed=2023, scale=args.scale, show_progress=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    client.force_login(User.objects.get(username="leader"))
    street = OrgUnit.objects.filter(kind=OrgUnit.Kind.STREET_OFFICE).order_by("code").first()
    assert street is not None
    busiest = (Case.objects.exclude(assignee=None).values("assignee").annotate(n=Count("pk")).order_by("-n")
               .first())
    assert busiest is not None
    unit = OrgUnit.objects.get(pk=busiest["assignee"])
    # A street center's operator: the roll-ups of the center's streets and the cases the operator reported.
    staff = User.objects.filter(role="operator", org_unit__kind=OrgUnit.Kind.STREET_CENTER).order_by("username")[0]
    grid_row = (Case.objects.exclude(grid=None).values("grid").annotate(n=Count("pk")).order_by("-n").first())
    assert grid_row is not None
    grid = Grid.objects.get(pk=grid_row["grid"])  # the busiest grid and its busiest micro-grid
    micro = Grid.objects.get(pk=Case.objects.filter(grid=grid).exclude(micro_grid=None).values("micro_grid")
                             .annotate(n=Count("pk")).order_by("-n")[0]["micro_grid"])
    years = Case.objects.exclude(registered_at=None).aggregate(first=Min("registered_at"), last=Max("registered_at"))
    first, last = localtime(years["first"]).year, localtime(years["last"]).year
    span = f"start={first}-01-01&end={min(last, first + 4)}-12-31"
    unaligned = f"start={first}-03-15&end={min(last, first + 4)}-11-20"
    pages = [
        (f"dashboard, zone, {first}-{min(last, first + 4)}", f"/dashboard/?{span}"),
        (f"dashboard, zone, {first}-03-15 to {min(last, first + 4)}-11-20", f"/dashboard/?{unaligned}"),
        (f"dashboard, one street, {first}-{min(last, first + 4)}", f"/dashboard/?{span}&street={street.pk}"),
        (f"dashboard, one grid, {first}-{min(last, first + 4)}", f"/dashboard/?{span}&grid={grid.pk}"),
        (f"dashboard, one micro-grid, {first}-{min(last, first + 4)}", f"/dashboard/?{span}&grid={micro.pk}"),
        ("dashboard, zone, whole year", "/dashboard/?start=2023-01-01&end=2023-12-31"),
        ("dashboard, zone, one month", "/dashboard/?start=2023-12-01&end=2023-12-31"),
        ("dashboard, one street, one month", f"/dashboard/?start=2023-03-01&end=2023-03-31&street={street.pk}"),
        (f"dashboard, {unit.name}, whole year", f"/dashboard/?start=2023-01-01&end=2023-12-31&unit={unit.pk}"),
        (f"dashboard as {staff.username}, {first}-{min(last, first + 4)}", f"/dashboard/?{span}", staff),
        ("case list, first page", "/cases/"),
        ("case list, one street, one month", f"/cases/?street={street.pk}&reg_from=2023-06-01&reg_to=2023-06-30"),
    ]
    database = settings.DATABASES["default"]
    print(f"{Case.objects.count():,} cases in {database['NAME']} ({database['ENGINE']})")
    print(f"{'page':<44} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    for label, url, *viewer in pages:
        client.force_login(viewer[0] if viewer else User.objects.get(username="leader"))
        timings = []
        for _ in range(args.runs):
            cache.clear()
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
        p95 = sorted(timings)[max(0, math.ceil(0.95 * len(timings)) - 1)]  # nearest rank
        print(f"{label:<44} {statistics.median(timings):>10.0f} {p95:>8.0f} {max(timings):>8.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

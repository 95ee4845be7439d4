"""Locator benchmark (DESIGN §7: locating ≥ 1,000,000 points/s in batch).

    .venv/bin/python bench/bench_locator.py [--points 1000000] [--naive-points 5000] [--seed 1]

Sets Django up on a throw-away SQLite database in a temporary directory (GAOXIN_DATA_DIR), generates the
synthetic layer (seed 1: 3,895 micro-grids), then measures on random points over the zone's bounding box:

- batch: ``Locator.locate_many`` on all points at once (best of 3 runs);
- single: ``Locator.locate`` point by point, and ``get_locator().locate`` (with the per-call layer-version check);
- naive: ``for poly in polygons: poly.contains(point)`` in code order, first hit wins, on a smaller sample
  (it is thousands of times slower); its rate is points / time on that sample, and the time it would take
  for all the batch points is that rate extrapolated linearly (the sample is drawn like the batch points).

It also checks that the batch and single answers equal the naive ones on the naive sample, and exits
non-zero if they differ.
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
    os.environ["DJANGO_SETTINGS_MODULE"] = "gaoxin.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--single-points", type=int, default=100_000)
    parser.add_argument("--naive-points", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gaoxin-bench-") as data_dir:
        setup_django(data_dir)
        import numpy as np
        import shapely

        from gaoxin.grids import geometry, services
        from gaoxin.grids.locator import Locator, get_locator
        from gaoxin.grids.models import Grid

        started = time.perf_counter()
        services.grid_layer_generate(seed=args.seed)
        generate_s = time.perf_counter() - started

        started = time.perf_counter()
        locator = Locator.from_database()
        build_s = time.perf_counter() - started
        raster = locator.raster

        zone = Grid.objects.get(level=Grid.Level.ZONE)
        rng = np.random.default_rng(20230101)
        lons = rng.uniform(zone.min_lon, zone.max_lon, args.points)
        lats = rng.uniform(zone.min_lat, zone.max_lat, args.points)

        locator.locate_many(lons[:10_000], lats[:10_000])  # warm-up
        batch_s = []
        for _ in range(3):
            started = time.perf_counter()
            batch = locator.locate_many(lons, lats)
            batch_s.append(time.perf_counter() - started)
        batch_rate = args.points / min(batch_s)

        n_single = min(args.single_points, args.points)
        pairs = list(zip(lons[:n_single].tolist(), lats[:n_single].tolist(), strict=True))
        started = time.perf_counter()
        single = [locator.locate(x, y) for x, y in pairs]
        single_rate = n_single / (time.perf_counter() - started)
        get_locator()
        started = time.perf_counter()
        for x, y in pairs[:20_000]:
            get_locator().locate(x, y)
        cached_rate = min(n_single, 20_000) / (time.perf_counter() - started)
        single_ids = np.array([loc.micro_grid_id if loc else -1 for loc in single])
        single_ok = bool((single_ids == batch[:n_single]).all())

        # The naive loop, on fresh (unprepared) polygons in code order.
        micro = list(Grid.objects.filter(level=Grid.Level.MICRO).order_by("code").values_list("pk", "geometry"))
        polygons = [(pk, geometry.to_shape(geojson)) for pk, geojson in micro]
        n_naive = min(args.naive_points, args.points)
        naive = np.full(n_naive, -1, dtype=np.int64)
        started = time.perf_counter()
        for i in range(n_naive):
            point = shapely.Point(lons[i], lats[i])
            for pk, poly in polygons:
                if poly.contains(point):
                    naive[i] = pk
                    break
        naive_s = time.perf_counter() - started
        naive_rate = n_naive / naive_s
        naive_ok = bool((naive == batch[:n_naive]).all()) and bool((naive == single_ids[:n_naive]).all())

        inside = float((batch >= 0).mean())
        print("Locator benchmark")
        print(f"  machine           {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"numpy {np.__version__}, shapely {shapely.__version__} (GEOS {shapely.geos_version_string})")
        print(f"  layer             seed {args.seed}: {len(micro):,} micro-grids, generated and written in "
              f"{generate_s:.1f} s")
        print(f"  build             {build_s:.2f} s (from the database), raster {raster.nx}×{raster.ny} cells, "
              f"{raster.mixed_count:,} mixed cells with {len(raster.candidates):,} candidates")
        print(f"  points            {args.points:,} uniform over the zone bbox, {inside:.1%} inside a micro-grid")
        print(f"  batch             {batch_rate:,.0f} points/s  (locate_many, best of 3: {min(batch_s) * 1000:.0f} ms)")
        print(f"  single            {single_rate:,.0f} points/s  (Locator.locate, {n_single:,} calls)")
        print(f"  single+version    {cached_rate:,.0f} points/s  (get_locator().locate, incl. the cache version check)")
        print(f"  naive             {naive_rate:,.0f} points/s  (poly.contains loop over {len(polygons):,} polygons, "
              f"{n_naive:,} points in {naive_s:.1f} s)")
        print(f"                    → {args.points:,} points would take ~{args.points / naive_rate:,.0f} s "
              f"(extrapolated) against {min(batch_s):.3f} s in batch")
        print(f"  batch / naive     {batch_rate / naive_rate:,.0f}×")
        print(f"  single / naive    {single_rate / naive_rate:,.0f}×")
        print(f"  agreement         batch == single == naive on the naive sample: {naive_ok and single_ok}")
        return 0 if naive_ok and single_ok else 1


if __name__ == "__main__":
    sys.exit(main())

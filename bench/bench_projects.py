"""Key projects and land benchmark (issue 17): import and validate 5,000 monthly report rows, validate the topology
of 10,000 parcels, and look up the one-code dossier.

    .venv/bin/python bench/bench_projects.py [--rows 5000] [--parcels 10000] [--lookups 50]

Sets Django up on a throw-away SQLite database in a temporary directory (GAOXIN_DATA_DIR), generates the synthetic
zone (grid layer, staff), then measures:

- topology: ``land.services.parcels_check`` on ``--parcels`` squares laid inside the zone (codes checked part by
  part, polygons valid, inside the zone, no overlap through one STRtree query), then ``parcels_register`` of them
  all (the same checks again, the rows and their audited histories written);
- monthly rows: a workbook of ``--rows`` rows (one year of twelve months per project) checked by
  ``projects.ledger.ledger_import_preview`` (every identity, month by month) and written by
  ``ledger_import_commit`` (through ``monthly_report_submit``, audited);
- dossier: the one-code dossier page for a parcel with its supply, permits, project and months (median and
  worst of ``--lookups`` requests through Django's test client; the issue asks < 100 ms).
"""

from __future__ import annotations

import argparse
import io
import math
import os
import statistics
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
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages name their static files


def main() -> int:  # noqa: PLR0915 - one linear script
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5_000)
    parser.add_argument("--parcels", type=int, default=10_000)
    parser.add_argument("--lookups", type=int, default=50)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gaoxin-bench-") as data_dir:
        setup_django(data_dir)
        import datetime as dt
        from decimal import Decimal

        import numpy as np
        import openpyxl
        import shapely
        from django.test import Client

        from gaoxin.accounts.models import User
        from gaoxin.core import clock
        from gaoxin.core.calendar import SHANGHAI
        from gaoxin.enterprises.models import Enterprise
        from gaoxin.grids import geometry
        from gaoxin.land import services as land_services
        from gaoxin.land import unitcode
        from gaoxin.land.models import Parcel, Permit
        from gaoxin.projects import ledger, services
        from gaoxin.simulation.world import world_ensure

        world_ensure(seed=1)
        land = User.objects.get(username="sim_handler_GX-D06_1")
        invest = User.objects.get(username="sim_handler_GX-D10_1")
        now = clock.now()
        investor = Enterprise.objects.create(credit_code="91410100MA0000000X", name="基准测试企业", lon=113.55,
                                             lat=34.80, created_at=now, updated_at=now, is_synthetic=True)

        # Topology: squares of about 70 m on a lattice of 90 m cells kept inside the zone.
        zone = land_services.zone_shape()
        assert zone is not None
        min_x, min_y, max_x, max_y = zone.bounds
        step_y = 90 / geometry.METRES_PER_DEG_LAT
        step_x = 90 / geometry.metres_per_deg_lon((min_y + max_y) / 2)
        xs, ys = np.meshgrid(np.arange(min_x, max_x, step_x), np.arange(min_y, max_y, step_y))
        boxes = shapely.box(xs.ravel(), ys.ravel(), xs.ravel() + step_x * 0.8, ys.ravel() + step_y * 0.8)
        inside = boxes[shapely.covers(zone, boxes)][: args.parcels]
        rows = [land_services.ParcelInput(unitcode.make_unit_code(district=1 + n // 100_000 % 999, subdistrict=1,
                                                                  number=n % 100_000 or 1),
                                          f"基准宗地{n}", "industrial", geometry.to_geojson(box), True)
                for n, box in enumerate(inside, start=1)]
        started = time.perf_counter()
        problems = land_services.parcels_check(rows)
        check_s = time.perf_counter() - started
        started = time.perf_counter()
        land_services.parcels_register(actor=land, rows=rows)
        register_s = time.perf_counter() - started
        print(f"topology: {len(rows):,} parcels checked in {check_s:.2f} s ({len(problems)} problems), "
              f"registered with their histories in {register_s:.2f} s")

        # Monthly rows: projects with twelve months each.
        n_projects = math.ceil(args.rows / 12)
        projects = [services.project_register(
            actor=invest, code=f"BM-{n:05d}", name=f"基准项目{n}", investor=investor, year=2023,
            total_investment="100000", annual_plan="12000", level="city", category="continued",
            is_synthetic=True) for n in range(n_projects)]
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "项目月报"
        ws.append(["项目编号", "年", "月", "本月完成投资", "自年初累计完成投资", "自开始建设累计完成投资", "建筑工程",
                   "安装工程", "设备工器具购置", "其他费用"])
        written = 0
        for project in projects:
            for month in range(1, 13):
                if written == args.rows:
                    break
                ytd = 1000 * month
                ws.append([project.code, 2023, month, 1000, ytd, ytd, ytd - 300, 100, 100, 100])
                written += 1
        out = io.BytesIO()
        wb.save(out)
        content = out.getvalue()

        def upload() -> io.BytesIO:
            f = io.BytesIO(content)
            f.name = "月报.xlsx"
            return f

        started = time.perf_counter()
        preview = ledger.ledger_import_preview(actor=invest, file=upload())
        preview_s = time.perf_counter() - started
        assert not preview.bad_rows, preview.bad_rows[0].error_text
        started = time.perf_counter()
        with clock.frozen(dt.datetime(2024, 1, 20, 10, tzinfo=SHANGHAI)):
            result = ledger.ledger_import_commit(actor=invest, file=upload())
        commit_s = time.perf_counter() - started
        print(f"monthly rows: {written:,} rows validated in {preview_s:.2f} s, "
              f"imported ({result.created['reports']:,} reports) in {commit_s:.2f} s")

        # Dossier: a supplied parcel with its four permits, a project and its months.
        parcel = Parcel.objects.order_by("pk").first()
        assert parcel is not None
        land_services.supply_record(actor=land, parcel=parcel, contract_no="BM-TD-1", contract_date=dt.date(2023, 3, 1),
                                    method="auction", price=Decimal(100), land_user=investor)
        for kind in Permit.Kind.values:
            land_services.permit_issue(actor=land, parcel=parcel, kind=kind, number=f"BM-{kind}",
                                       issued_on=dt.date(2023, 3, 1))
        services.project_parcels_link(actor=invest, project=projects[0], parcels=[parcel])
        client = Client(HTTP_HOST="localhost")
        client.force_login(land)
        timings = []
        for _ in range(args.lookups):
            started = time.perf_counter()
            response = client.get(f"/projects/dossier/?code={parcel.unit_code}")
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        print(f"dossier: median {statistics.median(timings):.1f} ms, worst {max(timings):.1f} ms "
              f"over {args.lookups} lookups; load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""API intake benchmark (DESIGN §7: intake through the API ≥ 500 cases/s with p99 < 50 ms on PostgreSQL).

    .venv/bin/python bench/bench_api.py [--database-url postgres://postgres@127.0.0.1:5432/gx_bench_api]
                                        [--workers 4] [--threads 2] [--concurrency 8] [--seconds 15] [--rate 500]

1. Prepares the database named in --database-url (created when missing and dropped at the end; the schema by
   ``migrate``): a small zone (committee, zone center, two streets with their centers, a 2 × 2 grid layer) and a
   citizen with an API token.
2. Starts gunicorn on a free localhost port (``gaoxin.wsgi``, gthread workers, the settings of production
   except that GAOXIN_BENCH_ENDPOINTS=1 mounts ``POST /api/v1/bench/insert``, which only inserts the case row).
3. Load, from this process (Python threads with keep-alive ``http.client`` connections):
   - saturation: --concurrency closed-loop clients for --seconds on each endpoint; cases/s and p50/p99;
   - fixed rate: --rate requests/s offered open-loop for --seconds on the real endpoint; latency is counted
     from each request's scheduled send time, so a stall shows up as latency (no coordinated omission).
   Real intake = ``POST /api/v1/cases`` with a unique ``Idempotency-Key``: token lookup, validation, locating the
   point, routing to a center, the case number counter, the case row, the hash-chained report event, the
   idempotency record, and the masked response.

The load generator shares the machine's cores with gunicorn and PostgreSQL; the figures say what the whole
machine does, and the script prints its CPU count.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _admin(url: str):
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    conn = psycopg.connect(host=cfg["HOST"] or "localhost", port=cfg["PORT"] or 5432, user=cfg["USER"],
                           password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True)
    return conn, cfg["NAME"]


def prepare(url: str, data_dir: str) -> tuple[str, bool]:
    """Create the database if needed, migrate, build the zone; returns (token, created)."""
    conn, name = _admin(url)
    with conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(DATABASE_URL=url, GAOXIN_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="gaoxin.settings")
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from gaoxin.accounts import services as accounts
    from gaoxin.accounts.models import OrgUnit
    from gaoxin.accounts.roles import Role
    from gaoxin.api.services import api_token_create
    from gaoxin.grids import services as grids
    from gaoxin.grids.models import Grid

    call_command("migrate", verbosity=0)

    def box(x0, y0, x1, y1):
        return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}

    with transaction.atomic():
        from gaoxin.accounts.models import User

        citizen = User.objects.filter(username="bench-citizen").first()
        if citizen is None:
            committee = accounts.org_unit_create(code="GX", name="高新区管委会", kind=OrgUnit.Kind.COMMITTEE)
            accounts.org_unit_create(code="GX-C", name="区级城运中心", kind=OrgUnit.Kind.ZONE_CENTER, parent=committee)
            zone = grids.grid_create(code="410171", name="高新区", level=Grid.Level.ZONE,
                                     geometry_geojson=box(113.50, 34.78, 113.60, 34.84))
            for s in range(2):
                street = accounts.org_unit_create(code=f"GX-S{s + 1:02d}", name=f"第{s + 1}办事处",
                                                  kind=OrgUnit.Kind.STREET_OFFICE, parent=committee)
                accounts.org_unit_create(code=f"GX-S{s + 1:02d}-C", name=f"第{s + 1}城运中心",
                                         kind=OrgUnit.Kind.STREET_CENTER, parent=street)
                x0 = 113.50 + s * 0.05
                grid = grids.grid_create(code=f"410171{s + 1:02d}001", name="网格", level=Grid.Level.GRID,
                                         parent=zone, street=street, geometry_geojson=box(x0, 34.78, x0 + 0.05, 34.84))
                for m in range(2):
                    grids.grid_create(code=f"{grid.code}{m + 1:02d}", name="微网格", level=Grid.Level.MICRO,
                                      parent=grid, street=street,
                                      geometry_geojson=box(x0, 34.78 + m * 0.03, x0 + 0.05, 34.81 + m * 0.03))
            citizen = accounts.user_create(username="bench-citizen", password="Bench-only-2023!",
                                           role=Role.CITIZEN, org_unit=None, validate=False)
        token = api_token_create(user=citizen, name="bench").token
    from django.db import connections

    connections.close_all()
    return token, not exists


def drop(url: str) -> None:
    conn, name = _admin(url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen:
    env = dict(os.environ, GAOXIN_BENCH_ENDPOINTS="1", GAOXIN_LOG_LEVEL="WARNING")
    process = subprocess.Popen(  # noqa: S603  # our own virtualenv's gunicorn
        [str(Path(sys.executable).parent / "gunicorn"), "gaoxin.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads), "--log-level",
         "warning", "--keep-alive", "30"],
        cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def body(i: int) -> bytes:
    return json.dumps({"channel": "public_web", "category": "09001", "description": f"占道经营，影响通行 #{i}",
                       "lon": 113.51 + (i % 90) * 0.001, "lat": 34.785 + (i % 50) * 0.001,
                       "reporter_name": "张三", "reporter_phone": "13812341234"}).encode()


class Load:
    def __init__(self, port: int, token: str, path: str) -> None:
        self.port, self.token, self.path = port, token, path
        self.latencies: list[float] = []
        self.errors: dict[int, int] = {}
        self.lock = threading.Lock()
        self.counter = iter(range(10**9))
        self.missed = 0

    def _send(self, conn: http.client.HTTPConnection) -> int:
        i = next(self.counter)
        conn.request("POST", self.path, body(i), {"Content-Type": "application/json",
                                                  "Authorization": f"Bearer {self.token}",
                                                  "Idempotency-Key": uuid.uuid4().hex})
        response = conn.getresponse()
        response.read()
        return response.status

    def _record(self, status: int, latency: float) -> None:
        with self.lock:
            if status == 201:
                self.latencies.append(latency)
            else:
                self.errors[status] = self.errors.get(status, 0) + 1

    def closed_loop(self, clients: int, seconds: float) -> float:
        stop = time.perf_counter() + seconds

        def run() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            while time.perf_counter() < stop:
                start = time.perf_counter()
                status = self._send(conn)
                self._record(status, time.perf_counter() - start)

        return self._threads(run, clients)

    def open_loop(self, rate: float, seconds: float, clients: int) -> float:
        begin = time.perf_counter() + 0.2
        per_client = rate / clients

        def run(k: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            n = 0
            while True:
                scheduled = begin + (n + k / clients) / per_client
                if scheduled > begin + seconds:
                    return
                if time.perf_counter() > begin + seconds:  # behind schedule at the end: the rest is missed
                    with self.lock:
                        self.missed += int((begin + seconds - scheduled) * per_client) + 1
                    return
                delay = scheduled - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                status = self._send(conn)
                self._record(status, time.perf_counter() - scheduled)
                n += 1

        return self._threads(run, clients, indexed=True)

    def _threads(self, target, count: int, indexed: bool = False) -> float:
        threads = [threading.Thread(target=target, args=(k,) if indexed else ()) for k in range(count)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.perf_counter() - start

    def summary(self, elapsed: float) -> dict:
        lat = sorted(self.latencies)

        def pct(p: float) -> float:
            return lat[min(len(lat) - 1, max(0, int(round(p * len(lat))) - 1))] * 1000 if lat else float("nan")

        errors = dict(self.errors)
        if self.missed:
            errors["not sent in time"] = self.missed
        return {"n": len(lat), "rate": len(lat) / elapsed, "p50": pct(0.5), "p99": pct(0.99),
                "mean": statistics.fmean(lat) * 1000 if lat else float("nan"), "errors": errors}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/gx_bench_api")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gaoxin-bench-api-") as data_dir:
        token, created = prepare(args.database_url, data_dir)
        port = free_port()
        server = start_gunicorn(port, args.workers, args.threads)
        try:
            print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
                  f"Python {platform.python_version()}")
            print(f"gunicorn: {args.workers} workers × {args.threads} threads (gthread) on PostgreSQL; "
                  f"load: {args.concurrency} clients in this process, {args.seconds:.0f} s per run")
            Load(port, token, "/api/v1/cases").closed_loop(args.concurrency, 3)  # warm-up
            Load(port, token, "/api/v1/bench/insert").closed_loop(args.concurrency, 2)
            rows = []
            for label, path in (("real intake POST /api/v1/cases", "/api/v1/cases"),
                                ("bare insert POST /api/v1/bench/insert", "/api/v1/bench/insert")):
                load = Load(port, token, path)
                rows.append((f"saturation, {label}", load.summary(load.closed_loop(args.concurrency, args.seconds))))
            load = Load(port, token, "/api/v1/cases")
            elapsed = load.open_loop(args.rate, args.seconds, args.concurrency * 2)
            rows.append((f"fixed {args.rate:.0f}/s offered, real intake", load.summary(elapsed)))
            print(f"\n{'run':<58} {'cases':>7} {'cases/s':>8} {'p50 ms':>7} {'p99 ms':>7}  errors")
            for label, s in rows:
                print(f"{label:<58} {s['n']:>7} {s['rate']:>8.0f} {s['p50']:>7.1f} {s['p99']:>7.1f}  "
                      f"{s['errors'] or '-'}")
        finally:
            server.terminate()
            server.wait(timeout=30)
            if created and not args.keep:
                drop(args.database_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""API intake benchmark (DESIGN §7: intake through the API ≥ 500 cases/s with p99 < 50 ms on PostgreSQL).

    apt-get install -y wrk        # Debian's wrk 4.1 (C + LuaJIT), the load generator; without it --driver python
    .venv/bin/python bench/bench_api.py [--database-url postgres://postgres@127.0.0.1:5432/gx_bench_api]
        [--workers 2] [--threads 4] [--worker-connections N] [--connections 8] [--seconds 10] [--rate 500]
        [--repeat 1] [--driver wrk|python] [--in-process 300] [--profile]

1. Prepares the database named in --database-url (created when missing and dropped at the end; the schema by
   ``migrate``): a small zone (committee, zone center, two streets with their centers, a 2 × 2 grid layer) and a
   citizen with an API token.
2. In-process (Django test client, no HTTP, one request at a time): wall and CPU milliseconds per request of
   both endpoints and the SQL statements of one intake (``--profile``: the top of a CPU-time cProfile).
3. Starts gunicorn on a free localhost port (``gaoxin.wsgi``, gthread workers, the settings of production —
   persistent database connections, ``CONN_MAX_AGE`` 60 s — except that GAOXIN_BENCH_ENDPOINTS=1 mounts
   ``POST /api/v1/bench/insert``, which only inserts the case row). A gthread worker keeps a keep-alive
   connection for good, and the load generator's few connections, opened at once, land on the workers by chance:
   when most land on one worker, that process's GIL caps the run near one core ("cores busy" ≈ 1.3 instead of
   ≈ 1.9 for the same code from one run to the next). --worker-connections equal to --threads turns keep-alive
   off (gunicorn keeps worker_connections − threads idle connections), so that every request connects anew and
   the workers share the load, as behind a proxy that opens a connection per request (nginx's default towards
   an upstream); connecting costs CPU of its own.
4. Load:
   - saturation: --connections closed-loop keep-alive connections for --seconds on each endpoint, driven by
     ``wrk`` (one thread, a Lua script giving every request its own body and Idempotency-Key) or, with
     ``--driver python``, by an asyncio client in this process; cases/s and p50/p99 of the answered requests;
   - fixed rate: --rate requests/s offered open-loop for --seconds on the real endpoint (asyncio client in
     this process, up to 4 × --connections connections); latency is counted from each request's scheduled send
     time, so a stall shows up as latency (no coordinated omission), and requests not sent by the end are
     reported.
   --repeat K runs both saturations K times, alternating, and prints the median of the real intake's runs: the
   machine's speed drifts (other virtual machines on the host), so one run says little.
   For every run the CPU time of gunicorn (master and workers), of the PostgreSQL backends serving the bench
   database and of the load generator is read from /proc and printed per case, next to the load average.
   Real intake = ``POST /api/v1/cases`` with a unique ``Idempotency-Key``: token lookup, validation, locating the
   point, routing to a center, the case number counter, the case row, the hash-chained report event, the
   idempotency record, and the masked response.

Everything shares the machine's cores (gunicorn, PostgreSQL, the load generator, and whatever else runs): the
figures say what the whole machine does.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
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
    os.environ.update(DATABASE_URL=url, GAOXIN_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="gaoxin.settings",
                      GAOXIN_BENCH_ENDPOINTS="1")
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


def start_gunicorn(port: int, workers: int, threads: int, worker_class: str = "gthread",
                   worker_connections: int = 1000) -> subprocess.Popen:
    env = dict(os.environ, GAOXIN_BENCH_ENDPOINTS="1", GAOXIN_LOG_LEVEL="WARNING")
    process = subprocess.Popen(  # noqa: S603  # our own virtualenv's gunicorn
        [str(Path(sys.executable).parent / "gunicorn"), "gaoxin.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--worker-class", worker_class, "--threads", str(threads), "--log-level",
         "warning", "--keep-alive", "30", "--worker-connections", str(worker_connections)],
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


REAL, BARE = "/api/v1/cases", "/api/v1/bench/insert"


# --- in-process ------------------------------------------------------------------------------------------------

def in_process(token: str, n: int, profile: bool) -> None:
    """Both endpoints through the Django test client, one request at a time (no HTTP server, no concurrency)."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    counter = iter(range(10**6, 10**7))

    def post(path: str) -> None:
        response = client.post(path, body(next(counter)), content_type="application/json",
                               headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex})
        if response.status_code != 201:
            raise RuntimeError(f"{path}: {response.status_code} {response.content[:300]!r}")

    for _ in range(20):
        post(REAL)
        post(BARE)
    with CaptureQueriesContext(connection) as captured:
        post(REAL)
    statements = list(captured.captured_queries)  # the next request clears the connection's log
    print(f"\nin-process, {n} requests each, one at a time (Django test client, no HTTP server):")
    for path in (REAL, BARE):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(n):
            post(path)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"  {path:<24} {wall / n * 1000:6.2f} ms wall, {cpu / n * 1000:6.2f} ms CPU per request")
    print(f"  one intake = {len(statements)} SQL statements "
          "(plus the connection's health check at the start of each request):")
    for query in statements:
        print(f"    {query['sql'][:110]}")
    if profile:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(n):
            post(REAL)
        profiler.disable()
        print(f"\ncProfile (CPU time) of {n} intakes, by cumulative time:")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    connection.close()


# --- CPU accounting ------------------------------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
POSTGRES_AUXILIARY = {"walwriter", "checkpointer", "background", "autovacuum", "logical", "archiver", "stats",
                      "walsender", "walreceiver", "startup"}


def _stat(pid: int) -> tuple[int, float, float] | None:
    """(parent pid, user + system CPU seconds, those of its exited children) of a process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS,
            (int(fields[13]) + int(fields[14])) / CLOCK_TICKS)


def _cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().decode(errors="replace").replace("\0", " ").split()
    except OSError:
        return []


@dataclass
class Cpu:
    """CPU seconds so far of gunicorn (master + workers) and of PostgreSQL (backends of the bench database and
    the server's auxiliary processes — WAL writer, checkpointer … — which work for whatever writes). A backend
    that exits during a run (a worker's connection reaching ``CONN_MAX_AGE``) takes its CPU time along to the
    postmaster's count of its exited children, which is added for that reason (it also holds the children of
    other databases that exited meanwhile: keep the machine otherwise quiet)."""

    gunicorn: float = 0.0
    postgres: float = 0.0

    @classmethod
    def read(cls, master: int, database: str) -> Cpu:
        cpu = cls()
        postmaster = None
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            pid = int(entry)
            stat = _stat(pid)
            if stat is None:
                continue
            parent, seconds, children = stat
            if pid == master:
                cpu.gunicorn += seconds + children
                continue
            if parent == master:
                cpu.gunicorn += seconds
                continue
            args = _cmdline(pid)  # "postgres: [cluster:] walwriter" or "postgres: [cluster:] user database …"
            if args[:1] != ["postgres:"]:
                continue
            words = args[2:] if len(args) > 1 and args[1].endswith(":") else args[1:]
            if words[:1] and (words[0] in POSTGRES_AUXILIARY or words[1:2] == [database]):
                cpu.postgres += seconds
                postmaster = parent
        if postmaster is not None and (stat := _stat(postmaster)) is not None:
            cpu.postgres += stat[2]
        return cpu


@dataclass
class Result:
    label: str
    elapsed: float
    latencies_ms: list[float] = field(default_factory=list)  # answered with 201 (python driver)
    created: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    p50: float = float("nan")
    p99: float = float("nan")
    cpu_app: float = 0.0
    cpu_db: float = 0.0
    cpu_driver: float = 0.0
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def finish(self) -> Result:
        if self.latencies_ms:
            lat = sorted(self.latencies_ms)
            self.created = len(lat)
            self.p50 = lat[min(len(lat) - 1, max(0, round(0.50 * len(lat)) - 1))]
            self.p99 = lat[min(len(lat) - 1, max(0, round(0.99 * len(lat)) - 1))]
        return self


# --- drivers -------------------------------------------------------------------------------------------------

WRK_SCRIPT = r"""
-- Every request its own body (the point moves over the grid) and its own Idempotency-Key.
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  n = 0
  token = os.getenv("BENCH_TOKEN")
  path = os.getenv("BENCH_PATH")
  run = os.getenv("BENCH_RUN")
end
function request()
  n = n + 1
  local i = tid * 10000000 + n
  local body = string.format(
    '{"channel":"public_web","category":"09001","description":"占道经营，影响通行 #%d","lon":%.3f,"lat":%.3f,' ..
    '"reporter_name":"张三","reporter_phone":"13812341234"}', i, 113.51 + (i % 90) * 0.001, 34.785 + (i % 50) * 0.001)
  return wrk.format("POST", path, {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token,
                                   ["Idempotency-Key"] = run .. "-" .. tid .. "-" .. n}, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %d, "duration_us": %d, "status": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d, "p50_us": %d, "p99_us": %d}\n', summary.requests, summary.duration, e.status,
    e.connect, e.read, e.write, e.timeout, latency:percentile(50), latency:percentile(99)))
end
"""


def run_wrk(port: int, token: str, path: str, connections: int, seconds: float, label: str) -> Result:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    env = dict(os.environ, BENCH_TOKEN=token, BENCH_PATH=path, BENCH_RUN=uuid.uuid4().hex[:12])
    try:
        process = subprocess.Popen(  # noqa: S603  # Debian's wrk
            [shutil.which("wrk") or "wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds:.0f}s",
             "--timeout", "10s", "-s", script.name, f"http://127.0.0.1:{port}"],
            env=env, stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None
        output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        os.unlink(script.name)
    line = next((x for x in output.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed:\n{output}")
    data = json.loads(line.removeprefix("WRKJSON "))
    errors = {k: data[k] for k in ("status", "connect", "read", "write", "timeout") if data[k]}
    result = Result(label, data["duration_us"] / 1e6, created=data["requests"] - data["status"], errors=errors,
                    p50=data["p50_us"] / 1000, p99=data["p99_us"] / 1000)
    result.cpu_driver = usage.ru_utime + usage.ru_stime
    return result


def _request(path: str, token: str, i: int, run: str) -> bytes:
    payload = body(i)
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {token}\r\nIdempotency-Key: {run}-{i}\r\nContent-Length: {len(payload)}\r\n\r\n")
    return head.encode() + payload


async def _roundtrip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bool]:
    """Send one request, read its answer; (status, whether the server keeps the connection open)."""
    writer.write(request)
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionResetError("closed before answering")
    status = int(status_line.split()[1])
    length, keep = 0, True
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection" and value.strip().lower() == b"close":
            keep = False
    if length:
        await reader.readexactly(length)
    return status, keep


async def _drive(port: int, token: str, path: str, connections: int, seconds: float, rate: float | None,
                 result: Result) -> None:
    """Closed loop (rate None: each connection sends its next request when the answer came) or open loop
    (request k is due at start + k / rate; a connection takes the next due request when it is free, and the
    latency counts from the due time)."""
    run = uuid.uuid4().hex[:12]
    counter = iter(range(10**9))
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2
    end = start + seconds
    sent = 0

    async def client() -> None:
        nonlocal sent
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while True:
                k = next(counter)
                due = start + k / rate if rate else loop.time()
                now = loop.time()
                if due >= end or now >= end:  # open loop: what is still due at the end was never sent
                    return
                sent += 1
                if due > now:
                    await asyncio.sleep(due - now)
                if writer.is_closing():  # closed after the last answer (gunicorn's sync workers): connect only now,
                    # since a sync worker that accepted an idle connection waits on it
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                status, keep = await _roundtrip(reader, writer, _request(path, token, k, run))
                if not keep:
                    writer.close()
                if status == 201:
                    result.latencies_ms.append((loop.time() - due) * 1000)
                else:
                    result.errors[str(status)] = result.errors.get(str(status), 0) + 1
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(connections)))
    result.elapsed = loop.time() - start
    if rate and sent < int(seconds * rate):
        result.errors["not sent in time"] = int(seconds * rate) - sent


def run_python(port: int, token: str, path: str, connections: int, seconds: float, rate: float | None,
               label: str) -> Result:
    result = Result(label, seconds)
    before = resource.getrusage(resource.RUSAGE_SELF)
    asyncio.run(_drive(port, token, path, connections, seconds, rate, result))
    after = resource.getrusage(resource.RUSAGE_SELF)
    result.cpu_driver = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result.finish()


def measured(run, master: int, database: str) -> Result:
    load = os.getloadavg()
    before = Cpu.read(master, database)
    result = run()
    after = Cpu.read(master, database)
    result.cpu_app, result.cpu_db = after.gunicorn - before.gunicorn, after.postgres - before.postgres
    result.load = load
    return result


def report(rows: list[Result]) -> None:
    print(f"\n{'run':<52} {'cases':>6} {'cases/s':>8} {'p50 ms':>7} {'p99 ms':>7}   "
          f"{'CPU ms per case: app':>20} {'db':>5} {'load gen':>8}  {'cores busy':>10}  {'load avg':>9}  errors")
    for r in rows:
        n = max(r.created, 1)
        busy = (r.cpu_app + r.cpu_db + r.cpu_driver) / r.elapsed
        print(f"{r.label:<52} {r.created:>6} {r.created / r.elapsed:>8.0f} {r.p50:>7.1f} {r.p99:>7.1f}   "
              f"{r.cpu_app / n * 1000:>20.2f} {r.cpu_db / n * 1000:>5.2f} {r.cpu_driver / n * 1000:>8.2f}  "
              f"{busy:>10.2f}  {r.load[0]:>9.2f}  {r.errors or '-'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/gx_bench_api")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class (sync: no keep-alive)")
    parser.add_argument("--worker-connections", type=int, default=1000,
                        help="gunicorn: connections a gthread worker holds at most (equal to --threads: no keep-alive)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--repeat", type=int, default=1, help="saturation runs of each endpoint, alternating")
    parser.add_argument("--driver", choices=("wrk", "python"), default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--in-process", type=int, default=300, metavar="N",
                        help="requests per endpoint through the test client (0: skip)")
    parser.add_argument("--profile", action="store_true", help="cProfile the in-process intakes")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gaoxin-bench-api-") as data_dir:
        token, created = prepare(args.database_url, data_dir)
        import dj_database_url

        database = dj_database_url.parse(args.database_url)["NAME"]
        try:
            print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
                  f"Python {platform.python_version()}; load average at start "
                  + " ".join(f"{x:.2f}" for x in os.getloadavg()))
            if args.in_process:
                in_process(token, args.in_process, args.profile)
            port = free_port()
            server = start_gunicorn(port, args.workers, args.threads, args.worker_class, args.worker_connections)
            try:
                print(f"\ngunicorn: {args.workers} workers × {args.threads} threads ({args.worker_class}, at most "
                      f"{args.worker_connections} connections each) on PostgreSQL; load: {args.driver}, "
                      f"{args.connections} connections, {args.seconds:.0f} s per run")

                def saturate(path: str, label: str, seconds: float) -> Result:
                    if args.driver == "wrk":
                        return run_wrk(port, token, path, args.connections, seconds, label)
                    return run_python(port, token, path, args.connections, seconds, None, label)

                saturate(REAL, "warm-up", 3)
                saturate(BARE, "warm-up", 2)
                rows = [measured(lambda path=path, label=label: saturate(path, label, args.seconds), server.pid,
                                 database)
                        for _ in range(args.repeat)
                        for path, label in ((REAL, f"saturation, real intake POST {REAL}"),
                                            (BARE, f"saturation, bare insert POST {BARE}"))]
                rows.append(measured(lambda: run_python(port, token, REAL, args.connections * 4, args.seconds,
                                                        args.rate, f"{args.rate:.0f}/s offered, real intake"),
                                     server.pid, database))
                report(rows)
                if args.repeat > 1:
                    real = [r for r in rows if r.label.startswith("saturation, real")]
                    middle = sorted(real, key=lambda r: r.created / r.elapsed)[len(real) // 2]
                    print(f"\nreal intake, median of {len(real)} saturation runs: "
                          f"{middle.created / middle.elapsed:.0f} cases/s, p50 {middle.p50:.1f} ms, "
                          f"p99 {middle.p99:.1f} ms (each run: "
                          + ", ".join(f"{r.created / r.elapsed:.0f}/s p99 {r.p99:.0f} ms" for r in real) + ")")
            finally:
                server.terminate()
                server.wait(timeout=30)
            print("load average at end " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
        finally:
            if created and not args.keep:
                from django.db import connections

                connections.close_all()
                drop(args.database_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())

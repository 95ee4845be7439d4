"""Fault injection (issue 16): what the platform loses, doubles or breaks when its processes die, its database
restarts, its disk fills up or the city 12345 platform goes away — measured, not assumed. Results and the
command in docs/RELIABILITY.md.

    .venv/bin/python bench/faults.py [--engine sqlite|postgresql|both] [--seconds 20] [--only NAME,...]

Bounded and self-stopping (each scenario runs --seconds of load, then drains; a few minutes per engine), against
servers it starts on localhost and stops at the end; it needs root for the tmpfs (the SQLite disk-full fault)
and PostgreSQL's server binaries (a private cluster it creates in a temporary directory, so that restarting it
disturbs nobody else).

An installation: ``gaoxin demo --no-serve`` at a small scale (the synthetic zone, its users, a tiny year) in a
data directory — on SQLite a tmpfs of its own, on PostgreSQL a database of the private cluster with Redis (its
database 13) for the cache and the task queue, as in production — served by
``gaoxin serve`` (gunicorn, 3 workers), with the task worker (``gaoxin run_huey``: exports) and the outbox worker
(``gaoxin hotline deliver --loop 1``: the 12345 replies; in production the per-minute periodic task) beside it,
and the city 12345 simulator (``gaoxin.hotline.simulator``) receiving the replies.

Load, all the time a scenario runs: four clients reporting cases (``POST /api/v1/cases``), the city pushing
12345 orders (``POST /api/v1/hotline/12345/orders``), an operator refusing them (不予立案, which queues a reply
to the city in the outbox), a shift lead running background exports. Every write carries an Idempotency-Key
and is retried with the same key, as a client must, until it is acknowledged (2xx) or the client gives up.

Scenarios: ``baseline`` (no fault); ``kill-web`` (kill -9 a gunicorn worker every 2 s); ``kill-tasks`` (kill -9
the task and outbox workers every 3 s, restarted a second later as a supervisor would); ``pg-restart``
(PostgreSQL stopped in immediate mode, i.e. crashed, and started again 3 s later); ``disk-full`` (SQLite: the
data directory's file system filled up for 6 s); ``city-down`` (the city platform answers 503 for an hour of
simulated time: the outbox worker's per-minute ticks run with the platform's clock moved one minute per tick).

Counted after each scenario: acknowledged cases lost (goal 0), duplicates (cases or 12345 orders made twice from
one request, 0), half-written cases (a case without its report event, 0), audit-chain breaks (``gaoxin audit
verify``, 0), roll-up differences (``gaoxin cases rollup``, 0), replies lost (an acknowledged refusal whose reply
never reached the city, 0) and replies the city received twice (it deduplicates by message id; at-least-once
delivery may resend after a kill), answers by status (500s: goal 0; 503s while the fault lasts) and the time
from the end of the fault to the first acknowledged write.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gaoxin.hotline.simulator import CityPlatform  # noqa: E402  (stdlib only: no Django here)

PY = sys.executable
CITY_TOKEN = "bench-city-token"  # noqa: S105 - a token of the simulator on localhost
PG_BIN = Path("/usr/lib/postgresql") / "15" / "bin"
MARK = "故障演练"
REDIS_URL = "redis://127.0.0.1:6379/13"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---- the database server (PostgreSQL: a private cluster) ----------------------------------------------------


class PrivatePostgres:
    """A PostgreSQL cluster of its own in a temporary directory (owned by the postgres user), on a free port."""

    def __init__(self, root: Path) -> None:
        self.dir = root / "pg"
        self.sockets = root / "pgsock"
        self.port = free_port()
        self.log = root / "pg.log"

    def _as_postgres(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["runuser", "-u", "postgres", "--", *args], capture_output=True, text=True,  # noqa: S603,S607
                              check=True)

    def create(self) -> None:
        for d in (self.dir, self.sockets):
            d.mkdir(parents=True)
            shutil.chown(d, "postgres", "postgres")
        shutil.chown(self.dir.parent, "postgres")
        self.log.touch()
        shutil.chown(self.log, "postgres", "postgres")
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.dir), "-A", "trust", "-U", "postgres",
                          "--no-sync", "-E", "UTF8")
        self.start()
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-qc",  # noqa: S603,S607
                        "CREATE DATABASE gaoxin"], check=True)

    def start(self) -> None:
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-l", str(self.log), "-w", "start", "-o",
                          f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c max_connections=60")

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-w", "-m", mode, "stop")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/gaoxin"


# ---- an installation and its processes ----------------------------------------------------------------------


@dataclass
class Installation:
    engine: str
    root: Path
    data_dir: Path
    env: dict[str, str]
    pg: PrivatePostgres | None = None
    tmpfs: bool = False

    def gaoxin(self, *args: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([PY, "-m", "gaoxin.cli", *args], env=self.env, capture_output=True, text=True,  # noqa: S603
                                timeout=timeout, check=False)
        if check and result.returncode != 0:
            raise RuntimeError(f"gaoxin {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def python(self, code: str) -> str:
        result = subprocess.run([PY, "-c", code], env=self.env, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            raise RuntimeError(result.stderr)
        return result.stdout


@contextlib.contextmanager
def installation(engine: str, city_url: str) -> Iterator[Installation]:
    root = Path(tempfile.mkdtemp(prefix=f"gaoxin-faults-{engine}-"))
    data_dir = root / "data"
    data_dir.mkdir()
    tmpfs = False
    if engine == "sqlite":
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", str(data_dir)],  # noqa: S603,S607
                                 capture_output=True, check=False)
        tmpfs = mounted.returncode == 0
        if not tmpfs:
            log("no tmpfs (mount needs root): the disk-full scenario is skipped")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(GAOXIN_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="gaoxin.settings", PYTHONPATH=str(ROOT),
               GAOXIN_HOTLINE_CITY_URL=city_url, GAOXIN_HOTLINE_CITY_TOKEN=CITY_TOKEN,
               GAOXIN_HOTLINE_BACKOFF_BASE="1", GAOXIN_HOTLINE_BACKOFF_CAP="2", GAOXIN_DB_CONN_MAX_AGE="60")
    pg = None
    if engine == "postgresql":
        pg = PrivatePostgres(root)
        pg.create()
        # The production path: PostgreSQL, and Redis for the cache and the task queue (a database of its own).
        env["DATABASE_URL"] = pg.url
        env["REDIS_URL"] = REDIS_URL
        subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], capture_output=True, check=False)  # noqa: S603,S607
    inst = Installation(engine=engine, root=root, data_dir=data_dir, env=env, pg=pg, tmpfs=tmpfs)
    try:
        yield inst
    finally:
        if pg is not None:
            with contextlib.suppress(subprocess.CalledProcessError):
                pg.stop("immediate")
        if tmpfs:
            subprocess.run(["umount", "-l", str(data_dir)], check=False)  # noqa: S603,S607
        shutil.rmtree(root, ignore_errors=True)


class Processes:
    """gunicorn (master and workers), the task worker and the outbox worker of an installation."""

    def __init__(self, inst: Installation, port: int) -> None:
        self.inst = inst
        self.port = port
        self.web: subprocess.Popen[bytes] | None = None
        self.tasks: subprocess.Popen[bytes] | None = None
        self.outbox: subprocess.Popen[bytes] | None = None
        self.logs = open(inst.root / "processes.log", "ab")  # noqa: SIM115 - closed in stop()

    def _spawn(self, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen([PY, "-m", "gaoxin.cli", *args], env=self.inst.env, stdout=self.logs,  # noqa: S603
                                stderr=self.logs)

    def start(self) -> None:
        self.web = self._spawn("serve", "--port", str(self.port), "--workers", "3", "--no-collectstatic")
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            status, _ = call("GET", self.port, "/api/v1/openapi.json", timeout=2)
            if status == 200:
                break
            time.sleep(0.3)
        else:
            raise RuntimeError("the server did not start")
        self.start_workers()

    def start_workers(self, *, outbox: bool = True) -> None:
        if self.tasks is None or self.tasks.poll() is not None:
            self.tasks = self._spawn("run_huey", "--quiet")
        if outbox and (self.outbox is None or self.outbox.poll() is not None):
            self.outbox = self._spawn("hotline", "deliver", "--loop", "1")

    def kill_workers(self) -> int:
        killed = 0
        for process in (self.tasks, self.outbox):
            if process is not None and process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
                killed += 1
        return killed

    def stop_outbox(self) -> None:
        if self.outbox is not None and self.outbox.poll() is None:
            self.outbox.terminate()
            self.outbox.wait(timeout=20)

    def web_workers(self) -> list[int]:
        assert self.web is not None
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError):
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    if int(fields[1]) == self.web.pid:
                        found.append(int(entry.name))
        return found

    def kill_web_worker(self) -> bool:
        workers = self.web_workers()
        if not workers:
            return False
        with contextlib.suppress(ProcessLookupError):
            os.kill(random.choice(workers), signal.SIGKILL)  # noqa: S311 - not cryptographic
        return True

    def stop(self) -> None:
        for process in (self.outbox, self.tasks, self.web):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.logs.close()


# ---- HTTP client and load -----------------------------------------------------------------------------------


def call(method: str, port: int, path: str, body: object = None, *, token: str = "", key: str = "",
         timeout: float = 15) -> tuple[int | None, object]:
    """(status, parsed body) or (None, reason) when there was no answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if key:
        headers["Idempotency-Key"] = key
    try:
        connection.request(method, path, None if body is None else json.dumps(body, ensure_ascii=False).encode(),
                           headers)
        response = connection.getresponse()
        raw = response.read()
        try:
            return response.status, json.loads(raw) if raw else None
        except ValueError:
            return response.status, raw[:200]
    except (OSError, http.client.HTTPException) as exc:
        return None, type(exc).__name__
    finally:
        connection.close()


@dataclass
class Tally:
    """What the clients saw: answers by status, acknowledged writes, and when writes succeeded."""

    statuses: collections.Counter[str] = field(default_factory=collections.Counter)
    cases: dict[str, int] = field(default_factory=dict)  # idempotency key → case id
    orders: dict[str, int] = field(default_factory=dict)  # order id → case id
    rejected: set[int] = field(default_factory=set)  # case ids whose refusal was acknowledged
    exports: collections.Counter[str] = field(default_factory=collections.Counter)
    unexpected: list[str] = field(default_factory=list)
    ok_times: list[float] = field(default_factory=list)
    abandoned: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saw(self, status: int | None) -> None:
        with self.lock:
            self.statuses["no answer" if status is None else str(status)] += 1
            if status is not None and 200 <= status < 300:
                self.ok_times.append(time.monotonic())


RETRYABLE = {None, 500, 502, 503, 504}


class Load:
    def __init__(self, port: int, tokens: dict[str, str]) -> None:
        self.port = port
        self.tokens = tokens
        self.tally = Tally()
        self.stop = threading.Event()
        self.to_reject: collections.deque[int] = collections.deque()
        self.threads: list[threading.Thread] = []

    def write(self, path: str, body: dict[str, object], *, token: str, key: str,
              done: Callable[[int, object], bool] | None = None) -> tuple[int, object] | None:
        """Send until acknowledged; retried with the same key on no answer, 5xx and 409 in-flight; gives up 30 s
        after the load stops (then the write was never acknowledged, and is not counted as lost)."""
        while True:
            status, answer = call("POST", self.port, path, body, token=token, key=key)
            self.tally.saw(status)
            if status is not None and (200 <= status < 300 or (done is not None and done(status, answer))):
                return status, answer
            if status not in RETRYABLE and not (status == 409 and _code(answer) == "idempotency_in_progress"):
                with self.tally.lock:
                    self.tally.unexpected.append(f"{path} {status} {str(answer)[:160]}")
                return None
            if self.stop.is_set() and time.monotonic() > self.stopped_at + 30:
                with self.tally.lock:
                    self.tally.abandoned += 1
                return None
            time.sleep(0.25)

    def reporter(self) -> None:
        while not self.stop.is_set():
            key = uuid.uuid4().hex
            body = {"channel": "city_inspector", "category": "09001", "description": f"{MARK} {key}",
                    "address": "高新区 故障演练路"}
            acked = self.write("/api/v1/cases", body, token=self.tokens["operator"], key=key)
            if acked:
                with self.tally.lock:
                    self.tally.cases[key] = acked[1]["id"]  # type: ignore[index]

    def city(self) -> None:
        while not self.stop.is_set():
            order_id = f"FT{uuid.uuid4().hex[:16].upper()}"
            body = {"order_id": order_id, "content": f"{MARK} {order_id} 小区门口占道经营", "category": "H-C02",
                    "request_type": "H-TS", "caller_name": "王小明", "caller_phone": "13900001111",
                    "address": "高新区 故障演练路"}
            acked = self.write("/api/v1/hotline/12345/orders", body, token=self.tokens["city"], key=order_id)
            if acked:
                with self.tally.lock:
                    self.tally.orders[order_id] = acked[1]["case_id"]  # type: ignore[index]
                self.to_reject.append(acked[1]["case_id"])  # type: ignore[index]
            time.sleep(0.2)

    def refuser(self) -> None:
        def already(status: int, answer: object) -> bool:
            return status == 409 and _code(answer) == "illegal_transition"

        while not self.stop.is_set() or self.to_reject:
            try:
                case_id = self.to_reject.popleft()
            except IndexError:
                if self.stop.is_set():
                    return
                time.sleep(0.1)
                continue
            acked = self.write(f"/api/v1/cases/{case_id}/reject", {"reason": f"{MARK}：不属于本区管辖"},
                               token=self.tokens["operator"], key=f"reject-{case_id}", done=already)
            if acked:
                with self.tally.lock:
                    self.tally.rejected.add(case_id)

    def exporter(self) -> None:
        while not self.stop.is_set():
            status, job = call("POST", self.port, "/api/v1/cases/exports", {"state": "reported"},
                               token=self.tokens["shiftlead"])
            self.tally.saw(status)
            if status != 202:
                time.sleep(1)
                continue
            deadline = time.monotonic() + 20
            outcome = "unfinished after 20 s"
            while time.monotonic() < deadline:
                time.sleep(0.5)
                status, state = call("GET", self.port, f"/api/v1/exports/{job['id']}",  # type: ignore[index]
                                     token=self.tokens["shiftlead"])
                if status == 200 and state["status"] in ("done", "failed"):  # type: ignore[index]
                    outcome = state["status"]  # type: ignore[index]
                    break
            with self.tally.lock:
                self.tally.exports[outcome] += 1

    def start(self) -> None:
        self.stopped_at = float("inf")
        for target in [self.reporter] * 4 + [self.city, self.refuser, self.exporter]:
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self.threads.append(thread)

    def finish(self) -> Tally:
        self.stopped_at = time.monotonic()
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=120)
        return self.tally


def _code(answer: object) -> str:
    return str(answer.get("code", "")) if isinstance(answer, dict) else ""


# ---- checks -------------------------------------------------------------------------------------------------

INVENTORY = f"""
import json, django
django.setup()
from django.db.models import Count
from gaoxin.cases.models import Case
from gaoxin.hotline.models import HotlineOrder, Outbox
marked = Case.objects.filter(description__startswith="{MARK} ")
dups = sum(r["n"] - 1 for r in marked.values("description").annotate(n=Count("id")).filter(n__gt=1))
order_dups = sum(r["n"] - 1 for r in HotlineOrder.objects.values("order_id").annotate(n=Count("id")).filter(n__gt=1))
outbox = {{}}
for case_id, state, message_id in Outbox.objects.values_list("order__case_id", "state", "message_id"):
    outbox.setdefault(str(case_id), []).append([state, message_id])
print(json.dumps({{
    "ids": list(Case.objects.values_list("id", flat=True)),
    "duplicates": dups + order_dups,
    "half_written": Case.objects.filter(events__isnull=True).count(),
    "outbox": outbox,
}}))
"""

# The outbox worker's per-minute tick with the clock moved one minute per tick: one line in, one JSON line out.
TICKER = """
import datetime as dt, json, sys, django
django.setup()
from django.utils import timezone
from gaoxin.core import clock
from gaoxin.hotline.models import Outbox
from gaoxin.hotline.outbox import deliver_pending
start = timezone.now()
for line in sys.stdin:
    minute = int(line)
    with clock.frozen(start + dt.timedelta(minutes=minute)):
        report = deliver_pending()
    pending = Outbox.objects.filter(state=Outbox.State.PENDING).count()
    print(json.dumps({"minute": minute, "delivered": report.delivered, "retried": report.retried,
                      "dead": report.dead, "pending": pending}), flush=True)
"""


# What the per-minute sweeper does to exports whose worker was lost, with the clock moved past their silence.
REQUEUE = """
import datetime as dt, django
django.setup()
from django.utils import timezone
from gaoxin.api.exports import STALE, export_jobs_requeue_stale
from gaoxin.core import clock
with clock.frozen(timezone.now() + STALE + dt.timedelta(minutes=1)):
    print(export_jobs_requeue_stale())
"""
UNFINISHED = """
import django
django.setup()
from gaoxin.api.models import ExportJob
print(ExportJob.objects.filter(status__in=["queued", "running"]).count())
"""


def finish_exports(inst: Installation, notes: list[str]) -> int:
    """Exports left unfinished by the fault, after the sweeper queued them again (0 is the goal)."""
    unfinished = int(inst.python(UNFINISHED))
    if not unfinished:
        return 0
    requeued = int(inst.python(REQUEUE))
    deadline = time.monotonic() + 60
    while unfinished and time.monotonic() < deadline:
        time.sleep(1)
        unfinished = int(inst.python(UNFINISHED))
    notes.append(f"{requeued} exports whose worker was lost queued again by the sweeper (after 5 minutes without "
                 f"progress); {unfinished} unfinished a minute later")
    return unfinished


@dataclass
class Outcome:
    scenario: str
    engine: str
    seconds: float
    acknowledged: int
    lost: int
    duplicates: int
    half_written: int
    chain_breaks: int
    rollup_diffs: int
    replies_lost: int
    replies_twice: int
    exports_lost: int
    server_errors: int
    unavailable: int
    no_answer: int
    recovery_s: float | None
    notes: list[str]

    def row(self) -> str:
        recovery = "–" if self.recovery_s is None else f"{self.recovery_s:.1f}"
        return (f"| {self.engine} | {self.scenario} | {self.acknowledged} | {self.lost} | {self.duplicates} | "
                f"{self.half_written} | {self.chain_breaks} | {self.rollup_diffs} | {self.replies_lost} | "
                f"{self.replies_twice} | {self.exports_lost} | {self.server_errors} | {self.unavailable} | "
                f"{self.no_answer} | {recovery} |")


HEADER = ("| engine | scenario | acknowledged writes | lost | duplicates | half-written | chain breaks | "
          "roll-up diffs | replies lost | replies twice | exports lost | 500s | 503s | no answer | recovery s |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")


# A delivery tick with the clock moved past the lease: what the outbox worker does 5 minutes after a worker was
# killed holding messages (it had moved their next attempt one lease ahead, and died before sending them).
AFTER_LEASE = """
import datetime as dt, django
django.setup()
from django.utils import timezone
from gaoxin.core import clock
from gaoxin.hotline.outbox import LEASE, deliver_pending
with clock.frozen(timezone.now() + LEASE + dt.timedelta(minutes=1)):
    print(deliver_pending().delivered)
"""
PENDING = """
import django
django.setup()
from gaoxin.hotline.models import Outbox
print(Outbox.objects.filter(state=Outbox.State.PENDING).count())
"""


def drain_outbox(inst: Installation, city: CityPlatform, notes: list[str]) -> None:
    """Send what the outbox holds (the city is up again): due messages now, leased ones after their lease."""
    city.up()
    inst.gaoxin("hotline", "deliver", check=False)
    pending = int(inst.python(PENDING))
    if pending:
        delivered = int(inst.python(AFTER_LEASE))
        notes.append(f"{pending} replies held by a killed worker's lease, {delivered} of them sent by the tick after "
                     "the lease (5 minutes)")


def check(inst: Installation, city: CityPlatform, scenario: str, tally: Tally, seconds: float,
          fault_ended: float | None, replies_before: int, duplicates_before: int, notes: list[str]) -> Outcome:
    drain_outbox(inst, city, notes)
    exports_lost = finish_exports(inst, notes)
    found = json.loads(inst.python(INVENTORY))
    ids = set(found["ids"])
    acknowledged = set(tally.cases.values()) | set(tally.orders.values())
    audit = inst.gaoxin("audit", "verify", check=False)
    rollup = inst.gaoxin("cases", "rollup", check=False)
    received = {r["message_id"] for r in city.replies}
    replies_lost = 0
    for case_id in tally.rejected:
        rows = found["outbox"].get(str(case_id), [])
        if not any(state == "delivered" and message_id in received for state, message_id in rows):
            replies_lost += 1
    recovery = None
    if fault_ended is not None:
        after = [t for t in tally.ok_times if t >= fault_ended]
        recovery = (min(after) - fault_ended) if after else None
    if tally.unexpected:
        notes.append(f"{len(tally.unexpected)} writes refused unexpectedly, e.g. {tally.unexpected[0]}")
    notes.append(f"{len(tally.cases)} cases reported, {len(tally.orders)} 12345 orders, {len(tally.rejected)} "
                 f"refused (each a reply to the city); the city received {len(city.replies) - replies_before} replies")
    if tally.exports:
        notes.append("exports: " + ", ".join(f"{n} {k}" for k, n in sorted(tally.exports.items())))
    if tally.abandoned:
        notes.append(f"{tally.abandoned} writes never acknowledged (given up 30 s after the load stopped)")
    return Outcome(
        scenario=scenario, engine=inst.engine, seconds=seconds, acknowledged=len(acknowledged) + len(tally.rejected),
        lost=len(acknowledged - ids), duplicates=found["duplicates"], half_written=found["half_written"],
        chain_breaks=max(audit.stdout.count("BROKEN"), int(audit.returncode != 0)),
        rollup_diffs=sum(1 for line in rollup.stdout.splitlines() if line.startswith("DIFF")),
        replies_lost=replies_lost, replies_twice=city.duplicates - duplicates_before, exports_lost=exports_lost,
        server_errors=sum(n for s, n in tally.statuses.items() if s.startswith("5") and s != "503"),
        unavailable=tally.statuses.get("503", 0), no_answer=tally.statuses.get("no answer", 0),
        recovery_s=recovery, notes=notes,
    )


# ---- scenarios ----------------------------------------------------------------------------------------------


def run_scenario(name: str, inst: Installation, procs: Processes, city: CityPlatform, tokens: dict[str, str],
                 seconds: float) -> Outcome:
    log(f"{inst.engine}: {name} …")
    replies_before, duplicates_before = len(city.replies), city.duplicates
    notes: list[str] = []
    load = Load(procs.port, tokens)
    started = time.monotonic()
    fault_ended: float | None = None
    if name == "city-down":
        procs.stop_outbox()  # the simulated-time ticker is the outbox worker here
        city.down("error")
        load.start()
        time.sleep(seconds)
        tally = load.finish()
        # The production backoff (30 s doubling, at most an hour), not the quick one of the real-time scenarios.
        production = {**inst.env, "GAOXIN_HOTLINE_BACKOFF_BASE": "30", "GAOXIN_HOTLINE_BACKOFF_CAP": "3600"}
        ticker = subprocess.Popen([PY, "-c", TICKER], env=production, stdin=subprocess.PIPE,  # noqa: S603
                                  stdout=subprocess.PIPE, text=True)
        assert ticker.stdin is not None
        assert ticker.stdout is not None

        def tick(minute: int) -> dict[str, int]:
            ticker.stdin.write(f"{minute}\n")  # type: ignore[union-attr]
            ticker.stdin.flush()  # type: ignore[union-attr]
            return json.loads(ticker.stdout.readline())  # type: ignore[union-attr]

        attempts = sum(tick(minute)["retried"] for minute in range(60))
        city.up()
        minute, last = 60, {"pending": 1}
        while last["pending"] and minute < 60 + 24 * 60:
            last = tick(minute)
            minute += 1
        ticker.stdin.close()
        ticker.wait(timeout=30)
        notes.append(f"the city down for 60 simulated minutes: {attempts} failed delivery attempts, "
                     f"{city.refused_while_down} refused by the city; after it came back the outbox was empty "
                     f"{minute - 60} simulated minutes later (backoff 30 s doubling, at most 1 h)")
        procs.start_workers()
        return check(inst, city, name, tally, seconds, None, replies_before, duplicates_before, notes)

    load.start()
    if name == "kill-web":
        kills = 0
        while time.monotonic() - started < seconds:
            time.sleep(2)
            kills += procs.kill_web_worker()
        fault_ended = time.monotonic()
        notes.append(f"{kills} gunicorn workers killed with SIGKILL")
    elif name == "kill-tasks":
        kills = 0
        while time.monotonic() - started < seconds:
            time.sleep(3)
            kills += procs.kill_workers()
            time.sleep(1)
            procs.start_workers()
        fault_ended = time.monotonic()
        notes.append(f"{kills} task/outbox workers killed with SIGKILL and restarted")
    elif name == "pg-restart":
        assert inst.pg is not None
        time.sleep(seconds / 4)
        inst.pg.stop("immediate")
        time.sleep(3)
        inst.pg.start()
        fault_ended = time.monotonic()
        notes.append("PostgreSQL stopped in immediate mode (a crash: recovery from the WAL on start) for 3 s")
        time.sleep(max(0.0, seconds - (time.monotonic() - started)))
    elif name == "disk-full":
        time.sleep(seconds / 4)
        filler = inst.data_dir / "filler"
        with open(filler, "wb") as out, contextlib.suppress(OSError):
            block = b"\0" * (1 << 20)
            while True:
                out.write(block)
                out.flush()
        time.sleep(6)
        filler.unlink()
        fault_ended = time.monotonic()
        notes.append("the data directory's file system (tmpfs, 256 MB) full for 6 s")
        time.sleep(max(0.0, seconds - (time.monotonic() - started)))
    else:
        time.sleep(seconds)
    tally = load.finish()
    procs.start_workers()
    return check(inst, city, name, tally, time.monotonic() - started, fault_ended, replies_before,
                 duplicates_before, notes)


SCENARIOS = {
    "sqlite": ["baseline", "kill-web", "kill-tasks", "disk-full", "city-down"],
    "postgresql": ["baseline", "kill-web", "kill-tasks", "pg-restart", "city-down"],
}


def run_engine(engine: str, seconds: float, only: set[str] | None) -> list[Outcome]:
    city = CityPlatform(expect_token=CITY_TOKEN).start()
    outcomes = []
    try:
        with installation(engine, city.url) as inst:
            log(f"{engine}: preparing the installation in {inst.root} …")
            inst.gaoxin("demo", "--no-serve", "--scale", "0.002", "--verbosity", "0")
            inst.gaoxin("collectstatic", "--noinput", "--verbosity", "0")
            tokens = {"city": inst.gaoxin("hotline", "setup").stdout.strip()}
            for username in ("operator", "shiftlead"):
                tokens[username] = inst.gaoxin("api", "token", "create", username).stdout.strip()
            port = free_port()
            city.zone_url = f"http://127.0.0.1:{port}"
            procs = Processes(inst, port)
            procs.start()
            try:
                for name in SCENARIOS[engine]:
                    if only and name not in only:
                        continue
                    if name == "disk-full" and not inst.tmpfs:
                        continue
                    outcome = run_scenario(name, inst, procs, city, tokens, seconds)
                    log(outcome.row())
                    outcomes.append(outcome)
            finally:
                procs.stop()
    finally:
        city.stop()
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=20, help="load per scenario")
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    args = parser.parse_args()
    only = {s for s in args.only.split(",") if s} or None
    engines = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
    started = time.monotonic()
    outcomes = [o for engine in engines for o in run_engine(engine, args.seconds, only)]
    print(f"\nfault injection, {args.seconds:.0f} s of load per scenario, {time.monotonic() - started:.0f} s in all "
          f"({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f})\n")
    print(HEADER)
    for outcome in outcomes:
        print(outcome.row())
    for outcome in outcomes:
        for note in outcome.notes:
            print(f"- {outcome.engine} {outcome.scenario}: {note}")
    failed = [o for o in outcomes if o.lost or o.duplicates or o.half_written or o.chain_breaks or o.rollup_diffs
              or o.replies_lost or o.exports_lost or o.server_errors]
    missed = ", ".join(f"{o.engine} {o.scenario}" for o in failed)
    print("\nall goals met" if not failed else f"\ngoals missed in: {missed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

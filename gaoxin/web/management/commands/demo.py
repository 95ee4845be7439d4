"""`gaoxin demo`: the README's main job.

Creates or reuses the embedded database, builds the synthetic zone and the demo logins when the database is
empty, simulates the year 2023 when it holds no cases (``gaoxin simulate``), starts the task worker and the web
server, and prints the URL and the logins. A second run reuses everything and starts in seconds.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from gaoxin.accounts.demo import DEMO_LOGINS, DEMO_PASSWORD, demo_users_ensure
from gaoxin.accounts.synthetic import synthetic_org_ensure
from gaoxin.cases.models import Case
from gaoxin.grids.models import Grid
from gaoxin.grids.services import grid_layer_generate
from gaoxin.notify import conf as notify_conf
from gaoxin.notify.simulator import SmsGatewaySimulator
from gaoxin.simulation.services import simulate_year
from gaoxin.web.management.commands.serve import default_workers, serve

DEMO_YEAR = 2023
# The demo's year is the full one; under the test runner the command's own tests get a tiny year (the full year
# is tested once, by the slow tests of gaoxin.simulation).
DEFAULT_SCALE = 0.002 if settings.TESTING else 1.0


def demo_year_end_report(*, year: int, stdout: Any) -> None:
    """The year-end report (年终答卷) of the simulated year in HTML, Word and JSON under DATA_DIR/reports."""
    out = Path(settings.DATA_DIR) / "reports"
    call_command("report", year=year, format="all", out=str(out), stdout=stdout)
    stdout.write(f"年终答卷 year-end report: {out} (also on the web at /reports/{year}/ for leaders)")


def demo_prepare(*, seed: int, show_progress: bool, stdout: Any, scale: float = 1.0) -> None:
    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    synthetic_org_ensure()
    if not Grid.objects.exists():
        stdout.write("生成模拟网格 (synthetic zone: 571 grids, 3,895 micro-grids) …")
        grid_layer_generate(seed=seed, show_progress=show_progress)
    demo_users_ensure()
    if not Case.objects.exists():
        stdout.write(f"模拟 {DEMO_YEAR} 年 (simulated year, seed {seed}, scale {scale}) …")
        result = simulate_year(year=DEMO_YEAR, seed=seed, scale=scale, show_progress=show_progress)
        stdout.write(f"  {result.cases:,} cases, {result.events:,} events in {result.total_seconds:.1f} s")
        demo_year_end_report(year=DEMO_YEAR, stdout=stdout)
    stdout.write(f"数据准备完成 ready in {time.monotonic() - started:.1f} s ({settings.DATABASES['default']['NAME']})")


def demo_banner(*, url: str) -> str:
    lines = [
        "",
        "高新区运营平台 Gaoxin — 演示环境 (synthetic demo data)",
        f"  地址 URL:      {url}",
        f"  演示密码 demo password (all logins, demo only): {DEMO_PASSWORD}",
        "  登录 logins:",
    ]
    lines += [f"    {login.username:<16} {login.display_name}" for login in DEMO_LOGINS]
    lines.append("    gw<micro-grid code>  网格员 (one per micro-grid, e.g. see the admin's user list)")
    lines.append("    sim_<role>_<unit code>_<n>  the simulated year's staff, e.g. sim_handler_GX-D01_1, "
                 "sim_dispatcher_GX-S02-C_1")
    return "\n".join(lines)


def demo_sms_gateway() -> SmsGatewaySimulator | None:
    """Without a real gateway configured, the demo's text messages go to a local simulator started here; the task
    worker and the web server inherit its address. ``None`` when ``GAOXIN_SMS_URL`` names a gateway."""
    if os.environ.get("GAOXIN_SMS_URL"):
        return None
    token = secrets.token_urlsafe(16)
    gateway = SmsGatewaySimulator(token=token, sign=notify_conf.signature()).start()
    os.environ["GAOXIN_SMS_URL"], os.environ["GAOXIN_SMS_TOKEN"] = gateway.url, token
    return gateway


class Command(BaseCommand):
    help = "主任务：演示数据库（模拟辖区、演示账号、模拟 2023 年、年终答卷），启动任务进程与网站 / the main job"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument("--workers", type=int, default=default_workers())
        parser.add_argument("--scale", type=float, default=DEFAULT_SCALE,
                            help="scale of the simulated year when the database has no cases (e.g. 0.05)")
        parser.add_argument("--no-serve", action="store_true", help="prepare the data, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        demo_prepare(seed=options["seed"], show_progress=options["verbosity"] > 0, stdout=self.stdout,
                     scale=options["scale"])
        if options["no_serve"]:
            return
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(demo_banner(url=url))
        gateway = demo_sms_gateway()
        if gateway is not None:
            self.stdout.write(f"  短信网关模拟器 SMS gateway simulator: {gateway.url}/sms (what the phones received)")
        worker = subprocess.Popen([sys.executable, "-m", "gaoxin.cli", "run_huey", "--quiet"])  # noqa: S603
        try:
            serve(host=options["host"], port=options["port"], workers=options["workers"])
        finally:
            worker.terminate()
            worker.wait(timeout=10)
            if gateway is not None:
                gateway.stop()

"""`gaoxin compute tick|simulate|close`: the broker once or in a loop, the city-scale simulation with its figures,
a month's close."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.compute import services, simulator
from gaoxin.core.errors import ApplicationError
from gaoxin.core.progress import bar


class Command(BaseCommand):
    help = "城市算力网：调度（tick，可 --loop 循环）、城市级仿真（simulate，输出指标）、月结出账（close）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{tick,simulate,close}")
        tick = sub.add_parser("tick", help="运行一轮调度（放置、跟踪、改派、计量）；--loop N 每 N 秒一轮")
        tick.add_argument("--loop", type=int, default=0, help="循环间隔秒数（0 = 只运行一轮）")
        sim = sub.add_parser("simulate", help="离散事件仿真：N 个资源池、若干作业，输出终态率、成本、占用率、排队")
        sim.add_argument("--pools", type=int, default=6)
        sim.add_argument("--jobs", type=int, default=3000)
        sim.add_argument("--days", type=int, default=30)
        sim.add_argument("--seed", type=int, default=7)
        sim.add_argument("--no-failures", action="store_true", help="不注入资源池故障")
        close = sub.add_parser("close", help="月结出账：账单（先抵扣算力券）与结算单")
        close.add_argument("--month", required=True, help="账期，如 2023-05")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "tick":
            self._tick(options["loop"])
        elif action == "simulate":
            self._simulate(options)
        else:
            try:
                month = dt.date.fromisoformat(f"{options['month']}-01")
            except ValueError:
                raise CommandError("--month 应为年月，如 2023-05") from None
            try:
                bills, settlements = services.month_close(actor=None, month=month)
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(f"账单 {bills} 张，结算单 {settlements} 张")

    def _tick(self, loop: int) -> None:
        if loop < 0:
            raise CommandError("--loop 应为不小于 0 的秒数")
        while True:
            try:
                report = services.broker_tick()
                self.stdout.write(f"下发 {report.placed}，开始 {report.started}，完成 {report.succeeded}，"
                                  f"失败 {report.failed}，改派 {report.failed_over}，无资源池 {report.expired}，"
                                  f"失联资源池 {len(report.dark_pools)}")
            except ApplicationError as exc:
                self.stderr.write(exc.message)
            if not loop:
                return
            time.sleep(loop)

    def _simulate(self, options: dict[str, Any]) -> None:
        for key, low in (("pools", 3), ("jobs", 1), ("days", 1)):
            if options[key] < low:
                raise CommandError(f"--{key} 应不小于 {low}")
        scenario = simulator.city_scenario(pools=options["pools"], jobs=options["jobs"], days=options["days"],
                                           seed=options["seed"], failures=not options["no_failures"])
        with bar(desc="仿真（模拟小时）", total=options["days"] * 24, unit="h") as progress:
            def hours_done(hours: float) -> None:
                progress.update(min(int(hours), progress.total) - progress.n)

            result = simulator.run(scenario, progress=hours_done)
        self.stdout.write(
            f"作业 {result.jobs}，终态 {result.terminal_share:.2%}（完成 {result.succeeded}，作业自身失败 "
            f"{result.failed}，无资源池可承接 {result.expired}），改派 {result.failovers}\n"
            f"成本 {result.cost_fen / 100:,.0f} 元，最低可能 {result.optimum_fen / 100:,.0f} 元"
            f"（{result.cost_ratio:.3f}×）\n"
            f"占用率 " + "，".join(f"{k} {v:.0%}" for k, v in result.utilisation.items())
            + f"\n排队中位数 {result.median_wait_minutes:.1f} 分钟，p95 {result.p95_wait_minutes:.1f} 分钟")

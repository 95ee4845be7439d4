"""``gaoxin simulate --year 2023 [--seed N] [--scale F]``: the synthetic year (thin over ``simulation.services``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.core.errors import ApplicationError
from gaoxin.indicators.figures import figure_values, system_actor
from gaoxin.simulation.services import simulate_year


class Command(BaseCommand):
    help = (
        "模拟年度：按种子生成一整年的模拟数据（网格、人员、案件及其完整历史、企业、走访、接待日），"
        "全部标记为模拟数据"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=2023)
        parser.add_argument("--seed", type=int, default=2023, help="same seed → same year")
        parser.add_argument("--scale", type=float, default=1.0, help="shrink everything, e.g. 0.01 for a quick run")
        parser.add_argument("--figures", action="store_true", help="print the seed figures computed afterwards")

    def handle(self, *args: Any, **options: Any) -> None:
        show = options["verbosity"] > 0
        self.stdout.write(f"模拟 {options['year']} 年 (seed {options['seed']}, scale {options['scale']}) …")
        def log(line: str) -> None:
            if show:
                self.stdout.write(line)

        try:
            result = simulate_year(year=options["year"], seed=options["seed"], scale=options["scale"],
                                   show_progress=show, log=log)
        except (ApplicationError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"完成 done in {result.total_seconds:.1f} s: {result.cases:,} cases, {result.events:,} events, "
            f"{result.notices:,} supervision notices, {result.enterprises:,} enterprises, {result.visits:,} visits, "
            f"{result.sessions:,} reception days, {result.problems:,} enterprise problems; "
            f"peak RSS {result.peak_rss_mib:.0f} MiB"))
        if options["figures"]:
            figures = figure_values(actor=system_actor(), year=options["year"])
            for ref, figure in figures.items():
                if figure.source == "computed":
                    self.stdout.write(f"  {ref}: {figure.display}")

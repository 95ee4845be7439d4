"""`gaoxin grids generate|import|export`: the grid layer on the command line (thin over services/selectors)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.core.errors import ApplicationError
from gaoxin.grids import selectors, services
from gaoxin.grids.layer import Tolerances


class Command(BaseCommand):
    help = "网格图层：生成模拟辖区（generate）、导入（import）、导出（export）GeoJSON"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{generate,import,export}")

        generate = sub.add_parser(
            "generate", help="生成模拟辖区：约 99 km²，571 个网格，3,895 个微网格，每个微网格一名网格员"
        )
        generate.add_argument("--seed", type=int, required=True, help="随机种子：同一种子生成完全相同的图层")
        generate.add_argument("--replace", action="store_true", help="替换已有的网格图层")
        generate.add_argument("--no-progress", action="store_true", help="不显示进度条")

        load = sub.add_parser("import", help="导入 GeoJSON 网格图层：先完整校验，全部写入或什么都不写")
        load.add_argument("file", type=Path, help="GeoJSON FeatureCollection 文件")
        load.add_argument("--replace", action="store_true", help="替换已有的网格图层")
        load.add_argument("--no-progress", action="store_true", help="不显示进度条")
        for name, what in (("outside", "子网格超出上级"), ("overlap", "同级网格重叠"), ("gap", "上级未被子网格覆盖")):
            load.add_argument(
                f"--{name}-tolerance", type=float, metavar="M2", help=f"允许的{what}面积（平方米，默认 1）"
            )

        export = sub.add_parser("export", help="导出网格图层为 GeoJSON FeatureCollection")
        export.add_argument("--out", type=Path, help="输出文件（默认标准输出）")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        self.verbosity = options["verbosity"]
        show_progress = not options.get("no_progress") and options["verbosity"] > 0
        try:
            if action == "generate":
                started = time.perf_counter()
                result = services.grid_layer_generate(
                    seed=options["seed"], replace=options["replace"], show_progress=show_progress
                )
                seconds = time.perf_counter() - started
                self._report(result, f"已生成模拟辖区（种子 {options['seed']}，{seconds:.1f} 秒）")
            elif action == "import":
                path: Path = options["file"]
                try:
                    text = path.read_bytes()
                except OSError as exc:
                    raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from exc
                tolerances = Tolerances.from_settings(
                    outside_m2=options["outside_tolerance"],
                    overlap_m2=options["overlap_tolerance"],
                    gap_m2=options["gap_tolerance"],
                )
                result = services.grid_layer_import(
                    text=text, replace=options["replace"], tolerances=tolerances, show_progress=show_progress
                )
                self._report(result, f"已导入 {path}")
            else:
                self._export(options["out"])
        except ApplicationError as exc:
            for problem in exc.extra.get("errors", []):
                self.stderr.write(f"  {problem['code'] or '-'} [{problem['kind']}] {problem['message']}")
            raise CommandError(exc.message) from exc

    def _report(self, result: services.LayerWriteResult, title: str) -> None:
        if self.verbosity > 0:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{title}：辖区 {result.zones}，网格 {result.grids}，微网格 {result.micro_grids}，"
                    f"网格员分配 {result.workers}"
                )
            )

    def _export(self, out: Path | None) -> None:
        text = selectors.grid_layer_geojson()
        if out is None:
            sys.stdout.write(text)
            return
        out.write_text(text, encoding="utf-8")
        if self.verbosity > 0:
            self.stdout.write(self.style.SUCCESS(f"已导出到 {out}"))

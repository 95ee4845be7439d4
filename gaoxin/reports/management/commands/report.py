"""gaoxin report --year 2023 --format html|docx|json --out DIR — and gaoxin report close --year 2023 (年度关账)"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core.errors import ApplicationError
from gaoxin.indicators.yearclose import year_close
from gaoxin.reports.builder import report_build
from gaoxin.reports.render import render_docx, render_html, render_json


class Command(BaseCommand):
    help = "年终答卷：按年度从平台记录与已审核填报生成报告（HTML、Word、JSON）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", nargs="?", choices=["build", "close"], default="build",
                            help="build (default): write the report; close: freeze the year's figures (年度关账)")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--user", default="", help="close: the leader or admin who closes (default: the first "
                            "active admin)")
        parser.add_argument("--note", default="", help="close: a note kept with the close")
        parser.add_argument("--format", choices=["html", "docx", "json", "all"], default="html")
        parser.add_argument("--out", default=".", help="output directory (created if missing)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "close":
            self._close(options)
            return
        started = time.perf_counter()
        try:
            report = report_build(year=options["year"])
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        formats = ["html", "docx", "json"] if options["format"] == "all" else [options["format"]]
        for fmt in formats:
            path = out / f"report-{report.year}.{fmt}"
            if fmt == "html":
                path.write_text(render_html(report), encoding="utf-8")
            elif fmt == "docx":
                path.write_bytes(render_docx(report))
            else:
                path.write_text(json.dumps(render_json(report), ensure_ascii=False, indent=2), encoding="utf-8")
            self.stdout.write(str(path))
        for warning in report.warnings:
            self.stderr.write(f"警告 warning: {warning}")
        counts = report.source_counts()
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        self.stderr.write(f"{len(report.figures)} figures ({kinds}), {len(report.missing)} missing, "
                          f"{time.perf_counter() - started:.2f} s")

    def _close(self, options: dict[str, Any]) -> None:
        users = User.objects.filter(is_active=True)
        actor = (users.filter(username=options["user"]).first() if options["user"]
                 else users.filter(role=Role.ADMIN).order_by("pk").first())
        if actor is None:
            raise CommandError(f"用户不存在或未启用：{options['user'] or '（没有启用的管理员）'}")
        started = time.perf_counter()
        try:
            close = year_close(actor=actor, year=options["year"], note=options["note"])
        except ApplicationError as exc:
            raise CommandError(f"{exc.field or ''}: {exc}" if exc.field else str(exc)) from exc
        self.stdout.write(f"{close.year} 年已关账：{close.figures.count()} 项指标，快照摘要 {close.digest}，"
                          f"关账人 {actor}（{time.perf_counter() - started:.1f} s）")

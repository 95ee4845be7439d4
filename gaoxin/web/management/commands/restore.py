"""``gaoxin restore FILE``: a backup into an empty installation, then the checks that it is whole: the row count
of every table against the backup's manifest, every audit chain (``gaoxin audit verify``) and the case
roll-ups against the cases (``gaoxin cases rollup``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.cases import rollup
from gaoxin.core import audit, backup
from gaoxin.core.errors import ApplicationError


class Command(BaseCommand):
    help = "恢复：把备份恢复到空安装，并校验行数、审计链与统计汇总"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="gaoxin backup 写出的备份文件")

    def handle(self, *args: Any, **options: Any) -> None:
        show = options["verbosity"] > 0
        try:
            manifest = backup.restore(options["file"], progress=self._progress if show else backup.quiet)
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已恢复 {manifest.engine} 数据库（快照时间 {manifest.created_at}），"
                          f"上传文件 {manifest.media_files} 个")
        problems = [f"ROWS {line}" for line in backup.table_differences(manifest)]
        # A backup of an older release gets this release's schema (the row check above is of the backup as taken).
        call_command("migrate", interactive=False, verbosity=0)
        for model in audit.histories():
            problems += [f"BROKEN {item.history} {item.subject} 事件 {item.event_id}: {item.reason}"
                         for item in audit.verify(model)]
        problems += [f"DIFF {line}" for line in rollup.differences()]
        for line in problems:
            self.stdout.write(line)
        if problems:
            raise CommandError(f"恢复后的校验发现 {len(problems)} 处问题（见上）")
        self.stdout.write(self.style.SUCCESS(
            f"校验通过：{len(manifest.tables)} 张表 {manifest.rows:,} 行与备份一致，"
            f"{len(audit.histories())} 类审计链完整，统计汇总与案件一致"))

    def _progress(self, step: str) -> None:
        self.stderr.write(f"… {step}")

"""``gaoxin backup --out FILE``: the database and the uploads in one archive, while the app serves
(``core.backup``; schedule and retention in docs/RELIABILITY.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.core import backup
from gaoxin.core.errors import ApplicationError


class Command(BaseCommand):
    help = "备份：数据库（SQLite 在线备份 / PostgreSQL pg_dump）与上传文件写入一个归档，可在运行中执行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="备份文件，例如 /backup/gaoxin-2024-01-01.tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        show = options["verbosity"] > 0
        try:
            manifest = backup.backup(options["out"], progress=self._progress if show else backup.quiet)
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"备份完成 {options['out']}：{manifest.engine}，{len(manifest.tables)} 张表 {manifest.rows:,} 行，"
            f"上传文件 {manifest.media_files} 个（{manifest.media_bytes:,} 字节），快照时间 {manifest.created_at}"))

    def _progress(self, step: str) -> None:
        self.stderr.write(f"… {step}")

"""``gaoxin audit verify``: re-hash every tamper-evident history of every domain (``core.audit.histories``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.core import audit
from gaoxin.core.progress import bar


class Command(BaseCommand):
    help = "审计链：verify 校验所有业务域的哈希链（案件事件、指标填报日志……）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="逐条重新计算哈希，报告被改动、删除或插入的事件")

    def handle(self, *args: Any, **options: Any) -> None:
        histories = audit.histories()
        broken: list[audit.Broken] = []
        show = options.get("verbosity", 1) > 0
        for model in histories:
            total = audit.subject_of(model)._default_manager.count()
            with bar(desc=str(model._meta.verbose_name), total=total, enabled=show) as progress:
                found = list(audit.verify(model, progress=progress.update))
            for item in found:
                where = f"事件 {item.event_id}" if item.event_id is not None else "链头"
                self.stdout.write(f"BROKEN {item.history} {item.subject} {where}: {item.reason}")
            self.stdout.write(f"{model._meta.verbose_name}（{model._meta.label}）：{total} 条记录，"
                              f"{len(found)} 处异常")
            broken += found
        if broken:
            raise CommandError(f"审计链校验失败：{len(broken)} 处异常")
        self.stdout.write(self.style.SUCCESS(f"审计链完整：{len(histories)} 类历史"))

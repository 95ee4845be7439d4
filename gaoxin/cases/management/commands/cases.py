"""``gaoxin cases verify-audit`` (and further case subcommands): thin wrappers over the case engine."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.cases import audit, rollup
from gaoxin.cases.models import Case


class Command(BaseCommand):
    help = "案件引擎：verify-audit 校验事件审计链；supervise 立即执行一次超期督办；rollup 校验或重建统计汇总"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify-audit", help="校验每个案件的事件哈希链，报告被改动的案件和事件")
        verify.add_argument("--case", dest="numbers", action="append", default=[], help="只校验这些案件编号")
        sub.add_parser("supervise", help="标记超期案件并发出督办通知（与定时任务相同）")
        rollup_cmd = sub.add_parser("rollup", help="校验（默认）或重建大屏使用的案件统计汇总")
        rollup_cmd.add_argument("--rebuild", action="store_true", help="按案件重新计算统计汇总")
        rollup_cmd.add_argument("--from", dest="start", type=_date, help="只重建自该日所在月起（YYYY-MM-DD）")
        rollup_cmd.add_argument("--to", dest="end", type=_date, help="只重建至该日所在月止（YYYY-MM-DD）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify-audit":
            cases = Case.objects.all()
            if options["numbers"]:
                cases = cases.filter(number__in=options["numbers"])
            broken = list(audit.verify_chains(cases))
            for item in broken:
                event = f"事件 {item.event_id}" if item.event_id is not None else "链头"
                self.stdout.write(f"BROKEN case={item.subject} event={item.event_id}  {event}: {item.reason}")
            if broken:
                count = len({b.subject for b in broken})
                raise CommandError(f"审计链校验失败：{count} 个案件，{len(broken)} 处异常")
            self.stdout.write(self.style.SUCCESS(f"审计链完整：{cases.count()} 个案件"))
        elif options["subcommand"] == "rollup":
            self._rollup(options)
        elif options["subcommand"] == "supervise":
            from gaoxin.cases.services import case_supervise_overdue

            self.stdout.write(f"督办通知：新增 {case_supervise_overdue()} 条")

    def _rollup(self, options: dict[str, Any]) -> None:
        if options["rebuild"]:
            written = rollup.rebuild(start=options["start"], end=options["end"])
            tables = "，".join(f"{table} {n} 行" for table, n in written.items())
            self.stdout.write(self.style.SUCCESS(f"统计汇总已重建：{tables}"))
            return
        if options["start"] or options["end"]:
            raise CommandError("--from/--to 只用于 --rebuild")
        found = rollup.differences()
        for line in found:
            self.stdout.write(f"DIFF {line}")
        if found:
            raise CommandError(f"统计汇总与案件不一致（至少 {len(found)} 处），请运行 gaoxin cases rollup --rebuild")
        self.stdout.write(self.style.SUCCESS("统计汇总与案件一致"))


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{value}") from None

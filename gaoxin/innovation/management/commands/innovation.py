"""`gaoxin innovation match`: demands against achievements from JSON Lines files, one JSON line per demand."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.core.errors import ApplicationError
from gaoxin.innovation.matching.files import match_lines, read_items


class Command(BaseCommand):
    help = "科技成果转化：供需匹配（match）——技术需求与科技成果按中文检索和领域重排匹配，输出 JSON Lines"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{match}")
        match = sub.add_parser("match", help="为每条需求推荐成果：每行输出 {id, matches: [{id, score, terms}]}")
        match.add_argument("--demands", type=Path, required=True, help="需求 JSONL（字段 id、title、text、field）")
        match.add_argument("--achievements", type=Path, required=True, help="成果 JSONL（字段 id、title、text、field）")
        match.add_argument("--top", type=int, default=10, help="每条需求推荐的成果数（1–100，默认 10）")

    def handle(self, *args: Any, **options: Any) -> None:
        top = options["top"]
        if not 1 <= top <= 100:
            raise CommandError("--top 应为 1–100")
        for key in ("demands", "achievements"):
            if not options[key].is_file():
                raise CommandError(f"--{key}：文件不存在 {options[key]}")
        try:
            demands = read_items(options["demands"])
            achievements = read_items(options["achievements"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        out = self.stdout if options.get("stdout") else sys.stdout
        for line in match_lines(demands, achievements, top=top):
            out.write(line + "\n")

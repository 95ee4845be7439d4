"""gaoxin text stats FILE [--terms 高,新,…] [--json]"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gaoxin.core.errors import ApplicationError
from gaoxin.core.textstats import DEFAULT_TERMS, extract_text, text_summary


class Command(BaseCommand):
    help = "文本统计：统计 .txt/.docx/.pdf 中指定字、词的出现次数（繁简与全半角归一，jieba 分词）"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        stats = sub.add_parser("stats", help="count characters and words of FILE")
        stats.add_argument("file")
        stats.add_argument("--terms", default=",".join(DEFAULT_TERMS), help="comma-separated, e.g. 高,新,高新区")
        stats.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        terms = [t for t in options["terms"].replace("，", ",").split(",") if t.strip()]
        if not terms:
            raise CommandError("--terms: 至少给出一个字或词")
        try:
            summary = text_summary(extract_text(options["file"]), terms)
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps({"file": options["file"], **summary}, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{options['file']}: {summary['characters']} 字符，其中汉字 {summary['hanzi']}")
        for c in summary["terms"]:
            kind = "字" if c["kind"] == "char" else "词"
            self.stdout.write(f"{c['term']}\t{kind}\t{c['count']}\t(原文出现 {c['occurrences']})")

"""`gaoxin enterprises import|export|template`: the Excel ledgers on the command line (thin over the ledger)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core.errors import ApplicationError
from gaoxin.enterprises import ledger
from gaoxin.enterprises.selectors import EnterpriseFilters
from gaoxin.enterprises.selectors_visits import VisitFilters


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from exc


class Command(BaseCommand):
    help = "企业服务台账：导入（import）、导出（export）Excel 台账，下载空白模板（template）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{import,export,template}")

        load = sub.add_parser("import", help="导入企业库或走访台账（.xlsx）：先逐行校验，无误才写入")
        load.add_argument("file", type=Path, help="台账文件 .xlsx（按工作表自动识别企业库或走访台账）")
        load.add_argument("--clean-rows-only", action="store_true", help="有错误行时只导入无误的行")
        load.add_argument("--errors-out", type=Path, metavar="FILE",
                          help="有错误行时把标注了“错误说明”列的台账写到此文件")
        load.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        load.add_argument("--actor", help="以此账号身份导入（默认：第一个管理员）")

        export = sub.add_parser("export", help="导出企业库或走访台账（.xlsx）")
        export.add_argument("kind", choices=["enterprises", "visits"])
        export.add_argument("--out", type=Path, required=True, help="输出文件 .xlsx")
        export.add_argument("--actor", help="以此账号身份导出（范围按该账号权限；默认：第一个管理员）")
        export.add_argument("--chain", default="", help="企业库：产业链编码")
        export.add_argument("--qualification", default="", help="企业库：资质类型编码")
        export.add_argument("--year", type=int, help="企业库：资质年度")
        export.add_argument("--from", dest="date_from", type=_date, help="走访：开始日期（含）")
        export.add_argument("--to", dest="date_to", type=_date, help="走访：结束日期（含）")
        export.add_argument("--reveal-personal-data", action="store_true",
                            help="企业库：联系人明文导出（仅有权限的账号，记录审计）")

        template = sub.add_parser("template", help="下载空白台账模板")
        template.add_argument("kind", choices=["enterprises", "visits"])
        template.add_argument("--out", type=Path, required=True)

    def _actor(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"账号不存在或已停用：{username}")
            return user
        user = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError("没有可用的管理员账号，请用 --actor 指定")
        return user

    def _write(self, path: Path, data: bytes) -> None:
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入 {path}：{exc.strerror}") from exc

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "template":
                self._write(options["out"], ledger.ledger_template(kind=options["kind"]))
                self.stdout.write(self.style.SUCCESS(f"已生成模板 {options['out']}"))
            elif action == "export":
                self._export(options)
            else:
                self._import(options)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def _export(self, options: dict[str, Any]) -> None:
        actor = self._actor(options["actor"])
        if options["kind"] == "enterprises":
            filters = EnterpriseFilters(chain=options["chain"], qualification=options["qualification"],
                                        qualification_year=options["year"])
            data = ledger.ledger_export_enterprises(actor=actor, filters=filters,
                                                    reveal_personal_data=options["reveal_personal_data"])
        else:
            data = ledger.ledger_export_visits(
                actor=actor, filters=VisitFilters(date_from=options["date_from"], date_to=options["date_to"])
            )
        self._write(options["out"], data)
        self.stdout.write(self.style.SUCCESS(f"已导出到 {options['out']}"))

    def _import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from exc
        actor = self._actor(options["actor"])
        preview = ledger.ledger_import_preview(actor=actor, file=data)
        summary = preview.summary()
        self.stdout.write(f"共 {summary['rows']} 行：无误 {summary['clean']} 行，有错误 {summary['bad']} 行")
        for row in preview.bad_rows:
            self.stderr.write(f"  {row.sheet} 第{row.row_number}行：{row.error_text}")
        if preview.bad_rows and options["errors_out"]:
            self._write(options["errors_out"], preview.error_workbook())
            self.stderr.write(f"已把错误说明写入 {options['errors_out']}")
        if options["dry_run"]:
            return
        if preview.bad_rows and not options["clean_rows_only"]:
            raise CommandError("台账有错误，未导入任何数据；修正后重新导入，或加 --clean-rows-only 只导入无误的行")
        result = ledger.ledger_import_commit(actor=actor, file=data, clean_rows_only=options["clean_rows_only"])
        created = "，".join(f"{k} {v}" for k, v in result.created.items())
        self.stdout.write(self.style.SUCCESS(f"已导入：{created}；跳过 {len(result.skipped_rows)} 行"))

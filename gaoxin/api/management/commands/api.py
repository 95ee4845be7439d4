"""``gaoxin api token create USER [--name N]`` / ``token list [USER]`` / ``token revoke PREFIX``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.accounts.models import User
from gaoxin.api import services
from gaoxin.core.errors import ApplicationError


class Command(BaseCommand):
    help = "API tokens: create (shown once), list, revoke."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        token = sub.add_parser("token", help="API tokens")
        actions = token.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="issue a token for USER (printed once)")
        create.add_argument("username")
        create.add_argument("--name", default="")
        listing = actions.add_parser("list", help="list tokens")
        listing.add_argument("username", nargs="?")
        revoke = actions.add_parser("revoke", help="revoke the token with PREFIX")
        revoke.add_argument("prefix")

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户不存在：{username}")
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                issued = services.api_token_create(user=self._user(options["username"]), name=options["name"])
                self.stdout.write(issued.token)
                self.stderr.write(f"令牌前缀 {issued.record.prefix}；令牌只显示这一次，请妥善保存。")
            elif options["action"] == "list":
                user = self._user(options["username"]) if options.get("username") else None
                for t in services.api_token_list(user=user):
                    state = "revoked" if t.revoked_at else "active"
                    used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "-"
                    self.stdout.write(f"{t.prefix}\t{t.user.username}\t{t.name}\t{state}\tlast used {used}")
            else:
                record = services.api_token_revoke(prefix=options["prefix"])
                self.stdout.write(f"已吊销 {record.prefix}（{record.user}）")
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc

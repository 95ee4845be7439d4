"""``gaoxin hotline setup`` (integration account and its token), ``deliver [--loop S]``, ``status``,
``retry-dead``."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gaoxin.api.services import api_token_create
from gaoxin.hotline import outbox, services


class Command(BaseCommand):
    help = "12345 link: setup the integration account, deliver the outbox, show its status."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        setup = sub.add_parser("setup", help="create the integration account and print a new token for the city")
        setup.add_argument("--username", default=None)
        deliver = sub.add_parser("deliver", help="send due outbox messages to the city platform")
        deliver.add_argument("--loop", type=float, default=0, help="repeat every S seconds until interrupted")
        deliver.add_argument("--limit", type=int, default=100)
        sub.add_parser("status", help="outbox counts by state")
        sub.add_parser("retry-dead", help="queue dead messages again")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "setup":
            user = services.hotline_setup(username=options["username"])
            issued = api_token_create(user=user, name="12345 city platform")
            self.stdout.write(issued.token)
            self.stderr.write(f"集成账号 {user.username}；把上面的令牌交给市 12345 平台（只显示这一次）。")
        elif action == "deliver":
            while True:
                report = outbox.deliver_pending(limit=options["limit"])
                self.stdout.write(f"delivered {report.delivered}, retry {report.retried}, dead {report.dead}")
                if not options["loop"]:
                    break
                time.sleep(options["loop"])
        elif action == "status":
            for state, count in outbox.outbox_status().items():
                self.stdout.write(f"{state}\t{count}")
        else:
            self.stdout.write(f"requeued {outbox.outbox_retry_dead()}")

"""``gaoxin sms deliver [--loop S]``, ``status``, ``retry-dead``: the SMS outbox from the command line."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gaoxin.core import outbox
from gaoxin.notify.models import SmsMessage
from gaoxin.notify.services import sms_deliver_pending


class Command(BaseCommand):
    help = "短信发件箱 / SMS outbox: deliver the due messages through the gateway, show counts, requeue dead ones."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        deliver = sub.add_parser("deliver", help="send the due messages through the gateway (GAOXIN_SMS_URL)")
        deliver.add_argument("--loop", type=float, default=0, help="repeat every S seconds until interrupted")
        deliver.add_argument("--limit", type=int, default=100)
        sub.add_parser("status", help="message counts by state")
        sub.add_parser("retry-dead", help="queue the dead messages again")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "deliver":
            while True:
                report = sms_deliver_pending(limit=options["limit"])
                self.stdout.write(f"delivered {report.delivered}, retry {report.retried}, dead {report.dead}")
                if not options["loop"]:
                    break
                time.sleep(options["loop"])
        elif action == "status":
            for state, count in outbox.status(SmsMessage).items():
                self.stdout.write(f"{state}\t{count}")
        else:
            self.stdout.write(f"requeued {outbox.retry_dead(SmsMessage)}")

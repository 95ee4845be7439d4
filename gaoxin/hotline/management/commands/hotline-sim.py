"""``gaoxin hotline-sim --port P``: the city 12345 platform simulator as a real HTTP server on localhost."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gaoxin.hotline.simulator import CityPlatform


class Command(BaseCommand):
    help = "Run the city 12345 platform simulator (receives replies, pushes orders, can be told to be down)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8912)
        parser.add_argument("--zone-url", default="http://127.0.0.1:8000", help="the zone platform's base URL")
        parser.add_argument("--zone-token", default="", help="token of the zone's integration account")
        parser.add_argument("--expect-token", default="", help="token the zone must present on replies")
        parser.add_argument("--push", type=int, default=0, help="push N sample orders at start")
        parser.add_argument("--down-after", type=float, default=0, help="go down S seconds after start")
        parser.add_argument("--down-for", type=float, default=0, help="…and stay down S seconds")
        parser.add_argument("--down-mode", choices=["error", "ack_lost", "refuse"], default="error")

    def handle(self, *args: Any, **options: Any) -> None:
        sim = CityPlatform(host=options["host"], port=options["port"], zone_url=options["zone_url"],
                           zone_token=options["zone_token"], expect_token=options["expect_token"]).start()
        self.stdout.write(f"12345 city platform simulator on {sim.url} (zone {sim.zone_url}); Ctrl-C to stop")
        for _ in range(options["push"]):
            status, body = sim.push_order()
            self.stdout.write(f"pushed: HTTP {status} {body}")
        started = time.monotonic()
        went_down = False
        seen = 0
        try:
            while True:
                time.sleep(0.5)
                if options["down_after"] and not went_down and time.monotonic() - started >= options["down_after"]:
                    sim.down(options["down_mode"], options["down_for"] or None)
                    went_down = True
                    self.stdout.write(f"down ({options['down_mode']}) for {options['down_for'] or '∞'} s")
                while seen < len(sim.replies):
                    reply = sim.replies[seen]
                    self.stdout.write(f"reply {reply['message_id']} for order {reply['order_id']}: "
                                      f"{reply['result']} {reply.get('content', '')[:40]}")
                    seen += 1
        except KeyboardInterrupt:
            sim.stop()

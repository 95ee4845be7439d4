from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gaoxin.ledgers.shipped import ledgers_load


class Command(BaseCommand):
    help = "Load (publish) the shipped ledger definitions (gaoxin/ledgers/forms/*.md, XLSForm) that changed."

    def handle(self, *args: Any, **options: Any) -> None:
        versions = ledgers_load()
        for v in versions:
            self.stdout.write(f"{v.ledger.code} v{v.number} {v.title}")
        self.stdout.write(f"{len(versions)} ledger definition(s) published")

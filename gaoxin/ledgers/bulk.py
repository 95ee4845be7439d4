"""The bulk twin of ``services.create_checked(state=SUBMITTED)`` for an Excel upload of many rows: the same entries
and the same two events each (created, then submitted), their hashes computed here with ``core.audit.digest``
instead of one locked read and two writes per event — a few statements per two thousand rows. The differential
test (``tests/test_bulk.py``) proves both paths write the same rows, events and valid chains."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.core import audit, clock
from gaoxin.ledgers import services, workflow
from gaoxin.ledgers.models import Ledger, LedgerEntry, LedgerEntryEvent, LedgerVersion

BATCH = 2000
Step = tuple[str, str, str, dict[str, Any]]  # action, from state, to state, payload


def entries_submit_many(*, actor: User | None, ledger: Ledger, version: LedgerVersion,
                        rows: Sequence[tuple[OrgUnit, dt.date, dict[str, Any]]],
                        synthetic: bool = False) -> list[LedgerEntry]:
    """Write checked ``rows`` (unit, period start, cleaned values) as submitted entries, in the caller's
    transaction."""
    now = clock.now()
    entries = []
    for unit, period_start, values in rows:
        start, end, due = services.period_of(version, period_start)
        entries.append(LedgerEntry(
            ledger=ledger, version=version, org_unit=unit, period_start=start, period_end=end, due_date=due,
            state=workflow.SUBMITTED, values=values, created_by=actor, created_at=now, submitted_at=now,
            is_synthetic=synthetic))
    LedgerEntry.objects.bulk_create(entries, batch_size=BATCH)
    actor_id = actor.pk if actor is not None else None
    events = []
    for entry in entries:
        prev = ""
        steps: tuple[Step, ...] = (
            ("create", "", workflow.DRAFT, {"values": entry.values, "version": version.number}),
            ("submit", workflow.DRAFT, workflow.SUBMITTED, {}),
        )
        for seq, (action, before, after, payload) in enumerate(steps, start=1):
            fields = {"seq": seq, "actor_id": actor_id, "at": now, "note": "", "payload": payload,
                      "prev_hash": prev, "action": action, "from_state": before, "to_state": after}
            prev = audit.digest(LedgerEntryEvent, fields, entry.pk)
            events.append(LedgerEntryEvent(entry=entry, hash=prev, **fields))
        entry.audit_head, entry.event_count = prev, len(steps)
    LedgerEntryEvent.objects.bulk_create(events, batch_size=BATCH)
    LedgerEntry.objects.bulk_update(entries, ["audit_head", "event_count"], batch_size=BATCH)
    return entries

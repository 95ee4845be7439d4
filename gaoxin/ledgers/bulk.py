"""The bulk twin of the entry services, for many entries at once (an Excel upload; the simulated year): each
entry's whole history — created, saved, submitted, returned, approved, as the services would have written it one
call at a time — in a few statements per two thousand entries, the events chained by ``core.audit.chained``
instead of one locked read and two writes per event. The values must already be checked
(``services.check_entry_values``) and the actors allowed (``policy``): this module writes, it does not judge.
The differential tests (``tests/test_bulk.py``, ``simulation/tests/test_ledgers_year.py``) prove both paths write
the same entries, events and valid chains."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.core import audit, clock
from gaoxin.core.db import insert_many
from gaoxin.ledgers import services, workflow
from gaoxin.ledgers.models import Ledger, LedgerEntry, LedgerEntryEvent, LedgerVersion

BATCH = 2000


@dataclass(frozen=True)
class Move:
    """One service call of an entry's history: ``create`` (by its filler), ``save``, ``submit``, ``return`` (with
    the reason as ``note``) or ``approve``."""

    action: str
    at: dt.datetime
    actor: User | None
    note: str = ""


@dataclass(frozen=True)
class History:
    unit: OrgUnit
    period_start: dt.date
    values: dict[str, Any]
    moves: Sequence[Move]


def _replayed(entry: LedgerEntry, version: LedgerVersion, moves: Sequence[Move]) -> list[audit.Step]:
    """Walk ``moves`` over ``entry`` as the services do (state table, moments, reason); the events' steps."""
    steps = []
    for move in moves:
        before = entry.state
        payload: dict[str, Any] = {}
        if move.action == "create":
            before, entry.state = "", workflow.DRAFT
            entry.created_at, entry.created_by = move.at, move.actor
            payload = {"values": entry.values, "version": version.number}
        else:
            after = workflow.next_state(entry.state, move.action)
            if after is None:
                raise ValueError(f"{move.action} is not a move from {entry.state}")
            entry.state = after
        if move.action == "save":
            payload = {"values": entry.values}
        elif move.action == "submit" and entry.submitted_at is None:
            entry.submitted_at = move.at
        elif move.action == "return":
            entry.reason = move.note
        elif move.action == "approve":
            entry.approved_at = move.at
        steps.append(audit.Step(at=move.at, actor_id=move.actor.pk if move.actor else None, note=move.note,
                                payload=payload,
                                fields={"action": move.action, "from_state": before, "to_state": entry.state}))
    return steps


def entries_write_many(*, ledger: Ledger, version: LedgerVersion, histories: Sequence[History],
                       synthetic: bool = False) -> list[LedgerEntry]:
    """Write the entries of ``histories`` with their whole histories, in the caller's transaction."""
    entries, steps = [], []
    for history in histories:
        start, end, due = services.period_of(version, history.period_start)
        entry = LedgerEntry(ledger=ledger, version=version, org_unit=history.unit, period_start=start,
                            period_end=end, due_date=due, values=history.values, is_synthetic=synthetic)
        steps.append(_replayed(entry, version, history.moves))
        entries.append(entry)
    LedgerEntry.objects.bulk_create(entries, batch_size=BATCH)
    events = []
    for entry, entry_steps in zip(entries, steps, strict=True):
        chained = audit.chained(LedgerEntryEvent, entry.pk, entry_steps)
        events += [{**values, "entry_id": entry.pk} for values in chained]
        entry.audit_head, entry.event_count = chained[-1]["hash"], len(chained)
    insert_many(LedgerEntryEvent, events)  # the events' own keys are not needed back
    LedgerEntry.objects.bulk_update(entries, ["audit_head", "event_count"], batch_size=BATCH)
    return entries


def entries_submit_many(*, actor: User | None, ledger: Ledger, version: LedgerVersion,
                        rows: Sequence[tuple[OrgUnit, dt.date, dict[str, Any]]],
                        synthetic: bool = False) -> list[LedgerEntry]:
    """Write checked ``rows`` (unit, period start, cleaned values) as entries created and submitted now, as
    ``services.create_checked(state=SUBMITTED)`` does, in the caller's transaction."""
    now = clock.now()
    moves = (Move("create", now, actor), Move("submit", now, actor))
    return entries_write_many(ledger=ledger, version=version, synthetic=synthetic,
                              histories=[History(unit, start, values, moves) for unit, start, values in rows])

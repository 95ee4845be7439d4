"""The ledgers' bulk path in the simulated year writes what the ledger services write one call at a time: the
same entries (states, values, moments, reasons) and the same events, whose chains verify. The year planned is the
one after the small year (its ledgers are empty); each path writes it in a savepoint rolled back afterwards."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from django.db import transaction

from gaoxin.core import audit, clock
from gaoxin.core.calendar import SHANGHAI
from gaoxin.ledgers import bulk, services
from gaoxin.ledgers.models import LedgerEntry, LedgerEntryEvent
from gaoxin.ledgers.tests.test_bulk import ENTRY_FIELDS, EVENT_FIELDS
from gaoxin.simulation import ledgers
from gaoxin.simulation.tests.conftest import YEAR

pytestmark = pytest.mark.django_db

NEXT = SimpleNamespace(year=YEAR + 1, end=dt.datetime(YEAR + 2, 1, 1, tzinfo=SHANGHAI))


def _through_services(planned: ledgers.Planned) -> None:
    """Each history as service calls: create and submit, return, save and submit, approve."""
    for history, values in zip(planned.histories, planned.typed, strict=True):
        entry: Any = None
        moves = list(history.moves)
        while moves:
            move = moves.pop(0)
            actor: Any = move.actor
            with clock.frozen(move.at):
                if move.action == "create":
                    assert moves.pop(0).action == "submit"
                    entry = services.entry_create(actor=actor, ledger=planned.ledger, org_unit=history.unit,
                                                  period_start=history.period_start, values=values,
                                                  submit=True, synthetic=True)
                elif move.action == "save":
                    assert moves.pop(0).action == "submit"
                    services.entry_update(actor=actor, entry=entry, values=values, submit=True)
                elif move.action == "return":
                    services.entry_return(actor=actor, entry=entry, reason=move.note)
                else:
                    assert move.action == "approve"
                    services.entry_approve(actor=actor, entry=entry)


def _written() -> list[tuple[Any, ...]]:
    entries = LedgerEntry.objects.filter(period_start__year=YEAR + 1).order_by("pk")  # both paths write in order
    assert list(audit.verify(LedgerEntryEvent, entries)) == []
    return [(row, list(LedgerEntryEvent.objects.filter(entry_id=pk).order_by("seq").values_list(*EVENT_FIELDS)))
            for pk, *row in entries.values_list("pk", *ENTRY_FIELDS)]


def _write(path: str) -> list[tuple[Any, ...]]:
    with transaction.atomic():
        planned = ledgers.plan(NEXT, np.random.default_rng(11))
        for p in planned:
            if path == "services":
                _through_services(p)
            else:
                bulk.entries_write_many(ledger=p.ledger, version=p.version, histories=p.histories, synthetic=True)
        out = _written()
        transaction.set_rollback(True)
    return out


def test_the_bulk_path_writes_what_the_services_write(small_year):
    one_by_one = _write("services")
    in_bulk = _write("bulk")
    assert in_bulk == one_by_one
    assert len(in_bulk) == small_year.domains["ledgers"]["entries"]
    states = {row[ENTRY_FIELDS.index("state")] for row, _ in in_bulk}
    actions = {event[EVENT_FIELDS.index("action")] for _, events in in_bulk for event in events}
    assert states == {"approved"}
    assert actions == {"create", "submit", "return", "save", "approve"}

"""Differential test: the bulk path of an Excel upload writes what the services write row by row — the same
entries, the same events (actions, states, payloads, actors, times) and chains that verify."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.core import audit, clock
from gaoxin.ledgers import services
from gaoxin.ledgers.bulk import entries_submit_many
from gaoxin.ledgers.models import LedgerEntry, LedgerEntryEvent
from gaoxin.ledgers.tests.conftest import at, good

pytestmark = pytest.mark.django_db

ENTRY_FIELDS = ("ledger_id", "version_id", "org_unit_id", "period_start", "period_end", "due_date", "state",
                "values", "revision", "revises_id", "reason", "created_by_id", "created_at", "submitted_at",
                "approved_at", "is_synthetic", "event_count")
EVENT_FIELDS = ("seq", "actor_id", "at", "note", "payload", "action", "from_state", "to_state")


def written(entries):
    pks = [e.pk for e in entries]
    rows = list(LedgerEntry.objects.filter(pk__in=pks).order_by("pk").values_list(*ENTRY_FIELDS))
    events = [list(LedgerEntryEvent.objects.filter(entry_id=pk).order_by("seq").values_list(*EVENT_FIELDS))
              for pk in pks]
    return rows, events


def test_bulk_upload_writes_what_the_services_write(env):
    units = [env.filler_a.org_unit, env.filler_b.org_unit]
    rows = []
    for i in range(6):
        checked = services.check_entry_values(env.version, good(project=f"P{i:03d}", delivered=str(10 + i)),
                                              actor=env.filler_a)
        assert checked.ok
        rows.append((units[i % 2], dt.date(2023, 1 + 3 * (i % 4), 1), checked.values))
    with clock.frozen(at(2023, 5, 6)):
        one_by_one = [services.create_checked(actor=env.filler_a, ledger=env.ledger, version=env.version, unit=u,
                                              period_start=s, values=v, state="submitted") for u, s, v in rows]
        bulk = entries_submit_many(actor=env.filler_a, ledger=env.ledger, version=env.version, rows=rows)
    assert written(bulk) == written(one_by_one)
    assert len(written(bulk)[1][0]) == 2
    assert [e.audit_head for e in LedgerEntry.objects.filter(pk__in=[e.pk for e in bulk]).order_by("pk")] == [
        LedgerEntryEvent.objects.get(entry=e, seq=2).hash for e in bulk]
    assert list(audit.verify(LedgerEntryEvent)) == []
    # The entries written in bulk continue through the services like any other.
    services.entry_approve(actor=env.reviewer, entry=bulk[0])
    assert list(audit.verify(LedgerEntryEvent)) == []

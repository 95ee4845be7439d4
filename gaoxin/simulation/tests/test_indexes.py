"""The bulk load sets the case tables' secondary indexes aside and builds them again: afterwards the schema is
the migrated one, a duplicate written meanwhile still fails, and a failed load leaves the indexes in place."""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction

from gaoxin.cases.models import Case
from gaoxin.simulation import records
from gaoxin.simulation.indexes import indexes_deferred, secondary_indexes
from gaoxin.simulation.services import simulate_year

pytestmark = pytest.mark.django_db


def _schema() -> dict[str, dict]:
    """Every index and constraint of the bulk-loaded tables, as the database reports them."""
    with connection.cursor() as cursor:
        return {table: connection.introspection.get_constraints(cursor, table) for table in records.BULK_TABLES}


def test_the_indexes_after_a_simulated_year_are_the_migrated_ones():
    migrated = _schema()  # the test database is built by the migrations
    names = {name for table in migrated.values() for name in table}
    assert {"case_state_deadline", "case_unique_external_ref_per_channel", "case_event_unique_seq",
            "supervision_unit_created"} <= names
    assert len(secondary_indexes(records.BULK_TABLES)) >= 15
    with transaction.atomic():
        result = simulate_year(year=2021, seed=3, scale=0.002)
        assert result.cases > 0
        assert result.events > result.cases
        assert _schema() == migrated
        # the case stage's cases and the key projects' problems (one live case each)
        assert Case.objects.filter(number__startswith="2021").count() == result.cases + result.domains[
            "projects"]["problems"]
        transaction.set_rollback(True)


def test_a_duplicate_written_while_the_indexes_are_away_fails_when_they_are_built_again():
    migrated = _schema()
    with transaction.atomic():
        simulate_year(year=2021, seed=3, scale=0.002)
        case = Case.objects.exclude(external_ref="").order_by("pk").first()
        assert case is not None
        with pytest.raises(IntegrityError), transaction.atomic(), indexes_deferred([Case._meta.db_table]):
            case.pk, case.number = None, "29991231000001"  # same channel and external reference
            case.save()
        assert not Case.objects.filter(number="29991231000001").exists()
        assert _schema() == migrated
        transaction.set_rollback(True)


def test_a_failed_load_leaves_the_indexes_in_place():
    migrated = _schema()
    with pytest.raises(RuntimeError, match="boom"), transaction.atomic(), indexes_deferred(records.BULK_TABLES):
        assert _schema() != migrated  # set aside inside the block
        raise RuntimeError("boom")
    assert _schema() == migrated


def test_refused_outside_a_transaction():
    migrated = _schema()
    wrapper = connections[DEFAULT_DB_ALIAS]
    wrapper.in_atomic_block = False  # as outside the test's own transaction
    try:
        with pytest.raises(RuntimeError, match="transaction"), indexes_deferred(records.BULK_TABLES):
            pass
    finally:
        wrapper.in_atomic_block = True
    assert _schema() == migrated

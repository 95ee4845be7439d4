"""The per-process reference data (categories, org units, the responsibility matrix): the snapshot answers as the
database does, is reused until a change, and never shows another transaction's uncommitted change."""

from __future__ import annotations

import itertools
import threading

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from gaoxin.accounts.models import OrgUnit
from gaoxin.cases import reference, selectors
from gaoxin.cases.models import Category, ResponsibilityRule
from gaoxin.cases.tests.test_concurrency import shared_database


@pytest.fixture
def matrix(org, grid_layer):
    """Rules at every level for 09001, a street rule for 06002, an inactive grid rule for 06010."""
    cat, other, inactive = (Category.objects.get(code=c) for c in ("09001", "06002", "06010"))
    ResponsibilityRule.objects.create(category=cat, handler=org.urban_management)
    ResponsibilityRule.objects.create(category=cat, street=org.street_a, handler=org.street_a)
    ResponsibilityRule.objects.create(category=cat, grid=grid_layer.micro_west_south, handler=org.community_a1)
    ResponsibilityRule.objects.create(category=other, street=org.street_b, handler=org.construction)
    ResponsibilityRule.objects.create(category=inactive, grid=grid_layer.micro_east_north, handler=org.street_b,
                                      is_active=False)
    return [cat, other, inactive, Category.objects.get(code="08002"), Category.objects.get(code="H-C02")]


def test_the_snapshot_answers_every_routing_question_as_the_database(org, grid_layer, matrix):
    snapshot, live = reference._Snapshot.load(), reference._Live()
    streets = [None, org.street_a.pk, org.street_b.pk, org.committee.pk]
    grids = [(), (grid_layer.micro_west_south.pk, grid_layer.grid_west.pk), (grid_layer.micro_east_north.pk,),
             (grid_layer.micro_east_south.pk, grid_layer.grid_east.pk)]
    answers = 0
    for category, street_id, grid_ids in itertools.product(matrix, streets, grids):
        expected = selectors._responsibility_target(live, category, street_id, grid_ids)
        assert selectors._responsibility_target(snapshot, category, street_id, grid_ids) == expected
        answers += expected is not None
    assert answers > 0
    for unit in OrgUnit.objects.all():
        assert snapshot.unit(unit.pk) == live.unit(unit.pk) == unit
        assert snapshot.unit_by_code(unit.code) == unit
        assert snapshot.street_center(unit.pk) == live.street_center(unit.pk)
    assert snapshot.street_center(org.street_a.pk) == org.street_a_center
    assert snapshot.zone_center() == live.zone_center() == org.zone_center
    assert snapshot.category("09001") == live.category("09001") == matrix[0]
    assert snapshot.category("nope") is live.category("nope") is None
    assert snapshot.unit(10**9) is None


def test_handed_out_instances_are_copies(org):
    snapshot = reference._Snapshot.load()
    center = snapshot.zone_center()
    assert center is not None
    center.name = "改过的名字"
    again = snapshot.zone_center()
    assert again is not None
    assert again.name == org.zone_center.name


def test_inside_a_transaction_that_changed_reference_data_answers_come_from_the_database(org):
    # The org fixture's units are not committed (the test's transaction): no snapshot may hold them.
    assert isinstance(reference.current(), reference._Live)
    assert selectors.zone_center() == org.zone_center


@pytest.mark.django_db(transaction=True)
def test_snapshot_is_reused_until_a_change_and_never_shows_uncommitted_changes(
        org, django_assert_num_queries, monkeypatch, tmp_path):
    first = reference.current()
    assert isinstance(first, reference._Snapshot)
    with django_assert_num_queries(0):
        assert reference.current() is first
        assert selectors.zone_center() == org.zone_center

    # A save anywhere (here: this process) is seen at once.
    org.street_a_center.name = "石佛街道城运中心"
    org.street_a_center.save()
    assert selectors.center_for(category=Category.objects.get(code="09001"),
                                street_id=org.street_a.pk).name == "石佛街道城运中心"

    # Another process's change: it wrote a new token to the shared cache.
    current = reference.current()
    cache.set(reference.VERSION_KEY, "written-by-another-process", timeout=None)
    assert reference.current() is not current

    # A bulk write sends no signal; its writer tells the snapshot.
    cat = Category.objects.get(code="06002")
    assert selectors.responsibility_target(category=cat, street_id=org.street_b.pk) == org.street_b
    rule = ResponsibilityRule.objects.create(category=cat, street=org.street_b, handler=org.construction)
    assert selectors.responsibility_target(category=cat, street_id=org.street_b.pk) == org.construction
    ResponsibilityRule.objects.filter(pk=rule.pk).update(is_active=False)
    reference.reference_changed()
    assert selectors.responsibility_target(category=cat, street_id=org.street_b.pk) == org.street_b

    # Uncommitted: the writing transaction sees its change, another thread does not, and after the rollback
    # nobody does.
    seen_elsewhere = []

    def other_thread() -> None:
        try:
            seen_elsewhere.append(selectors.responsibility_target(category=cat, street_id=org.street_b.pk))
        finally:
            connection.close()

    with shared_database(tmp_path), pytest.raises(RuntimeError), transaction.atomic():
        rule.is_active = True
        rule.save()
        assert isinstance(reference.current(), reference._Live)
        assert selectors.responsibility_target(category=cat, street_id=org.street_b.pk) == org.construction
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
        raise RuntimeError("roll back")
    assert seen_elsewhere == [org.street_b]
    assert isinstance(reference.current(), reference._Snapshot)
    assert selectors.responsibility_target(category=cat, street_id=org.street_b.pk) == org.street_b

    # No snapshot outlives MAX_AGE_S, whatever was missed.
    current = reference.current()
    monkeypatch.setattr(reference, "MAX_AGE_S", 0.0)
    assert reference.current() is not current

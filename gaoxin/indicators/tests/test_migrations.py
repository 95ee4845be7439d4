"""The migration that turns the submission log into a hash-chained history chains the events already written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gaoxin.core import audit

BEFORE = [("indicators", "0002_catalog")]
AFTER = [("indicators", "0003_submission_history")]


@pytest.mark.django_db(transaction=True)
def test_existing_events_are_chained_in_the_order_they_were_written():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        unit = old.get_model("accounts", "OrgUnit").objects.create(code="GX-MIG", name="迁移测试", kind="committee",
                                                                   path="/mig/")
        indicator = old.get_model("indicators", "Indicator").objects.create(
            ref="FMIG", code="migration_test", name="迁移测试指标", section="s", system="x", unit="家",
            measure="count", org_scope="zone", source="submitted")
        at = dt.datetime(2023, 12, 31, 9, 0, tzinfo=dt.UTC)
        submission = old.get_model("indicators", "Submission").objects.create(
            indicator=indicator, period="2023", org_unit=unit, value=Decimal("12.5"), created_at=at, updated_at=at)
        events = old.get_model("indicators", "SubmissionEvent").objects
        for minutes, action, before, after in ((2, "submit", "draft", "submitted"), (0, "create", "", "draft")):
            events.create(submission=submission, at=at + dt.timedelta(minutes=minutes), action=action,
                          from_status=before, to_status=after, value_after=Decimal("12.5"))
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        chained = list(new.get_model("indicators", "SubmissionEvent").objects.order_by("seq")
                       .values_list("seq", "action", "prev_hash", "hash"))
        assert [(seq, action) for seq, action, _, _ in chained] == [(1, "create"), (2, "submit")]
        assert chained[1][2] == chained[0][3]
        head = new.get_model("indicators", "Submission").objects.values_list("audit_head", "event_count").get()
        assert head == (chained[1][3], 2)
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    from gaoxin.indicators.models import SubmissionEvent

    assert list(audit.verify(SubmissionEvent)) == []  # the live model's hashing agrees with the migration's

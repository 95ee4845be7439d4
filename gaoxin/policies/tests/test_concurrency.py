"""Two payment batches at the same moment, each in its own thread and connection: the budget of a policy-year
and a 不重复享受 group hold — exactly one batch wins, the other gets Conflict and changes nothing (SQLite through
the shared-database copy of the case tests, PostgreSQL through the budget and decision row locks)."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.cases.tests.test_concurrency import in_thread, in_threads, shared_database
from gaoxin.core import clock
from gaoxin.core.errors import Conflict
from gaoxin.policies import services
from gaoxin.policies.models import Decision, PaymentBatch
from gaoxin.policies.tests.test_services import _cleared


def _race(world, decisions_a, decisions_b):
    def pay(decisions):
        return lambda: services.payment_batch_create(actor=world.finance, decisions=decisions,
                                                     paid_on=dt.date(2023, 3, 20))
    return in_threads([pay(decisions_a), pay(decisions_b)])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_batches_never_exceed_the_budget(world, catalog, frozen_now, tmp_path):
    decisions = _cleared(world, frozen_now, ["gx2023_tech_sme_award", "gx2023_little_giant_award"])
    tech = next(d for d in decisions if d.item.code == "gx2023_tech_sme_award")
    giant = next(d for d in decisions if d.item.code == "gx2023_little_giant_award")
    services.budget_set(actor=world.officer, policy_=tech.item.clause.policy, year=2023, amount_yuan="500000")
    with frozen_now(2023, 3, 20, 9):
        now = clock.now()
    with shared_database(tmp_path), clock.frozen(now):
        results, errors = _race(world, [tech], [giant])  # 5 万 and 50 万 against 50 万: only one fits
        assert len(results) == 1, errors
        assert [type(e) for e in errors] == [Conflict]
        assert errors[0].code == "budget_exceeded"
        paid = in_thread(lambda: sorted(Decision.objects.filter(status="paid").values_list("amount_fen", flat=True)))
        assert paid == [results[0].total_fen]
        assert in_thread(lambda: PaymentBatch.objects.count()) == 1
        net = in_thread(lambda: services.net_paid_fen(tech.item.clause.policy, 2023))
        assert net == results[0].total_fen <= 50_000_000


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_batches_never_pay_two_items_of_one_exclusive_group(world, catalog, frozen_now, tmp_path):
    decisions = _cleared(world, frozen_now, ["gx2023_srdi_award", "gx2023_little_giant_award"])
    srdi, giant = sorted(decisions, key=lambda d: d.item.code != "gx2023_srdi_award")
    with frozen_now(2023, 3, 20, 9):
        now = clock.now()
    with shared_database(tmp_path), clock.frozen(now):
        results, errors = _race(world, [srdi], [giant])
        assert len(results) == 1, errors
        assert [(type(e), e.code) for e in errors] == [(Conflict, "exclusive")]
        statuses = in_thread(lambda: sorted(Decision.objects.filter(pk__in=[srdi.pk, giant.pk])
                                            .values_list("status", flat=True)))
        assert statuses == ["cleared", "paid"]

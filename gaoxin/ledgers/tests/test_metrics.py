"""Indicator formulas over a ledger on hand-computed data, and the same figures through the indicator registry
with their records adding up to them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.core import clock
from gaoxin.indicators.computations import Context
from gaoxin.indicators.computations.ledgers import ledger_metric
from gaoxin.ledgers import services
from gaoxin.ledgers.metrics import field_sum, ledger_figure
from gaoxin.ledgers.tests.conftest import at, good

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(env):
    """Q1: S01 P001 120/100 (loan 1,234.50 元, deed yes), S02 P002 80/80 (deed no); Q2: S01 P001 revised from
    130/110 to 130/120 (deed yes), S02 P003 60/30 submitted only (not counted); a returned entry (not counted)."""
    def fill(user, quarter, submit_at, **values):
        with clock.frozen(submit_at):
            return services.entry_create(actor=user, ledger=env.ledger, org_unit=user.org_unit,
                                         period_start=dt.date(2023, quarter, 1), values=good(**values), submit=True)

    a1 = fill(env.filler_a, 1, at(2023, 4, 3))
    b1 = fill(env.filler_b, 1, at(2023, 4, 3), project="P002", planned=80, delivered=80, deed="否", loan="")
    a2 = fill(env.filler_a, 4, at(2023, 7, 3), planned=130, delivered=110)
    fill(env.filler_b, 4, at(2023, 7, 3), project="P003", planned=60, delivered=30)
    bad = fill(env.filler_b, 7, at(2023, 10, 3), project="P009", planned=999, delivered=999)
    for e in (a1, b1, a2):
        services.entry_approve(actor=env.reviewer, entry=e)
    services.entry_return(actor=env.reviewer, entry=bad, reason="重复填报")
    rev = services.entry_revise(actor=env.filler_a, entry=a2, values=good(planned=130, delivered=120),
                                reason="更正")
    services.entry_approve(actor=env.reviewer, entry=rev)
    return env


def fig(**kw):
    return ledger_figure(ledger="housing", year=2023, **kw)


def test_aggregates_on_hand_computed_data(filled):
    assert fig(aggregate="count").value == 3  # a1, b1, the approved revision
    assert fig(aggregate="sum", field="delivered").value == 100 + 80 + 120
    assert fig(aggregate="sum", field="loan", divide_by=100).value == Decimal("2469")  # 1,234.50 × 2 元
    assert fig(aggregate="distinct", field="project").value == 2
    assert fig(aggregate="distinct", field="project", filters={"deed": "yes"}).value == 1
    assert fig(aggregate="count", filters={"deed": "no"}).value == 1
    share = fig(aggregate="share", field="delivered", denominator_field="planned").value
    assert share == Decimal(300) / Decimal(330) * 100
    assert fig(aggregate="latest", field="delivered").value == 120
    assert ledger_figure(ledger="housing", year=2022, aggregate="sum", field="delivered").value == 0
    assert ledger_figure(ledger="nothing", year=2023, aggregate="count").value is None


def test_registered_figure_adds_up_from_its_records(filled):
    ctx = Context(actor=filled.admin, year=2023)
    total = ledger_metric(ctx, ledger="housing", aggregate="sum", field="delivered")
    assert total.value == 300
    assert total.records is not None
    assert field_sum(total.records, "delivered") == 300
    assert total.url == "/ledgers/housing/entries/?ledger=housing&year=2023&state=approved"
    distinct = ledger_metric(ctx, ledger="housing", aggregate="distinct", field="project")
    assert distinct.records is not None
    assert distinct.records.count() == 2
    filtered = ledger_metric(ctx, ledger="housing", aggregate="count", filters={"deed": "yes"})
    assert filtered.records is not None
    assert filtered.value == filtered.records.count() == 2

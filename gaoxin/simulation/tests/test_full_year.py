"""The full-scale year (slow: run with GAOXIN_RUN_SLOW=1): the seed's figures, exactly, from the records."""

from __future__ import annotations

from collections import defaultdict

import pytest

from gaoxin.cases import audit, workflow
from gaoxin.cases.models import Case, CaseEvent
from gaoxin.simulation.services import simulate_year
from gaoxin.simulation.tests.conftest import report_figures

SEED_FIGURES = {
    "F003": 19, "F007": 13, "F009": 10, "F010": 12, "F016": 2, "F018": 9, "F020": 4, "F022": 6, "F023": 7,
    "F025": 3_045, "F027": 27, "F028": 42, "F029": 13, "F031": 6, "F032": 121, "F033": 3, "F035": 4, "F036": 3,
    "F037": 1, "F038": 1,
    "F052": 135, "F053": 292, "F054": 9_850, "F055": 3_270, "F056": 99.9,
    "F111": 571, "F112": 3_895, "F113": 447_000, "F114": 99.7,
    # The figures kept in ledgers (issue 20).
    "F001": 2, "F005": 4000, "F006": 100,
    "F072": 21.4, "F073": 55.1, "F074": 116, "F075": 1.2, "F076": 15, "F077": 7, "F078": 5564, "F079": 100,
    "F080": 3, "F081": 81, "F082": 4, "F083": 130, "F084": 2.8, "F085": 2, "F086": 27, "F087": 5.4, "F088": 5573,
    "F090": 4, "F091": 2.5, "F094": 4, "F095": 1, "F096": 8400, "F097": 2, "F098": 2, "F099": 517.4,
    "F101": 2055, "F102": 2222, "F103": 3130, "F104": 483, "F105": 33, "F106": 28, "F107": 80, "F108": 34,
    "F109": 90, "F110": 457,
    # Enterprise policies (issue 18).
    "F057": 36, "F058": 2.3, "F059": 1857,
    # Finance (issue 19): fund managers, guidance funds, startup guarantee loans.
    "F063": 20, "F064": 103, "F065": 2.5, "F066": 620, "F067": 5.9, "F068": 28.5, "F069": 9, "F070": 2.3,
    "F071": 5, "F092": 7647.4, "F093": 2100,
}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_full_year_gives_the_seed_figures():
    result = simulate_year(year=2023, seed=2023, scale=1.0)
    # (Memory is measured by bench/bench_simulate.py: the test database here lives in this process's memory.)
    assert (result.cases, result.events) == (477_387, 3_046_348)
    assert report_figures(2023, SEED_FIGURES) == SEED_FIGURES
    # One day of histories, replayed and re-hashed (the whole year: `gaoxin cases verify-audit`).
    day = Case.objects.filter(number__startswith="20230615")
    events = defaultdict(list)
    for e in CaseEvent.objects.filter(case__in=day).order_by("case_id", "seq"):
        events[e.case_id].append(e)
    assert len(events) > 1_000
    for case in day:
        assert workflow.replay(events[case.pk]) == case.state
    assert list(audit.verify_chains(day)) == []

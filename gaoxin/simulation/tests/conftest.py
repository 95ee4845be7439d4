"""One small simulated year (scale 0.01) shared by the module's tests: written once inside a transaction that
is rolled back after the module, so other tests never see it. Tests that change it run in savepoints."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pytest
from django.db import transaction

from gaoxin.simulation.services import SimulationResult, simulate_year

SCALE = 0.01
SEED = 7
YEAR = 2023


@pytest.fixture(scope="module")
def small_year(django_db_setup, django_db_blocker) -> Iterator[SimulationResult]:
    with django_db_blocker.unblock(), transaction.atomic():
        result = simulate_year(year=YEAR, seed=SEED, scale=SCALE)
        yield result
        transaction.set_rollback(True)


def report_figures(year: int, refs: Iterable[str]) -> dict[str, object]:
    """The figures ``refs`` as the year-end report prints them (``reports.builder.report_build``): int, or float
    for a figure with decimals, None when missing. The tests assert the report itself, not a second reading."""
    from gaoxin.reports.builder import report_build

    figures = report_build(year=year).figures
    out: dict[str, object] = {}
    for ref in sorted(refs):
        value = figures[ref].value
        out[ref] = None if value is None else int(value) if value == value.to_integral_value() else float(value)
    return out

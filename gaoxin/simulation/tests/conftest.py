"""One small simulated year (scale 0.01) shared by the module's tests: written once inside a transaction that
is rolled back after the module, so other tests never see it. Tests that change it run in savepoints."""

from __future__ import annotations

from collections.abc import Iterator

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

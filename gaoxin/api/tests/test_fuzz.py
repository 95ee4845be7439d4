"""Schemathesis fuzzing of the OpenAPI document: on every operation, generated requests (valid and invalid)
never get a server error (5xx). Kept small: a few examples per operation (5 in the ``ci`` Hypothesis profile, 2 in
the sampled default), and derandomized so that CI is repeatable; ``GAOXIN_FUZZ_RANDOM=1`` (and a larger share of
the profile's examples) explores further.
It found two bugs already: UTC offsets PostgreSQL cannot store, and ids beyond bigint."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from gaoxin.api.services import api_token_create
from gaoxin.cases import services
from gaoxin.cases.tests.conftest import report
from gaoxin.conftest import examples

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calling the WSGI app directly fires request_started/finished, whose close_old_connections would close
    the test's connection inside its transaction on PostgreSQL; Django's test client disconnects it too."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def auth_headers(people, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        case = report(people.citizen)
        services.case_register(actor=people.a_operator, case=case)
        report(people.citizen)
    return {"Authorization": f"Bearer {api_token_create(user=people.zone_shift_lead).token}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=examples(0.025, minimum=2), deadline=None, suppress_health_check=list(HealthCheck),
          database=None, derandomize=os.environ.get("GAOXIN_FUZZ_RANDOM") != "1")
def test_no_server_error_on_any_operation(case, auth_headers):
    case.call_and_validate(headers=auth_headers, checks=[not_a_server_error])

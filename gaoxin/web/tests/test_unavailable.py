"""A data store that cannot be written answers 503 with Retry-After in each interface's own form, and nothing is
half-written. The fault here is SQLite's own refusal to write; the mapping of the other causes (PostgreSQL down,
Redis down, disk full) is tested in core, and each is caused for real by bench/faults.py."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client

from gaoxin.api.models import ExportJob
from gaoxin.api.tests.conftest import WEST
from gaoxin.cases.models import Case, CaseEvent


@contextlib.contextmanager
def cannot_write() -> Iterator[None]:
    """SQLite refuses every write (``PRAGMA query_only``: "attempt to write a readonly database", what it says on
    a file system remounted read-only after disk errors). A full disk is made real by bench/faults.py."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = ON")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = OFF")


pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's refusal to write; PostgreSQL's "
                                "faults are caused against a real server by bench/faults.py")


@pytest.mark.django_db(transaction=True)
def test_a_store_that_cannot_write_is_503_everywhere_and_nothing_is_half_written(people, frozen_now):
    from gaoxin.api.services import api_token_create

    token = api_token_create(user=people.zone_shift_lead).token
    client = Client(raise_request_exception=False)
    body = {"channel": "public_web", "category": "09001", "description": "占道经营，影响通行" * 200,
            "lon": WEST[0], "lat": WEST[1]}
    with frozen_now(2023, 3, 1, 9), cannot_write():
        responses = [
            client.post("/api/v1/cases", json.dumps(body), content_type="application/json",
                        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k-1"}),
            client.post("/open311/v2/requests.json", {"service_code": "09001", "lat": WEST[1], "long": WEST[0],
                                                       "description": "井盖缺失" * 300}),
        ]
    problem, open311 = responses
    assert [r.status_code for r in responses] == [503, 503]
    assert all(r["Retry-After"] == "5" for r in responses)
    assert problem["Content-Type"] == "application/problem+json"
    assert problem.json()["code"] == "unavailable"
    assert open311.json()[0]["code"] == 503
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0
    # Once there is room again, the same retry is served, once.
    with frozen_now(2023, 3, 1, 9):
        retry = client.post("/api/v1/cases", json.dumps(body), content_type="application/json",
                            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k-1"})
    assert retry.status_code == 201
    assert Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_page_that_cannot_save_shows_the_503_page(people, frozen_now):
    client = Client(raise_request_exception=False)
    client.force_login(people.zone_shift_lead)
    with frozen_now(2023, 3, 1, 9), cannot_write():
        response = client.post("/exports/cases/", {"state": "reported"})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "暂时无法保存" in response.content.decode()
    assert not ExportJob.objects.exists()

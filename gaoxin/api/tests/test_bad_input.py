"""Bad input anywhere is answered with a clear error naming what was wrong — never a server error (issue 16 #7)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from gaoxin.api.services import api_token_create
from gaoxin.cases.models import Case


@pytest.fixture
def token(people):
    return api_token_create(user=people.zone_operator).token


def test_a_body_over_the_limit_is_413_and_creates_nothing(token, settings):
    body = b'{"description": "' + b"a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + b'"}'
    response = Client().post("/api/v1/cases", data=body, content_type="application/json",
                             headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 413
    problem = json.loads(response.content)
    assert (problem["code"], problem["field"]) == ("payload_too_large", "body")
    assert Case.objects.count() == 0


@pytest.mark.parametrize("url", ["/cases/?street=99999999999999999999999", "/cases/?grid=-1",
                                 "/cases/?street=abc", "/dashboard/?street=99999999999999999999"])
def test_out_of_range_ids_in_page_queries_are_400(people, url):
    client = Client(raise_request_exception=False)
    client.force_login(people.leader)
    assert client.get(url).status_code == 400


@pytest.mark.parametrize("year", [0, 1999, 2101, 99999])
def test_reports_of_years_outside_the_calendar_are_not_found(people, year):
    client = Client(raise_request_exception=False)
    client.force_login(people.leader)
    response = client.get(f"/reports/{year}/")
    assert response.status_code == 404
    assert "没有" in response.content.decode()


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"lat": -33.9, "lon": 151.2}, "lon", "outside_zone"),  # Sydney
    ({"lat": 39.9, "lon": 113.55}, "lat", "outside_zone"),  # Datong, straight north
    ({"description": "路灯不亮\x00"}, "description", "control_characters"),
    ({"address": "冬青街\u202e1号"}, "address", "control_characters"),
    ({"reporter_name": "张\x07三"}, "reporter_name", "control_characters"),
])
def test_nonsense_is_refused_and_creates_nothing(token, grid_layer, body, field, code):
    report = {"channel": "hotline_12345", "category": "H-C02", "description": "小区门口占道经营",
              "lon": 113.52, "lat": 34.79, **body}
    response = Client().post("/api/v1/cases", data=json.dumps(report), content_type="application/json",
                             headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400
    problem = json.loads(response.content)
    assert (problem["field"], problem["code"]) == (field, code)
    assert Case.objects.count() == 0


def test_a_point_beside_the_zone_is_taken(token, grid_layer):
    """A report from just across the zone's edge is a case (routed to the zone center), not an error."""
    report = {"channel": "hotline_12345", "category": "H-C02", "description": "小区门口占道经营",
              "lon": 113.70, "lat": 34.79}
    response = Client().post("/api/v1/cases", data=json.dumps(report), content_type="application/json",
                             headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201

from __future__ import annotations

import json

import pytest

from gaoxin.projects.models import MonthlyReport

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_list_detail_and_submission(client, made):
    project = made.project("XM-1", prior="0")
    made.project("XM-2", steward=made.people.other_steward)
    client.force_login(made.people.steward)
    listed = client.get("/api/v1/projects").json()
    assert [p["code"] for p in listed] == ["XM-1"]
    body = {"year": 2023, "month": 1, "this_month": "100", "ytd": "100", "since_start": "100", "building": "50",
            "installation": "0", "equipment": "0", "other": "0"}
    response = post(client, f"/api/v1/projects/{project.pk}/reports", body)
    assert response.status_code == 400
    problem = response.json()
    assert (problem["code"], problem["field"]) == ("identity_composition", "ytd")
    assert MonthlyReport.objects.count() == 0
    response = post(client, f"/api/v1/projects/{project.pk}/reports", {**body, "building": "100"})
    assert response.status_code == 201
    assert response.json()["ytd"] == "100.00"
    detail = client.get(f"/api/v1/projects/{project.pk}").json()
    assert [r["month"] for r in detail["reports"]] == [1]
    other = made.people.other_steward.stewarded_projects.get()
    assert client.get(f"/api/v1/projects/{other.pk}").status_code == 404


def test_dossier(client, made):
    parcel = made.parcel(3)
    client.force_login(made.people.leader)
    found = client.get(f"/api/v1/projects/dossier/{parcel.unit_code}").json()
    assert found["parcel_code"] == parcel.parcel_code
    assert found["permits"] == []
    assert client.get("/api/v1/projects/dossier/410171001002GB09999").status_code == 404
    client.force_login(made.people.outsider)
    assert client.get(f"/api/v1/projects/dossier/{parcel.parcel_code}").status_code == 404

"""Idempotent intake: a retry with the same Idempotency-Key and body returns the first result and creates
nothing; the same key with another body is refused; concurrent retries create exactly one case."""

from __future__ import annotations

import json

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client

from gaoxin.api.idempotency import idempotent
from gaoxin.api.models import IdempotencyRecord, Open311Request
from gaoxin.api.services import api_token_create
from gaoxin.api.tests.conftest import report_body
from gaoxin.cases.models import Case, CaseEvent
from gaoxin.cases.tests.test_concurrency import in_thread, in_threads, shared_database


@pytest.fixture
def clock_on(frozen_now):
    with frozen_now(2023, 3, 1, 9):
        yield


def test_retry_with_same_key_returns_first_result_and_creates_nothing(api, people, clock_on):
    headers = {"Idempotency-Key": "order-7f3a"}
    first = api.post("/cases", report_body(), as_=people.citizen, headers=headers)
    again = api.post("/cases", report_body(), as_=people.citizen, headers=headers)
    assert first[0] == again[0] == 201
    assert first[1] == again[1]
    assert again[2]["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first[2]
    assert Case.objects.count() == 1
    assert CaseEvent.objects.count() == 1


@pytest.mark.parametrize("shape", ["located", "outside", "hotline"])
def test_answer_and_its_replay_are_the_same_bytes(api, people, clock_on, shape):
    # The first answer is rendered straight from the case, a replay after validation against CaseOut: equal
    # bytes mean the first answer has exactly the schema's fields, order and formats.
    actor, body = people.citizen, report_body()
    if shape == "outside":
        body.update(lon=113.70, lat=34.79, address="区外某处")
    elif shape == "hotline":
        actor = people.zone_operator
        body = report_body(channel="hotline_12345", category="H-C02", request_type="H-TS", external_ref="HL-9",
                           lon=None, lat=None, address="某小区门口", reporter_phone="13900001111")
    headers = {"Idempotency-Key": f"bytes-{shape}", "Authorization": f"Bearer {api.token(actor)}"}
    first = api.client.post("/api/v1/cases", body, content_type="application/json", headers=headers)
    again = api.client.post("/api/v1/cases", body, content_type="application/json", headers=headers)
    assert first.status_code == again.status_code == 201, first.content
    assert again["Idempotent-Replayed"] == "true"
    assert first.content == again.content
    assert first["Content-Type"] == again["Content-Type"] == "application/json; charset=utf-8"


def test_same_key_reordered_body_is_the_same_request(api, people, clock_on):
    body = report_body()
    api.post("/cases", body, as_=people.citizen, headers={"Idempotency-Key": "k1"})
    reordered = dict(reversed(list(body.items())))
    status, _, response = api.post("/cases", reordered, as_=people.citizen, headers={"Idempotency-Key": "k1"})
    assert status == 201
    assert response["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1


def test_same_key_with_another_body_is_refused(api, people, clock_on):
    api.post("/cases", report_body(), as_=people.citizen, headers={"Idempotency-Key": "k2"})
    status, body, response = api.post("/cases", report_body(description="另一件事"), as_=people.citizen,
                                      headers={"Idempotency-Key": "k2"})
    assert status == 422
    assert body["code"] == "idempotency_key_reused"
    assert body["field"] == "Idempotency-Key"
    assert response["Content-Type"] == "application/problem+json"
    assert Case.objects.count() == 1


def test_keys_are_per_client(api, people, clock_on):
    api.post("/cases", report_body(), as_=people.citizen, headers={"Idempotency-Key": "shared"})
    status, _, _ = api.post("/cases", report_body(), as_=people.other_citizen, headers={"Idempotency-Key": "shared"})
    assert status == 201
    assert Case.objects.count() == 2


def test_without_key_each_call_creates(api, people, clock_on):
    api.post("/cases", report_body(), as_=people.citizen)
    api.post("/cases", report_body(), as_=people.citizen)
    assert Case.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 0


def test_failed_call_leaves_no_record_so_a_corrected_retry_runs(api, people, clock_on):
    status, _, _ = api.post("/cases", report_body(description=""), as_=people.citizen,
                            headers={"Idempotency-Key": "k3"})
    assert status == 400
    assert IdempotencyRecord.objects.count() == 0
    status, _, _ = api.post("/cases", report_body(description=""), as_=people.citizen,
                            headers={"Idempotency-Key": "k3"})
    assert status == 400
    assert Case.objects.count() == 0


def test_bad_key_names_the_header(api, people, clock_on):
    status, body, _ = api.post("/cases", report_body(), as_=people.citizen, headers={"Idempotency-Key": "x" * 300})
    assert status == 400
    assert body["field"] == "Idempotency-Key"
    assert Case.objects.count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_retries_with_the_same_key_create_exactly_one_case(people, frozen_now, tmp_path):
    token = api_token_create(user=people.citizen).token
    body = json.dumps(report_body())
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "race-1"}
    with frozen_now(2023, 3, 1, 9), shared_database(tmp_path):
        def post():
            response = Client().post("/api/v1/cases", body, content_type="application/json", headers=headers)
            return response.status_code, json.loads(response.content)

        results, errors = in_threads([post] * 6)
        assert errors == []
        statuses = sorted(status for status, _ in results)
        assert statuses == [201] * 6, results
        assert len({json.dumps(b, sort_keys=True) for _, b in results}) == 1
        counts = in_thread(lambda: (Case.objects.count(), CaseEvent.objects.count(),
                                    IdempotencyRecord.objects.count()))
        assert counts == (1, 1, 1)


# --- the one layer, in every adapter ----------------------------------------------------------------------------

OPEN311_FILING = {"service_code": "09001", "lat": "34.79", "long": "113.52", "description": "路口有人占道经营",
                  "address_string": "冬青街 1 号"}


def test_open311_replay_is_the_first_answer_in_either_format(people, clock_on):
    headers = {"Idempotency-Key": "o311-fmt"}
    first = Client().post("/open311/v2/requests.json", OPEN311_FILING, headers=headers)
    again = Client().post("/open311/v2/requests.json", OPEN311_FILING, headers=headers)
    as_xml = Client().post("/open311/v2/requests.xml", OPEN311_FILING, headers=headers)
    assert (first.status_code, again.status_code, as_xml.status_code) == (201, 201, 201)
    assert first.content == again.content
    assert "Idempotent-Replayed" not in first
    assert again["Idempotent-Replayed"] == as_xml["Idempotent-Replayed"] == "true"
    number = json.loads(first.content)[0]["service_request_id"]
    assert f"<service_request_id>{number}</service_request_id>".encode() in as_xml.content
    assert Case.objects.count() == 1
    assert IdempotencyRecord.objects.get().client == "anon:127.0.0.1"


def test_open311_reused_key_is_refused_and_changes_nothing(people, clock_on):
    Client().post("/open311/v2/requests.json", OPEN311_FILING, headers={"Idempotency-Key": "o311-k"})
    before = (Case.objects.count(), Open311Request.objects.count(), IdempotencyRecord.objects.count())
    refused = Client().post("/open311/v2/requests.json", {**OPEN311_FILING, "description": "另一件事"},
                            headers={"Idempotency-Key": "o311-k"})
    assert refused.status_code == 422
    assert json.loads(refused.content) == [{"code": 422, "description": (
        "Idempotency-Key：同一个 Idempotency-Key 已用于内容不同的请求 (idempotency_key_reused)")}]
    assert (Case.objects.count(), Open311Request.objects.count(), IdempotencyRecord.objects.count()) == before


def test_api_reused_key_changes_nothing(api, people, clock_on):
    api.post("/cases", report_body(), as_=people.citizen, headers={"Idempotency-Key": "k4"})
    before = list(IdempotencyRecord.objects.values_list("client", "key", "fingerprint", "status", "body"))
    status, body, _ = api.post("/cases", report_body(description="另一件事"), as_=people.citizen,
                               headers={"Idempotency-Key": "k4"})
    assert (status, body["code"]) == (422, "idempotency_key_reused")
    assert list(IdempotencyRecord.objects.values_list("client", "key", "fingerprint", "status", "body")) == before
    assert Case.objects.count() == 1
    assert CaseEvent.objects.count() == 1


def test_openapi_lists_the_key_header_and_keeps_the_operation_ids(api):
    _, doc, _ = api.get("/api/v1/openapi.json")
    for path, operation_id in [("/api/v1/cases", "gaoxin_api_api_report"),
                               ("/api/v1/hotline/12345/orders", "gaoxin_hotline_api_order_push")]:
        operation = doc["paths"][path]["post"]
        assert operation["operationId"] == operation_id
        assert operation["parameters"] == [{"in": "header", "name": "Idempotency-Key",
                                            "schema": {"anyOf": [{"type": "string"}, {"type": "null"}],
                                                       "title": "Idempotency-Key"},
                                            "required": False}]


def test_the_decorator_owns_its_parameters():
    def endpoint(request: HttpRequest, response: HttpResponse) -> None:
        return None

    with pytest.raises(TypeError, match="response"):
        idempotent(path="/x")(endpoint)

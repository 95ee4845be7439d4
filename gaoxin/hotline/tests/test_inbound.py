"""City → zone: order push (idempotent), urge, return; success, refusal with nothing changed, bad input."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from gaoxin.api.models import IdempotencyRecord
from gaoxin.cases import services as cases
from gaoxin.cases.models import Case
from gaoxin.hotline.models import HotlineOrder, HotlineUrge, InboundMessage
from gaoxin.hotline.tests.conftest import ORDER


@pytest.fixture
def clock_on(frozen_now):
    with frozen_now(2023, 3, 1, 9):
        yield


def call(token, path, body, **headers):
    response = Client().post(f"/api/v1/hotline/12345/{path}", json.dumps(body), content_type="application/json",
                             headers={"Authorization": f"Bearer {token}", **headers})
    return response.status_code, json.loads(response.content), response


def close_case(people, case):
    case = cases.case_register(actor=people.a_operator, case=case)
    case = cases.case_dispatch(actor=people.a_dispatcher, case=case)
    case = cases.case_accept(actor=people.street_a_handler, case=case)
    case = cases.case_feedback(actor=people.street_a_handler, case=case, result="已劝离占道商贩")
    return cases.case_verify(actor=people.worker_west, case=case, passed=True)


def test_push_creates_a_hotline_case_and_acknowledges(integration, clock_on):
    _, token = integration
    status, ack, _ = call(token, "orders", ORDER, **{"Idempotency-Key": "push-1"})
    assert status == 201
    case = Case.objects.get()
    assert ack == {"order_id": ORDER["order_id"], "case_id": case.pk, "case_number": case.number,
                   "status": "received", "received_at": "2023-03-01T09:00:00+08:00"}
    assert case.category is not None
    assert case.request_type is not None
    assert (case.channel, case.external_ref, case.state, case.category.code, case.request_type.code) == (
        "hotline_12345", ORDER["order_id"], "reported", "H-C02", "H-TS")
    assert (case.reporter_name, case.reporter_phone) == ("王小明", "13900001111")
    reply_deadline = HotlineOrder.objects.get().reply_deadline
    assert reply_deadline is not None
    assert reply_deadline.isoformat() == "2023-03-06T10:00:00+00:00"


def test_repeated_push_returns_the_first_acknowledgement(integration, clock_on):
    _, token = integration
    first = call(token, "orders", ORDER, **{"Idempotency-Key": "push-1"})
    again = call(token, "orders", ORDER, **{"Idempotency-Key": "push-1"})
    assert (again[0], again[1]) == (first[0], first[1])
    assert again[2]["Idempotent-Replayed"] == "true"
    without_key = call(token, "orders", ORDER)
    assert without_key[0] == 200
    assert without_key[1] == first[1]
    assert Case.objects.count() == 1
    assert HotlineOrder.objects.count() == 1


def test_replayed_push_is_the_same_bytes_and_a_reused_key_changes_nothing(integration, clock_on):
    _, token = integration
    first = call(token, "orders", ORDER, **{"Idempotency-Key": "push-b"})[2]
    again = call(token, "orders", ORDER, **{"Idempotency-Key": "push-b"})[2]
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.content == again.content
    assert "Idempotent-Replayed" not in first
    assert again["Idempotent-Replayed"] == "true"
    before = (Case.objects.count(), HotlineOrder.objects.count(), IdempotencyRecord.objects.count())
    status, problem, _ = call(token, "orders", {**ORDER, "order_id": "HL-OTHER"}, **{"Idempotency-Key": "push-b"})
    assert (status, problem["code"], problem["field"]) == (422, "idempotency_key_reused", "Idempotency-Key")
    assert (Case.objects.count(), HotlineOrder.objects.count(), IdempotencyRecord.objects.count()) == before
    assert IdempotencyRecord.objects.get().client == f"user:{integration[0].pk}"


def test_same_order_with_other_content_is_refused(integration, clock_on):
    _, token = integration
    call(token, "orders", ORDER)
    status, problem, _ = call(token, "orders", {**ORDER, "content": "另一件事"})
    assert status == 409
    assert problem["code"] == "order_conflict"
    assert problem["field"] == "order_id"
    status, problem, _ = call(token, "orders", ORDER, **{"Idempotency-Key": "k"})
    status, problem, _ = call(token, "orders", {**ORDER, "content": "x"}, **{"Idempotency-Key": "k"})
    assert status == 422
    assert problem["code"] == "idempotency_key_reused"
    assert Case.objects.count() == 1


@pytest.mark.parametrize(("override", "field", "status"), [
    ({"order_id": ""}, "order_id", 422),
    ({"content": ""}, "content", 422),
    ({"category": "09001"}, "category", 400),
    ({"request_type": "H-XX"}, "request_type", 400),
    ({"lat": "north"}, "lat", 422),
    ({"caller_phone": "call me"}, "reporter_phone", 400),
])
def test_push_bad_input_names_the_field(integration, clock_on, override, field, status):
    _, token = integration
    code, problem, response = call(token, "orders", {**ORDER, **override})
    assert code == status
    assert problem["field"] == field
    assert response["Content-Type"] == "application/problem+json"
    assert Case.objects.count() == 0
    assert HotlineOrder.objects.count() == 0


def test_push_by_an_account_that_may_not_take_hotline_orders_changes_nothing(people, clock_on):
    from gaoxin.api.services import api_token_create

    token = api_token_create(user=people.street_a_handler).token
    status, problem, _ = call(token, "orders", ORDER)
    assert status == 403
    assert problem["code"] == "not_city_platform"
    assert Case.objects.count() == 0


@pytest.mark.parametrize("kind,body", [
    ("orders", ORDER),
    ("urges", {"message_id": "U1", "order_id": ORDER["order_id"], "content": "请尽快办理"}),
    ("returns", {"message_id": "R1", "order_id": ORDER["order_id"], "reason": "群众不满意"}),
])
def test_only_the_integration_account_speaks_as_the_city_platform(integration, people, clock_on, kind, body):
    """A zone dispatcher may take 12345 orders by hand (the operator's new-order page), but its API token cannot
    pose as the city platform: no case, no order, no message is written."""
    from gaoxin.api.services import api_token_create
    from gaoxin.hotline.models import HotlineOrder, InboundMessage

    token = api_token_create(user=people.zone_dispatcher).token
    status, problem, _ = call(token, kind, body)
    assert status == 403
    assert problem["code"] == "not_city_platform"
    assert (Case.objects.count(), HotlineOrder.objects.count(), InboundMessage.objects.count()) == (0, 0, 0)


def test_urge_is_recorded_once_per_message(integration, people, clock_on):
    _, token = integration
    call(token, "orders", ORDER)
    body = {"message_id": "U-1", "order_id": ORDER["order_id"], "content": "群众再次来电催促"}
    status, ack, _ = call(token, "urges", body)
    assert status == 200
    assert ack["status"] == "recorded"
    assert ack["unit"] == "石佛城运中心"
    assert call(token, "urges", body)[1] == ack
    urge = HotlineUrge.objects.get()
    assert urge.unit is not None
    assert urge.superior_unit is not None
    assert (urge.content, urge.unit.code, urge.superior_unit.code) == ("群众再次来电催促", "GX-S01-C", "GX-S01")
    assert HotlineOrder.objects.get().urge_count == 1
    status, problem, _ = call(token, "urges", {**body, "content": "别的"})
    assert status == 409
    assert problem["code"] == "message_conflict"
    status, problem, _ = call(token, "urges", {**body, "message_id": "U-2", "order_id": "nope"})
    assert status == 404
    assert problem["field"] == "order_id"
    assert HotlineUrge.objects.count() == 1


def test_return_reopens_a_closed_case_once(integration, people, clock_on):
    _, token = integration
    call(token, "orders", ORDER)
    case = close_case(people, Case.objects.get())
    body = {"message_id": "R-1", "order_id": ORDER["order_id"], "reason": "摊贩又回来了"}
    status, ack, _ = call(token, "returns", body)
    assert status == 200
    assert ack["case_state"] == "reopened"
    case.refresh_from_db()
    assert (case.state, case.satisfaction, case.reopened_count) == ("reopened", "unsatisfied", 1)
    assert call(token, "returns", body)[1] == ack
    case.refresh_from_db()
    assert case.reopened_count == 1
    assert HotlineOrder.objects.get().return_count == 1


def test_return_of_an_open_case_is_refused_and_changes_nothing(integration, clock_on):
    _, token = integration
    call(token, "orders", ORDER)
    status, problem, _ = call(token, "returns", {"message_id": "R-1", "order_id": ORDER["order_id"],
                                                 "reason": "不满意"})
    assert status == 409
    assert problem["code"] == "not_returnable"
    assert Case.objects.get().state == "reported"
    assert InboundMessage.objects.count() == 0

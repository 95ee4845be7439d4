"""The JSON API: every endpoint's success, permission denied with nothing changed, and bad input naming the
field; authentication (token, session with CSRF) and the one error format."""

from __future__ import annotations

import pytest
from django.test import Client

from gaoxin.api import services as api_services
from gaoxin.api.models import ExportJob
from gaoxin.api.tests.conftest import EAST, report_body
from gaoxin.cases import services
from gaoxin.cases.models import Case, CaseEvent, PersonalDataReveal
from gaoxin.cases.tests.conftest import report, run_to_closed

PROBLEM = "application/problem+json"


@pytest.fixture
def clock_on(frozen_now):
    with frozen_now(2023, 3, 1, 9):
        yield


def assert_problem(status, body, response, *, expect_status, field=None, code=None):
    assert status == expect_status, body
    assert response["Content-Type"] == PROBLEM
    assert body["status"] == expect_status
    assert body["title"]
    assert body["type"].endswith(body["code"])
    if field is not None:
        assert body["field"] == field
    if code is not None:
        assert body["code"] == code


# --- the document and authentication -------------------------------------------------------------------------

def test_openapi_document_is_served_without_login_and_no_cdn_docs_page(api):
    status, doc, _ = api.get("/api/v1/openapi.json")
    assert status == 200
    assert doc["openapi"].startswith("3.")
    assert "/api/v1/cases" in doc["paths"]
    assert "/api/v1/hotline/12345/orders" in doc["paths"]
    assert "/api/v1/bench/insert" not in doc["paths"]
    assert Client().get("/api/v1/docs").status_code == 404


def test_every_operation_declares_its_errors_as_problem_json(api):
    _, doc, _ = api.get("/api/v1/openapi.json")
    operations = [(method, path, op) for path, item in doc["paths"].items() for method, op in item.items()]
    assert len(operations) == 29 + 4 + 7 + 5 + 6 + 4  # + key projects and land (issue 17); innovation 5 and talent 2
    # (issue 22); policies 5 (issue 18); finance 6 (issue 19); compute 4 (issue 21)
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for method, path, op in operations:
        errors = {status: response for status, response in op["responses"].items() if status.startswith("4")}
        expected = {"400", "401", "403", "404", "409", "422"} | ({"413"} if "requestBody" in op else set())
        errors["503"] = op["responses"]["503"]
        assert expected <= set(errors), (method, path)
        assert all(response["content"] == problem for response in errors.values()), (method, path)
    downloads = [path for _, path, op in operations if "text/csv" in op["responses"].get("200", {}).get("content", {})]
    assert downloads == ["/api/v1/cases/export.csv", "/api/v1/exports/{job_id}/file"]


def test_a_body_is_one_object_of_the_declared_types(api, people, frozen_now):
    token = api_services.api_token_create(user=people.zone_shift_lead).token
    headers = {"Authorization": f"Bearer {token}"}
    with frozen_now(2023, 3, 1, 9):
        for body in ("[null, null]", "5", '"text"'):
            response = api.client.post("/api/v1/cases/exports", body, content_type="application/json",
                                       headers=headers)
            assert response.status_code == 400
            assert response.json()["code"] == "bad_body"
        response = api.client.post("/api/v1/cases/exports", '{"overdue": 0}', content_type="application/json",
                                   headers=headers)
        assert response.status_code == 422
        assert response.json()["field"] == "overdue"
        response = api.client.get("/api/v1/cases?reported_to=0.5", headers=headers)
        assert response.status_code == 422
        assert response.json()["field"] == "reported_to"
    assert not ExportJob.objects.exists()


def test_no_credentials_is_401_problem(api, people):
    status, body, response = api.get("/cases")
    assert_problem(status, body, response, expect_status=401, code="unauthenticated")


def test_revoked_token_is_refused(api, people):
    issued = api_services.api_token_create(user=people.a_operator)
    headers = {"Authorization": f"Bearer {issued.token}"}
    assert api.client.get("/api/v1/me", headers=headers).status_code == 200
    api_services.api_token_revoke(prefix=issued.record.prefix)
    assert api.client.get("/api/v1/me", headers=headers).status_code == 401
    assert api.client.get("/api/v1/me", headers={"Authorization": "Bearer gx_nope_nope"}).status_code == 401


def test_token_lookup_gives_the_user_with_its_unit_and_refuses_inactive_users(api, people, org,
                                                                             django_assert_num_queries):
    operator = api_services.api_token_create(user=people.a_operator)
    citizen = api_services.api_token_create(user=people.citizen)
    with django_assert_num_queries(2):  # the lookup, then the first use's last_used_at
        found = api_services.api_token_authenticate(token=operator.token)
    assert found is not None
    assert found.pk == operator.record.pk
    assert found.last_used_at is not None
    with django_assert_num_queries(0):  # user and unit came with the token
        assert found.user.org_unit is not None
        assert (found.user, found.user.org_unit, found.user.org_unit.path) == (
            people.a_operator, org.street_a_center, org.street_a_center.path)
    found = api_services.api_token_authenticate(token=citizen.token)
    assert found is not None
    assert found.user == people.citizen
    assert found.user.org_unit is None
    status, body, _ = api.get("/me", as_=people.a_operator)
    assert status == 200
    assert body["org_unit"]["code"] == org.street_a_center.code
    people.a_operator.is_active = False
    people.a_operator.save()
    assert api_services.api_token_authenticate(token=operator.token) is None
    assert api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {operator.token}"}).status_code == 401


def test_session_calls_need_csrf_for_writes(people, clock_on):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.citizen)
    assert client.get("/api/v1/me").json()["username"] == "citizen"
    response = client.post("/api/v1/cases", report_body(), content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert Case.objects.count() == 0
    client.get("/api/v1/me")  # any page sets no cookie; take the token from the middleware instead
    from django.middleware.csrf import (  # type: ignore[attr-defined]  # private, not in django-stubs
        _get_new_csrf_string,
        _mask_cipher_secret,
    )

    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    response = client.post("/api/v1/cases", report_body(), content_type="application/json",
                           headers={"X-CSRFToken": _mask_cipher_secret(secret)})
    assert response.status_code == 201
    assert Case.objects.count() == 1


# --- report --------------------------------------------------------------------------------------------------

def test_report_creates_a_masked_case(api, people, clock_on):
    status, body, _ = api.post("/cases", report_body(), as_=people.citizen)
    assert status == 201
    case = Case.objects.get()
    assert body["number"] == case.number
    assert body["state"] == "reported"
    assert (body["reporter_name"], body["reporter_phone"]) == ("张*", "138****1234")
    assert (case.reporter_name, case.reporter_phone) == ("张三", "13812341234")
    assert body["center"]["code"] == "GX-S01-C"
    assert body["street"]["code"] == "GX-S01"


def test_report_on_a_channel_the_role_may_not_use_changes_nothing(api, people, clock_on):
    status, body, response = api.post("/cases", report_body(channel="public_web"), as_=people.worker_west)
    assert_problem(status, body, response, expect_status=403, field="channel", code="channel_not_allowed")
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0


@pytest.mark.parametrize(("override", "field", "status"), [
    ({"description": ""}, "description", 400),
    ({"category": "99999"}, "category", 400),
    ({"lat": None}, "lat", 400),
    ({"lon": "east"}, "lon", 422),
    ({"lat": 123.0}, "lat", 422),
    ({"channel": None}, "channel", 422),
    ({"reporter_phone": "call me"}, "reporter_phone", 400),
])
def test_report_bad_input_names_the_field(api, people, clock_on, override, field, status):
    code, body, response = api.post("/cases", report_body(**override), as_=people.citizen)
    assert_problem(code, body, response, expect_status=status, field=field)
    assert Case.objects.count() == 0


def test_missing_body_field_is_named(api, people, clock_on):
    body = report_body()
    del body["description"]
    status, problem, response = api.post("/cases", body, as_=people.citizen)
    assert_problem(status, problem, response, expect_status=422, field="description", code="validation_error")
    assert problem["title"] == "description：必填"
    assert problem["errors"][0]["code"] == "missing"


def test_invalid_json_is_a_problem(api, people):
    response = api.client.post("/api/v1/cases", "{", content_type="application/json",
                               headers={"Authorization": f"Bearer {api.token(people.citizen)}"})
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == PROBLEM


# --- detail, search, export ----------------------------------------------------------------------------------

def test_detail_has_history_and_is_scoped(api, people, clock_on):
    case = run_to_closed(people, report(people.citizen, reporter_name="张三", reporter_phone="13812341234"))
    status, body, _ = api.get(f"/cases/{case.pk}", as_=people.a_operator)
    assert status == 200
    assert body["state"] == "closed"
    assert [e["action"] for e in body["events"]] == ["report", "register", "dispatch", "accept", "feedback",
                                                     "verify_pass"]
    assert body["events"][0]["actor"]["name"] == "张*"
    assert body["allowed_actions"] == ["evaluate"]  # 回访 by the center's staff
    status, body, _ = api.get(f"/cases/{case.pk}", as_=people.citizen)
    assert body["allowed_actions"] == ["evaluate"]  # the reporter rates the answer
    status, body, _ = api.get(f"/cases/{case.pk}", as_=people.street_a_handler)
    assert body["allowed_actions"] == []
    status, problem, response = api.get(f"/cases/{case.pk}", as_=people.b_operator)
    assert_problem(status, problem, response, expect_status=404, code="case_not_found")
    status, problem, response = api.get(f"/cases/{2**70}", as_=people.a_operator)
    assert_problem(status, problem, response, expect_status=422, field="case_id")


def test_search_filters_and_pages_within_scope(api, people, clock_on, django_assert_max_num_queries):
    west = [report(people.citizen) for _ in range(3)]
    report(people.citizen, point=EAST)
    services.case_register(actor=people.a_operator, case=west[0])
    status, body, _ = api.get("/cases", as_=people.a_operator, page_size=2)
    assert status == 200
    assert body["count"] == 3
    assert len(body["results"]) == 2
    status, body, _ = api.get("/cases", as_=people.a_operator, page_size=2, page=2)
    assert [r["id"] for r in body["results"]] == [west[0].pk]
    status, body, _ = api.get("/cases", as_=people.a_operator, state="registered")
    assert [r["id"] for r in body["results"]] == [west[0].pk]
    status, body, _ = api.get("/cases", as_=people.leader, state="reported,registered")
    assert body["count"] == 4
    with django_assert_max_num_queries(8):
        status, body, _ = api.get("/cases", as_=people.leader, page_size=50)
    assert status == 200
    assert all(r["reporter_phone"] in ("", "138****1234") for r in body["results"])


@pytest.mark.parametrize(("query", "field", "status"), [
    ({"state": "nonsense"}, "state", 400),
    ({"category": "nope"}, "category", 400),
    ({"color": "purple"}, "color", 400),
    ({"page": 0}, "page", 422),
    ({"page_size": 1000}, "page_size", 422),
    ({"registered_from": "yesterday"}, "registered_from", 422),
    ({"reported_to": "0001-01-01T00:00:00+08:00"}, "reported_to", 422),
    ({"center": 135498338389042990222481031168}, "center", 422),
])
def test_search_bad_filters_name_the_field(api, people, query, field, status):
    code, body, response = api.get("/cases", as_=people.leader, **query)
    assert_problem(code, body, response, expect_status=status, field=field)


def test_any_offset_python_accepts_is_normalised_for_the_database(api, people):
    # Found by the fuzzer: PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 parsers accept.
    status, body, _ = api.get("/cases", as_=people.leader, registered_from="2023-01-01T00:00:00-19:37")
    assert status == 200
    assert body["count"] == 0


def test_citizen_sees_only_own_cases(api, people, clock_on):
    report(people.citizen)
    report(people.other_citizen)
    status, body, _ = api.get("/cases", as_=people.other_citizen)
    assert body["count"] == 1


def test_export_masks_personal_data(api, people, clock_on):
    report(people.citizen, reporter_name="张三", reporter_phone="13812341234")
    response = api.client.get("/api/v1/cases/export.csv",
                              headers={"Authorization": f"Bearer {api.token(people.a_operator)}"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert "张*" in text
    assert "138****1234" in text
    assert "张三" not in text
    assert "13812341234" not in text


# --- workflow actions ----------------------------------------------------------------------------------------

def test_the_whole_workflow_through_the_api(api, people, clock_on):
    case = report(people.citizen)
    p = people

    def act(action, body, actor, expect=200):
        status, out, _ = api.post(f"/cases/{case.pk}/{action}", body, as_=actor)
        assert status == expect, out
        return out

    assert act("register", {"urgency": "urgent", "note": "属实"}, p.a_operator)["state"] == "registered"
    assert act("dispatch", {}, p.a_dispatcher)["assignee"]["code"] == "GX-S01"
    assert act("accept", {}, p.street_a_handler)["state"] == "accepted"
    act("extension", {"amount": 2, "reason": "需要协调"}, p.street_a_handler)
    assert act("extension/decision", {"approve": True}, p.a_dispatcher)["state"] == "accepted"
    act("suspension", {"reason": "待拆迁"}, p.street_a_handler)
    assert act("suspension/decision", {"approve": True}, p.a_dispatcher)["state"] == "suspended"
    assert act("resume", {"note": "恢复"}, p.a_dispatcher)["state"] == "accepted"
    assert act("feedback", {"result": "已劝离"}, p.street_a_handler)["state"] == "handled"
    assert act("verify", {"passed": False, "note": "仍有摊位"}, p.worker_west)["state"] == "dispatched"
    act("accept", {}, p.street_a_handler)
    act("feedback", {"result": "已清理"}, p.street_a_handler)
    assert act("verify", {"passed": True}, p.worker_west)["state"] == "closed"
    assert act("evaluate", {"satisfaction": "unsatisfied"}, p.citizen)["state"] == "evaluated"
    assert act("reopen", {"reason": "群众不满意"}, p.a_dispatcher)["state"] == "reopened"
    assert act("dispatch", {"assignee": "GX-S01-01"}, p.a_dispatcher)["assignee"]["code"] == "GX-S01-01"
    assert act("return", {"reason": "不属本社区"}, p.street_a_handler)["state"] == "registered"


def test_reject_and_merge(api, people, clock_on):
    first, second, third = (report(people.citizen) for _ in range(3))
    status, body, _ = api.post(f"/cases/{first.pk}/reject", {"reason": "重复"}, as_=people.a_operator)
    assert status == 200
    assert body["state"] == "rejected"
    status, body, _ = api.post(f"/cases/{second.pk}/merge", {"into": third.pk}, as_=people.a_operator)
    assert status == 200
    assert body["state"] == "merged"
    assert body["merged_into"] == third.number


ACTIONS = [
    ("register", {}), ("reject", {"reason": "x"}), ("dispatch", {}), ("accept", {}), ("return", {"reason": "x"}),
    ("extension", {"amount": 1, "reason": "x"}), ("extension/decision", {"approve": True}),
    ("suspension", {"reason": "x"}), ("suspension/decision", {"approve": True}), ("resume", {}),
    ("feedback", {"result": "x"}), ("verify", {"passed": True}), ("evaluate", {"satisfaction": "satisfied"}),
    ("reopen", {"reason": "x"}),
]


@pytest.mark.parametrize(("action", "body"), ACTIONS)
def test_every_action_refuses_a_role_without_the_right_and_changes_nothing(api, people, clock_on, action, body):
    case = report(people.citizen)
    # The leader sees every case but may do none of these; the citizen may not move its own case either.
    for actor in (people.leader, people.cadre):
        status, problem, response = api.post(f"/cases/{case.pk}/{action}", body, as_=actor)
        assert status in (403, 404, 409), problem
        assert response["Content-Type"] == PROBLEM
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.state, fresh.version, fresh.event_count) == ("reported", 1, 1)
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_out_of_scope_action_is_not_found(api, people, clock_on):
    case = report(people.citizen)
    status, body, response = api.post(f"/cases/{case.pk}/register", {}, as_=people.b_operator)
    assert_problem(status, body, response, expect_status=404)
    assert Case.objects.get(pk=case.pk).state == "reported"


@pytest.mark.parametrize(("action", "body", "field", "status"), [
    ("reject", {}, "reason", 422),
    ("reject", {"reason": "  "}, "reason", 400),
    ("register", {"urgency": "whenever"}, "urgency", 400),
    ("register", {"category": "nope"}, "category", 400),
    ("merge", {"into": "x"}, "into", 422),
    ("register", {"version": 0}, "version", 422),
])
def test_action_bad_input_names_the_field(api, people, clock_on, action, body, field, status):
    case = report(people.citizen)
    code, problem, response = api.post(f"/cases/{case.pk}/{action}", body, as_=people.a_operator)
    assert_problem(code, problem, response, expect_status=status, field=field)
    assert Case.objects.get(pk=case.pk).version == 1


def test_dispatch_to_unknown_unit_and_bad_extension_name_the_field(api, people, clock_on):
    case = services.case_register(actor=people.a_operator, case=report(people.citizen))
    code, problem, response = api.post(f"/cases/{case.pk}/dispatch", {"assignee": "GX-D01"}, as_=people.a_dispatcher)
    assert_problem(code, problem, response, expect_status=400, field="assignee", code="unknown_unit")
    case = services.case_dispatch(actor=people.a_dispatcher, case=case)
    case = services.case_accept(actor=people.street_a_handler, case=case)
    code, problem, response = api.post(f"/cases/{case.pk}/extension", {"amount": 99, "reason": "x"},
                                       as_=people.street_a_handler)
    assert_problem(code, problem, response, expect_status=400, field="amount")
    assert Case.objects.get(pk=case.pk).pending_extension_amount is None


def test_stale_version_is_a_conflict(api, people, clock_on):
    case = report(people.citizen)
    status, body, response = api.post(f"/cases/{case.pk}/register", {"version": 1}, as_=people.a_operator)
    assert status == 200
    assert body["version"] == 2
    status, body, response = api.post(f"/cases/{case.pk}/reject", {"reason": "x", "version": 1},
                                      as_=people.a_operator)
    assert_problem(status, body, response, expect_status=409, code="stale_version")


def test_illegal_transition_is_409_naming_state(api, people, clock_on):
    case = report(people.citizen)
    status, body, response = api.post(f"/cases/{case.pk}/dispatch", {}, as_=people.a_dispatcher)
    assert_problem(status, body, response, expect_status=409, field="state", code="illegal_transition")
    assert Case.objects.get(pk=case.pk).state == "reported"


# --- reveal --------------------------------------------------------------------------------------------------

def test_reveal_shows_one_case_in_clear_and_records_it(api, people, clock_on):
    case = report(people.citizen, reporter_name="张三", reporter_phone="13812341234")
    status, body, _ = api.post(f"/cases/{case.pk}/reporter/reveal", {"purpose": "回访核实"}, as_=people.a_operator)
    assert status == 200
    assert (body["reporter_name"], body["reporter_phone"]) == ("张三", "13812341234")
    reveal = PersonalDataReveal.objects.get()
    assert (reveal.case_id, reveal.actor_id, reveal.purpose, reveal.via) == (case.pk, people.a_operator.pk,
                                                                             "回访核实", "api")
    status, detail, _ = api.get(f"/cases/{case.pk}", as_=people.a_operator)
    assert detail["reporter_phone"] == "138****1234"


def test_reveal_refused_for_other_roles_and_records_nothing(api, people, clock_on):
    case = report(people.citizen)
    status, body, response = api.post(f"/cases/{case.pk}/reporter/reveal", {"purpose": "看看"}, as_=people.leader)
    assert_problem(status, body, response, expect_status=403, code="reveal_not_allowed")
    status, body, response = api.post(f"/cases/{case.pk}/reporter/reveal", {}, as_=people.a_operator)
    assert_problem(status, body, response, expect_status=422, field="purpose")
    assert PersonalDataReveal.objects.count() == 0


# --- reference data and metrics ------------------------------------------------------------------------------

def test_categories(api, people):
    status, body, _ = api.get("/categories", as_=people.citizen, kind="hotline_type",
                              assignable_only="false")
    assert status == 200
    assert [c["code"] for c in body] == ["H-BY", "H-JB", "H-JY", "H-QZ", "H-TS", "H-ZX"]


def test_metrics_success_and_bad_input(api, people, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        run_to_closed(people, report(people.citizen))
        report(people.citizen)
    status, body, _ = api.get("/metrics", as_=people.leader, start="2023-03-01T00:00:00+08:00",
                              end="2023-03-02T00:00:00+08:00")
    assert status == 200
    assert body["metrics"]["accepted_volume"]["value"] == 1
    assert body["metrics"]["closure_rate"]["value"] == 1.0
    assert body["metrics"]["closure_rate"]["name"] == "办结率"
    code, problem, response = api.get("/metrics", as_=people.leader, start="2023-03-02T00:00:00+08:00",
                                      end="2023-03-01T00:00:00+08:00")
    assert_problem(code, problem, response, expect_status=400, field="start")
    code, problem, response = api.get("/metrics", as_=people.leader, end="2023-03-01T00:00:00+08:00")
    assert_problem(code, problem, response, expect_status=422, field="start")
    code, problem, response = api.get("/metrics", as_=people.leader, start="2023-03-01T00:00:00+08:00",
                                      end="2023-03-02T00:00:00+08:00", street="GX-XX")
    assert_problem(code, problem, response, expect_status=400, field="street")


def test_metrics_are_scoped(api, people, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        services.case_register(actor=people.a_operator, case=report(people.citizen))
    status, body, _ = api.get("/metrics", as_=people.b_operator, start="2023-03-01T00:00:00+08:00",
                              end="2023-03-02T00:00:00+08:00")
    assert status == 200
    assert body["metrics"]["accepted_volume"]["value"] == 0


def test_descriptions_are_masked_and_shown_in_clear_only_through_the_audited_reveal(api, people, clock_on):
    from gaoxin.cases.models import PersonalDataReveal

    case = report(people.citizen, description="请联系我 13987654321 处理占道")
    status, body, _ = api.get(f"/cases/{case.pk}", as_=people.a_operator)
    assert body["description"] == "请联系我 139****4321 处理占道"
    status, shown, _ = api.post(f"/cases/{case.pk}/reporter/reveal", {"purpose": "回访核实"}, as_=people.a_operator)
    assert status == 200
    assert shown["description"] == "请联系我 13987654321 处理占道"
    assert PersonalDataReveal.objects.filter(case=case, actor=people.a_operator).count() == 1

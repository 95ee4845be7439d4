"""Open311 GeoReport v2: discovery, services, service definition, POST/GET requests, JSON and XML, the spec's
field lists and error format, and no personal data in any response. The end-to-end test runs the ``georeport``
client (PyPI) against a live server: the client has no call to file a request, so filing is a plain form POST
as the spec documents it, and following it (services, definition, requests, request) goes through the client."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET  # noqa: S405  # parsing our own test responses

import pytest
from django.test import Client

from gaoxin.api import open311
from gaoxin.api.models import Open311Request
from gaoxin.api.services import api_token_create
from gaoxin.cases import services
from gaoxin.cases.models import Case
from gaoxin.cases.tests.conftest import WEST, report, run_to_closed
from gaoxin.core import ratelimit

REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
PERSONAL = ("张三", "13812341234", "zhang@example.com", "三")


@pytest.fixture
def clock_on(frozen_now):
    with frozen_now(2023, 3, 1, 9):
        yield


def get(path, fmt="json", **params):
    response = Client().get(f"/open311/v2/{path}.{fmt}", params)
    return response, (json.loads(response.content) if fmt == "json" else ET.fromstring(response.content))  # noqa: S314


def post(fmt="json", headers=None, **fields):
    response = Client().post(f"/open311/v2/requests.{fmt}", fields, headers=headers or {})
    return response, (json.loads(response.content) if fmt == "json" else ET.fromstring(response.content))  # noqa: S314


FILING = {"service_code": "09001", "lat": str(WEST[1]), "long": str(WEST[0]), "description": "路口有人占道经营",
          "first_name": "三", "last_name": "张", "phone": "13812341234", "email": "zhang@example.com",
          "media_url": "https://example.org/photo.jpg", "address_string": "冬青街 1 号"}


def test_discovery_json_and_xml(db):
    response, data = get("discovery")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert set(data) >= {"changeset", "contact", "key_service", "endpoints"}
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["url"].endswith("/open311/v2/")
    response, root = get("discovery", "xml")
    assert response["Content-Type"].startswith("text/xml")
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]


def test_services_list_and_definition(db):
    response, data = get("services")
    codes = {s["service_code"] for s in data}
    assert "09001" in codes
    assert "H-C02" in codes
    assert "EP01" not in codes
    assert "09" not in codes
    assert all(set(s) == SERVICE_FIELDS and s["metadata"] is False and s["type"] == "realtime" for s in data)
    response, root = get("services", "xml")
    assert root.tag == "services"
    assert len(root) == len(data)
    first = root.find("service")
    assert {child.tag for child in first} == SERVICE_FIELDS
    assert first.find("metadata").text == "false"
    response, definition = get("services/09001")
    assert definition == {"service_code": "09001", "attributes": []}
    response, root = get("services/09001", "xml")
    assert root.tag == "service_definition"
    assert root.find("service_code").text == "09001"
    response, errors = get("services/nope")
    assert response.status_code == 404
    assert errors[0]["code"] == 404
    assert "service_code" in errors[0]["description"]


def test_anonymous_filing_then_following_without_personal_data(people, clock_on):
    response, data = post(**FILING)
    assert response.status_code == 201
    number = data[0]["service_request_id"]
    case = Case.objects.get(number=number)
    assert (case.channel, case.reporter_name, case.reporter_phone) == ("open311", "张三", "13812341234")
    assert case.reporter_user is not None
    assert case.reporter_user.username == "open311-public"
    assert Open311Request.objects.get(case=case).email == "zhang@example.com"
    response, requests = get(f"requests/{number}")
    assert response.status_code == 200
    assert len(requests) == 1
    item = requests[0]
    assert set(item) == REQUEST_FIELDS
    assert (item["status"], item["service_code"], item["media_url"]) == ("open", "09001",
                                                                        "https://example.org/photo.jpg")
    assert item["requested_datetime"] == "2023-03-01T09:00:00+08:00"
    assert ISO_WITH_OFFSET.match(item["updated_datetime"])
    assert item["agency_responsible"] == "石佛城运中心"
    for fmt in ("json", "xml"):
        raw = Client().get(f"/open311/v2/requests/{number}.{fmt}").content.decode()
        raw += Client().get(f"/open311/v2/requests.{fmt}").content.decode()
        assert not any(p in raw for p in PERSONAL), fmt


def test_xml_request_has_the_spec_fields(people, clock_on):
    response, root = post("xml", **FILING)
    assert response.status_code == 201
    assert root.tag == "service_requests"
    number = root.find("request/service_request_id").text
    response, root = get(f"requests/{number}", "xml")
    assert root.tag == "service_requests"
    request = root.find("request")
    assert {child.tag for child in request} == REQUEST_FIELDS
    assert request.find("status").text == "open"
    assert request.find("long").text == str(WEST[0])


def test_status_maps_to_closed_with_handling_unit(people, clock_on):
    case = run_to_closed(people, report(people.citizen, channel="open311"))
    rejected = services.case_reject(actor=people.a_operator, case=report(people.citizen, channel="open311"),
                                    reason="不属于城市管理范围")
    _, data = get(f"requests/{case.number}")
    assert (data[0]["status"], data[0]["agency_responsible"], data[0]["status_notes"]) == ("closed", "石佛办事处",
                                                                                           "已办结")
    _, data = get(f"requests/{rejected.number}")
    assert data[0]["status"] == "closed"
    assert data[0]["status_notes"] == "不予立案：不属于城市管理范围"
    _, data = get("requests", status="closed")
    assert {r["service_request_id"] for r in data} == {case.number, rejected.number}
    _, data = get("requests", status="open")
    assert data == []


def test_hotline_cases_are_not_public(people, clock_on):
    hotline = report(people.a_operator, channel="hotline_12345", reporter_phone="13812341234")
    response, errors = get(f"requests/{hotline.number}")
    assert response.status_code == 404
    assert errors[0]["code"] == 404
    _, data = get("requests")
    assert data == []


def test_get_requests_filters(people, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        a = report(people.citizen, channel="open311")
        b = report(people.citizen, channel="open311", code="06002")
    with frozen_now(2023, 3, 10, 9):
        _, data = get("requests", service_code="06002")
        assert [r["service_request_id"] for r in data] == [b.number]
        _, data = get("requests", service_request_id=f"{a.number},{b.number}")
        assert {r["service_request_id"] for r in data} == {a.number, b.number}
        _, data = get("requests", start_date="2023-03-02T00:00:00+08:00", end_date="2023-03-05T00:00:00Z")
        assert data == []
        _, data = get("requests", start_date="2023-02-28T00:00:00Z")
        assert len(data) == 2


@pytest.mark.parametrize(("params", "field"), [
    ({"status": "pending"}, "status"),
    ({"start_date": "yesterday"}, "start_date"),
    ({"start_date": "2023-03-01T00:00:00"}, "start_date"),
    ({"start_date": "2023-01-01T00:00:00Z", "end_date": "2023-06-01T00:00:00Z"}, "end_date"),
    # Dates the date constructor rejects are the caller's error, not a server error.
    ({"start_date": "0000-01-01T00:00:00Z"}, "start_date"),
    ({"start_date": "2023-01-01T00:00:00+99:00"}, "start_date"),
    ({"end_date": "99999-01-01T00:00:00Z"}, "end_date"),
])
def test_get_requests_bad_parameters(db, params, field):
    for fmt in ("json", "xml"):
        response, errors = get("requests", fmt, **params)
        assert response.status_code == 400
        if fmt == "json":
            assert errors[0]["code"] == 400
            assert errors[0]["description"].startswith(field)
        else:
            assert errors.tag == "errors"
            assert errors.find("error/code").text == "400"
            assert errors.find("error/description").text.startswith(field)


@pytest.mark.parametrize(("override", "field"), [
    ({"service_code": ""}, "service_code"),
    ({"service_code": "99999"}, "service_code"),
    ({"lat": "", "long": "", "address_string": ""}, "lat"),
    ({"lat": "north"}, "lat"),
    ({"description": ""}, "description"),
    ({"media_url": "not a url"}, "media_url"),
    ({"email": "nobody"}, "email"),
    ({"phone": "call me"}, "reporter_phone"),
])
def test_post_bad_input_names_the_field_and_creates_nothing(people, clock_on, override, field):
    response, errors = post(**{**FILING, **override})
    assert response.status_code in (400, 404), errors
    assert errors[0]["description"].startswith(field)
    assert errors[0]["code"] == response.status_code
    assert Case.objects.count() == 0


def test_keyed_client_files_as_its_user_and_bad_key_is_refused(people, clock_on):
    token = api_token_create(user=people.citizen).token
    response, data = post(api_key=token, **FILING)
    assert response.status_code == 201
    assert Case.objects.get(number=data[0]["service_request_id"]).reporter_user == people.citizen
    response, errors = post(api_key="gx_wrong_key", **FILING)
    assert response.status_code == 403
    assert errors[0]["description"].startswith("api_key")
    assert Case.objects.count() == 1


def test_keyed_client_whose_role_may_not_file_is_refused(people, clock_on):
    token = api_token_create(user=people.worker_west).token
    response, errors = post(api_key=token, **FILING)
    assert response.status_code == 403
    assert Case.objects.count() == 0


def test_anonymous_filing_is_rate_limited_and_can_be_switched_off(people, clock_on, monkeypatch):
    monkeypatch.setenv("GAOXIN_OPEN311_ANON_PER_HOUR", "2")
    assert [post(**FILING)[0].status_code for _ in range(3)] == [201, 201, 403]
    monkeypatch.setenv("GAOXIN_OPEN311_ANONYMOUS", "0")
    token = api_token_create(user=people.citizen).token
    assert post(api_key=token, **FILING)[0].status_code == 201
    assert Case.objects.count() == 3


def test_anonymous_limit_is_one_count_for_every_worker(people, clock_on, frozen_now, monkeypatch):
    """The allowance is counted in the shared store (core.ratelimit), not in this process: filings counted by
    another worker or server use it up here too, and a refusal writes nothing."""
    monkeypatch.setenv("GAOXIN_OPEN311_ANON_PER_HOUR", "2")
    for _ in range(2):  # two filings from this address through another worker
        assert ratelimit.hit(open311.anonymous_rate_key("127.0.0.1"), limit=2, window_seconds=3600).allowed
    response, errors = post(**FILING)
    assert response.status_code == 403
    assert errors == [{"code": 403,
                       "description": "api_key：请提供 api_key（匿名提交已关闭或超过频率限制） (api_key_required)"}]
    assert Case.objects.count() == 0
    assert Open311Request.objects.count() == 0
    with frozen_now(2023, 3, 1, 10):  # a new hour, a new allowance
        assert post(**FILING)[0].status_code == 201
    assert Case.objects.count() == 1


def test_post_honours_idempotency_key(people, clock_on):
    first = post(headers={"Idempotency-Key": "o311-1"}, **FILING)
    again = post(headers={"Idempotency-Key": "o311-1"}, **FILING)
    assert first[1] == again[1]
    assert Case.objects.count() == 1


def test_methods_not_allowed(db):
    response = Client().delete("/open311/v2/requests.json")
    assert response.status_code == 405
    assert json.loads(response.content)[0]["code"] == 405


@pytest.mark.django_db(transaction=True)
def test_end_to_end_with_the_georeport_client_against_a_live_server(live_server, people, frozen_now):
    from georeport import GeoReport

    root = f"{live_server.url}/open311/v2"
    with frozen_now(2023, 3, 1, 9):
        client = GeoReport(root)
        services_list = client.get_service_list()
        assert any(s["service_code"] == "09001" for s in services_list)
        assert client.get_service_definition("09001")["attributes"] == []
        # File as the spec documents it: a form-encoded POST (the client has no call for it).
        data = urllib.parse.urlencode(FILING).encode()
        with urllib.request.urlopen(urllib.request.Request(f"{root}/requests.json", data=data)) as response:  # noqa: S310
            assert response.status == 201
            number = json.loads(response.read())[0]["service_request_id"]
        followed = client.get_service_request(number)
        assert (followed["service_request_id"], followed["status"]) == (number, "open")
        case = Case.objects.get(number=number)
        case = services.case_register(actor=people.a_operator, case=case)
        case = services.case_dispatch(actor=people.a_dispatcher, case=case)
        case = services.case_accept(actor=people.street_a_handler, case=case)
        case = services.case_feedback(actor=people.street_a_handler, case=case, result="已劝离")
        services.case_verify(actor=people.worker_west, case=case, passed=True)
        assert client.get_service_request(number)["status"] == "closed"
        listed = client.get_service_requests(service_code="09001", status="closed")
        assert [r["service_request_id"] for r in listed] == [number]
        xml_client = GeoReport(root, output_format="xml")
        assert xml_client.get_service_request(number)["status"] == "closed"
        assert xml_client.get_service_request(number)["agency_responsible"] == "石佛办事处"


def test_another_jurisdiction_is_not_found_here(db):
    for fmt in ("json", "xml"):
        response, errors = get("services", fmt, jurisdiction_id="somewhere.else")
        assert response.status_code == 404
        if fmt == "json":
            assert errors[0]["code"] == 404
            assert errors[0]["description"].startswith("jurisdiction_id")
    response, _ = get("services", "json", jurisdiction_id=open311.jurisdiction_id())
    assert response.status_code == 200


def test_a_token_stands_for_its_request(people, clock_on):
    response, created = post(**FILING)
    number = created[0]["service_request_id"]
    response, tokens = get(f"tokens/{number}")
    assert response.status_code == 200
    assert tokens == [{"service_request_id": number, "token": number}]
    response, errors = get("tokens/20230301999999")
    assert response.status_code == 404
    assert errors[0]["code"] == 404


@pytest.mark.parametrize(("path", "content_type"), [
    ("requests.yaml", "application/json"), ("nothing.json", "application/json"), ("nothing.xml", "text/xml"),
    ("services/09001/extra.json", "application/json"),
])
def test_unknown_paths_and_formats_answer_the_error_list(db, path, content_type):
    response = Client().get(f"/open311/v2/{path}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith(content_type)
    assert b"<html" not in response.content.lower()


def test_personal_data_written_into_a_description_is_not_republished(people, clock_on):
    """Issue 16 #5: what a filer writes into the description — phone, ID number — is masked in every public
    answer, JSON and XML."""
    text = "请联系我 13987654321，身份证410100199001011234，路口占道经营"
    response, data = post(**{**FILING, "description": text})
    number = data[0]["service_request_id"]
    for fmt in ("json", "xml"):
        raw = Client().get(f"/open311/v2/requests/{number}.{fmt}").content.decode()
        assert "13987654321" not in raw
        assert "410100199001011234" not in raw
        assert "139****4321" in raw
    assert Case.objects.get(number=number).description == text  # stored as given

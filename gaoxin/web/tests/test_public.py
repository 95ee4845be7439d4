"""The public reporting page: a report with location and photo gets a tracking code; anti-abuse (arithmetic
challenge, honeypot, per-IP rate limit); tracking shows no personal data; rating a closed case."""

from __future__ import annotations

import re
import secrets

from django.core import signing
from django.test import Client, override_settings

from gaoxin.cases import services
from gaoxin.cases.models import Case
from gaoxin.core import ratelimit
from gaoxin.web import services as web_services
from gaoxin.web.models import PublicReport
from gaoxin.web.tests.conftest import report, upload


def form(**overrides):
    token = signing.dumps({"s": 7, "n": secrets.token_hex(12)}, salt=web_services.CHALLENGE_SALT)
    data = {"description": "小区门口有大量积存垃圾渣土", "category": "", "address": "科学大道 100 号",
            "lon": "113.52", "lat": "34.79", "reporter_name": "王五", "reporter_phone": "13700001111",
            "website": "", "answer": "7", "challenge": token}
    data.update(overrides)
    return data


def test_public_report_success_and_tracking(people):
    client = Client()
    page = client.get("/public/")
    assert page.status_code == 200
    assert "验证题" in page.content.decode()
    response = client.post("/public/", {**form(), "photo": upload()})
    assert response.status_code == 303
    report = PublicReport.objects.get()
    assert response["Location"] == f"/public/track/?code={report.code}&new=1"
    case = report.case
    assert case.channel == "public_web"
    assert case.category.code == "06003"  # suggested: 积存垃圾渣土
    assert case.attachments.count() == 1
    assert case.reporter_phone == "13700001111"
    track = client.get(response["Location"]).content.decode()
    assert "已上报" in track
    assert "13700001111" not in track
    assert "王五" not in track
    assert web_services.format_code(report.code) in track
    # Case handled by staff; the reporter rates it with the code.
    case = services.case_register(actor=people.a_operator, case=case)
    case = services.case_dispatch(actor=people.a_dispatcher, case=case)
    case = services.case_accept(actor=people.street_a_handler, case=case)
    case = services.case_feedback(actor=people.street_a_handler, case=case, result="已清运垃圾")
    case = services.case_verify(actor=people.worker_west, case=case, passed=True)
    code = web_services.format_code(report.code).lower()
    track = client.get(f"/public/track/?code={code}").content.decode()
    assert "已办结" in track
    assert "已清运垃圾" in track
    assert "rate-form" in track
    assert client.post("/public/track/", {"code": report.code, "satisfaction": "great"}).status_code == 400
    assert client.post("/public/track/", {"code": report.code, "satisfaction": "satisfied"}).status_code == 303
    case.refresh_from_db()
    assert case.satisfaction == "satisfied"
    assert "rate-form" not in client.get(f"/public/track/?code={report.code}").content.decode()


def test_public_report_refusals_change_nothing(people):
    client = Client()
    cases = [
        ({"answer": "8"}, "answer"),
        ({"challenge": "forged"}, "answer"),
        ({"website": "http://spam"}, "website"),
        ({"description": ""}, "description"),
        ({"lon": "abc"}, "lon"),
        ({"category": "H-C01"}, "category"),
    ]
    for overrides, field in cases:
        response = client.post("/public/", form(**overrides))
        assert response.status_code == 400, overrides
        assert f'data-field="{field}"' in response.content.decode(), overrides
    html_as_png = client.post("/public/", {**form(), "photo": upload("evil.png", b"<html><script>alert(1)</script>")})
    assert html_as_png.status_code == 400
    assert 'data-field="photo"' in html_as_png.content.decode()
    assert Case.objects.count() == 0
    assert PublicReport.objects.count() == 0


@override_settings(GAOXIN_PUBLIC_REPORTS_PER_HOUR=2)
def test_public_report_rate_limit_per_ip(people, frozen_now):
    client = Client(REMOTE_ADDR="10.1.2.3")
    with frozen_now(2023, 3, 1, 9, 10):
        assert client.post("/public/", form()).status_code == 303
        assert client.post("/public/", form()).status_code == 303
        third = client.post("/public/", form())
        assert third.status_code == 429
        assert 'data-field="description"' in third.content.decode()
        assert Case.objects.count() == 2
        assert PublicReport.objects.count() == 2
        assert Client(REMOTE_ADDR="10.9.9.9").post("/public/", form()).status_code == 303
    with frozen_now(2023, 3, 1, 10, 0):  # a new hour, a new allowance
        assert client.post("/public/", form()).status_code == 303
    assert Case.objects.count() == 4


@override_settings(GAOXIN_PUBLIC_REPORTS_PER_HOUR=2)
def test_public_report_limit_is_one_count_for_every_worker(people, frozen_now):
    """The allowance is counted in the shared store (core.ratelimit), not in this process: reports counted by
    another worker or server use it up here too."""
    with frozen_now(2023, 3, 1, 9, 10):
        for _ in range(2):  # two reports through another worker
            assert ratelimit.hit(web_services.rate_limit_key("10.1.2.3"), limit=2, window_seconds=3600).allowed
        refused = Client(REMOTE_ADDR="10.1.2.3").post("/public/", form())
        assert refused.status_code == 429
        assert Case.objects.count() == 0
        assert PublicReport.objects.count() == 0
        assert Client(REMOTE_ADDR="10.9.9.9").post("/public/", form()).status_code == 303


@override_settings(GAOXIN_WEB_UPLOAD_MAX_BYTES=1024)
def test_public_photo_size_limit(people):
    big = b"\x89PNG\r\n\x1a\n" + b"\0" * 2048
    response = Client().post("/public/", {**form(), "photo": upload("big.png", big)})
    assert response.status_code == 400
    assert 'data-field="photo"' in response.content.decode()
    assert Case.objects.count() == 0


def test_tracking_unknown_code(db):
    response = Client().get("/public/track/?code=NOPE-NOPE")
    assert response.status_code == 404
    assert 'data-field="code"' in response.content.decode()
    assert Client().get("/public/track/").status_code == 200


def test_public_pages_need_csrf(people):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/public/", form()).status_code == 403
    page = client.get("/public/").content.decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None
    token = found.group(1)
    assert client.post("/public/", {**form(), "csrfmiddlewaretoken": token}).status_code == 303


def test_personal_data_in_notes_is_masked_on_the_tracking_page_and_in_staff_pages(people, client_for):
    """Issue 16 #5: a handler's note quoting a phone number is masked on the public page; staff see descriptions
    masked too, and in clear only through the audited reveal."""
    client = Client()
    response = client.post("/public/", {**form(), "description": "小区门口有大量积存垃圾渣土，电话 13911112222 联系我"})
    report = PublicReport.objects.get()
    case = services.case_register(actor=people.a_operator, case=report.case)
    case = services.case_dispatch(actor=people.a_dispatcher, case=case)
    case = services.case_accept(actor=people.street_a_handler, case=case)
    services.case_feedback(actor=people.street_a_handler, case=case, result="已电话 13911112222 联系并清运")
    track = client.get(response["Location"]).content.decode()
    assert "13911112222" not in track
    assert "139****2222" in track
    staff = client_for(people.a_operator)
    page = staff.get(f"/cases/{case.pk}/").content.decode()
    assert "13911112222" not in page
    shown = staff.post(f"/cases/{case.pk}/reveal/", {"purpose": "回访核实"}).content.decode()
    assert "小区门口有大量积存垃圾渣土，电话 13911112222 联系我" in shown


def test_an_answered_challenge_files_one_report_only(people):
    """Issue 16 #8: the arithmetic challenge is single-use — replaying the same answered form is refused and
    files nothing."""
    data = form()
    client = Client()
    assert client.post("/public/", data).status_code == 303
    replay = client.post("/public/", data)
    assert replay.status_code == 400
    assert 'data-field="answer"' in replay.content.decode()
    assert PublicReport.objects.count() == 1
    assert Case.objects.count() == 1


def test_an_unsatisfied_citizen_is_told_what_happens_next(people, client_for):
    """不满意: the rating waits in the dispatcher's 不满意待复核 tab and the tracking page says what follows."""
    client = Client()
    client.post("/public/", {**form(), "photo": upload()})
    report = PublicReport.objects.get()
    case = services.case_register(actor=people.a_operator, case=report.case)
    case = services.case_dispatch(actor=people.a_dispatcher, case=case)
    case = services.case_accept(actor=people.street_a_handler, case=case)
    case = services.case_feedback(actor=people.street_a_handler, case=case, result="已清运垃圾")
    services.case_verify(actor=people.worker_west, case=case, passed=True)
    assert 'id="next-step"' not in client.get(f"/public/track/?code={report.code}").content.decode()
    assert client.post("/public/track/", {"code": report.code, "satisfaction": "unsatisfied"}).status_code == 303
    track = client.get(f"/public/track/?code={report.code}").content.decode()
    assert "城市运行管理中心将复核，需要时重新派遣办理（重启）" in track
    assert case.number in client_for(people.a_dispatcher).get("/work/dispatch/?tab=unsatisfied").content.decode()


def test_open_reports_near_a_spot_are_shown_before_submitting(people):
    """Near a new report's spot, the open reports within 200 m (category, address, state, date: no personal data);
    closed or far ones are not shown; a bad coordinate is named."""
    here = report(people.citizen, point=(113.5200, 34.7900), reporter_name="张三", reporter_phone="13812341234",
                  address="科学大道 100 号", description="占道经营，张三 13812341234")
    report(people.citizen, point=(113.5215, 34.7900), address="科学大道 120 号")  # ~128 m east
    far = report(people.citizen, point=(113.5300, 34.7900), address="莲花街 8 号")  # ~900 m
    client = Client()
    form_page = client.get("/public/").content.decode()
    assert 'id="nearby" hx-get="/public/nearby/"' in form_page
    body = client.get("/public/nearby/?lon=113.5201&lat=34.7900").content.decode()
    assert "附近 200 米内已有 2 件在办的上报" in body
    assert body.index("科学大道 100 号") < body.index("科学大道 120 号")  # nearest first
    assert "莲花街 8 号" not in body
    assert "约 9 米" in body
    assert "约 128 米" in body
    assert "张三" not in body
    assert "13812341234" not in body
    assert here.description not in body
    services.case_reject(actor=people.a_operator, case=here, reason="重复")
    assert "已有 1 件" in client.get("/public/nearby/?lon=113.5201&lat=34.7900").content.decode()
    assert "附近 200 米内没有在办的上报" in client.get("/public/nearby/?lon=113.5400&lat=34.7900").content.decode()
    assert far.number not in body
    bad = client.get("/public/nearby/?lon=200&lat=34.79")
    assert bad.status_code == 400
    assert 'data-field="lon"' in bad.content.decode()
    assert client.get("/public/nearby/").content.decode().strip().endswith("</div>")


def test_my_reports_for_the_citizen_and_the_grid_worker(people, client_for, frozen_now):
    """我的上报: a logged-in citizen's public report is theirs (followed by its tracking code); a grid worker's
    reports open as cases; each sees only their own; partial number search; other roles refused."""
    from gaoxin.web.tests.conftest import upload as photo

    with frozen_now(2023, 6, 1, 9):
        citizen = client_for(people.citizen)
        citizen.post("/public/", {**form(), "photo": photo()})
        mine = PublicReport.objects.get()
        worker_case = report(people.worker_west, channel="grid_worker", description="井盖缺失", address="莲花街 3 号")
        other = report(people.other_citizen, description="别人的上报")
    assert mine.account == people.citizen
    assert mine.case.reporter_user != people.citizen  # the public account: the tracking code rates it
    page = citizen.get("/my/reports/").content.decode()
    assert 'href="/my/reports/"' in page
    assert "共 1 条" in page
    assert f'<a href="/public/track/?code={mine.code}">{mine.case.number}</a>' in page
    assert other.number not in page
    assert worker_case.number not in page
    grid = client_for(people.worker_west).get("/my/reports/").content.decode()
    assert f'<a href="/cases/{worker_case.pk}/">{worker_case.number}</a>' in grid
    assert "2023-06-01 09:00" in grid
    assert mine.case.number not in grid
    assert worker_case.number in client_for(people.worker_west).get(
        f"/my/reports/?q={worker_case.number[-4:]}").content.decode()
    assert "共 0 条" in client_for(people.worker_west).get("/my/reports/?q=99999999").content.decode()
    assert client_for(people.worker_west).get("/my/reports/?q=abc").status_code == 400
    assert client_for(people.a_operator).get("/my/reports/").status_code == 403

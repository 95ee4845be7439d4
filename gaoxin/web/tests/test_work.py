"""Workbenches: each role's page, forbidden for the others, bounded queries; the operator's new order; the grid
worker's report; batch dispatch proposals equal the case engine's."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.cases import selectors, services
from gaoxin.cases.models import Case
from gaoxin.web.routing import dispatch_proposals
from gaoxin.web.tests.conftest import report, upload

WORKBENCHES = {"/work/operator/": "a_operator", "/work/dispatch/": "a_dispatcher",
               "/work/handler/": "street_a_handler", "/work/grid/": "worker_west"}


@pytest.mark.parametrize("url", list(WORKBENCHES))
def test_workbench_forbidden_for_other_roles(url, people, client_for):
    for name in ("citizen", "leader"):
        assert client_for(getattr(people, name)).get(url).status_code == 403


@pytest.mark.parametrize("url,name", list(WORKBENCHES.items()))
def test_workbench_queries_are_bounded(url, name, people, client_for, django_assert_max_num_queries):
    p = people
    for i in range(25):
        case = report(p.citizen, description=f"占道经营 {i}")
        if i % 2:
            case = services.case_register(actor=p.a_operator, case=case)
            if i % 3 == 0:
                case = services.case_dispatch(actor=p.a_dispatcher, case=case)
    client = client_for(getattr(p, name))
    with django_assert_max_num_queries(21):  # constant in the cases: one bounded count per tab (dispatch has 6)
        response = client.get(url)
    assert response.status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(url + "?tab=" + {"/work/operator/": "registered", "/work/dispatch/": "approvals",
                                           "/work/handler/": "doing", "/work/grid/": ""}[url]).status_code == 200


def test_operator_sees_new_reports_and_filters_by_channel(people, client_for):
    web = report(people.citizen)
    hotline = report(people.a_operator, channel="hotline_12345", external_ref="HL-1")
    client = client_for(people.a_operator)
    body = client.get("/work/operator/").content.decode()
    assert web.number in body
    assert hotline.number in body
    body = client.get("/work/operator/?channel=hotline_12345&cursor=", HTTP_HX_REQUEST="true").content.decode()
    assert hotline.number in body
    assert web.number not in body
    assert "<html" not in body
    assert client.get("/work/operator/?tab=nope").status_code == 400


def test_operator_new_hotline_order(people, client_for):
    client = client_for(people.a_operator)
    page = client.get("/work/operator/new/")
    assert page.status_code == 200
    assert "12345" in page.content.decode()
    bad = client.post("/work/operator/new/", {"channel": "hotline_12345", "category": "09001", "description": ""})
    assert bad.status_code == 400
    assert 'data-field="description"' in bad.content.decode()
    bad = client.post("/work/operator/new/", {"channel": "hotline_12345", "category": "09001", "description": "x",
                                              "lon": "abc", "lat": "34.79"})
    assert bad.status_code == 400
    assert 'data-field="lon"' in bad.content.decode()
    assert Case.objects.count() == 0
    ok = client.post("/work/operator/new/", {
        "channel": "hotline_12345", "external_ref": "12345-0001", "request_type": "H-TS", "category": "09001",
        "description": "市民来电反映路口有人占道经营", "reporter_name": "李四", "reporter_phone": "13900001111",
        "lon": "113.52", "lat": "34.79", "photo": upload()})
    case = Case.objects.get()
    assert ok.status_code == 303
    assert ok["Location"] == f"/cases/{case.pk}/"
    assert case.request_type is not None
    assert case.channel == "hotline_12345"
    assert case.request_type.code == "H-TS"
    assert case.attachments.count() == 1
    assert client_for(people.street_a_handler).post("/work/operator/new/", {}).status_code == 403


def test_grid_worker_reports_with_photo_and_location(people, client_for):
    client = client_for(people.worker_west)
    bad = client.post("/work/grid/", {"category": "09001", "description": "占道", "photo": upload("a.png", b"GIF89a")})
    assert bad.status_code == 400
    assert 'data-field="photo"' in bad.content.decode()
    assert Case.objects.count() == 0
    ok = client.post("/work/grid/", {"category": "09001", "description": "占道经营", "lon": "113.52", "lat": "34.79",
                                     "photo": upload()})
    case = Case.objects.get()
    assert ok.status_code == 303
    assert case.number in ok["Location"]
    assert case.channel == "grid_worker"
    assert case.micro_grid_id == people.worker_west.grids.get().pk
    # Without a location, or without a photo, nothing is filed: the page names what is missing.
    no_place = client.post("/work/grid/", {"category": "09001", "description": "占道经营二", "photo": upload()})
    assert (no_place.status_code, 'data-field="lat"' in no_place.content.decode()) == (400, True)
    no_photo = client.post("/work/grid/", {"category": "09001", "description": "占道经营二", "lon": "113.52",
                                           "lat": "34.79"})
    assert (no_photo.status_code, 'data-field="photo"' in no_photo.content.decode()) == (400, True)
    far = client.post("/work/grid/", {"category": "09001", "description": "占道经营三", "lon": "200", "lat": "34.79",
                                      "photo": upload()})
    assert (far.status_code, 'data-field="lon"' in far.content.decode()) == (400, True)
    assert Case.objects.count() == 1
    # A place outside the worker's own grids is filed, and the worker is told who will verify it.
    outside = client.post("/work/grid/", {"category": "09001", "description": "占道经营四", "lon": "113.58",
                                          "lat": "34.79", "photo": upload()}, follow=True)
    other = Case.objects.get(description="占道经营四")
    assert f"案件 {other.number} 的位置不在您负责的网格内，将由所在网格核查。" in outside.content.decode()


def test_batch_proposals_match_the_case_engine(people, org, grid_layer):
    from gaoxin.cases.models import Category, ResponsibilityRule

    ResponsibilityRule.objects.create(category=Category.objects.get(code="09001"), street=org.street_b,
                                      handler=org.urban_management)
    ResponsibilityRule.objects.create(category=Category.objects.get(code="06002"), grid=grid_layer.micro_west_north,
                                      handler=org.construction)
    cases = [
        report(people.citizen),
        report(people.citizen, point=(113.58, 34.79)),
        report(people.citizen, code="06002", point=(113.52, 34.83)),
        report(people.citizen, code="06002"),
        report(people.citizen, code="08001"),
        report(people.citizen, code="09004", point=None),
    ]
    cases = list(Case.objects.filter(pk__in=[c.pk for c in cases]).select_related("category"))
    batch = dispatch_proposals(cases)
    for case in cases:
        assert batch[case.pk] == selectors.case_dispatch_proposal(case=case), case.category.code


def test_supervision_page_lists_the_units_notices_and_acknowledges_them(people, client_for, frozen_now):
    """督办通知: the handler sees the notice raised to its unit, confirms it, and the page says so; another
    street's handler sees none and cannot confirm it."""
    from gaoxin.cases.models import SupervisionNotice

    with frozen_now(2023, 3, 1, 9, 30):
        case = services.case_register(actor=people.a_operator, case=report(people.citizen))
        case = services.case_dispatch(actor=people.a_dispatcher, case=case)
    assert case.node_deadline is not None
    services.case_supervise_overdue(now=case.node_deadline + dt.timedelta(minutes=5))
    notice = SupervisionNotice.objects.get()
    handler = client_for(people.street_a_handler)
    page = handler.get("/work/supervision/").content.decode()
    assert case.number in page
    assert "签收已超期" in page
    other = client_for(people.street_b_handler)
    assert case.number not in other.get("/work/supervision/").content.decode()
    assert other.post(f"/work/supervision/{notice.pk}/ack/").status_code == 404
    notice.refresh_from_db()
    assert notice.acknowledged_at is None
    response = handler.post(f"/work/supervision/{notice.pk}/ack/")
    assert response.status_code == 303
    assert handler.get(response["Location"]).content.decode().count(f"已确认案件 {case.number} 的督办") == 1
    notice.refresh_from_db()
    assert notice.acknowledged_at is not None
    assert client_for(people.worker_west).get("/work/supervision/").status_code == 403
    leader_page = client_for(people.leader).get("/work/supervision/?all=1&node=sign").content.decode()
    assert case.number in leader_page
    assert "/ack/" not in leader_page  # leaders read; the unit confirms
    assert client_for(people.leader).get("/work/supervision/?node=x").status_code == 400
    assert client_for(people.leader).get("/work/supervision/?page=abc").status_code == 400
    assert f'href="/cases/{case.pk}/"' in handler.get("/work/supervision/?all=1").content.decode()
    # The unit returns the case: the notice stays with it, without a link to a case it can no longer open.
    services.case_return(actor=people.street_a_handler, case=Case.objects.get(pk=case.pk), reason="非本单位职责")
    after = handler.get("/work/supervision/?all=1").content.decode()
    assert case.number in after
    assert f'href="/cases/{case.pk}/"' not in after
    assert "（案件已不在本单位办理）" in after


def test_grid_worker_is_offered_only_the_verifications_of_the_own_grids(people, client_for):
    """A case the worker reported outside the own micro-grid (here: in street B) is the worker's to follow, but its
    fix is verified there: it is not offered in 待核查, where a handled case of the own grid is."""
    from gaoxin.cases.tests.conftest import EAST, WEST
    from gaoxin.cases.tests.conftest import report as case_report

    def handled(point, operator, dispatcher, handler):
        case = case_report(people.worker_west, channel="grid_worker", point=point)
        case = services.case_register(actor=operator, case=case)
        case = services.case_dispatch(actor=dispatcher, case=case)
        case = services.case_accept(actor=handler, case=case)
        return services.case_feedback(actor=handler, case=case, result="已处置")

    own = handled(WEST, people.a_operator, people.a_dispatcher, people.street_a_handler)
    elsewhere = handled(EAST, people.b_operator, people.b_dispatcher, people.street_b_handler)
    client = client_for(people.worker_west)
    assert client.get(f"/cases/{elsewhere.pk}/").status_code == 200  # the reporter follows it
    page = client.get("/work/grid/").content.decode()
    assert own.number in page
    assert elsewhere.number not in page


def test_dispatcher_batch_dispatches_the_ticked_cases_all_or_none(people, client_for):
    """批量派遣: the ticked cases go each to its proposed unit; one seen at an old version refuses the whole batch,
    naming it, and nothing is dispatched."""
    p = people
    cases = [services.case_register(actor=p.a_operator, case=report(p.citizen, description=f"占道经营 {i}"))
             for i in range(3)]
    client = client_for(p.a_dispatcher)
    page = client.get("/work/dispatch/").content.decode()
    for case in cases:
        assert f'name="case" value="{case.pk}:{case.version}" form="batch-dispatch"' in page
    first, second, third = cases
    services.case_dispatch(actor=p.a_dispatcher, case=third)  # dispatched meanwhile by a colleague
    stale = client.post("/work/dispatch/batch/", {"case": [f"{c.pk}:{c.version}" for c in cases]})
    assert stale.status_code == 409
    assert f"{third.number}：" in stale.content.decode()
    assert [Case.objects.get(pk=c.pk).state for c in (first, second)] == ["registered", "registered"]
    assert client.post("/work/dispatch/batch/", {}).status_code == 400
    assert client.post("/work/dispatch/batch/", {"case": "x:1"}).status_code == 400
    assert client_for(p.a_operator).post("/work/dispatch/batch/",
                                         {"case": f"{first.pk}:{first.version}"}).status_code == 403
    assert Case.objects.get(pk=first.pk).state == "registered"

    done = client.post("/work/dispatch/batch/", {"case": [f"{c.pk}:{c.version}" for c in (first, second)]})
    assert (done.status_code, done["Location"]) == (303, "/work/dispatch/")
    for case in (first, second):
        case.refresh_from_db()
        assert (case.state, case.assignee) == ("dispatched", selectors.case_dispatch_proposal(case=case))
    assert f"已批量派遣 2 件：{first.number}、{second.number}" in client.get("/work/dispatch/").content.decode()


def test_every_workbench_searches_by_partial_case_number(people, client_for):
    p = people
    wanted, other = (services.case_register(actor=p.a_operator, case=report(p.citizen, description=d))
                     for d in ("占道经营甲", "占道经营乙"))
    client = client_for(p.a_dispatcher)
    body = client.get(f"/work/dispatch/?q={wanted.number[-6:]}").content.decode()
    assert f'value="{wanted.number[-6:]}"' in body
    assert wanted.number in body
    assert other.number not in body


def test_verification_shows_the_photos_before_and_after_side_by_side(people, client_for):
    """核查: the grid worker's card and the case page put the report photos (处置前) beside the latest feedback's
    photos (处置后); an earlier, reworked feedback's photos are not shown as the result."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gaoxin.cases.models import CaseAttachment
    from gaoxin.web.tests.conftest import png_bytes

    def photo(name: str) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, png_bytes(), content_type="image/png")

    p = people
    client = client_for(p.worker_west)
    client.post("/work/grid/", {"category": "09001", "description": "占道经营", "lon": "113.52", "lat": "34.79",
                                "photo": upload("before.png")})
    case = Case.objects.get(description="占道经营")
    case = services.case_register(actor=p.a_operator, case=case)
    case = services.case_dispatch(actor=p.a_dispatcher, case=case)
    case = services.case_accept(actor=p.street_a_handler, case=case)
    case = services.case_feedback(actor=p.street_a_handler, case=case, result="已劝离",
                                  attachments=[photo("first.png")])
    case = services.case_verify(actor=p.worker_west, case=case, passed=False, note="仍有摊位")
    case = services.case_accept(actor=p.street_a_handler, case=case) if case.state == "dispatched" else case
    services.case_feedback(actor=p.street_a_handler, case=case, result="已清理", attachments=[photo("after.png")])
    by_name = {a.original_name: a.pk for a in CaseAttachment.objects.filter(case=case)}
    by_name["before.png"] = CaseAttachment.objects.get(case=case, event__action="report").pk  # renamed on upload
    card = client.get("/work/grid/").content.decode()
    block = card[card.index('<div class="before-after">'):]
    block = block[:block.index("</div>")]
    assert block.index(f"/attachments/{by_name['before.png']}/") < block.index("处置后（反馈照片）")
    assert block.index("处置后（反馈照片）") < block.index(f"/attachments/{by_name['after.png']}/")
    assert f"/attachments/{by_name['first.png']}/" not in block
    page = client_for(p.a_dispatcher).get(f"/cases/{case.pk}/").content.decode()
    assert '<div class="before-after">' in page

"""Case list, case page, every workflow action through the web (success, forbidden with nothing changed, bad
input naming the field), the audited reveal and the attachment download."""

from __future__ import annotations

import pytest

from gaoxin.cases import services, workflow
from gaoxin.cases.models import Case, CaseAttachment, CaseEvent, Category, PersonalDataReveal
from gaoxin.web.tests.conftest import png_bytes, report, upload


def state_of(case: Case) -> tuple[str, int]:
    case.refresh_from_db()
    return case.state, case.event_count


@pytest.fixture
def reported(people):
    return report(people.citizen, reporter_name="张三", reporter_phone="13812341234")


def test_case_list_filters_sorts_and_paginates(people, client_for, django_assert_max_num_queries):
    p = people
    cases = [report(p.citizen, description=f"占道经营 第{i}处") for i in range(30)]
    services.case_register(actor=p.a_operator, case=cases[0])
    client = client_for(p.a_operator)
    with django_assert_max_num_queries(12):
        response = client.get("/cases/")
    assert response.status_code == 200
    body = response.content.decode()
    # Newest first, 25 a page.
    assert cases[-1].number in body
    assert cases[0].number not in body
    assert "cursor=" in body
    next_url = body.split('class="next" href="')[1].split('"')[0].replace("&amp;", "&")
    with django_assert_max_num_queries(12):
        second = client.get(next_url).content.decode()
    assert cases[0].number in second
    assert cases[-1].number not in second
    registered = client.get("/cases/?state=registered").content.decode()
    assert cases[0].number in registered
    assert cases[1].number not in registered
    oldest = client.get("/cases/?sort=reported_at", HTTP_HX_REQUEST="true")
    assert oldest.content.decode().index(cases[0].number) < oldest.content.decode().index(cases[1].number)
    assert "<html" not in oldest.content.decode()  # htmx gets the #results partial
    assert "HX-Request" in oldest["Vary"]  # so no cache hands the fragment to the browser, or the page to htmx
    # Back to a page htmx no longer caches: it asks for the history entry, and gets the whole page with its layout.
    restored = client.get("/cases/?sort=reported_at", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert restored.content.decode().lstrip().lower().startswith("<!doctype html>")
    assert 'class="sidebar"' in restored.content.decode()


def test_case_list_bad_filter_names_the_field(people, client_for):
    response = client_for(people.a_operator).get("/cases/?state=nonsense")
    assert response.status_code == 400
    assert 'data-field="state"' in response.content.decode()
    assert client_for(people.a_operator).get("/cases/?reg_from=2023-13-01").status_code == 400
    assert client_for(people.a_operator).get("/cases/?cursor=abc").status_code == 400


def test_case_list_is_scoped(people, client_for):
    mine = report(people.citizen)
    other = report(people.citizen, point=(113.58, 34.79))  # street B
    body = client_for(people.street_a_handler).get("/cases/").content.decode()
    # Nothing assigned to the handler yet.
    assert mine.number not in body
    assert other.number not in body
    body = client_for(people.a_operator).get("/cases/").content.decode()
    assert mine.number in body
    assert other.number not in body
    assert client_for(people.citizen).get("/cases/").status_code == 403


def test_case_page_masks_personal_data(reported, people, client_for, django_assert_max_num_queries):
    client = client_for(people.a_operator)
    with django_assert_max_num_queries(25):
        response = client.get(f"/cases/{reported.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "张*" in body
    assert "138****1234" in body
    assert "13812341234" not in body
    assert "张三" not in body
    assert "map-data" in body
    assert "立案" in body


def test_case_page_out_of_scope_is_404(reported, people, client_for):
    response = client_for(people.b_operator).get(f"/cases/{reported.pk}/")
    assert response.status_code == 404


def test_reveal_is_audited_and_refused_for_others(reported, people, client_for):
    client = client_for(people.a_operator)
    response = client.post(f"/cases/{reported.pk}/reveal/", {"purpose": "回访核实"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "13812341234" in response.content.decode()
    assert PersonalDataReveal.objects.filter(case=reported, actor=people.a_operator).count() == 1
    bad = client.post(f"/cases/{reported.pk}/reveal/", {"purpose": ""}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400
    assert "13812341234" not in bad.content.decode()
    denied = client_for(people.leader).post(f"/cases/{reported.pk}/reveal/", {"purpose": "看看"})
    assert denied.status_code == 403
    assert PersonalDataReveal.objects.count() == 1


def test_reveal_without_csrf_token_is_refused(reported, people):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people.a_operator)
    response = client.post(f"/cases/{reported.pk}/reveal/", {"purpose": "回访核实"})
    assert response.status_code == 403
    assert PersonalDataReveal.objects.count() == 0


def test_register_reject_and_forbidden(reported, people, client_for):
    before = state_of(reported)
    denied = client_for(people.street_a_handler).post(f"/cases/{reported.pk}/register/", {})
    assert denied.status_code in (403, 404)
    assert state_of(reported) == before
    out_of_scope = client_for(people.b_operator).post(f"/cases/{reported.pk}/register/", {})
    assert out_of_scope.status_code == 404
    assert state_of(reported) == before
    client = client_for(people.a_operator)
    bad = client.post(f"/cases/{reported.pk}/reject/", {"reason": "  ", "version": reported.version})
    assert bad.status_code == 400
    assert 'data-field="reason"' in bad.content.decode()
    assert state_of(reported) == before
    bad_category = client.post(f"/cases/{reported.pk}/register/", {"category": "nope"})
    assert bad_category.status_code == 400
    assert 'data-field="category"' in bad_category.content.decode()
    ok = client.post(f"/cases/{reported.pk}/register/", {"category": "09002", "urgency": "urgent",
                                                       "version": reported.version})
    assert ok.status_code == 303
    assert ok["Location"] == f"/cases/{reported.pk}/"
    reported.refresh_from_db()
    assert reported.state == workflow.REGISTERED
    assert reported.category.code == "09002"
    assert reported.urgency == "urgent"


def test_stale_version_is_a_conflict(reported, people, client_for):
    client = client_for(people.a_operator)
    response = client.post(f"/cases/{reported.pk}/register/", {"version": reported.version + 5})
    assert response.status_code == 409
    assert state_of(reported)[0] == workflow.REPORTED


def test_reject_and_merge(people, client_for):
    first = report(people.citizen)
    second = report(people.citizen)
    client = client_for(people.a_operator)
    page = client.get(f"/cases/{second.pk}/").content.decode()
    assert first.number in page  # proposed as a duplicate
    assert client.post(f"/cases/{second.pk}/merge/", {"into": "000"}).status_code == 400
    assert client.post(f"/cases/{second.pk}/merge/", {"into": first.number}).status_code == 303
    second.refresh_from_db()
    assert second.state == workflow.MERGED
    assert second.merged_into_id == first.pk
    assert client.post(f"/cases/{first.pk}/reject/", {"reason": "不属于受理范围"}).status_code == 303
    assert state_of(first)[0] == workflow.REJECTED


def test_full_flow_through_the_web(reported, people, client_for):
    p = people
    assert client_for(p.a_operator).post(f"/cases/{reported.pk}/register/", {}).status_code == 303
    # The dispatcher's workbench proposes the street office; the operator may not dispatch.
    denied = client_for(p.a_operator).post(f"/cases/{reported.pk}/dispatch/", {})
    assert denied.status_code == 403
    assert state_of(reported)[0] == workflow.REGISTERED
    bad = client_for(p.a_dispatcher).post(f"/cases/{reported.pk}/dispatch/", {"assignee": "x"})
    assert bad.status_code == 400
    assert 'data-field="assignee"' in bad.content.decode()
    queue = client_for(p.a_dispatcher).get("/work/dispatch/").content.decode()
    assert "派遣至 石佛办事处" in queue
    ok = client_for(p.a_dispatcher).post(f"/cases/{reported.pk}/dispatch/",
                                         {"assignee": p.street_a_handler.org_unit_id, "next": "/work/dispatch/"})
    assert ok.status_code == 303
    assert ok["Location"] == "/work/dispatch/"
    handler = client_for(p.street_a_handler)
    inbox = handler.get("/work/handler/").content.decode()
    assert reported.number in inbox
    assert "剩" in inbox
    assert client_for(p.um_handler).post(f"/cases/{reported.pk}/accept/").status_code == 404
    assert handler.post(f"/cases/{reported.pk}/accept/").status_code == 303
    assert handler.post(f"/cases/{reported.pk}/request_extension/", {"amount": "x", "reason": "r"}).status_code == 400
    ok = handler.post(f"/cases/{reported.pk}/request_extension/", {"amount": "2", "reason": "材料未到"})
    assert ok.status_code == 303
    approvals = client_for(p.a_dispatcher).get("/work/dispatch/?tab=approvals").content.decode()
    assert reported.number in approvals
    assert client_for(p.a_dispatcher).post(f"/cases/{reported.pk}/approve_extension/",
                                           {"approve": "maybe"}).status_code == 400
    assert client_for(p.a_dispatcher).post(f"/cases/{reported.pk}/approve_extension/",
                                           {"approve": "1"}).status_code == 303
    reported.refresh_from_db()
    assert reported.extension_count == 1
    assert handler.post(f"/cases/{reported.pk}/request_suspension/", {"reason": "需要统一规划"}).status_code == 303
    assert client_for(p.a_dispatcher).post(f"/cases/{reported.pk}/approve_suspension/",
                                           {"approve": "0"}).status_code == 303
    assert state_of(reported)[0] == workflow.ACCEPTED
    bad_photo = handler.post(f"/cases/{reported.pk}/feedback/",
                             {"result": "已处理", "photo": upload("x.png", b"<html><script>")})
    assert bad_photo.status_code == 400
    assert 'data-field="photo"' in bad_photo.content.decode()
    assert state_of(reported)[0] == workflow.ACCEPTED
    ok = handler.post(f"/cases/{reported.pk}/feedback/", {"result": "已劝离", "photo": upload()})
    assert ok.status_code == 303
    assert state_of(reported)[0] == workflow.HANDLED
    attachment = CaseAttachment.objects.get(case=reported)
    assert attachment.content_type == "image/png"
    assert attachment.original_name.startswith("photo-")
    # The grid worker of another grid may not verify; a failed check needs a note.
    assert client_for(p.worker_east).post(f"/cases/{reported.pk}/verify/", {"passed": "1"}).status_code == 404
    worker = client_for(p.worker_west)
    assert reported.number in worker.get("/work/grid/").content.decode()
    bad = worker.post(f"/cases/{reported.pk}/verify/", {"passed": "0", "note": ""})
    assert bad.status_code == 400
    assert 'data-field="note"' in bad.content.decode()
    assert worker.post(f"/cases/{reported.pk}/verify/", {"passed": "1", "next": "/work/grid/"}).status_code == 303
    assert state_of(reported)[0] == workflow.CLOSED
    assert client_for(p.a_operator).post(f"/cases/{reported.pk}/evaluate/",
                                         {"satisfaction": "unsatisfied", "note": "仍有摊贩"}).status_code == 303
    review = client_for(p.a_dispatcher).get("/work/dispatch/?tab=unsatisfied").content.decode()
    assert f'href="/cases/{reported.pk}/#action-reopen"' in review
    assert client_for(p.a_dispatcher).post(f"/cases/{reported.pk}/reopen/", {"note": "返工"}).status_code == 303
    assert reported.number not in client_for(p.a_dispatcher).get("/work/dispatch/?tab=unsatisfied").content.decode()
    assert state_of(reported)[0] == workflow.REOPENED


def test_return_and_resume(reported, people, client_for):
    p = people
    case = services.case_register(actor=p.a_operator, case=reported)
    case = services.case_dispatch(actor=p.a_dispatcher, case=case)
    handler = client_for(p.street_a_handler)
    bad = handler.post(f"/cases/{case.pk}/return/", {"reason": ""})
    assert bad.status_code == 400
    assert state_of(case)[0] == workflow.DISPATCHED
    returned = handler.post(f"/cases/{case.pk}/return/", {"reason": "非本单位职责"}, follow=True)
    assert returned.redirect_chain[0] == ("/", 303)  # not the case page the handler may no longer open
    assert returned.status_code == 200
    assert f"案件 {case.number} 已办理，当前状态：已立案；该案件已不在您的办理范围内。" in returned.content.decode()
    assert state_of(case)[0] == workflow.REGISTERED
    queue = client_for(p.a_dispatcher).get("/work/dispatch/").content.decode()
    assert "退单理由：非本单位职责" in queue  # the dispatcher sees it came back, and why
    case = services.case_dispatch(actor=p.a_dispatcher, case=Case.objects.get(pk=case.pk))
    case = services.case_accept(actor=p.street_a_handler, case=case)
    case = services.case_request_suspension(actor=p.street_a_handler, case=case, reason="待规划")
    case = services.case_approve_suspension(actor=p.a_dispatcher, case=case, approve=True)
    assert "挂账停表" in handler.get("/work/handler/?tab=suspended").content.decode()
    assert handler.post(f"/cases/{case.pk}/resume/").status_code == 303
    assert state_of(case)[0] == workflow.ACCEPTED


def test_unknown_action_is_404_and_get_is_refused(reported, people, client_for):
    client = client_for(people.a_operator)
    assert client.post(f"/cases/{reported.pk}/explode/").status_code == 404
    assert client.get(f"/cases/{reported.pk}/register/").status_code == 405
    assert CaseEvent.objects.filter(case=reported).count() == 1


def test_attachment_download_is_safe_and_scoped(people, client_for):
    case = services.case_report(actor=people.worker_west, channel="grid_worker",
                                category=Category.objects.get(code="09001"),
                                description="占道", lon=113.52, lat=34.79,
                                attachments=[upload_file(png_bytes())])
    attachment = CaseAttachment.objects.get(case=case)
    response = client_for(people.a_operator).get(f"/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "inline" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client_for(people.b_operator).get(f"/attachments/{attachment.pk}/").status_code == 404
    # Anything that is not a checked image is served as a download of octet-stream.
    CaseAttachment.objects.filter(pk=attachment.pk).update(content_type="application/pdf")
    response = client_for(people.a_operator).get(f"/attachments/{attachment.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def upload_file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("p.png", data, content_type="image/png")


def test_suggest_endpoint(people, client_for):
    response = client_for(people.a_operator).get("/work/suggest/?description=小区门口有人占道经营")
    assert response.status_code == 200
    assert "占道经营" in response.content.decode()
    assert client_for(people.citizen).get("/work/suggest/?description=x").status_code == 403


def test_the_case_list_exports_its_filtered_cases_in_the_background(people, client_for,
                                                                   django_capture_on_commit_callbacks):
    """导出: the list's current filters go with the request, the job page follows the progress and offers the
    file, which holds exactly the filtered cases, masked; another user cannot open the job."""
    import csv
    import io

    from gaoxin.api.models import ExportJob

    kept = report(people.citizen, description="占道经营 导出", reporter_name="张三", reporter_phone="13812341234")
    report(people.citizen, description="别的事")
    client = client_for(people.a_operator)
    page = client.get("/cases/?q=导出").content.decode()
    assert 'action="/exports/cases/"' in page
    assert 'name="q" value="导出"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/exports/cases/", {"q": "导出"})
    assert response.status_code == 303
    job = ExportJob.objects.get()
    detail = client.get(response["Location"]).content.decode()
    assert f"/exports/{job.pk}/download" in detail
    body = b"".join(client.get(f"/exports/{job.pk}/download").streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert [r[0] for r in rows[1:]] == [kept.number]
    assert rows[1][5:7] == ["张*", "138****1234"]
    assert client_for(people.b_operator).get(f"/exports/{job.pk}/download").status_code == 404
    assert client.post("/exports/cases/", {"state": "nonsense"}).status_code == 400
    assert ExportJob.objects.count() == 1


def test_the_dispatch_order_prints_a_dispatched_case_with_the_reporter_masked(reported, people, client_for):
    """派遣单: linked from the case page once dispatched; the unit, deadline and masked reporter; none before
    dispatch; out of scope is not found."""
    client = client_for(people.a_dispatcher)
    assert 'id="dispatch-order-link"' not in client.get(f"/cases/{reported.pk}/").content.decode()
    assert client.get(f"/cases/{reported.pk}/dispatch-order/").status_code == 409
    case = services.case_register(actor=people.a_operator, case=reported)
    case = services.case_dispatch(actor=people.a_dispatcher, case=case, note="请当天处置")
    assert f'href="/cases/{case.pk}/dispatch-order/"' in client.get(f"/cases/{case.pk}/").content.decode()
    order = client.get(f"/cases/{case.pk}/dispatch-order/").content.decode()
    assert f'<strong id="order-number">{case.number}</strong>' in order
    assert case.assignee is not None
    assert f'<td colspan="3" id="order-assignee">{case.assignee.name}</td>' in order
    assert "请当天处置" in order
    assert "138****1234" in order
    assert "13812341234" not in order
    assert client_for(people.b_operator).get(f"/cases/{case.pk}/dispatch-order/").status_code == 404
    assert client_for(people.citizen).get(f"/cases/{case.pk}/dispatch-order/").status_code == 403


def test_a_leader_instructs_and_the_handling_unit_confirms(reported, people, client_for):
    """领导批示: the leader writes it on the case page; the handler sees it on the case and marked in the queue, and
    confirms it once; others cannot write or confirm it, and a refusal writes nothing; the history is chained."""
    from gaoxin.cases.models import CaseInstruction, CaseInstructionEvent
    from gaoxin.core import audit

    p = people
    case = services.case_register(actor=p.a_operator, case=reported)
    case = services.case_dispatch(actor=p.a_dispatcher, case=case)
    leader = client_for(p.leader)
    assert 'id="instruct-form"' in leader.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="instruct-form"' not in client_for(p.a_dispatcher).get(f"/cases/{case.pk}/").content.decode()
    empty = leader.post(f"/cases/{case.pk}/instructions/", {"text": "  "})
    assert empty.status_code == 400
    assert "批示内容不能为空" in empty.content.decode()
    refused = client_for(p.a_dispatcher).post(f"/cases/{case.pk}/instructions/", {"text": "加快"})
    assert refused.status_code == 403
    assert CaseInstruction.objects.count() == 0
    done = leader.post(f"/cases/{case.pk}/instructions/", {"text": "请三日内处理到位并回复"})
    assert (done.status_code, done["Location"]) == (303, f"/cases/{case.pk}/#instructions")
    instruction = CaseInstruction.objects.get()
    assert (instruction.number, instruction.unit, instruction.created_by) == (
        f"PS{case.number}-1", case.assignee, p.leader)

    handler = client_for(p.street_a_handler)
    queue = handler.get("/work/handler/").content.decode()
    assert '<span class="tag instructed">领导批示</span>' in queue
    page = handler.get(f"/cases/{case.pk}/").content.decode()
    assert "请三日内处理到位并回复" in page
    assert f'action="/instructions/{instruction.pk}/ack/"' in page
    assert client_for(p.street_b_handler).post(f"/instructions/{instruction.pk}/ack/").status_code == 404
    assert client_for(p.leader).post(f"/instructions/{instruction.pk}/ack/").status_code == 403
    instruction.refresh_from_db()
    assert instruction.acknowledged_at is None
    assert handler.post(f"/instructions/{instruction.pk}/ack/").status_code == 303
    assert handler.post(f"/instructions/{instruction.pk}/ack/").status_code == 303  # once: nothing more
    instruction.refresh_from_db()
    assert instruction.acknowledged_by == p.street_a_handler
    assert '<span class="tag instructed">' not in handler.get("/work/handler/").content.decode()
    assert list(instruction.events.values_list("action", flat=True)) == ["issue", "acknowledge"]
    assert list(audit.verify(CaseInstructionEvent)) == []


def test_an_operator_sends_the_grid_worker_to_check_a_report(reported, people, client_for, frozen_now):
    """核实任务: from the case page to the worker of the case's micro-grid; the worker answers on the phone page;
    the answer is on the case page; refusals (another worker, a second open task, 不属实 without a finding) change
    nothing; sent and answered are chained."""
    from gaoxin.cases.models import FieldCheck, FieldCheckEvent
    from gaoxin.core import audit

    p = people
    operator = client_for(p.a_operator)
    assert 'id="field-check-form"' in operator.get(f"/cases/{reported.pk}/").content.decode()
    with frozen_now(2023, 5, 8, 10):
        sent = operator.post(f"/cases/{reported.pk}/field-checks/", {"request": "看看摊位是否还在"})
        again = operator.post(f"/cases/{reported.pk}/field-checks/", {})
    assert (sent.status_code, again.status_code) == (303, 409)
    check = FieldCheck.objects.get()
    assert (check.worker, check.number, check.due_at.isoformat()) == (
        p.worker_west, f"HS{reported.number}-1", "2023-05-08T07:30:00+00:00")  # 4 working hours, lunch excluded
    assert client_for(p.street_a_handler).post(f"/cases/{reported.pk}/field-checks/", {}).status_code == 404
    assert client_for(p.worker_west).post(f"/cases/{reported.pk}/field-checks/", {}).status_code == 403
    worker = client_for(p.worker_west)
    page = worker.get("/work/grid/").content.decode()
    assert f'action="/field-checks/{check.pk}/answer/"' in page
    assert "看看摊位是否还在" in page
    assert client_for(p.worker_east).post(f"/field-checks/{check.pk}/answer/", {"result": "true"}).status_code == 404
    assert worker.post(f"/field-checks/{check.pk}/answer/", {"result": "false"}).status_code == 400  # no finding
    check.refresh_from_db()
    assert check.answered_at is None
    with frozen_now(2023, 5, 8, 11):
        answered = worker.post(f"/field-checks/{check.pk}/answer/", {"result": "false", "note": "现场无摊位，已离开"})
        assert answered.status_code == 303
    assert f"核实任务 {check.number} 已反馈：不属实。" in worker.get("/work/grid/").content.decode()
    check.refresh_from_db()
    assert (check.result, check.result_note) == ("false", "现场无摊位，已离开")
    assert worker.post(f"/field-checks/{check.pk}/answer/", {"result": "true"}).status_code == 409
    case_page = operator.get(f"/cases/{reported.pk}/").content.decode()
    assert '<strong class="check-false">不属实</strong>' in case_page
    assert "现场无摊位，已离开" in case_page
    assert list(check.events.values_list("action", flat=True)) == ["send", "answer"]
    assert list(audit.verify(FieldCheckEvent)) == []
    reported.refresh_from_db()
    assert reported.state == "reported"  # the operator decides the next step

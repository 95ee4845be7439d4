import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.forms.models import model_to_dict

from gaoxin.cases import audit, services, workflow
from gaoxin.cases.models import Case, CaseAttachment, CaseEvent, Channel
from gaoxin.cases.selectors import case_public_state
from gaoxin.cases.tests.conftest import EAST, WEST, report, run_to_closed
from gaoxin.core.errors import ApplicationError, Conflict, PermissionDenied

S = dt.timezone(dt.timedelta(hours=8))


def snapshot(case):
    row = Case.objects.get(pk=case.pk)
    return model_to_dict(row), list(CaseEvent.objects.filter(case_id=case.pk).values_list("pk", "hash"))


def assert_refused(call, snap_of, *, error=ApplicationError, code=None, field=None):
    before = snapshot(snap_of)
    with pytest.raises(error) as exc:
        call()
    if code:
        assert exc.value.code == code
    if field:
        assert exc.value.field == field
    assert snapshot(snap_of) == before
    return exc.value


def test_full_flow_records_times_counters_and_a_valid_chain(people, frozen_now):
    with frozen_now(2023, 3, 1, 9, 30):
        case = report(people.citizen, reporter_phone="13812341234")
    assert case.number == "20230301000001"
    assert case.state == "reported"
    assert case.reporter_user == people.citizen
    assert case.reporter_name == "张三"
    assert case.street is not None
    assert case.center is not None
    assert case.street.code == "GX-S01"
    assert case.center.code == "GX-S01-C"
    with frozen_now(2023, 3, 1, 10, 0):
        case = services.case_register(actor=people.a_operator, case=case)
        # 09001 占道经营: 2 working hours.
        assert case.deadline == dt.datetime(2023, 3, 1, 12, 0, tzinfo=S)
        case = services.case_dispatch(actor=people.a_dispatcher, case=case)
        assert case.assignee is not None
        assert case.assignee.code == "GX-S01"
        assert case.node == "sign"
        assert case.node_deadline == dt.datetime(2023, 3, 1, 10, 30, tzinfo=S)
    with frozen_now(2023, 3, 1, 10, 20):
        case = services.case_accept(actor=people.street_a_handler, case=case)
    with frozen_now(2023, 3, 1, 11, 0):
        case = services.case_feedback(actor=people.street_a_handler, case=case, result="已劝离")
    with frozen_now(2023, 3, 1, 11, 30):
        case = services.case_verify(actor=people.worker_west, case=case, passed=True)
    case.refresh_from_db()
    assert case.state == "closed"
    assert case.closed_on_time is True
    assert case.handling_seconds == 90 * 60
    assert (case.dispatch_count, case.on_time_accept_count, case.handled_count) == (1, 1, 1)
    assert case.version == 6
    assert case.event_count == 6
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    assert [e.action for e in events] == ["report", "register", "dispatch", "accept", "feedback", "verify_pass"]
    assert workflow.replay(events) == case.state
    assert list(audit.verify_chains()) == []


def test_other_street_center_cannot_register_and_nothing_changes(people, frozen_now):
    with frozen_now(2023, 3, 1, 9, 30):
        case = report(people.citizen)
        assert_refused(lambda: services.case_register(actor=people.b_operator, case=case), case,
                       error=PermissionDenied, code="out_of_scope")
        assert_refused(lambda: services.case_register(actor=people.street_a_handler, case=case), case,
                       error=PermissionDenied, code="role_not_allowed")
        # The zone center acts for every street.
        assert services.case_register(actor=people.zone_operator, case=case).state == "registered"


def test_handler_of_another_unit_cannot_sign_and_illegal_moves_are_refused(people, frozen_now):
    with frozen_now(2023, 3, 1, 9, 30):
        case = services.case_register(actor=people.a_operator, case=report(people.citizen))
        # Not yet dispatched: no unit may sign for it.
        assert_refused(lambda: services.case_accept(actor=people.street_a_handler, case=case), case,
                       error=PermissionDenied, code="not_assignee")
        err = assert_refused(lambda: services.case_verify(actor=people.a_operator, case=case, passed=True), case,
                             code="illegal_transition")
        assert err.message == "案件当前状态为“已立案”，不能执行“核查通过”"
        assert err.status == 409
        case = services.case_dispatch(actor=people.a_dispatcher, case=case)
        assert_refused(lambda: services.case_accept(actor=people.street_b_handler, case=case), case,
                       error=PermissionDenied, code="not_assignee")
        assert_refused(lambda: services.case_verify(actor=people.worker_west, case=case, passed=True), case,
                       code="illegal_transition")
        assert_refused(lambda: services.case_verify(actor=people.worker_east, case=case, passed=True), case,
                       error=PermissionDenied, code="not_grid_worker")


def test_street_center_dispatches_only_inside_its_street(people, org, frozen_now):
    with frozen_now(2023, 3, 1, 9, 30):
        case = services.case_register(actor=people.a_operator, case=report(people.citizen))
        assert_refused(lambda: services.case_dispatch(actor=people.a_dispatcher, case=case,
                                                      assignee=org.urban_management),
                       case, error=PermissionDenied, field="assignee", code="assignee_out_of_scope")
        assert_refused(lambda: services.case_dispatch(actor=people.a_operator, case=case), case,
                       error=PermissionDenied, code="role_not_allowed")
        assert_refused(lambda: services.case_dispatch(actor=people.a_dispatcher, case=case,
                                                      assignee=org.street_a_center),
                       case, field="assignee", code="bad_assignee")
        assert services.case_dispatch(actor=people.a_dispatcher, case=case,
                                      assignee=org.community_a1).assignee == org.community_a1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"description": "   "}, "description"),
        ({"point": None, "lon": 113.5}, "lat"),
        ({"point": None, "lon": 200.0, "lat": 34.0}, "lon"),
        ({"reporter_phone": "call me"}, "reporter_phone"),
        ({"reporter_phone": "1234567"}, "reporter_phone"),  # 7 digits: neither a mobile nor a landline with area
        ({"reporter_phone": "23812341234"}, "reporter_phone"),
        ({"code": "09"}, "category"),
        ({"code": "H-TS"}, "category"),
        ({"urgency": "soon"}, "urgency"),
        ({"channel": "fax"}, "channel"),
        ({"channel": Channel.HOTLINE_12345}, "channel"),  # citizens do not take 12345 calls
    ],
)
def test_bad_report_input_names_the_field_and_creates_nothing(people, frozen_now, kwargs, field):
    with frozen_now(2023, 3, 1, 9, 30), pytest.raises(ApplicationError) as exc:
        report(people.citizen, **kwargs)
    assert exc.value.field == field
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0


@pytest.mark.parametrize("phone", ["13812341234", "+8613812341234", "0371-67890123", "037167890123"])
def test_mobile_and_landline_numbers_are_accepted(people, frozen_now, phone):
    with frozen_now(2023, 3, 1, 9, 30):
        case = report(people.citizen, reporter_phone=phone)
    assert case.reporter_phone == phone


def test_external_ref_is_unique_per_channel(people, frozen_now):
    with frozen_now(2023, 3, 1, 9, 30):
        first = report(people.zone_operator, channel=Channel.HOTLINE_12345, code="H-C02", external_ref="ZZ-1")
        with pytest.raises(Conflict) as exc:
            report(people.zone_operator, channel=Channel.HOTLINE_12345, code="H-C02", external_ref="ZZ-1")
        assert exc.value.field == "external_ref"
        assert exc.value.extra["case_number"] == first.number
        other = report(people.zone_operator, channel=Channel.CITY_INSPECTOR, external_ref="ZZ-1")
    assert other.number == "20230301000002"
    assert Case.objects.count() == 2


def test_stale_copy_gets_conflict(people, frozen_now):
    with frozen_now(2023, 3, 1, 9, 30):
        case = report(people.citizen)
        stale = Case.objects.get(pk=case.pk)
        services.case_register(actor=people.a_operator, case=case)
        err = assert_refused(lambda: services.case_reject(actor=people.a_operator, case=stale, reason="重复"), stale,
                             error=Conflict, code="stale_version")
    assert err.status == 409
    assert err.extra["current_state"] == "registered"


def test_grid_worker_report_without_point_uses_own_grid(people, grid_layer, frozen_now):
    with frozen_now(2023, 3, 1, 9, 30):
        case = report(people.worker_west, point=None, channel=Channel.GRID_WORKER, address="石佛路口")
    assert case.micro_grid == grid_layer.micro_west_south
    assert case.grid == grid_layer.grid_west
    assert case.street is not None
    assert case.street.code == "GX-S01"
    assert case.lon is None


def test_return_rework_extension_suspension_and_reopen(people, org, frozen_now):
    with frozen_now(2023, 3, 1, 9, 0):
        case = report(people.citizen, code="06001")  # 私搭乱建: 5 working days
        case = services.case_register(actor=people.a_operator, case=case)
        assert case.deadline == dt.datetime(2023, 3, 8, 18, 0, tzinfo=S)
        case = services.case_dispatch(actor=people.a_dispatcher, case=case)
        assert_refused(lambda: services.case_return(actor=people.street_a_handler, case=case, reason=""), case,
                       field="reason", code="required")
        case = services.case_return(actor=people.street_a_handler, case=case, reason="属于社区")
        assert case.state == "registered"
        assert case.assignee is None
        assert case.returned_count == 1
        case = services.case_dispatch(actor=people.a_dispatcher, case=case)
        case = services.case_accept(actor=people.street_a_handler, case=case)
        case = services.case_request_extension(actor=people.street_a_handler, case=case, amount=2, reason="需协调")
        assert_refused(lambda: services.case_request_extension(actor=people.street_a_handler, case=case, amount=1,
                                                               reason="再延"), case, code="extension_pending")
        assert_refused(lambda: services.case_approve_extension(actor=people.street_a_handler, case=case,
                                                               approve=True), case, error=PermissionDenied)
        case = services.case_approve_extension(actor=people.a_dispatcher, case=case, approve=True)
        assert case.deadline == dt.datetime(2023, 3, 10, 18, 0, tzinfo=S)
        assert case.extension_count == 1
        assert_refused(lambda: services.case_approve_extension(actor=people.a_dispatcher, case=case, approve=True),
                       case, code="no_pending_extension")
        case = services.case_request_suspension(actor=people.street_a_handler, case=case, reason="涉及产权纠纷")
        case = services.case_approve_suspension(actor=people.a_dispatcher, case=case, approve=True)
        assert case.state == "suspended"
    # Suspended from Wednesday 09:00 to Monday 09:00: Wed + Thu + Fri = 22.5 working hours stopped.
    with frozen_now(2023, 3, 6, 9, 0):
        case = services.case_resume(actor=people.street_a_handler, case=case)
        assert case.suspended_working_seconds == 22.5 * 3600
        assert case.deadline == dt.datetime(2023, 3, 15, 18, 0, tzinfo=S)
        case = services.case_feedback(actor=people.street_a_handler, case=case, result="已拆除")
        assert_refused(lambda: services.case_verify(actor=people.worker_west, case=case, passed=False), case,
                       field="note")
        case = services.case_verify(actor=people.worker_west, case=case, passed=False, note="未拆除干净")
        assert case.state == "dispatched"
        assert case.reworked_count == 1
        assert case.dispatch_count == 3
        case = services.case_accept(actor=people.street_a_handler, case=case)
        case = services.case_feedback(actor=people.street_a_handler, case=case, result="已清理")
        case = services.case_verify(actor=people.a_operator, case=case, passed=True)
        assert case.closed_on_time is True
        assert_refused(lambda: services.case_evaluate(actor=people.other_citizen, case=case,
                                                      satisfaction="satisfied"), case, error=PermissionDenied)
        assert_refused(lambda: services.case_evaluate(actor=people.citizen, case=case, satisfaction="great"),
                       case, field="satisfaction")
        case = services.case_evaluate(actor=people.citizen, case=case, satisfaction="unsatisfied")
        case = services.case_reopen(actor=people.a_dispatcher, case=case, note="群众不满意")
        assert case.state == "reopened"
        assert case.closed_at is None
        assert case.reopened_count == 1
        case = services.case_dispatch(actor=people.a_dispatcher, case=case)
    events = CaseEvent.objects.filter(case=case).order_by("seq")
    assert workflow.replay(events) == "dispatched"
    assert list(audit.verify_chains()) == []


def test_reopen_needs_an_unsatisfied_evaluation(people, frozen_now):
    with frozen_now(2023, 3, 1, 9, 0):
        case = run_to_closed(people, report(people.citizen))
        case = services.case_evaluate(actor=people.a_operator, case=case, satisfaction="basic")
        assert_refused(lambda: services.case_reopen(actor=people.a_dispatcher, case=case, note="x"), case,
                       code="not_unsatisfied")


def test_merge_counts_once_and_follows_master(people, frozen_now):
    with frozen_now(2023, 3, 1, 9, 0):
        master = services.case_register(actor=people.a_operator, case=report(people.citizen))
        dup = report(people.other_citizen)
        assert_refused(lambda: services.case_merge(actor=people.a_operator, case=dup, into=dup), dup,
                       field="into", code="merge_self")
        dup = services.case_merge(actor=people.a_operator, case=dup, into=master)
        assert dup.state == "merged"
        assert dup.merged_into == master
        third = report(people.citizen)
        assert_refused(lambda: services.case_merge(actor=people.a_operator, case=third, into=dup), third,
                       field="into", code="bad_merge_target")
        master = services.case_dispatch(actor=people.a_dispatcher, case=master)
    dup.refresh_from_db()
    assert case_public_state(case=dup) == "dispatched"


def test_case_numbers_count_per_shanghai_day(people, frozen_now):
    with frozen_now(2023, 3, 1, 23, 59):
        first, second = report(people.citizen), report(people.citizen)
    with frozen_now(2023, 3, 2, 0, 0):  # 16:00 UTC: the next day in Shanghai
        third = report(people.citizen)
    with frozen_now(2023, 3, 1, 23, 59, 59):  # a late clock still counts on its own day
        fourth = report(people.citizen)
    # PostgreSQL's numbers come from one sequence (CaseNumberCounter): the value the next day took is skipped.
    late = "20230301000004" if connection.vendor == "postgresql" else "20230301000003"
    assert [c.number for c in (first, second, third, fourth)] == [
        "20230301000001", "20230301000002", "20230302000001", late]


def test_attachments_are_stored_with_hash_in_the_event(people, frozen_now, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("after.jpg", b"\xff\xd8jpeg-bytes", content_type="image/jpeg")
    with frozen_now(2023, 3, 1, 9, 0):
        case = services.case_register(actor=people.a_operator, case=report(people.citizen))
        case = services.case_accept(actor=people.street_a_handler,
                                    case=services.case_dispatch(actor=people.a_dispatcher, case=case))
        bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-msdownload")
        assert_refused(lambda: services.case_feedback(actor=people.street_a_handler, case=case, result="好了",
                                                      attachments=[bad]), case, field="attachments[0]")
        case = services.case_feedback(actor=people.street_a_handler, case=case, result="已清理", attachments=[photo])
    attachment = CaseAttachment.objects.get()
    event = CaseEvent.objects.get(case=case, action="feedback")
    assert attachment.event == event
    assert attachment.size == 12
    assert attachment.content_type == "image/jpeg"
    assert event.payload["attachments"] == [{"name": "after.jpg", "sha256": attachment.sha256, "size": 12}]


def test_service_cadre_reports_enterprise_problem_to_zone_center(people, frozen_now):
    with frozen_now(2023, 3, 1, 9, 0):
        case = report(people.cadre, code="EP02", channel=Channel.ENTERPRISE_VISIT, point=EAST,
                      reporter_name="某科技公司")
        assert case.center.code == "GX-C"
        case = services.case_register(actor=people.zone_operator, case=case)
        # 15 working days from Wednesday 1 March 2023.
        assert case.deadline == dt.datetime(2023, 3, 22, 18, 0, tzinfo=S)
        assert_refused(lambda: services.case_register(actor=people.b_operator, case=report(
            people.cadre, code="EP02", channel=Channel.ENTERPRISE_VISIT, point=WEST)), case)

import datetime as dt

import pytest

from gaoxin.cases import selectors, services, tasks
from gaoxin.cases.models import Case, SupervisionNotice
from gaoxin.cases.tests.conftest import report
from gaoxin.core import clock
from gaoxin.core.errors import PermissionDenied

S = dt.timezone(dt.timedelta(hours=8))


def at(h, m, day=1):
    return dt.datetime(2023, 3, day, h, m, tzinfo=S)


def test_overdue_nodes_raise_one_notice_each_to_unit_and_superior(people, org, frozen_now):
    with frozen_now(2023, 3, 1, 9, 30):
        case = services.case_register(actor=people.a_operator, case=report(people.citizen))  # 2 working hours
        case = services.case_dispatch(actor=people.a_dispatcher, case=case)  # sign for within 0.5 h
    assert (case.deadline, case.node_deadline) == (at(11, 30), at(10, 0))
    assert services.case_supervise_overdue(now=at(10, 0)) == 0
    assert services.case_supervise_overdue(now=at(10, 5)) == 1
    notice = SupervisionNotice.objects.get()
    assert (notice.node, notice.unit, notice.superior_unit) == ("sign", org.street_a, org.committee)
    assert notice.deadline == at(10, 0)
    assert "签收已超期" in notice.message
    assert services.case_supervise_overdue(now=at(10, 30)) == 0

    assert services.case_supervise_overdue(now=at(11, 31)) == 1
    case.refresh_from_db()
    assert case.is_overdue is True
    with frozen_now(2023, 3, 1, 11, 40):
        case = services.case_accept(actor=people.street_a_handler, case=case)  # handle within 1 h → 14:10
    assert case.node_deadline == at(14, 10)
    assert services.case_supervise_overdue(now=at(14, 10)) == 0
    assert services.case_supervise_overdue(now=at(14, 11)) == 1
    assert services.case_supervise_overdue(now=at(18, 0)) == 0
    assert sorted(SupervisionNotice.objects.values_list("node", flat=True)) == ["case", "handle", "sign"]


def test_suspended_and_closed_cases_are_not_supervised(people, frozen_now):
    with frozen_now(2023, 3, 1, 9, 30):
        case = services.case_register(actor=people.a_operator, case=report(people.citizen))
        case = services.case_accept(actor=people.street_a_handler,
                                    case=services.case_dispatch(actor=people.a_dispatcher, case=case))
        case = services.case_request_suspension(actor=people.street_a_handler, case=case, reason="长期问题")
        case = services.case_approve_suspension(actor=people.a_dispatcher, case=case, approve=True)
    assert services.case_supervise_overdue(now=at(9, 0, day=10)) == 0
    assert Case.objects.get(pk=case.pk).is_overdue is False


def test_periodic_task_runs_the_service(people, frozen_now):
    with frozen_now(2023, 3, 1, 9, 30):
        services.case_register(actor=people.a_operator, case=report(people.citizen))
        clock.advance(dt.timedelta(days=1))
        assert tasks.supervise_overdue_cases.call_local() == 1
    assert SupervisionNotice.objects.get().node == "case"


def test_the_notified_units_see_and_acknowledge_their_notices_and_nobody_else(people, org, frozen_now):
    with frozen_now(2023, 3, 1, 9, 30):
        case = services.case_register(actor=people.a_operator, case=report(people.citizen))
        services.case_dispatch(actor=people.a_dispatcher, case=case)
    services.case_supervise_overdue(now=at(10, 5))
    notice = SupervisionNotice.objects.get()
    assert list(selectors.supervision_notice_list(actor=people.street_a_handler)) == [notice]
    assert list(selectors.supervision_notice_list(actor=people.street_b_handler)) == []
    assert list(selectors.supervision_notice_list(actor=people.leader, open_only=True)) == [notice]
    with pytest.raises(PermissionDenied):  # leaders read the notices; the unit told confirms them
        services.supervision_notice_acknowledge(actor=people.leader, notice=notice)
    with pytest.raises(PermissionDenied) as refused:
        services.supervision_notice_acknowledge(actor=people.street_b_handler, notice=notice)
    assert refused.value.code == "not_notified"
    notice.refresh_from_db()
    assert notice.acknowledged_at is None
    with frozen_now(2023, 3, 1, 10, 20):
        services.supervision_notice_acknowledge(actor=people.street_a_handler, notice=notice)
    with frozen_now(2023, 3, 1, 11, 0):  # a second confirmation keeps the first moment
        services.supervision_notice_acknowledge(actor=people.street_a_handler, notice=notice)
    notice.refresh_from_db()
    assert notice.acknowledged_at == at(10, 20)
    assert list(selectors.supervision_notice_list(actor=people.leader, open_only=True)) == []

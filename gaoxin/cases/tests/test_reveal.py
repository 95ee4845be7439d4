"""The audited reveal of a reporter's name and phone (DESIGN §7)."""

from __future__ import annotations

import pytest

from gaoxin.cases.models import PersonalDataReveal
from gaoxin.cases.privacy import case_reveal_reporter, personal_data_reveal_list
from gaoxin.cases.tests.conftest import report
from gaoxin.core.errors import ApplicationError, NotFound, PermissionDenied


@pytest.fixture
def case(people, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        return report(people.citizen, reporter_name="张三", reporter_phone="13812341234")


def test_reveal_records_who_when_which_and_why(people, case, frozen_now):
    with frozen_now(2023, 3, 1, 10, 30):
        shown = case_reveal_reporter(actor=people.a_operator, case=case, purpose="电话回访核实地址")
    assert (shown.name, shown.phone, shown.case_id) == ("张三", "13812341234", case.pk)
    row = PersonalDataReveal.objects.get()
    assert (row.case_id, row.actor_id, row.purpose, row.via) == (
        case.pk, people.a_operator.pk, "电话回访核实地址", "web")
    assert row.at.isoformat() == "2023-03-01T02:30:00+00:00"  # 10:30 in Beijing
    assert list(personal_data_reveal_list(actor=people.a_operator)) == [row]
    assert list(personal_data_reveal_list(actor=people.leader, case=case)) == [row]
    assert list(personal_data_reveal_list(actor=people.b_operator)) == []


@pytest.mark.parametrize("who", ["leader", "citizen", "worker_west", "cadre"])
def test_roles_outside_personal_data_roles_are_refused_and_nothing_is_recorded(people, case, who):
    with pytest.raises(PermissionDenied) as err:
        case_reveal_reporter(actor=getattr(people, who), case=case, purpose="查看")
    assert err.value.code == "reveal_not_allowed"
    assert PersonalDataReveal.objects.count() == 0


def test_case_outside_scope_is_not_found_and_nothing_is_recorded(people, case):
    with pytest.raises(NotFound):
        case_reveal_reporter(actor=people.b_operator, case=case, purpose="查看")
    with pytest.raises(NotFound):
        case_reveal_reporter(actor=people.um_handler, case=case, purpose="查看")
    assert PersonalDataReveal.objects.count() == 0


def test_purpose_is_required(people, case):
    with pytest.raises(ApplicationError) as err:
        case_reveal_reporter(actor=people.a_operator, case=case, purpose=" ")
    assert err.value.field == "purpose"
    assert PersonalDataReveal.objects.count() == 0

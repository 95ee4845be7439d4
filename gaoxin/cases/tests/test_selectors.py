import datetime as dt

import pytest

from gaoxin.cases import selectors, services
from gaoxin.cases.models import Channel
from gaoxin.cases.tests.conftest import EAST, OUTSIDE, WEST, report
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError, NotFound


@pytest.fixture
def three(people, frozen_now):
    with frozen_now(2023, 3, 1, 9, 0):
        west = report(people.citizen, point=WEST)
        east = report(people.other_citizen, point=EAST)
        nowhere = report(people.zone_operator, point=OUTSIDE, channel=Channel.HOTLINE_12345, code="H-C02")
        west = services.case_dispatch(actor=people.a_dispatcher,
                                      case=services.case_register(actor=people.a_operator, case=west))
    return west, east, nowhere


def numbers(qs):
    return sorted(c.number for c in qs)


def test_each_role_sees_its_scope(people, three):
    west, east, nowhere = three
    everything = numbers(three)
    assert numbers(selectors.case_list(actor=people.leader)) == everything
    assert numbers(selectors.case_list(actor=people.zone_operator)) == everything
    assert numbers(selectors.case_list(actor=people.a_operator)) == [west.number]
    assert numbers(selectors.case_list(actor=people.b_dispatcher)) == [east.number]
    assert numbers(selectors.case_list(actor=people.street_a_handler)) == [west.number]  # assigned
    assert numbers(selectors.case_list(actor=people.street_b_handler)) == []  # located, not assigned
    assert numbers(selectors.case_list(actor=people.um_handler)) == []
    assert numbers(selectors.case_list(actor=people.worker_west)) == [west.number]
    assert numbers(selectors.case_list(actor=people.worker_east)) == [east.number]
    assert numbers(selectors.case_list(actor=people.citizen)) == [west.number]
    assert numbers(selectors.case_list(actor=people.other_citizen)) == [east.number]
    assert selectors.case_get(actor=people.citizen, pk=west.pk) == west
    with pytest.raises(NotFound):
        selectors.case_get(actor=people.citizen, pk=east.pk)
    with pytest.raises(NotFound):
        selectors.case_events(actor=people.a_operator, case=east)
    assert [e.action for e in selectors.case_events(actor=people.citizen, case=west)] == [
        "report", "register", "dispatch"]


def test_filters(people, org, three):
    west, east, nowhere = three
    leader = people.leader

    def find(**filters):
        return numbers(selectors.case_list(actor=leader, filters=filters))

    assert find(state="dispatched") == [west.number]
    assert find(state=["reported", "dispatched"]) == numbers(three)
    assert find(street=org.street_b.pk) == [east.number]
    assert find(assignee=org.street_a) == [west.number]
    assert find(category="09") == sorted([west.number, east.number])
    assert find(channel=Channel.HOTLINE_12345) == [nowhere.number]
    assert find(q=west.number) == [west.number]
    with clock.frozen(dt.datetime(2023, 3, 1, 9, 30, tzinfo=dt.UTC) + dt.timedelta(hours=-8)):
        assert find(color="green") == [west.number]  # 2 h limit from 09:00, 30 min used
    with clock.frozen(dt.datetime(2023, 3, 1, 2, 50, tzinfo=dt.UTC)):  # 10:50 Beijing
        assert find(color="yellow") == [west.number]
    with clock.frozen(dt.datetime(2023, 3, 1, 3, 1, tzinfo=dt.UTC)):  # 11:01 Beijing
        assert find(color="red") == [west.number]
        assert selectors.case_time_status(case=west) == "red"
    for bad, field in (({"colour": "red"}, "colour"), ({"state": "lost"}, "state"), ({"color": "blue"}, "color"),
                       ({"street": "abc"}, "street"), ({"registered_from": "yesterday"}, "registered_from")):
        with pytest.raises(ApplicationError) as exc:
            find(**bad)
        assert exc.value.field == field


def test_list_query_count_is_constant(people, three, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        rows = list(selectors.case_list(actor=people.zone_operator))
        assert all(r.category.code and r.center.code for r in rows)


def test_search_finds_a_case_by_part_of_its_number(people, three):
    case = three[0]
    tail = case.number[-6:]
    found = selectors.case_list(actor=people.zone_dispatcher, filters={"q": tail})
    assert case in found
    assert all(tail in c.number or tail in c.description or tail in c.address for c in found)
    assert list(selectors.case_list(actor=people.zone_dispatcher, filters={"q": case.number})) == [case]
    assert not selectors.case_list(actor=people.zone_dispatcher, filters={"q": "999"}).filter(pk=case.pk).exists()

import datetime as dt
from typing import Any

from gaoxin.cases import selectors, services
from gaoxin.cases.models import Channel
from gaoxin.cases.tests.conftest import report
from gaoxin.core import clock


def test_candidates_within_radius_and_window_same_category(people, frozen_now):
    base = (113.52, 34.79)
    with frozen_now(2023, 3, 1, 9, 0):
        first = report(people.citizen, point=base)  # 09001: radius 30 m, window 8 h
        near = report(people.citizen, point=(113.52, 34.79 + 20 / 111_320))  # 20 m north
        far = report(people.citizen, point=(113.52, 34.79 - 45 / 111_320))  # 45 m south
        other_category = report(people.citizen, point=base, code="09002")
        rejected = report(people.citizen, point=base)
        services.case_reject(actor=people.a_operator, case=rejected, reason="重复")
        clock.advance(dt.timedelta(hours=9))
        late = report(people.citizen, point=base)
    found = selectors.case_duplicate_candidates(actor=people.a_operator, case=near)
    assert found == [first]
    assert 19.5 < found[0].distance_m < 20.5  # type: ignore[attr-defined]  # set by the selector
    assert selectors.case_duplicate_candidates(actor=people.a_operator, case=first) == [near]
    assert selectors.case_duplicate_candidates(actor=people.a_operator, case=late) == []
    assert far not in selectors.case_duplicate_candidates(actor=people.a_operator, case=first)
    assert selectors.case_duplicate_candidates(actor=people.a_operator, case=other_category) == []
    # Outside the actor's scope nothing is proposed.
    assert selectors.case_duplicate_candidates(actor=people.b_operator, case=near) == []


def test_candidates_without_point_match_address_or_phone(people, frozen_now):
    with frozen_now(2023, 3, 1, 9, 0):
        kw: dict[str, Any] = {"code": "H-C02", "point": None, "channel": Channel.HOTLINE_12345}
        a = report(people.zone_operator, address="文化路1号", reporter_phone="13900001111", **kw)
        b = report(people.zone_operator, address="文化路1号", reporter_phone="13900002222", **kw)
        c = report(people.zone_operator, address="科学大道", reporter_phone="13900001111", **kw)
        d = report(people.zone_operator, address="长椿路", reporter_phone="13900003333", **kw)
    assert selectors.case_duplicate_candidates(actor=people.zone_operator, case=a) == [b, c]
    assert selectors.case_duplicate_candidates(actor=people.zone_operator, case=d) == []
    merged = services.case_merge(actor=people.zone_operator, case=b, into=a)
    assert merged.state == "merged"
    assert selectors.case_duplicate_candidates(actor=people.zone_operator, case=a) == [c]

"""The dashboard read from the roll-ups shows exactly what it shows when counted from the cases, for every kind
of slice and scope (zone-wide leader, street center staff with a case they reported elsewhere)."""

import datetime as dt

import pytest

from gaoxin.cases import rollup, services
from gaoxin.cases.models import Channel
from gaoxin.cases.tests.conftest import EAST, report
from gaoxin.cases.tests.test_metrics import S, march  # noqa: F401 - the fixture
from gaoxin.core import clock
from gaoxin.web import dashboard
from gaoxin.web.dashboard import Slice


@pytest.fixture
def reported_elsewhere(march):  # noqa: F811
    """A hotline order street A's operator took down for a place in street B, registered by street B."""
    with clock.frozen(dt.datetime(2023, 3, 2, 9, 0, tzinfo=S)):
        case = report(march.a_operator, point=EAST, channel=Channel.HOTLINE_12345, reporter_name="李四",
                      reporter_phone="13900001111")
        services.case_register(actor=march.b_operator, case=case)
    return march


def _both(actor, s, monkeypatch):
    with clock.frozen(dt.datetime(2023, 4, 5, 9, 0, tzinfo=S)):
        fast = dashboard._compute(actor=actor, s=s)
        with monkeypatch.context() as m:
            m.setattr(rollup, "scope", lambda actor: None)
            slow = dashboard._compute(actor=actor, s=s)
    return fast, slow


@pytest.mark.parametrize("start,end", [
    (dt.date(2023, 3, 1), dt.date(2023, 3, 31)),
    (dt.date(2023, 2, 15), dt.date(2023, 4, 3)),
    (dt.date(2023, 3, 2), dt.date(2023, 3, 2)),
    (dt.date(2022, 1, 1), dt.date(2023, 12, 31)),  # by month
])
@pytest.mark.parametrize("who", ["leader", "a_operator", "b_operator", "zone_operator"])
def test_rollups_and_cases_agree(reported_elsewhere, org, monkeypatch, who, start, end):
    actor = getattr(reported_elsewhere, who)
    for s in (Slice(start=start, end=end), Slice(start=start, end=end, street=org.street_b),
              Slice(start=start, end=end, unit=org.street_a)):
        fast, slow = _both(actor, s, monkeypatch)
        assert fast == slow


def test_what_the_leader_sees(reported_elsewhere, org, monkeypatch):
    fast, _slow = _both(reported_elsewhere.leader, Slice(start=dt.date(2023, 3, 1), end=dt.date(2023, 3, 31)),
                        monkeypatch)
    assert fast["counts"] == {"registered": 6, "closed": 3, "closed_on_time": 2, "evaluated": 3, "satisfied": 2}
    assert fast["trend"]["grain"] == "day"
    assert len(fast["trend"]["days"]) == 31
    assert fast["trend"]["registered"][:2] == [5, 1]
    assert {c["code"]: c["value"] for c in fast["channels"]} == {
        Channel.PUBLIC_WEB: 4, Channel.GRID_WORKER: 1, Channel.HOTLINE_12345: 1}
    assert sum(int(v["n"]) for v in fast["map"]["values"].values()) == 6
    yearly, _ = _both(reported_elsewhere.leader, Slice(start=dt.date(2022, 1, 1), end=dt.date(2023, 12, 31)),
                      monkeypatch)
    assert yearly["trend"]["grain"] == "month"
    assert len(yearly["trend"]["days"]) == 24
    march_point = yearly["trend"]["days"].index("2023-03")
    assert yearly["trend"]["registered"][march_point] == 6
    assert (yearly["trend"]["starts"][march_point], yearly["trend"]["ends"][march_point]) == (
        "2023-03-01", "2023-03-31")


def test_street_staff_see_their_street_and_what_they_reported(reported_elsewhere, monkeypatch):
    s = Slice(start=dt.date(2023, 3, 1), end=dt.date(2023, 3, 31))
    fast, _slow = _both(reported_elsewhere.a_operator, s, monkeypatch)
    assert fast["counts"]["registered"] == 5  # C1 C2 C3 C6 in street A and the order taken for street B
    scope = rollup.scope(reported_elsewhere.a_operator)
    assert scope is not None
    assert scope[1] is not None

"""Each metric on a small hand-built March 2023 (every expected value worked out by hand below)."""

import datetime as dt

import pytest

from gaoxin.cases import metrics, services
from gaoxin.cases.models import Channel
from gaoxin.cases.tests.conftest import EAST, report
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError

S = dt.timezone(dt.timedelta(hours=8))
MARCH = (dt.datetime(2023, 3, 1, tzinfo=S), dt.datetime(2023, 4, 1, tzinfo=S))


def at(h, m, day=1, month=3):
    return clock.frozen(dt.datetime(2023, month, day, h, m, tzinfo=S))


@pytest.fixture
def march(people):
    """09001 占道经营 has a 2-working-hour limit (registered 09:00 → due 11:00) and a 0.5 h sign-for limit.

    C1 street A: dispatched 09:00, signed 09:10 (on time), closed 10:00 (on time, 1 h), 满意.
    C2 street A: dispatched, returned (退单), re-dispatched 09:20, signed 10:00 (late), feedback, verify fails
       10:40 (返工, re-dispatched), signed 10:50 (on time), closed 12:00 (late, 3 h), 不满意.
    C3 street A: dispatched, signed 09:05, suspended (挂账).
    C4 street A: merged into C1 (not counted).   C5 street A: rejected (never registered).
    C6 street A: registered, not yet dispatched.
    C7 street B, reported by a grid worker: dispatched, signed 09:05, closed 09:30 (on time, 0.5 h), 基本满意.
    C8 street A: registered in April (outside the period).
    """
    p = people
    with at(9, 0):
        c1, c2, c3, c4, c5, c6 = (report(p.citizen) for _ in range(6))
        c1, c2, c3, c4, c6 = (services.case_register(actor=p.a_operator, case=c) for c in (c1, c2, c3, c4, c6))
        c1, c2, c3 = (services.case_dispatch(actor=p.a_dispatcher, case=c) for c in (c1, c2, c3))
        services.case_merge(actor=p.a_operator, case=c4, into=c1)
        services.case_reject(actor=p.a_operator, case=c5, reason="非城市管理问题")
        c7 = report(p.worker_east, point=EAST, channel=Channel.GRID_WORKER)
        c7 = services.case_dispatch(actor=p.b_dispatcher, case=services.case_register(actor=p.b_operator, case=c7))
    h = p.street_a_handler
    with at(9, 5):
        c3 = services.case_accept(actor=h, case=c3)
        c3 = services.case_request_suspension(actor=h, case=c3, reason="需规划调整")
        c3 = services.case_approve_suspension(actor=p.a_dispatcher, case=c3, approve=True)
        c7 = services.case_accept(actor=p.street_b_handler, case=c7)
    with at(9, 10):
        c1 = services.case_accept(actor=h, case=c1)
        c2 = services.case_return(actor=h, case=c2, reason="派错")
    with at(9, 20):
        c2 = services.case_dispatch(actor=p.a_dispatcher, case=c2)
        c7 = services.case_feedback(actor=p.street_b_handler, case=c7, result="已清理")
    with at(9, 30):
        c7 = services.case_verify(actor=p.worker_east, case=c7, passed=True)
        services.case_evaluate(actor=p.b_operator, case=c7, satisfaction="basic")
    with at(9, 40):
        c1 = services.case_feedback(actor=h, case=c1, result="已劝离")
    with at(10, 0):
        c1 = services.case_verify(actor=p.worker_west, case=c1, passed=True)
        services.case_evaluate(actor=p.citizen, case=c1, satisfaction="satisfied")
        c2 = services.case_accept(actor=h, case=c2)
    with at(10, 30):
        c2 = services.case_feedback(actor=h, case=c2, result="已劝离")
    with at(10, 40):
        c2 = services.case_verify(actor=p.worker_west, case=c2, passed=False, note="又回来了")
    with at(10, 50):
        c2 = services.case_accept(actor=h, case=c2)
    with at(11, 30):
        c2 = services.case_feedback(actor=h, case=c2, result="已取缔")
    with at(12, 0):
        c2 = services.case_verify(actor=p.worker_west, case=c2, passed=True)
        services.case_evaluate(actor=p.citizen, case=c2, satisfaction="unsatisfied")
    with at(9, 0, day=3, month=4):
        services.case_register(actor=p.a_operator, case=report(p.citizen))
    return p


def test_zone_wide_metrics(march):
    m = metrics.case_metrics(actor=march.leader, start=MARCH[0], end=MARCH[1])
    assert m["accepted_volume"] == 5  # C1 C2 C3 C6 C7
    assert m["closure_rate"] == pytest.approx(3 / 5)  # C1 C2 C7 closed
    assert m["on_time_closure_rate"] == pytest.approx(2 / 3)  # C1 C7
    assert m["satisfaction_rate"] == pytest.approx(2 / 3)  # 满意 + 基本满意 of three evaluations
    # Dispatches: C1 1, C2 3 (dispatch, re-dispatch, rework), C3 1, C7 1 = 6; signed on time: C1, C2's
    # second signing, C3, C7 = 4; one return; handled 4 times (C2 twice), one rework.
    assert m["counts"]["dispatched"] == 6
    assert m["response_rate"] == pytest.approx(4 / 6)
    assert m["dispatch_accuracy"] == pytest.approx(1 - 1 / 6)
    assert m["rework_rate"] == pytest.approx(1 / 4)
    assert m["suspended_count"] == 1
    assert m["avg_handling_hours"] == pytest.approx((1 + 3 + 0.5) / 3)
    assert m["p50_handling_hours"] == pytest.approx(1.0)  # nearest rank 2 of [0.5, 1, 3]
    assert m["p90_handling_hours"] == pytest.approx(3.0)  # nearest rank 3


def test_slices_by_street_unit_grid_category_channel(march, org, grid_layer):
    def value(code, **kw):
        return metrics.metric_value(code, actor=march.leader, start=MARCH[0], end=MARCH[1], **kw)

    assert value("accepted_volume", street=org.street_b) == 1
    assert value("accepted_volume", org_unit=org.street_a) == 3  # C1 C2 C3 assigned; C6 not yet
    assert value("accepted_volume", grid=grid_layer.grid_west) == 4
    assert value("accepted_volume", grid=grid_layer.micro_east_south) == 1
    assert value("accepted_volume", category="09") == 5  # the 大类 includes its 小类
    assert value("accepted_volume", category="06001") == 0
    assert value("closure_rate", category="06001") is None
    assert value("accepted_volume", channel=Channel.GRID_WORKER) == 1
    assert value("p90_handling_hours", street=org.street_b) == pytest.approx(0.5)
    april = metrics.case_metrics(actor=march.leader, start=MARCH[1], end=dt.datetime(2023, 5, 1, tzinfo=S))
    assert april["accepted_volume"] == 1
    assert april["closure_rate"] == 0


def test_metrics_are_scoped_to_the_actor(march):
    a = metrics.case_metrics(actor=march.a_operator, start=MARCH[0], end=MARCH[1])
    assert a["accepted_volume"] == 4
    assert a["closure_rate"] == pytest.approx(2 / 4)
    assert metrics.case_metrics(actor=march.other_citizen, start=MARCH[0], end=MARCH[1])["accepted_volume"] == 0


def test_definitions_are_data_and_bad_input_names_the_field(march):
    assert metrics.METRICS["closure_rate"]["name"] == "办结率"
    assert all({"name", "unit", "definition"} <= set(d) for d in metrics.METRICS.values())
    with pytest.raises(ApplicationError) as exc:
        metrics.case_metrics(actor=march.leader, start=MARCH[1], end=MARCH[0])
    assert exc.value.field == "start"


def test_post_evaluation_credits_each_step_to_its_person(march):
    rows = metrics.post_evaluation(actor=march.leader, start=MARCH[0], end=MARCH[1])
    got = [(r["post"], r["rank"], r["username"], r["counts"], None if r["measure"] is None else round(r["measure"], 4))
           for r in rows]
    assert got == [
        ("受理员", 1, "a_operator", {"registered": 4}, None),  # C1 C2 C3 C6 (C4 merged, C5 rejected)
        ("受理员", 2, "b_operator", {"registered": 1}, None),
        ("派遣员", 1, "b_dispatcher", {"dispatched": 1, "returned": 0}, 1.0),
        # C1, C2, C3 and C2 again after its return; the rework re-dispatch is the engine's, not a person's
        ("派遣员", 2, "a_dispatcher", {"dispatched": 4, "returned": 1}, 0.75),
        ("处置员", 1, "street_b_handler", {"handled": 1, "reworked": 0}, 0.0),
        ("处置员", 2, "street_a_handler", {"handled": 3, "reworked": 1}, round(1 / 3, 4)),
        ("网格员（监督员）", 1, "worker_east", {"reported": 1, "verified": 1}, None),
        ("网格员（监督员）", 2, "worker_west", {"reported": 0, "verified": 3}, None),
    ]


def test_post_evaluation_is_scoped_to_the_actor(march):
    rows = metrics.post_evaluation(actor=march.a_operator, start=MARCH[0], end=MARCH[1])
    assert [r["username"] for r in rows] == ["a_operator", "a_dispatcher", "street_a_handler", "worker_west"]


def test_post_evaluation_gives_equal_work_an_equal_rank(march, frozen_now):
    with frozen_now(2023, 3, 2, 9):  # b_operator registers three more: 4 and 4
        for _ in range(3):
            services.case_register(actor=march.b_operator, case=report(march.citizen, point=EAST))
    rows = metrics.post_evaluation(actor=march.leader, start=MARCH[0], end=MARCH[1])
    assert [(r["username"], r["rank"]) for r in rows if r["post"] == "受理员"] == [("a_operator", 1),
                                                                               ("b_operator", 1)]

"""The 12345 link end to end: the city simulator runs as a real HTTP server on a free localhost port and pushes
to the zone running as a live server; the zone's replies go back over HTTP. The city is down for a while (503,
then refusing connections, then recording a reply but losing the answer) and comes back: every reply arrives,
each message id is recorded once, none is lost. Time is the platform clock (frozen and advanced by the test);
the backoff is injected."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.cases.models import Case
from gaoxin.core import clock
from gaoxin.core.outbox import Backoff, HttpJsonTransport
from gaoxin.hotline.models import HotlineOrder, HotlineUrge, Outbox
from gaoxin.hotline.outbox import deliver_pending
from gaoxin.hotline.simulator import CityPlatform
from gaoxin.hotline.tests.test_inbound import close_case

PATHS = {"reply": "/replies"}
BACKOFF = Backoff(base_seconds=60, factor=2, cap_seconds=600)


@pytest.fixture
def city(live_server, integration):
    _, token = integration
    platform = CityPlatform(zone_url=live_server.url, zone_token=token, expect_token="city-secret").start()
    yield platform
    platform.stop()


def deliver(city):
    transport = HttpJsonTransport(city.url, "city-secret", paths=PATHS, timeout=5)
    return deliver_pending(transport=transport, backoff=BACKOFF)


def wait_out(delta_seconds):
    clock.advance(dt.timedelta(seconds=delta_seconds))


@pytest.mark.django_db(transaction=True)
def test_orders_urges_returns_and_replies_survive_the_city_being_down(city, people, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        status, ack = city.push_order({"order_id": "HL-E2E-1", "lon": 113.52, "lat": 34.79})
        assert status == 201, ack
        status, again = city.push_order({"order_id": "HL-E2E-1", "lon": 113.52, "lat": 34.79})
        assert (status, again) == (201, ack)
        case = Case.objects.get(external_ref="HL-E2E-1")
        assert ack["case_number"] == case.number
        assert Case.objects.count() == 1

        status, urged = city.urge("HL-E2E-1")
        assert status == 200
        assert urged["status"] == "recorded"
        assert HotlineUrge.objects.count() == 1

        close_case(people, case)
        assert Outbox.objects.filter(state="pending").count() == 1

        city.down("error")
        report = deliver(city)
        assert (report.delivered, report.retried) == (0, 1)
        assert city.replies == []
        assert city.refused_while_down == 1
        deliver(city)  # not due yet: nothing is sent
        assert city.refused_while_down == 1

        city.down("refuse")
        wait_out(60)
        report = deliver(city)
        assert (report.delivered, report.retried) == (0, 1)

        city.up()
        city.down("ack_lost")
        wait_out(120)
        report = deliver(city)
        # The city has it; the zone does not know.
        assert report.delivered == 0
        assert len(city.replies) == 1

        city.up()
        wait_out(240)
        report = deliver(city)
        assert report.delivered == 1
        row = Outbox.objects.get()
        assert (row.state, row.attempts) == ("delivered", 4)
        assert [r["message_id"] for r in city.replies] == [row.message_id]
        assert city.duplicates == 1
        assert city.replies[0]["result"] == "handled"
        assert city.replies[0]["content"] == "已劝离占道商贩"
        wait_out(3600)
        assert deliver(city).delivered == 0
        assert len(city.replies) == 1

        status, returned = city.return_order("HL-E2E-1", "摊贩又回来了")
        assert status == 200
        assert returned["case_state"] == "reopened"
        from gaoxin.cases import services as cases

        case = Case.objects.get(pk=case.pk)
        case = cases.case_dispatch(actor=people.a_dispatcher, case=case)
        case = cases.case_accept(actor=people.street_a_handler, case=case)
        case = cases.case_feedback(actor=people.street_a_handler, case=case, result="已再次清理并加强巡查")
        cases.case_verify(actor=people.worker_west, case=case, passed=True)
        assert deliver(city).delivered == 1
        assert [r["reply_seq"] for r in city.replies] == [1, 2]
        assert city.replies[1]["content"] == "已再次清理并加强巡查"
        order = HotlineOrder.objects.get()
        assert (order.reply_count, order.urge_count, order.return_count) == (2, 1, 1)


@pytest.mark.django_db(transaction=True)
def test_replies_to_a_wrong_token_are_kept_for_a_person(city, people, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        city.push_order({"order_id": "HL-E2E-2", "lon": 113.52, "lat": 34.79})
        close_case(people, Case.objects.get(external_ref="HL-E2E-2"))
        wrong_token = HttpJsonTransport(city.url, "wrong", paths=PATHS, timeout=5)
        report = deliver_pending(transport=wrong_token, backoff=BACKOFF)
        assert report.dead == 1
        assert city.replies == []
        assert Outbox.objects.get().state == "dead"

"""The transactional outbox: replies are written with the case change or not at all, and delivered with
exponential backoff, once each (a fake transport here; the real HTTP peer in test_link_e2e.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from gaoxin.cases import services as cases
from gaoxin.core import clock
from gaoxin.core.outbox import Backoff, SendResult
from gaoxin.hotline import services
from gaoxin.hotline.models import Outbox
from gaoxin.hotline.outbox import deliver_pending, outbox_retry_dead, outbox_status
from gaoxin.hotline.tests.conftest import ORDER
from gaoxin.hotline.tests.test_inbound import close_case


def receive(user, **overrides):
    body = {**ORDER, **overrides}
    args = {k: v for k, v in body.items() if k not in ("reply_deadline",)}
    return services.hotline_order_receive(actor=user, payload=body, **args)


class FakeCity:
    def __init__(self, outcomes):
        self.outcomes = list(outcomes)
        self.sent = []

    def send(self, *, kind, message_id, payload):
        self.sent.append(message_id)
        outcome = self.outcomes.pop(0) if self.outcomes else "delivered"
        return SendResult(outcome, outcome, connection_failed=outcome == "retry")


def test_closing_a_hotline_case_writes_one_reply(integration, people, frozen_now):
    user, _ = integration
    with frozen_now(2023, 3, 1, 9):
        case = receive(user).ack["case_id"]
        close_case(people, cases_get(case))
    row = Outbox.objects.get()
    assert (row.kind, row.state, row.attempts) == ("reply", "pending", 0)
    payload = row.payload
    assert (payload["order_id"], payload["result"], payload["content"], payload["handling_unit"],
            payload["reply_seq"]) == (ORDER["order_id"], "handled", "已劝离占道商贩", "石佛办事处", 1)
    assert payload["handled_at"] == "2023-03-01T09:00:00+08:00"
    assert payload["message_id"] == row.message_id


def cases_get(pk):
    from gaoxin.cases.models import Case

    return Case.objects.get(pk=pk)


def test_no_reply_when_the_change_rolls_back(integration, people, frozen_now):
    user, _ = integration
    with frozen_now(2023, 3, 1, 9):
        case = cases_get(receive(user).ack["case_id"])
        case = cases.case_register(actor=people.a_operator, case=case)
        case = cases.case_dispatch(actor=people.a_dispatcher, case=case)
        case = cases.case_accept(actor=people.street_a_handler, case=case)
        case = cases.case_feedback(actor=people.street_a_handler, case=case, result="已处理")
        with pytest.raises(RuntimeError), transaction.atomic():
            cases.case_verify(actor=people.worker_west, case=case, passed=True)
            assert Outbox.objects.count() == 1
            raise RuntimeError("the request dies after the service")
    assert Outbox.objects.count() == 0
    assert cases_get(case.pk).state == "handled"


def test_the_reply_is_written_with_the_change_and_nothing_waits_for_the_commit(
        integration, people, frozen_now, django_capture_on_commit_callbacks):
    # What must reach the city after a commit is the outbox row, committed in the service's own transaction;
    # no transition leaves work to an on-commit callback (which a crash right after the commit would lose).
    user, _ = integration
    with frozen_now(2023, 3, 1, 9):
        case = cases_get(receive(user).ack["case_id"])
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            case = cases.case_register(actor=people.a_operator, case=case)
            case = cases.case_dispatch(actor=people.a_dispatcher, case=case)
            case = cases.case_accept(actor=people.street_a_handler, case=case)
            case = cases.case_feedback(actor=people.street_a_handler, case=case, result="已处理")
            assert Outbox.objects.count() == 0
            case = cases.case_verify(actor=people.worker_west, case=case, passed=True)
    assert callbacks == []
    row = Outbox.objects.get()
    assert row.event is not None
    assert (row.event.case_id, row.event.action, row.order.case_id, row.state) == (case.pk, "verify_pass", case.pk,
                                                                                  "pending")


def test_rejecting_and_merged_orders_are_answered(integration, people, frozen_now):
    user, _ = integration
    with frozen_now(2023, 3, 1, 9):
        rejected = cases_get(receive(user, order_id="HL-R").ack["case_id"])
        cases.case_reject(actor=people.a_operator, case=rejected, reason="不属于本区")
        master = cases_get(receive(user, order_id="HL-M").ack["case_id"])
        merged = cases_get(receive(user, order_id="HL-D", content="同一处占道").ack["case_id"])
        cases.case_merge(actor=people.a_operator, case=merged, into=master)
        close_case(people, cases_get(master.pk))
    replies = {r.payload["order_id"]: r.payload for r in Outbox.objects.all()}
    assert set(replies) == {"HL-R", "HL-M", "HL-D"}
    assert (replies["HL-R"]["result"], replies["HL-R"]["content"]) == ("rejected", "不属于本区")
    assert replies["HL-D"]["merged_into"] == master.number
    assert replies["HL-D"]["result"] == "handled"


def test_delivery_backs_off_exponentially_then_delivers_once(integration, people, frozen_now):
    user, _ = integration
    backoff = Backoff(base_seconds=30, factor=2, cap_seconds=100)
    with frozen_now(2023, 3, 1, 9):
        close_case(people, cases_get(receive(user).ack["case_id"]))
        city = FakeCity(["retry", "retry", "retry", "delivered"])
        start = clock.now()
        waits = []
        for _ in range(4):
            report = deliver_pending(transport=city, backoff=backoff)
            row = Outbox.objects.get()
            waits.append((row.next_attempt_at - clock.now()).total_seconds())
            assert deliver_pending(transport=city, backoff=backoff).delivered == 0  # not due yet: not sent
            clock.advance(dt.timedelta(seconds=waits[-1]))
        assert waits[:3] == [30, 60, 100]
        assert report.delivered == 1
        assert len(city.sent) == 4
        assert len(set(city.sent)) == 1
        row = Outbox.objects.get()
        assert row.delivered_at is not None
        assert (row.state, row.attempts, row.delivered_at - start) == ("delivered", 4,
                                                                       dt.timedelta(seconds=190))
        assert deliver_pending(transport=city, backoff=backoff).delivered == 0
        assert len(city.sent) == 4


def test_permanent_refusal_is_set_aside_and_can_be_requeued(integration, people, frozen_now):
    user, _ = integration
    with frozen_now(2023, 3, 1, 9):
        close_case(people, cases_get(receive(user).ack["case_id"]))
        assert deliver_pending(transport=FakeCity(["dead"])).dead == 1
        assert outbox_status() == {"pending": 0, "delivered": 0, "dead": 1}
        assert outbox_retry_dead() == 1
        assert deliver_pending(transport=FakeCity(["delivered"])).delivered == 1


def test_without_a_city_url_nothing_is_sent_and_nothing_lost(integration, people, frozen_now, settings):
    settings.GAOXIN_HOTLINE_CITY_URL = ""
    user, _ = integration
    with frozen_now(2023, 3, 1, 9):
        close_case(people, cases_get(receive(user).ack["case_id"]))
        assert deliver_pending().delivered == 0
    assert Outbox.objects.get().state == "pending"

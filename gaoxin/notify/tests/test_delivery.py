"""Delivery of the text messages to the local SMS gateway over HTTP: sent once each, retried with backoff while the
gateway is down, set aside when it refuses a message for good, requeued by the administrator only."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.cases import services
from gaoxin.cases.tests.conftest import report
from gaoxin.core import clock, outbox
from gaoxin.core.errors import PermissionDenied
from gaoxin.core.outbox import Backoff, HttpJsonTransport
from gaoxin.notify.models import SmsMessage
from gaoxin.notify.services import sms_deliver_pending, sms_retry_dead
from gaoxin.notify.simulator import SmsGatewaySimulator

BACKOFF = Backoff(base_seconds=60, factor=2, cap_seconds=600)


@pytest.fixture
def gateway():
    simulator = SmsGatewaySimulator(token=TOKEN).start()
    yield simulator
    simulator.stop()


TOKEN = "sms-secret"  # noqa: S105  # the simulator's, in tests only


def transport(gateway, token=TOKEN):
    return HttpJsonTransport(gateway.url, token, paths=dict.fromkeys(SmsMessage.Kind.values, "/sms"), timeout=5)


def dispatched(people):
    return services.case_dispatch(actor=people.a_dispatcher,
                                  case=services.case_register(actor=people.a_operator, case=report(people.citizen)))


def test_a_message_reaches_the_gateway_once(phones, gateway, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        case = dispatched(phones)
        first = sms_deliver_pending(transport=transport(gateway), backoff=BACKOFF)
        again = sms_deliver_pending(transport=transport(gateway), backoff=BACKOFF)
    assert (first.delivered, first.retried, first.dead, again.delivered) == (1, 0, 0, 0)
    assert [m["text"] for m in gateway.received] == [
        f"【高新区】案件{case.number}（占道经营）已派遣至石佛办事处，请于03月01日11:00前办结。请登录平台签收。"]
    assert [m["phone"] for m in gateway.received] == ["13900000001"]
    message = SmsMessage.objects.get()
    assert (message.state, message.attempts, message.last_error) == ("delivered", 1, "")


def test_a_gateway_that_is_down_is_tried_again_after_the_backoff(phones, gateway, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        dispatched(phones)
        gateway.down = True
        failed = sms_deliver_pending(transport=transport(gateway), backoff=BACKOFF)
        message = SmsMessage.objects.get()
        assert (failed.retried, message.state, message.attempts) == (1, "pending", 1)
        assert message.next_attempt_at == clock.now() + dt.timedelta(seconds=60)
        assert message.last_error.startswith("HTTP 503")
        gateway.down = False
        early = sms_deliver_pending(transport=transport(gateway), backoff=BACKOFF)
    assert early.delivered == 0  # not due yet
    with frozen_now(2023, 3, 1, 9, 1):
        late = sms_deliver_pending(transport=transport(gateway), backoff=BACKOFF)
    assert late.delivered == 1
    assert len(gateway.received) == 1


def test_a_refused_number_is_set_aside_and_requeued_by_the_administrator_only(phones, gateway, frozen_now, make_user):
    phones.street_a_handler.phone = "0371-1234"  # a landline: no text messages
    phones.street_a_handler.save(update_fields=["phone"])
    with frozen_now(2023, 3, 1, 9):
        dispatched(phones)
        report_ = sms_deliver_pending(transport=transport(gateway), backoff=BACKOFF)
        message = SmsMessage.objects.get()
        assert (report_.dead, message.state) == (1, "dead")
        assert "not a mobile number" in message.last_error
        with pytest.raises(PermissionDenied):
            sms_retry_dead(actor=phones.a_dispatcher)
        assert SmsMessage.objects.get().state == "dead"
        admin = make_user("admin", phones.leader.org_unit, username="sms_admin")
        assert sms_retry_dead(actor=admin) == 1
    assert outbox.status(SmsMessage) == {"pending": 1, "delivered": 0, "dead": 0}


def test_a_wrong_token_is_refused_for_good(phones, gateway, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        dispatched(phones)
        result = sms_deliver_pending(transport=transport(gateway, token="wrong"), backoff=BACKOFF)
    assert (result.dead, gateway.received) == (1, [])


def test_without_a_gateway_the_messages_wait(phones, frozen_now, settings):
    settings.GAOXIN_SMS_URL = ""
    with frozen_now(2023, 3, 1, 9):
        dispatched(phones)
        result = sms_deliver_pending()
    assert (result.delivered, SmsMessage.objects.get().state) == (0, "pending")


def test_the_configured_gateway_is_used(phones, gateway, frozen_now, settings):
    settings.GAOXIN_SMS_URL = gateway.url
    settings.GAOXIN_SMS_TOKEN = TOKEN
    with frozen_now(2023, 3, 1, 9):
        dispatched(phones)
        assert sms_deliver_pending().delivered == 1
    assert len(gateway.received) == 1

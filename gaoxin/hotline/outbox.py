"""Outbound side of the 12345 link: the transactional outbox.

Capture. A case event that the city must hear about — 核查通过 (the case is closed: reply with the result) and
不予立案 (reply that it is not accepted) — is written by a case service inside its transaction; the case engine
then calls ``case_event_recorded`` (named in ``GAOXIN_CASE_EFFECTS``) in the same transaction, which writes the
``Outbox`` row. Either both
commit or neither does, so a reply can be neither lost nor sent for a change that did not happen. When a
master case closes, 12345 orders merged into it are answered too.

Delivery is ``core.outbox`` (lease, backoff, dead letters): ``deliver_pending`` sends the due replies to the city
platform over ``HttpJsonTransport`` (``POST {city}/replies``), which deduplicates by ``message_id``; permanent
refusals wait as ``dead`` for a person to look at (``gaoxin hotline status``)."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from django.db.models import F, Model
from django.utils import timezone

from gaoxin.cases.models import Case, CaseEvent, Channel
from gaoxin.cases.selectors import case_answer
from gaoxin.core import clock
from gaoxin.core import outbox as core_outbox
from gaoxin.core.outbox import Backoff, DeliveryReport, HttpJsonTransport, Transport
from gaoxin.hotline import conf
from gaoxin.hotline.models import HotlineOrder, Outbox

logger = logging.getLogger(__name__)

REPLY_ACTIONS = frozenset({"verify_pass", "reject"})


# --- capture -------------------------------------------------------------------------------------------------

def case_event_recorded(*, case: Case, event: Model) -> None:
    """Called by the case engine for every event it writes, in its transaction (``GAOXIN_CASE_EFFECTS``): a
    closed or rejected 12345 case — and 12345 cases merged into a closed one — gets its reply queued."""
    if not isinstance(event, CaseEvent) or event.action not in REPLY_ACTIONS:
        return
    targets = [case] if case.channel == Channel.HOTLINE_12345 else []
    if event.action == "verify_pass":
        targets += list(Case.objects.filter(merged_into_id=case.pk, channel=Channel.HOTLINE_12345))
    for target in targets:
        reply_enqueue(case=target, master=case, event=event)


def _result_text(master: Case, event: CaseEvent) -> str:
    if event.action == "reject":
        return event.note
    return case_answer(case_id=master.pk) or "已办结"


def reply_enqueue(*, case: Case, master: Case, event: CaseEvent) -> Outbox | None:
    """Write the reply for ``case`` (answered by ``master``'s ``event``) to the outbox, in the caller's
    transaction."""
    order = HotlineOrder.objects.filter(case_id=case.pk).first()
    if order is None:
        logger.warning("case %s is on the 12345 channel but was not pushed by the city; no reply sent", case.number)
        return None
    HotlineOrder.objects.filter(pk=order.pk).update(reply_count=F("reply_count") + 1)
    unit = master.assignee or master.center
    now = clock.now()
    payload: dict[str, Any] = {
        "message_id": uuid.uuid4().hex,
        "type": "reply",
        "order_id": order.order_id,
        "case_number": case.number,
        "reply_seq": order.reply_count + 1,
        "result": "rejected" if event.action == "reject" else "handled",
        "content": _result_text(master, event),
        "handling_unit": unit.name,
        "handled_at": timezone.localtime(event.at).isoformat(),
        "merged_into": master.number if master.pk != case.pk else None,
    }
    return Outbox.objects.create(message_id=str(payload["message_id"]), kind="reply", order=order, event=event,
                                 payload=payload, next_attempt_at=now, created_at=now)


# --- delivery ------------------------------------------------------------------------------------------------

def deliver_pending(*, transport: Transport | None = None, backoff: Backoff | None = None, limit: int = 100,
                    now: dt.datetime | None = None) -> DeliveryReport:
    """Send the due replies once each (``core.outbox.deliver_pending``); without a city URL they wait."""
    if transport is None:
        if not conf.city_url():
            logger.warning("GAOXIN_HOTLINE_CITY_URL is not set: 12345 replies stay in the outbox")
            return DeliveryReport()
        transport = HttpJsonTransport(conf.city_url(), conf.city_token(), paths={"reply": "/replies"})
    return core_outbox.deliver_pending(Outbox, transport=transport, backoff=backoff or conf.backoff(), limit=limit,
                                       now=now)


def outbox_retry_dead() -> int:
    """Put dead replies back in the queue (after the cause was fixed)."""
    return core_outbox.retry_dead(Outbox)


def outbox_status() -> dict[str, int]:
    return core_outbox.status(Outbox)

"""Outbound side of the 12345 link: the transactional outbox.

Capture. A case event that the city must hear about — 核查通过 (the case is closed: reply with the result) and
不予立案 (reply that it is not accepted) — is written by a case service inside its transaction; the case engine
then calls ``case_event_recorded`` (named in ``GAOXIN_CASE_EFFECTS``) in the same transaction, which writes the
``Outbox`` row. Either both
commit or neither does, so a reply can be neither lost nor sent for a change that did not happen. When a
master case closes, 12345 orders merged into it are answered too.

Delivery. ``deliver_pending`` claims due rows (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite
serialises writers) by pushing their next attempt one lease ahead, sends each to the city platform, and marks
it delivered, or schedules the next attempt with exponential backoff (``delivery.Backoff``, injected in tests;
the transport is any ``delivery.Transport``, by default ``transport.HttpTransport``). A process that dies between
sending and marking leaves the row to be sent again after the lease: the city platform deduplicates by
``message_id``, so each reply takes effect once. Permanent refusals (4xx other than
408/409/425/429) are set aside as ``dead`` for a person to look at (``gaoxin hotline status``)."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from gaoxin.cases.models import Case, CaseEvent, Channel
from gaoxin.core import clock
from gaoxin.hotline import conf
from gaoxin.hotline.delivery import Backoff, Transport
from gaoxin.hotline.models import HotlineOrder, Outbox
from gaoxin.hotline.transport import HttpTransport

logger = logging.getLogger(__name__)

REPLY_ACTIONS = frozenset({"verify_pass", "reject"})
LEASE = dt.timedelta(minutes=5)


# --- capture -------------------------------------------------------------------------------------------------

def case_event_recorded(*, case: Case, event: CaseEvent) -> None:
    """Called by the case engine for every event it writes, in its transaction (``GAOXIN_CASE_EFFECTS``): a
    closed or rejected 12345 case — and 12345 cases merged into a closed one — gets its reply queued."""
    if event.action not in REPLY_ACTIONS:
        return
    targets = [case] if case.channel == Channel.HOTLINE_12345 else []
    if event.action == "verify_pass":
        targets += list(Case.objects.filter(merged_into_id=case.pk, channel=Channel.HOTLINE_12345))
    for target in targets:
        reply_enqueue(case=target, master=case, event=event)


def _result_text(master: Case, event: CaseEvent) -> str:
    if event.action == "reject":
        return event.note
    feedback = (CaseEvent.objects.filter(case_id=master.pk, action="feedback").order_by("-seq")
                .values_list("note", flat=True).first())
    return feedback or "已办结"


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

@dataclass
class DeliveryReport:
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    messages: list[str] = field(default_factory=list)


def _claim(now: dt.datetime, limit: int) -> list[Outbox]:
    with transaction.atomic():
        qs = Outbox.objects.filter(state=Outbox.State.PENDING, next_attempt_at__lte=now).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        rows = list(qs[:limit])
        if rows:
            Outbox.objects.filter(pk__in=[r.pk for r in rows]).update(next_attempt_at=now + LEASE)
    return rows


def deliver_pending(*, transport: Transport | None = None, backoff: Backoff | None = None, limit: int = 100,
                    now: dt.datetime | None = None) -> DeliveryReport:
    """Send the due outbox messages once each; see the module docstring."""
    report = DeliveryReport()
    if transport is None:
        if not conf.city_url():
            logger.warning("GAOXIN_HOTLINE_CITY_URL is not set: 12345 replies stay in the outbox")
            return report
        transport = HttpTransport(conf.city_url(), conf.city_token())
    backoff = backoff or Backoff.from_settings()
    moment = now or clock.now()
    rows = _claim(moment, limit)
    for index, row in enumerate(rows):
        result = transport.send(kind=row.kind, message_id=row.message_id, payload=row.payload)
        attempts = row.attempts + 1
        if result.outcome == "delivered":
            Outbox.objects.filter(pk=row.pk).update(state=Outbox.State.DELIVERED, attempts=attempts,
                                                    delivered_at=clock.now(), last_error="")
            report.delivered += 1
            report.messages.append(row.message_id)
        elif result.outcome == "dead":
            Outbox.objects.filter(pk=row.pk).update(state=Outbox.State.DEAD, attempts=attempts,
                                                    last_error=result.detail[:500])
            report.dead += 1
            logger.error("12345 message %s refused for good: %s", row.message_id, result.detail)
        else:
            retry_at = moment + backoff.delay(attempts)
            Outbox.objects.filter(pk=row.pk).update(attempts=attempts, next_attempt_at=retry_at,
                                                    last_error=result.detail[:500])
            report.retried += 1
            if result.connection_failed:
                # The platform is unreachable: give the rest of the batch back without spending attempts.
                _release(rows[index + 1:], retry_at)
                break
    return report


def _release(rows: Iterable[Outbox], at: dt.datetime) -> None:
    ids = [r.pk for r in rows]
    if ids:
        Outbox.objects.filter(pk__in=ids, state=Outbox.State.PENDING).update(next_attempt_at=at)


def outbox_retry_dead() -> int:
    """Put dead messages back in the queue (after the cause was fixed)."""
    return Outbox.objects.filter(state=Outbox.State.DEAD).update(state=Outbox.State.PENDING,
                                                                 next_attempt_at=clock.now())


def outbox_status() -> dict[str, int]:
    counts = dict.fromkeys(Outbox.State.values, 0)
    for row in Outbox.objects.values("state").order_by().annotate(n=Count("pk")):
        counts[row["state"]] = row["n"]
    return counts




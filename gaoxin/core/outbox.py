"""The transactional outbox, shared by every outbound channel (the 12345 replies of ``hotline``, the text messages
of ``notify``; later the bank and the scheduler).

Capture. A service writes the message row (a concrete ``OutboxMessage``) inside the transaction of the change it
reports, so both commit or neither does: a message can be neither lost nor sent for a change that did not happen.
The row's ``message_id`` is what the receiver deduplicates by.

Delivery. ``deliver_pending`` claims due rows (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite
serialises writers) by pushing their next attempt one lease ahead, sends each through a ``Transport``, and marks
it delivered, or schedules the next attempt with exponential backoff (``Backoff``). A process that dies between
sending and marking leaves the row to be sent again after the lease; the receiver deduplicates by message id, so
each message takes effect once. Permanent refusals (4xx other than 408/409/425/429) are set aside as ``dead`` for
a person to look at and requeue (``retry_dead``) once the cause is fixed."""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import connection, models, transaction
from django.db.models import Count

from gaoxin.core import clock

logger = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=5)


class OutboxMessage(models.Model):
    """One outbound message and its delivery state. A channel's model adds what the message is about."""

    class State(models.TextChoices):
        PENDING = "pending", "待发送"
        DELIVERED = "delivered", "已送达"
        DEAD = "dead", "发送失败（需人工处理）"

    message_id = models.CharField("消息编号", max_length=64, unique=True)
    kind = models.CharField("类型", max_length=20)
    payload = models.JSONField("内容")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试")
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间")
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id} {self.state}"


@dataclass(frozen=True)
class Backoff:
    """Delay before attempt ``n + 1`` after ``n`` failed attempts: ``base × factor^(n−1)``, at most ``cap``."""

    base_seconds: float = 30.0
    factor: float = 2.0
    cap_seconds: float = 3600.0

    def delay(self, failed_attempts: int) -> dt.timedelta:
        seconds = self.base_seconds * self.factor ** max(0, failed_attempts - 1)
        return dt.timedelta(seconds=min(self.cap_seconds, seconds))


@dataclass(frozen=True)
class SendResult:
    outcome: str  # delivered | retry | dead
    detail: str = ""
    connection_failed: bool = False


class Transport(Protocol):
    def send(self, *, kind: str, message_id: str, payload: dict[str, Any]) -> SendResult: ...


RETRY_STATUSES = frozenset({408, 425, 429})


class HttpJsonTransport:
    """POST the payload as JSON to ``base_url + paths[kind]`` with a bearer token and the message id as
    ``Idempotency-Key`` (stdlib only). 2xx and 409 (received before, the answer was lost) are delivered; 5xx,
    408, 425, 429 and a connection failure are retried; any other status is dead."""

    def __init__(self, base_url: str, token: str = "", *, paths: dict[str, str] | None = None,
                 timeout: float = 10.0) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("the receiver's URL must be http(s)")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.paths = paths or {}
        self.timeout = timeout

    def send(self, *, kind: str, message_id: str, payload: dict[str, Any]) -> SendResult:
        body = json.dumps(payload, ensure_ascii=False).encode()
        url = self.base_url + self.paths.get(kind, f"/{kind}")
        request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310  # http(s), checked above
        request.add_header("Content-Type", "application/json; charset=utf-8")
        request.add_header("Idempotency-Key", message_id)
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310  # http(s) only
                return SendResult("delivered", f"HTTP {response.status}")
        except urllib.error.HTTPError as exc:
            detail = f"HTTP {exc.code}: {exc.read(300).decode(errors='replace')}"
            if exc.code == 409:
                return SendResult("delivered", detail)
            if exc.code >= 500 or exc.code in RETRY_STATUSES:
                return SendResult("retry", detail)
            return SendResult("dead", detail)
        except (urllib.error.URLError, OSError) as exc:
            return SendResult("retry", f"connection: {exc}", connection_failed=True)


@dataclass
class DeliveryReport:
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    messages: list[str] = field(default_factory=list)


def _claim(model: type[OutboxMessage], now: dt.datetime, limit: int) -> list[OutboxMessage]:
    with transaction.atomic():
        qs = model._default_manager.filter(state=OutboxMessage.State.PENDING, next_attempt_at__lte=now).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        rows = list(qs[:limit])
        if rows:
            model._default_manager.filter(pk__in=[r.pk for r in rows]).update(next_attempt_at=now + LEASE)
    return rows


def deliver_pending(model: type[OutboxMessage], *, transport: Transport, backoff: Backoff, limit: int = 100,
                    now: dt.datetime | None = None) -> DeliveryReport:
    """Send the due messages of ``model`` once each; see the module docstring."""
    report = DeliveryReport()
    moment = now or clock.now()
    rows = _claim(model, moment, limit)
    for index, row in enumerate(rows):
        result = transport.send(kind=row.kind, message_id=row.message_id, payload=row.payload)
        attempts = row.attempts + 1
        if result.outcome == "delivered":
            model._default_manager.filter(pk=row.pk).update(state=OutboxMessage.State.DELIVERED, attempts=attempts,
                                                   delivered_at=clock.now(), last_error="")
            report.delivered += 1
            report.messages.append(row.message_id)
        elif result.outcome == "dead":
            model._default_manager.filter(pk=row.pk).update(state=OutboxMessage.State.DEAD, attempts=attempts,
                                                   last_error=result.detail[:500])
            report.dead += 1
            logger.error("%s %s refused for good: %s", model._meta.label, row.message_id, result.detail)
        else:
            retry_at = moment + backoff.delay(attempts)
            model._default_manager.filter(pk=row.pk).update(attempts=attempts, next_attempt_at=retry_at,
                                                   last_error=result.detail[:500])
            report.retried += 1
            if result.connection_failed:
                # The receiver is unreachable: give the rest of the batch back without spending attempts.
                _release(model, rows[index + 1:], retry_at)
                break
    return report


def _release(model: type[OutboxMessage], rows: Iterable[OutboxMessage], at: dt.datetime) -> None:
    ids = [r.pk for r in rows]
    if ids:
        model._default_manager.filter(pk__in=ids, state=OutboxMessage.State.PENDING).update(next_attempt_at=at)


def retry_dead(model: type[OutboxMessage]) -> int:
    """Put the dead messages back in the queue (after the cause was fixed); how many."""
    return model._default_manager.filter(state=OutboxMessage.State.DEAD).update(state=OutboxMessage.State.PENDING,
                                                                        next_attempt_at=clock.now())


def status(model: type[OutboxMessage]) -> dict[str, int]:
    """Message counts by state (every state, zeros included)."""
    counts = dict.fromkeys(OutboxMessage.State.values, 0)
    for row in model._default_manager.values("state").order_by().annotate(n=Count("pk")):
        counts[row["state"]] = row["n"]
    return counts

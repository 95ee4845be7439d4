"""What delivering an outbound message means, shared by the outbox (``outbox.deliver_pending``) and the
transports that send (``transport.HttpTransport``, the fakes in tests): the result of one send, the transport
protocol, and the backoff between attempts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from gaoxin.hotline import conf


@dataclass(frozen=True)
class Backoff:
    """Delay before attempt ``n + 1`` after ``n`` failed attempts: ``base × factor^(n−1)``, at most ``cap``."""

    base_seconds: float = 30.0
    factor: float = 2.0
    cap_seconds: float = 3600.0

    def delay(self, failed_attempts: int) -> dt.timedelta:
        seconds = self.base_seconds * self.factor ** max(0, failed_attempts - 1)
        return dt.timedelta(seconds=min(self.cap_seconds, seconds))

    @classmethod
    def from_settings(cls) -> Backoff:
        return cls(base_seconds=conf.backoff_base_seconds(), cap_seconds=conf.backoff_cap_seconds())


@dataclass(frozen=True)
class SendResult:
    outcome: str  # delivered | retry | dead
    detail: str = ""
    connection_failed: bool = False


class Transport(Protocol):
    def send(self, *, kind: str, message_id: str, payload: dict[str, Any]) -> SendResult: ...

"""Writes of the SMS outbox: delivering the due messages, requeueing the dead ones."""

from __future__ import annotations

import datetime as dt
import logging

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core import outbox
from gaoxin.core.errors import PermissionDenied
from gaoxin.core.outbox import Backoff, DeliveryReport, Transport
from gaoxin.notify import conf
from gaoxin.notify.gateway import configured_gateway
from gaoxin.notify.models import SmsMessage

logger = logging.getLogger(__name__)

OUTBOX_ROLES = frozenset({Role.ADMIN})


def sms_deliver_pending(*, transport: Transport | None = None, backoff: Backoff | None = None, limit: int = 100,
                        now: dt.datetime | None = None) -> DeliveryReport:
    """Send the due text messages once each through the gateway; without one configured they wait."""
    transport = transport or configured_gateway()
    if transport is None:
        logger.warning("GAOXIN_SMS_URL is not set: text messages stay in the outbox")
        return DeliveryReport()
    return outbox.deliver_pending(SmsMessage, transport=transport, backoff=backoff or conf.backoff(), limit=limit,
                                  now=now)


def sms_retry_dead(*, actor: User) -> int:
    """重新发送: the administrator puts the messages the gateway refused back in the queue (after fixing the cause,
    e.g. the signature or the account); how many."""
    if actor.role not in OUTBOX_ROLES and not actor.is_superuser:
        raise PermissionDenied("只有平台管理员可以重新发送短信", field="state", code="sms_role")
    return outbox.retry_dead(SmsMessage)

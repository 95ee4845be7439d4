"""The SMS gateway adapter. ``GAOXIN_SMS_GATEWAY`` names a factory (dotted path) returning a ``core.outbox.Transport``
for the deployment's gateway; the default speaks the zone's HTTP JSON interface (docs/SMS.md): ``POST {url}/sms``
with ``{message_id, phone, sign, text}``, the message id as ``Idempotency-Key``, a bearer token. A provider with
another interface (阿里云、腾讯云 or an operator's SMSC) gets its own factory; ``notify.simulator`` speaks the
default interface for tests and the demo."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from gaoxin.core.outbox import HttpJsonTransport, Transport
from gaoxin.notify import conf
from gaoxin.notify.models import SmsMessage

logger = logging.getLogger(__name__)


def http_gateway() -> Transport | None:
    """The default adapter, or ``None`` (messages wait) when ``GAOXIN_SMS_URL`` is not set."""
    if not conf.gateway_url():
        return None
    return HttpJsonTransport(conf.gateway_url(), conf.gateway_token(),
                             paths=dict.fromkeys(SmsMessage.Kind.values, "/sms"))


def configured_gateway() -> Transport | None:
    factory = import_string(getattr(settings, "GAOXIN_SMS_GATEWAY", "gaoxin.notify.gateway.http_gateway"))
    return factory()  # type: ignore[no-any-return]

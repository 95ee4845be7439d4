"""Settings of the SMS gateway, from Django settings when set there (tests) or the environment."""

from __future__ import annotations

import os

from django.conf import settings

from gaoxin.core.outbox import Backoff


def _get(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    return str(value) if value is not None else os.environ.get(name, default)


def gateway_url() -> str:
    """Base URL of the SMS gateway on the government network, e.g. ``http://sms.zone.gov.cn/api``; empty: the
    messages wait in the outbox."""
    return _get("GAOXIN_SMS_URL", "").rstrip("/")


def gateway_token() -> str:
    return _get("GAOXIN_SMS_TOKEN", "")


def signature() -> str:
    """The registered signature (短信签名) the gateway puts in 【】 before each text."""
    return _get("GAOXIN_SMS_SIGN", "高新区")


def backoff() -> Backoff:
    return Backoff(base_seconds=float(_get("GAOXIN_SMS_BACKOFF_BASE", "30")),
                   cap_seconds=float(_get("GAOXIN_SMS_BACKOFF_CAP", "3600")))

"""Settings of the 12345 link, from Django settings when set there (tests) or the environment."""

from __future__ import annotations

import os

from django.conf import settings

from gaoxin.core.outbox import Backoff


def _get(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    return str(value) if value is not None else os.environ.get(name, default)


def city_url() -> str:
    """Base URL of the city platform's interface for the zone, e.g. ``http://12345.city.gov.cn/zone-api``."""
    return _get("GAOXIN_HOTLINE_CITY_URL", "").rstrip("/")


def city_token() -> str:
    """Bearer token the zone presents to the city platform."""
    return _get("GAOXIN_HOTLINE_CITY_TOKEN", "")


def integration_username() -> str:
    return _get("GAOXIN_HOTLINE_USER", "hotline-12345")


def backoff() -> Backoff:
    """Delays between attempts at a reply: ``GAOXIN_HOTLINE_BACKOFF_BASE`` (30 s), doubling up to
    ``GAOXIN_HOTLINE_BACKOFF_CAP`` (3,600 s)."""
    return Backoff(base_seconds=float(_get("GAOXIN_HOTLINE_BACKOFF_BASE", "30")),
                   cap_seconds=float(_get("GAOXIN_HOTLINE_BACKOFF_CAP", "3600")))

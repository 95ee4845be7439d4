"""The platform's one source of "now". Tests freeze it with ``clock.frozen(dt)`` instead of reading the wall
clock; the simulation advances it through the simulated year."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    return _frozen if _frozen is not None else timezone.now()


@contextlib.contextmanager
def frozen(moment: dt.datetime) -> Iterator[None]:
    global _frozen
    if timezone.is_naive(moment):
        raise ValueError("clock.frozen needs an aware datetime")
    previous, _frozen = _frozen, moment
    try:
        yield
    finally:
        _frozen = previous


def advance(delta: dt.timedelta) -> None:
    """Move a frozen clock forward (tests only)."""
    global _frozen
    if _frozen is None:
        raise RuntimeError("clock.advance needs a frozen clock")
    _frozen = _frozen + delta


def frozen_at() -> dt.datetime | None:
    """The moment the clock is frozen at, or None when it follows the wall clock."""
    return _frozen


def release() -> None:
    """Unfreeze the clock whatever froze it (the test runner's safety net)."""
    global _frozen
    _frozen = None

"""The one rate limiter: a fixed-window counter that holds across processes and servers.

``hit(key, limit=…, window_seconds=…)`` counts one hit of ``key`` in the current window and says whether it is
within ``limit``. Windows are aligned on the epoch (an hourly window runs from one full hour to the next) and "now"
is ``clock.now()``. The count lives where every worker of every server sees it:

- with ``REDIS_URL`` (the cache is django-redis): one Redis key per window, ``INCR`` and ``EXPIRE`` in one
  ``MULTI``/``EXEC`` through django-redis' client; the key expires after its window;
- otherwise in the database (``core.RateCounter``): one ``INSERT … ON CONFLICT DO UPDATE SET count = count + 1
  RETURNING count`` (SQLite and PostgreSQL), atomic per row; rows of past windows are purged hourly
  (``purge_expired``, huey task ``core.tasks.rate_counters_purge``).

Never the process-local cache: with five gunicorn workers it let five times the limit through. A refused hit is
counted too (a client that keeps knocking stays refused). Call ``hit`` outside a transaction: inside one, the count
commits or rolls back with it (and on PostgreSQL the counter row stays locked until it ends).

Keys are the caller's (``web:public-report:<digest>``, ``open311:anonymous:<digest>``); a client address goes in only
as ``digest(address)``, so that neither Redis nor the table holds addresses in clear."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.db.models import Field

from gaoxin.core import clock
from gaoxin.core.models import RateCounter

KEY_MAX = 200
BACKENDS = ("redis", "database")


@dataclass(frozen=True)
class RateResult:
    allowed: bool
    count: int  # hits of the key in this window, this one included
    limit: int
    reset_at: dt.datetime  # when the window ends and counting starts again
    retry_after: int  # whole seconds until reset_at (at least 1): what a refusal's Retry-After says

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)


def digest(value: str) -> str:
    """A keyed hash (HMAC-SHA256 with the secret key, 32 hex digits) of a client address or similar, for keys."""
    return hmac.new(settings.SECRET_KEY.encode(), (value or "-").encode(), hashlib.sha256).hexdigest()[:32]


def backend() -> str:
    """``redis`` when the cache is django-redis (``REDIS_URL``), else ``database``."""
    cache_backend = str(settings.CACHES.get("default", {}).get("BACKEND", ""))
    return "redis" if cache_backend.startswith("django_redis.") else "database"


def hit(key: str, *, limit: int, window_seconds: int, using: str | None = None) -> RateResult:
    """Count one hit of ``key`` in the current window of ``window_seconds``; allowed while the count is at most
    ``limit``. ``using`` forces a backend (``redis`` or ``database``); by default ``backend()``."""
    if not key or len(key) > KEY_MAX:
        raise ValueError(f"a rate-limit key has 1 to {KEY_MAX} characters")
    if window_seconds < 1 or limit < 0:
        raise ValueError("a rate limit needs window_seconds >= 1 and limit >= 0")
    store = using or backend()
    if store not in BACKENDS:
        raise ValueError(f"unknown rate-limit backend {store!r}")
    now = clock.now()
    index = math.floor(now.timestamp()) // window_seconds
    window_start = dt.datetime.fromtimestamp(index * window_seconds, tz=dt.UTC)
    reset_at = window_start + dt.timedelta(seconds=window_seconds)
    if store == "redis":
        count = _count_redis(f"ratelimit:{key}:{index}", window_seconds)
    else:
        count = _count_database(key, window_start, reset_at)
    return RateResult(allowed=count <= limit, count=count, limit=limit, reset_at=reset_at,
                      retry_after=max(1, math.ceil((reset_at - now).total_seconds())))


def _count_redis(name: str, window_seconds: int) -> int:
    from django.core.cache import cache
    from django_redis import get_redis_connection

    client = get_redis_connection("default")
    redis_key = str(cache.make_key(name))  # the cache's prefix and version (each test worker keeps its own keys)
    pipe = client.pipeline(transaction=True)
    pipe.incr(redis_key)
    pipe.expire(redis_key, window_seconds)
    count, _expiry_set = pipe.execute()
    return int(count)


def _count_database(key: str, window_start: dt.datetime, expires_at: dt.datetime) -> int:
    connection = connections[router.db_for_write(RateCounter)]
    meta = RateCounter._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)

    def prepped(name: str, value: dt.datetime) -> Any:
        field = meta.get_field(name)
        assert isinstance(field, Field)
        return field.get_db_prep_save(value, connection)

    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quote('key')}, {quote('window_start')}, {quote('expires_at')}, {quote('count')}) "  # noqa: S608  # names only
            f"VALUES (%s, %s, %s, 1) ON CONFLICT ({quote('key')}, {quote('window_start')}) "
            f"DO UPDATE SET {quote('count')} = {table}.{quote('count')} + 1 RETURNING {quote('count')}",
            [key, prepped("window_start", window_start), prepped("expires_at", expires_at)],
        )
        row = cursor.fetchone()
    return int(row[0])


def purge_expired(*, now: dt.datetime | None = None) -> int:
    """Delete the database counters of windows that are over; how many."""
    deleted, _ = RateCounter.objects.filter(expires_at__lte=now or clock.now()).delete()
    return deleted

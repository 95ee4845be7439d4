"""When the platform cannot write — the database is down, restarting or out of disk, the task queue's store is
unreachable — a request is answered 503 with ``Retry-After`` (the API's problem+json, Open311's error list, a
short page), never a 500: its transaction rolled back, so nothing is half-written, and a client that retries
(with its ``Idempotency-Key``) is served once the cause is gone. ``is_unavailable`` tells such a failure from a
bug, which stays a 500."""

from __future__ import annotations

import sqlite3

from django.db import InterfaceError, OperationalError

RETRY_AFTER_SECONDS = 5
MESSAGE = "系统暂时无法保存（数据库不可用或磁盘已满），请稍后重试；已确认保存的内容不会丢失"

# What SQLite says when it cannot write for a reason outside the program (a missing table or a syntax error are
# bugs, and say something else).
SQLITE_UNAVAILABLE = ("database or disk is full", "disk i/o error", "readonly database", "unable to open database",
                      "database is locked", "no space left on device")


def is_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) means the data store cannot be reached or written just now."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if _unavailable_here(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _unavailable_here(exc: BaseException) -> bool:
    text = str(exc).lower()
    if isinstance(exc, InterfaceError):  # the connection is gone
        return True
    if isinstance(exc, (sqlite3.OperationalError, OperationalError, OSError)) and any(
            marker in text for marker in SQLITE_UNAVAILABLE):
        return True
    return isinstance(exc, _DRIVER_UNAVAILABLE)


def _driver_errors() -> tuple[type[BaseException], ...]:
    """psycopg's OperationalError is about the connection and the server (shutdown, disk full, no connection),
    never the SQL; Redis' connection errors (the cache, the task queue)."""
    found: list[type[BaseException]] = []
    try:
        import psycopg

        found += [psycopg.OperationalError, psycopg.InterfaceError]
    except ImportError:  # SQLite-only installation
        pass
    try:
        import redis

        found += [redis.ConnectionError, redis.TimeoutError]
    except ImportError:
        pass
    return tuple(found)


_DRIVER_UNAVAILABLE = _driver_errors()

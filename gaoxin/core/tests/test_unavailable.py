"""Which failures mean "cannot write just now" (503) and which are bugs (500)."""

from __future__ import annotations

import sqlite3

import psycopg
import redis
from django.db import DatabaseError, InterfaceError, OperationalError

from gaoxin.core.unavailable import is_unavailable


def caused_by(outer: BaseException, cause: BaseException) -> BaseException:
    outer.__cause__ = cause
    return outer


def test_the_store_out_of_reach_is_unavailable():
    assert is_unavailable(sqlite3.OperationalError("database or disk is full"))
    assert is_unavailable(caused_by(OperationalError("x"), sqlite3.OperationalError("disk I/O error")))
    assert is_unavailable(caused_by(OperationalError("x"), psycopg.errors.AdminShutdown("terminating")))
    assert is_unavailable(psycopg.OperationalError("connection refused"))
    assert is_unavailable(InterfaceError("connection already closed"))
    assert is_unavailable(redis.ConnectionError("Error 111 connecting"))
    assert is_unavailable(caused_by(RuntimeError("task enqueue"), OSError(28, "No space left on device")))


def test_bugs_stay_bugs():
    assert not is_unavailable(None)
    assert not is_unavailable(ValueError("bad"))
    assert not is_unavailable(caused_by(OperationalError("x"), sqlite3.OperationalError("no such table: cases")))
    assert not is_unavailable(DatabaseError("value too long"))
    assert not is_unavailable(psycopg.errors.UndefinedTable("no such table"))

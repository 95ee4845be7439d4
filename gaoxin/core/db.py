"""Database expressions shared by the apps."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db import OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    AutoField,
    BigAutoField,
    BooleanField,
    CharField,
    DateField,
    Field,
    ForeignKey,
    IntegerField,
    Model,
    TextField,
)
from django.db.models.functions import TruncDate, TruncMonth, TruncYear

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType  # the stubs' name for (sql, params)

SHANGHAI = ZoneInfo("Asia/Shanghai")


class ShanghaiDate(TruncDate):
    """The calendar date in Asia/Shanghai of a datetime column.

    On PostgreSQL this is Django's ``TruncDate`` (``AT TIME ZONE``). On SQLite Django would call a Python function
    per row; Shanghai has kept UTC+8 without daylight saving since 1991, so there the date is plain SQL arithmetic
    on the stored UTC text, which the database evaluates without leaving C.
    """

    def __init__(self, expression: Combinable | str, **extra: Any) -> None:
        super().__init__(expression, tzinfo=SHANGHAI, **extra)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> _AsSqlType:
        sql, params = compiler.compile(self.lhs)
        return f"date({sql}, '+8 hours')", params


class ShanghaiMonth(TruncMonth):
    """The first day of the calendar month in Asia/Shanghai of a datetime column, as a date (see ShanghaiDate)."""

    output_field = DateField()

    def __init__(self, expression: Combinable | str, **extra: Any) -> None:
        super().__init__(expression, output_field=DateField(), tzinfo=SHANGHAI, **extra)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> _AsSqlType:
        sql, params = compiler.compile(self.lhs)
        return f"strftime('%%Y-%%m-01', {sql}, '+8 hours')", params


class FirstOfMonth(TruncMonth):
    """The first day of a date column's month. On SQLite plain SQL instead of Django's per-row Python function."""

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> _AsSqlType:
        sql, params = compiler.compile(self.lhs)
        return f"strftime('%%Y-%%m-01', {sql})", params


class FirstOfYear(TruncYear):
    """The first day of a date column's year (see FirstOfMonth)."""

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> _AsSqlType:
        sql, params = compiler.compile(self.lhs)
        return f"strftime('%%Y-01-01', {sql})", params


def _plain_type(field: Field[Any, Any]) -> type | None:
    """The Python type whose values ``field`` stores unchanged (``get_db_prep_save(v) == v``), or None."""
    if isinstance(field, ForeignKey):
        target = field.target_field
        return int if isinstance(target, AutoField | BigAutoField) else None
    if isinstance(field, BooleanField):
        return bool
    if isinstance(field, IntegerField):
        return int
    if type(field) in (CharField, TextField):
        return str
    return None


def insert_many(model: type[Model], rows: Sequence[Mapping[str, Any]], *, batch_size: int = 5000) -> None:
    """Insert new rows of ``model``, given as field values by attribute name (``entry_id``; a field left out takes
    its default), in the caller's transaction, through the cursor's ``executemany`` of one prepared statement: a
    hot path's rows whose keys the caller does not need back (history events), without building a model instance
    per row as ``bulk_create`` does. The values are prepared by the fields themselves (``get_db_prep_save``), so
    what is stored is what ``bulk_create`` stores — except a value that is already what its field stores (a
    ``str`` for a text field, an ``int`` for an integer or a key, a ``bool``, a ``None`` the field stores as
    NULL), passed as it is: the same, without the call (a third of a bulk load's time). No signals are sent, no
    ``pre_save`` runs (no ``auto_now``)."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoField | BigAutoField)]
    defaults = {f.attname: f.get_default() for f in fields}
    plain = [(f.attname, _plain_type(f), f, defaults[f.attname], f.get_db_prep_save(None, connection) is None)
             for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 - metadata

    def prepared(row: Mapping[str, Any]) -> list[Any]:
        out = []
        for name, kind, field, default, stores_none in plain:
            value = row.get(name, default)
            if (value is None and stores_none) or (kind is not None and type(value) is kind):
                out.append(value)
            else:
                out.append(field.get_db_prep_save(value, connection))
        return out

    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            cursor.executemany(sql, [prepared(row) for row in rows[start:start + batch_size]])


@contextmanager
def rollback_journal_for_bulk_load(db: BaseDatabaseWrapper = connection) -> Iterator[bool]:
    """For a bulk load on SQLite: the rollback journal instead of the write-ahead log while the block runs, WAL
    again afterwards. In WAL mode every page of a load is written twice, to the log and again into the database
    at the checkpoint after the commit (a gigabyte for the simulated year); with the rollback journal the new pages
    go straight into the database file and the journal keeps only the few pages that existed before. Both modes
    are transactional. SQLite changes the mode only when no other connection has the database open (otherwise the
    load runs in WAL mode as usual) and never inside a transaction: the block must not be inside one. Yields
    whether the mode was changed."""
    switched = False
    if db.vendor == "sqlite" and not db.in_atomic_block:
        with db.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            if cursor.fetchone()[0] == "wal":
                cursor.execute("PRAGMA busy_timeout")
                (timeout,) = cursor.fetchone()
                cursor.execute("PRAGMA busy_timeout=0")  # another connection: no wait, the load stays in WAL
                try:
                    cursor.execute("PRAGMA journal_mode=DELETE")
                    switched = cursor.fetchone()[0] == "delete"
                except OperationalError:
                    switched = False
                finally:
                    cursor.execute(f"PRAGMA busy_timeout={int(timeout)}")
    try:
        yield switched
    finally:
        if switched:
            with db.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode=WAL")

"""Database expressions shared by the apps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import DateField
from django.db.models.functions import TruncDate, TruncMonth, TruncYear

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
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

"""Case numbers (案件编号): the intake day (Beijing) and a per-day serial, e.g. ``20230301000017``. See
``CaseNumberCounter`` for the rule on each database: a locked per-day counter on SQLite (gap-free), a sequence
less a per-day base on PostgreSQL (intakes of a day commit in parallel; a failed one leaves a gap)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from gaoxin.cases.models import CaseNumberCounter


def case_number(day: dt.date, seq: int) -> str:
    """The human-readable number: the intake day (Beijing) and a per-day sequence, e.g. ``20230301000017``."""
    return f"{day:%Y%m%d}{seq:06d}"


def next_case_number(moment: dt.datetime) -> str:
    """Take the next number of the intake day (see ``CaseNumberCounter`` for the rule on each database)."""
    day = timezone.localdate(moment)
    if connection.vendor == "postgresql":
        return case_number(day, sequence_serial(day))
    return case_number(day, counter_serial(day))


def counter_serial(day: dt.date) -> int:
    """``UPDATE … RETURNING`` of the day's counter, and on the day's first case an upsert (``INSERT … ON CONFLICT
    DO UPDATE … RETURNING``; SQLite ≥ 3.35 knows both). The counter row stays locked until the caller's
    transaction ends: numbers are gap-free, and intakes of one day commit one at a time — which costs nothing on
    SQLite, where every write transaction holds the database's single write lock anyway."""
    quote = connection.ops.quote_name
    table, last, day_column = quote(CaseNumberCounter._meta.db_table), quote("last"), quote("day")
    params = [connection.ops.adapt_datefield_value(day)]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {last} = {last} + 1 WHERE {day_column} = %s "  # noqa: S608  # names only
                       f"RETURNING {last}", params)
        row = cursor.fetchone()
        if row is None:
            cursor.execute(f"INSERT INTO {table} ({day_column}, {last}) VALUES (%s, 1) "  # noqa: S608  # names only
                           f"ON CONFLICT ({day_column}) DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}",
                           params)
            row = cursor.fetchone()
    return int(row[0])


CASE_NUMBER_SEQUENCE = "cases_case_number_seq"  # PostgreSQL only (migration 0008)
# The sequence's value now: the last one handed out (0 before the first).
SEQUENCE_NOW = f"SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {CASE_NUMBER_SEQUENCE}"  # noqa: S608


def sequence_serial(day: dt.date) -> int:
    """PostgreSQL: the next value of one sequence less the day's base, in one statement that reads the base first
    and takes the value after it (so the value is above any base it can see). The first number of a day sets the
    base to the sequence's value then, less the numbers the day already has (a bulk-loaded day continues after
    them); a concurrent first number waits on that row and then uses the same base."""
    table = CaseNumberCounter._meta.db_table
    params = [day]
    with connection.cursor() as cursor:
        for _ in range(2):
            cursor.execute(f"SELECT nextval('{CASE_NUMBER_SEQUENCE}') - base FROM {table} "  # noqa: S608  # names only
                           "WHERE day = %s AND base IS NOT NULL", params)
            row = cursor.fetchone()
            if row is not None:
                return int(row[0])
            cursor.execute(f"INSERT INTO {table} AS c (day, last, base) VALUES (%s, 0, ({SEQUENCE_NOW})) "  # noqa: S608
                           f"ON CONFLICT (day) DO UPDATE SET base = ({SEQUENCE_NOW}) - c.last WHERE c.base IS NULL",
                           params)
    raise AssertionError(f"no case-number base for {day}")  # the upsert above has set it or waited for it


def case_number_last_serials(since: dt.date) -> dict[dt.date, int]:
    """The highest serial each day from ``since`` on has given out, for a bulk load that continues the days'
    numbering (on PostgreSQL an upper bound: the sequence's values since the day's base, some of them taken for
    other days or by transactions that failed). The load writes its own ``last`` and clears ``base``, so that the
    next live number of such a day sets a new base after the loaded numbers."""
    counters = CaseNumberCounter.objects.filter(day__gte=since).values_list("day", "last", "base")
    if connection.vendor != "postgresql":
        return {day: last for day, last, _ in counters}
    with connection.cursor() as cursor:
        cursor.execute(SEQUENCE_NOW)
        now = int(cursor.fetchone()[0])
    return {day: last if base is None else max(last, now - base) for day, last, base in counters}

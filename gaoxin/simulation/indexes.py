"""Secondary indexes set aside for a bulk load and built again afterwards, in the caller's transaction.

Maintaining a dozen B-trees row by row is most of what an insert costs here (``cases_case`` carries fifteen
indexes); building each index once over the loaded table is a sort and far cheaper. ``indexes_deferred`` reads
the definitions of the tables' secondary indexes from the database catalog (exactly what the migrations
created: SQLite's ``sqlite_master.sql``, PostgreSQL's ``pg_get_indexdef``), drops them, and after the load
executes the same definitions again, so the schema afterwards is the migrated one. Indexes that back a
constraint of the table itself stay (SQLite's ``sqlite_autoindex_*`` of the primary key and the ``UNIQUE``
constraints, PostgreSQL's primary keys and unique constraints); a unique *index* dropped for the load (a
partial unique constraint such as ``case_unique_external_ref_per_channel``) checks every row when it is built
again, so a duplicate still fails the load.

Both databases have transactional DDL: if the load fails, the rollback restores the indexes. The caller must
therefore hold a transaction (``transaction.atomic``) that rolls back on error. Other connections keep seeing
the indexes until the commit (SQLite in WAL mode reads the last committed schema; PostgreSQL blocks readers of
the tables until the commit because ``DROP INDEX`` takes an exclusive lock)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class IndexDefinition:
    table: str
    name: str
    sql: str


def secondary_indexes(tables: list[str]) -> list[IndexDefinition]:
    """The droppable indexes of ``tables`` with the statement that creates each, in catalog order."""
    out: list[IndexDefinition] = []
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                               "AND sql IS NOT NULL ORDER BY name", [table])
            elif connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid "
                    "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
                    "ORDER BY c.relname", [connection.ops.quote_name(table)])
            else:
                return []
            out.extend(IndexDefinition(table, name, sql) for name, sql in cursor.fetchall())
    return out


@contextmanager
def indexes_deferred(tables: list[str], *, built: Callable[[IndexDefinition], None] = lambda d: None
                     ) -> Iterator[list[IndexDefinition]]:
    """Drop the secondary indexes of ``tables`` for the ``with`` block and build them again when it ends
    without an error (``built`` is called after each one, e.g. for a progress bar). Inside a transaction only."""
    if not connection.in_atomic_block:
        raise RuntimeError("indexes_deferred needs a transaction that rolls back on error")
    definitions = secondary_indexes(tables)
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for d in definitions:
            cursor.execute(f"DROP INDEX {qn(d.name)}")
    yield definitions
    # Not in a ``finally``: after an error the transaction's rollback restores them.
    if connection.vendor == "postgresql":
        # PostgreSQL refuses CREATE INDEX on a table with pending (deferred) foreign-key checks: run them now,
        # as Django's check_constraints does (SET CONSTRAINTS ALL IMMEDIATE, then back to DEFERRED).
        connection.check_constraints()
    with connection.cursor() as cursor:
        for d in definitions:
            cursor.execute(d.sql)
            built(d)

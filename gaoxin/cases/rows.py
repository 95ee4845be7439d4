"""``PreparedInsert``: the INSERT of one new model instance with its SQL built once per model, database and set of
NULL columns.

``Model.save()`` compiles its INSERT anew on every call (field list, quoting, placeholders, RETURNING), which is
most of the Python time of a 55-column case row. This does what ``save(force_insert=True)`` does for a new row of
a plain model — related instances' ids taken over, each field's ``pre_save`` and database preparation applied,
the primary key read back with ``RETURNING`` — with the statement kept per (model, vendor, NULL columns). NULLs
are written into the statement rather than passed, so that a fresh case row stays under psycopg's 50 parameters,
above which it parses the statement anew on every call. It sends no model signals: nothing in the domain listens
to them (the services call the effects, ``cases.effects``). It refuses what ``save()`` would do more for:
multi-table inheritance and fields the database fills (``db_default``, generated fields). It only ever inserts: an
instance that is not new is refused (which is all that ``CaseEvent.save()`` adds: events are append-only)."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, JSONField, Model
from django.db.models.fields import NOT_PROVIDED

_fields: dict[type[Model], list[Field[Any, Any]]] = {}
_statements: dict[tuple[type[Model], str, tuple[bool, ...]], str] = {}


def _insert_fields(model: type[Model]) -> list[Field[Any, Any]]:
    found = _fields.get(model)
    if found is None:
        meta = model._meta
        if meta.parents:
            raise TypeError(f"insert_row does not handle {meta.label} (multi-table inheritance)")
        found = []
        for f in meta.local_concrete_fields:
            if f.primary_key and getattr(f, "db_returning", False):  # an auto primary key: the database assigns it
                continue
            if getattr(f, "db_default", NOT_PROVIDED) is not NOT_PROVIDED or getattr(f, "generated", False):
                raise TypeError(f"insert_row does not handle {meta.label}.{f.name} (filled by the database)")
            found.append(f)
        _fields[model] = found
    return found


class PreparedInsert:
    """The INSERT of one new instance, prepared ahead: related ids taken over and every field prepared for the
    database now; ``update()`` sets fields known only later (and prepares just those); ``execute()`` inserts.
    Lets a caller do the work before it takes a lock and keep only the statement inside it."""

    def __init__(self, instance: Model, using: str = DEFAULT_DB_ALIAS) -> None:
        if not instance._state.adding:
            raise RuntimeError(f"{instance._meta.label} {instance.pk} is already saved: insert_row only inserts")
        self.connection = connections[using]  # resolved once: every read through the proxy costs a lookup
        if not self.connection.features.can_return_columns_from_insert:
            raise TypeError(f"insert_row needs INSERT … RETURNING ({self.connection.vendor})")
        self.instance, self.using = instance, using
        self.model = type(instance)
        self.fields = _insert_fields(self.model)
        instance._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]  # no stubs
        self.values = [self._prepared(f) for f in self.fields]

    def _prepared(self, f: Field[Any, Any]) -> Any:
        value = f.pre_save(self.instance, True)
        if value is None and not isinstance(f, JSONField):  # every other field writes None as NULL
            return None
        return f.get_db_prep_save(value, self.connection)

    def update(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self.instance, name, value)
            i = next(i for i, f in enumerate(self.fields) if f.attname == name)
            self.values[i] = self._prepared(self.fields[i])

    def execute(self) -> None:
        connection, model, instance = self.connection, self.model, self.instance
        nulls = tuple(v is None for v in self.values)
        key = (model, connection.vendor, nulls)
        sql = _statements.get(key)
        if sql is None:
            quote = connection.ops.quote_name
            meta = model._meta
            assert meta.pk is not None
            sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in self.fields)}) "  # noqa: S608
                   f"VALUES ({', '.join('NULL' if null else '%s' for null in nulls)}) "  # names from the model only
                   f"RETURNING {quote(meta.pk.column)}")
            if len(_statements) > 1000:  # NULL patterns are few; never let odd ones pile up
                _statements.clear()
            _statements[key] = sql
        with connection.cursor() as cursor:
            cursor.execute(sql, [v for v in self.values if v is not None])
            (pk,) = cursor.fetchone()
        pk_field = model._meta.pk
        assert pk_field is not None
        setattr(instance, pk_field.attname, pk_field.to_python(pk))
        instance._state.adding = False
        instance._state.db = self.using



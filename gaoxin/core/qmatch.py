"""``matches(q, row)``: whether a row given as a mapping of field values satisfies a ``Q`` object — so that a rule
written once as a ``Q`` filters in the database and decides for one row in Python (e.g. the metric populations,
counted by the database and kept incrementally by the case services' roll-ups). Lookups: ``exact`` (the default),
``in``, ``isnull``; ``Q`` trees with AND / OR and negation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q


def matches(q: Q, row: Mapping[str, Any]) -> bool:
    results = (_child(child, row) for child in q.children)  # type: ignore[arg-type]  # a Q's children: Q or (lookup, value)
    found = all(results) if q.connector == Q.AND else any(results)
    return not found if q.negated else found


def _child(child: Q | tuple[str, Any], row: Mapping[str, Any]) -> bool:
    if isinstance(child, Q):
        return matches(child, row)
    lookup, value = child
    name, _, op = lookup.partition("__")
    if op in ("", "exact"):
        return bool(row[name] == value)
    if op == "in":
        return row[name] in value
    if op == "isnull":
        return (row[name] is None) == bool(value)
    raise ValueError(f"matches() does not know the lookup {lookup!r}")

"""The reference data that intake and routing read for every case — categories, org units and the active rules
of the responsibility matrix — kept per process, the way ``gaoxin.grids.locator`` keeps the grid layer.

``current()`` answers from a snapshot of the three tables (three queries when it is built) instead of four to six
queries per case. The snapshot is tied to a version token in the shared cache (``cases:reference-version``):

- a save or delete of a ``Category``, ``OrgUnit`` or ``ResponsibilityRule`` (signals, including the cascades of
  a delete and the raw saves of ``loaddata``) drops this process's snapshot and writes a new token at once and
  again after the commit, so every process that shares the cache rebuilds on its next call;
- writes that send no signal — ``QuerySet.update``, ``bulk_create``, raw SQL — must call ``invalidate()``
  themselves (``reference_changed`` below does it on commit);
- a missing token (cache cleared or evicted) counts as a change, and no snapshot is used for longer than
  ``MAX_AGE_S`` seconds, which bounds the staleness of any write that was missed (for example, several server
  processes on the local-memory cache, which processes do not share: deployments with more than one process
  set ``REDIS_URL``).

While the calling thread's own transaction holds uncommitted reference changes, ``current()`` answers from the
database (``_Live``), so that transaction sees its own writes and no other thread ever sees them through a
shared snapshot before they commit (or after they roll back).

Instances handed out are copies, so a caller that changes one cannot change the snapshot."""

from __future__ import annotations

import copy
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, Protocol, TypeVar

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Model, Q
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from gaoxin.accounts.models import OrgUnit
from gaoxin.cases.models import Category, ResponsibilityRule

VERSION_KEY = "cases:reference-version"
MAX_AGE_S = 60.0

M = TypeVar("M", bound=Model)


class Rule(NamedTuple):
    """An active rule of the responsibility matrix, as routing reads it."""

    grid_id: int | None
    street_id: int | None
    handler_id: int


class Reference(Protocol):
    def category(self, code: str) -> Category | None: ...

    def category_top(self, pk: int) -> int:
        """The id of the 大类 category ``pk`` is counted under (itself when it is one)."""

    def unit(self, pk: int) -> OrgUnit | None: ...

    def unit_by_code(self, code: str) -> OrgUnit | None: ...

    def street_center(self, street_id: int) -> OrgUnit | None:
        """The first (by path) street center directly under the street office ``street_id``."""

    def zone_center(self) -> OrgUnit | None:
        """The first (by path) zone center."""

    def rules(self, category_id: int, street_id: int | None, grid_ids: Sequence[int]) -> list[Rule]:
        """Active rules of the category for one of ``grid_ids``, for the street, or zone-wide."""


def _copy(instance: M | None) -> M | None:
    """A shallow copy with its own state and relation cache (``copy.copy`` of a model goes through pickling's
    ``__reduce__``, several times slower)."""
    if instance is None:
        return None
    clone = instance.__class__.__new__(instance.__class__)
    clone.__dict__.update(instance.__dict__)
    clone._state = copy.copy(instance._state)
    clone._state.fields_cache = {}
    return clone


class _Snapshot:
    def __init__(self, categories: Iterable[Category], units: Iterable[OrgUnit],
                 rules: Iterable[ResponsibilityRule]) -> None:
        self._categories = {c.code: c for c in categories}
        self._tops = {c.pk: c.parent_id or c.pk for c in self._categories.values()}
        ordered = sorted(units, key=lambda u: u.path)
        self._units = {u.pk: u for u in ordered}
        self._units_by_code = {u.code: u for u in ordered}
        self._zone_center = next((u for u in ordered if u.kind == OrgUnit.Kind.ZONE_CENTER), None)
        self._street_centers: dict[int, OrgUnit] = {}
        for unit in ordered:
            if unit.kind == OrgUnit.Kind.STREET_CENTER and unit.parent_id is not None:
                self._street_centers.setdefault(unit.parent_id, unit)
        self._rules: dict[int, list[Rule]] = {}
        for rule in rules:
            self._rules.setdefault(rule.category_id, []).append(Rule(rule.grid_id, rule.street_id, rule.handler_id))

    @classmethod
    def load(cls) -> _Snapshot:
        return cls(Category.objects.all(), OrgUnit.objects.all(),
                   ResponsibilityRule.objects.filter(is_active=True).order_by("pk"))

    def category(self, code: str) -> Category | None:
        return _copy(self._categories.get(code))

    def category_top(self, pk: int) -> int:
        return self._tops[pk]

    def unit(self, pk: int) -> OrgUnit | None:
        return _copy(self._units.get(pk))

    def unit_by_code(self, code: str) -> OrgUnit | None:
        return _copy(self._units_by_code.get(code))

    def street_center(self, street_id: int) -> OrgUnit | None:
        return _copy(self._street_centers.get(street_id))

    def zone_center(self) -> OrgUnit | None:
        return _copy(self._zone_center)

    def rules(self, category_id: int, street_id: int | None, grid_ids: Sequence[int]) -> list[Rule]:
        return [r for r in self._rules.get(category_id, ())
                if (r.grid_id is None and (r.street_id is None or r.street_id == street_id))
                or (r.grid_id is not None and r.grid_id in grid_ids)]


class _Live:
    """The same answers straight from the database (inside a transaction that changed reference data)."""

    def category(self, code: str) -> Category | None:
        return Category.objects.filter(code=code).first()

    def category_top(self, pk: int) -> int:
        parent = Category.objects.values_list("parent_id", flat=True).get(pk=pk)
        return parent or pk

    def unit(self, pk: int) -> OrgUnit | None:
        return OrgUnit.objects.filter(pk=pk).first()

    def unit_by_code(self, code: str) -> OrgUnit | None:
        return OrgUnit.objects.filter(code=code).first()

    def street_center(self, street_id: int) -> OrgUnit | None:
        return OrgUnit.objects.filter(parent_id=street_id, kind=OrgUnit.Kind.STREET_CENTER).order_by("path").first()

    def zone_center(self) -> OrgUnit | None:
        return OrgUnit.objects.filter(kind=OrgUnit.Kind.ZONE_CENTER).order_by("path").first()

    def rules(self, category_id: int, street_id: int | None, grid_ids: Sequence[int]) -> list[Rule]:
        where = Q(street__isnull=True, grid__isnull=True)
        if street_id:
            where |= Q(street_id=street_id, grid__isnull=True)
        if grid_ids:
            where |= Q(grid_id__in=list(grid_ids))
        rows = (ResponsibilityRule.objects.filter(where, category_id=category_id, is_active=True).order_by("pk")
                .values_list("grid_id", "street_id", "handler_id"))
        return [Rule(*row) for row in rows]


_lock = threading.Lock()
_cached: tuple[str, float, _Snapshot] | None = None  # (version token, built at (monotonic), snapshot)


def _version() -> str:
    token = cache.get(VERSION_KEY)
    if token is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(VERSION_KEY)
    return str(token)


def _pending_marker() -> None:
    """Registered with ``on_commit`` by a reference change: while it is still queued on this thread's connection,
    the change is uncommitted (Django drops the queue on rollback, also of a savepoint)."""


def _has_uncommitted_changes() -> bool:
    if not connection.in_atomic_block:
        return False
    return any(entry[1] is _pending_marker for entry in connection.run_on_commit)


def current() -> Reference:
    """The reference data as this process last loaded it, rebuilt after a change or after ``MAX_AGE_S``."""
    global _cached
    if _has_uncommitted_changes():
        return _Live()
    version = _version()
    now = time.monotonic()
    found = _cached
    if found is not None and found[0] == version and now - found[1] < MAX_AGE_S:
        return found[2]
    with _lock:
        found = _cached
        if found is None or found[0] != version or now - found[1] >= MAX_AGE_S:
            found = (version, time.monotonic(), _Snapshot.load())
            _cached = found
        return found[2]


def invalidate() -> None:
    """Drop this process's snapshot and tell every process sharing the cache to rebuild."""
    global _cached
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    _cached = None


def reference_changed() -> None:
    """For writers that send no model signal (bulk updates, raw SQL): invalidate now and after the commit."""
    invalidate()
    if connection.in_atomic_block and not _has_uncommitted_changes():
        transaction.on_commit(_pending_marker)
        transaction.on_commit(invalidate)


@receiver(post_save, sender=Category, dispatch_uid="cases-reference-category-saved")
@receiver(post_save, sender=OrgUnit, dispatch_uid="cases-reference-unit-saved")
@receiver(post_save, sender=ResponsibilityRule, dispatch_uid="cases-reference-rule-saved")
@receiver(post_delete, sender=Category, dispatch_uid="cases-reference-category-deleted")
@receiver(post_delete, sender=OrgUnit, dispatch_uid="cases-reference-unit-deleted")
@receiver(post_delete, sender=ResponsibilityRule, dispatch_uid="cases-reference-rule-deleted")
def _on_reference_write(sender: type[Model], **kwargs: Any) -> None:
    reference_changed()


@receiver(post_migrate, dispatch_uid="cases-reference-migrated")
def _on_migrate(sender: Any, **kwargs: Any) -> None:
    # Migrations write through historical models, whose saves the receivers above do not see.
    invalidate()

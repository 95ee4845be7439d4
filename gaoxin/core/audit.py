"""Tamper-evident histories (审计链) for any record: a model's append-only events, each carrying
``hash = SHA-256(canonical JSON of its content, including prev_hash)``, where ``prev_hash`` is the hash of the
record's previous event (empty for the first) and the record keeps the hash of its last event (``audit_head``)
and their number (``event_count``). Editing, deleting, inserting or reordering a stored event — or rewriting a
whole chain without the head — is found by ``verify``; ``gaoxin audit verify`` runs it over every history of
every domain.

A domain gives a record a history in three steps (``docs/ARCHITECTURE.md``):

1. an event model subclassing ``ChainedEvent`` with a foreign key to the record and a ``chain = Chain(...)``
   naming it, the record's key written into the content (e.g. its number) and any domain fields of the event
   that the content covers (e.g. ``action``, ``from_state``, ``to_state``);
2. ``audit_head`` and ``event_count`` fields on the record (``HistoryHead`` adds them);
3. writes through ``append(...)`` in the service's transaction (or, for a hot path, building the same content).

The canonical JSON is ``json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``:
moments as UTC ISO text with microseconds, decimals as text at the field's places.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar, NoReturn

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class Chain:
    """How a history's events are chained: ``subject`` is the event's foreign key to the record; the record's
    ``key`` field is written into the content as ``content_key``; ``fields`` maps further content keys to the
    event's own fields."""

    subject: str
    key: str
    content_key: str
    fields: Mapping[str, str] = field(default_factory=dict)
    head: str = "audit_head"
    count: str = "event_count"


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise RuntimeError("审计事件只能追加，不能修改")

    def delete(self) -> NoReturn:
        raise RuntimeError("审计事件只能追加，不能删除")


class HistoryHead(models.Model):
    """The end of a record's chain: the last event's hash and the number of events."""

    audit_head = models.CharField("审计链头", max_length=64, blank=True)
    event_count = models.PositiveIntegerField("事件数", default=0)

    class Meta:
        abstract = True


class ChainedEvent(models.Model):
    """One immutable step of a record's history (abstract: a domain's event model subclasses it)."""

    seq = models.PositiveIntegerField("序号")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间")
    note = models.TextField("说明", blank=True)
    payload = models.JSONField("数据", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    chain: ClassVar[Chain]
    objects: ClassVar[models.Manager[Any]] = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("审计事件只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("审计事件只能追加，不能删除")

    @classmethod
    def canonical(cls, content: Mapping[str, Any]) -> bytes:
        """The bytes hashed. A history may override it with a faster rendering of the same JSON (the cases')."""
        return canonical_json(content)


def canonical_json(content: Mapping[str, Any]) -> bytes:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def utc_text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _value(model: type[ChainedEvent], name: str, value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return utc_text(value)
    if isinstance(value, Decimal):
        places = model._meta.get_field(name).decimal_places  # type: ignore[union-attr]  # a DecimalField
        return format(value.quantize(Decimal(1).scaleb(-places)), "f")
    return value


def content(model: type[ChainedEvent], values: Mapping[str, Any], subject_key: Any) -> dict[str, Any]:
    """The hashed content of an event given its field values (by attribute name: ``actor_id``)."""
    chain = model.chain
    found = {chain.content_key: subject_key, "seq": values["seq"], "actor": values["actor_id"],
             "at": utc_text(values["at"]), "note": values["note"], "payload": values["payload"],
             "prev": values["prev_hash"]}
    for key, name in chain.fields.items():
        found[key] = _value(model, name, values[name])
    return found


def digest(model: type[ChainedEvent], values: Mapping[str, Any], subject_key: Any) -> str:
    return hashlib.sha256(model.canonical(content(model, values, subject_key))).hexdigest()


def append(model: type[ChainedEvent], subject: Model, *, actor: Model | None, at: dt.datetime, note: str = "",
           payload: dict[str, Any] | None = None, **fields: Any) -> ChainedEvent:
    """Add the next event to ``subject``'s history, in the caller's transaction (the subject row is locked for
    the rest of it, so two writers cannot take the same place in the chain)."""
    chain = model.chain
    current = type(subject)._default_manager.select_for_update().values(chain.head, chain.count, chain.key).get(
        pk=subject.pk)
    values = {"seq": current[chain.count] + 1, "actor_id": actor.pk if actor is not None else None, "at": at,
              "note": note, "payload": payload or {}, "prev_hash": current[chain.head], **fields}
    event = model(**{chain.subject: subject}, **values)
    event.hash = digest(model, {**values, **{name: getattr(event, name) for name in chain.fields.values()}},
                        current[chain.key])
    event.save()
    type(subject)._default_manager.filter(pk=subject.pk).update(**{chain.head: event.hash, chain.count: event.seq})
    setattr(subject, chain.head, event.hash)
    setattr(subject, chain.count, event.seq)
    return event


@dataclass(frozen=True)
class Step:
    """One event of a history written in bulk: when, by whom, and the event's own fields (``action`` …)."""

    at: dt.datetime
    actor_id: int | None
    fields: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""
    payload: Mapping[str, Any] = field(default_factory=dict)


def chained(model: type[ChainedEvent], subject_key: Any, steps: list[Step], *, head: str = "",
            count: int = 0) -> list[dict[str, Any]]:
    """The field values of the events ``steps``, chained as ``append`` would chain them one by one after the
    record's ``head`` and ``count`` (a new record: none): for a bulk path that writes records and their events in
    a few statements (the record's new head is the last ``hash``, its count the last ``seq``)."""
    out = []
    prev = head
    for seq, step in enumerate(steps, start=count + 1):
        values = {"seq": seq, "actor_id": step.actor_id, "at": step.at, "note": step.note,
                  "payload": dict(step.payload), "prev_hash": prev, **step.fields}
        prev = values["hash"] = digest(model, values, subject_key)
        out.append(values)
    return out


@dataclass(frozen=True)
class Broken:
    history: str
    subject: str
    event_id: int | None
    reason: str


def verify(model: type[ChainedEvent], subjects: QuerySet[Any] | None = None, *, chunk_size: int = 5000,
           progress: Callable[[int], object] = lambda n: None) -> Iterator[Broken]:
    """Walk every event of ``subjects`` (default: all records of the history) in (record, seq) order and yield
    each break in a chain; ``progress`` hears the number of records done after each chunk."""
    chain = model.chain
    subject_model = subject_of(model)
    label = model._meta.label
    records = subjects if subjects is not None else subject_model._default_manager.all()
    heads = records.order_by("pk").values_list("pk", chain.key, chain.head, chain.count)
    event_fields = ["pk", f"{chain.subject}_id", "seq", "actor_id", "at", "note", "payload", "prev_hash", "hash",
                    *chain.fields.values()]
    after = 0
    while True:
        rows = list(heads.filter(pk__gt=after)[:chunk_size])
        if not rows:
            break
        after = rows[-1][0]
        batch = {pk: (key, head, count) for pk, key, head, count in rows}
        events = (model._default_manager.filter(**{f"{chain.subject}_id__in": list(batch)})
                  .order_by(f"{chain.subject}_id", "seq").values_list(*event_fields))
        seen: dict[int, tuple[str, int]] = {}
        for row in events.iterator(chunk_size=chunk_size):
            values = dict(zip(event_fields, row, strict=True))
            subject_id = values[f"{chain.subject}_id"]
            key = batch[subject_id][0]
            last_hash, last_seq = seen.get(subject_id, ("", 0))
            if values["seq"] != last_seq + 1:
                yield Broken(label, str(key), values["pk"],
                             f"事件序号不连续：期望 {last_seq + 1}，实际 {values['seq']}")
            if values["prev_hash"] != last_hash:
                yield Broken(label, str(key), values["pk"], "前序哈希不符（事件被删除、插入或改动）")
            if digest(model, values, key) != values["hash"]:
                yield Broken(label, str(key), values["pk"], "事件内容与哈希不符（事件被改动）")
            seen[subject_id] = (values["hash"], values["seq"])
        for subject_id, (key, head, count) in batch.items():
            last_hash, last_seq = seen.get(subject_id, ("", 0))
            if last_hash != head or last_seq != count:
                yield Broken(label, str(key), None, "审计链头与最后一个事件不符（事件被删除或整链被改写）")
        progress(len(rows))


def subject_of(model: type[ChainedEvent]) -> type[Model]:
    """The model whose records have the history."""
    related = model._meta.get_field(model.chain.subject).related_model
    assert isinstance(related, type)
    assert issubclass(related, Model)
    return related


def histories() -> list[type[ChainedEvent]]:
    """Every history of every domain: the concrete event models subclassing ``ChainedEvent``."""
    return [m for m in apps.get_models() if issubclass(m, ChainedEvent)]

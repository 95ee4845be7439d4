"""Tamper evidence for the case history.

Each ``CaseEvent`` carries ``hash = SHA-256(canonical JSON of its content + prev_hash)`` where ``prev_hash`` is
the hash of the previous event of the same case (empty for the first) and the case's ``audit_head`` is the
hash of its last event. Editing, deleting or reordering any stored event — or rewriting a whole chain without
the head — is detected by ``verify_chains``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from gaoxin.cases.models import Case, CaseEvent
from gaoxin.cases.transitions import json_value, payload_json


def canonical_text(case: str, seq: int, actor: str, at: str, action: str, from_state: str, to_state: str, note: str,
                   payload: str, prev_hash: str) -> str:
    """The canonical JSON of an event from its parts already encoded as JSON values (``case``, ``at``,
    ``action``, ``from_state``, ``to_state``, ``note``, ``prev_hash`` as JSON strings, ``actor`` as ``null`` or
    digits, ``payload`` as ``transitions.payload_json`` renders it): what ``json.dumps(content, sort_keys=True,
    separators=(",", ":"), ensure_ascii=False)`` writes for the content below (the tests check it), built without
    a dict per event because the simulated year hashes millions. Positional arguments: it is called that often."""
    return (f'{{"action":{action},"actor":{actor},"at":{at},"case":{case},"from":{from_state},"note":{note},'
            f'"payload":{payload},"prev":{prev_hash},"seq":{seq},"to":{to_state}}}')


def utc_text(at: dt.datetime) -> str:
    """The event time as the hash sees it: UTC with microseconds."""
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical(
    *,
    case_number: str,
    seq: int,
    actor_id: int | None,
    at: dt.datetime,
    action: str,
    from_state: str,
    to_state: str,
    note: str,
    payload: dict[str, Any],
    prev_hash: str,
) -> bytes:
    """The canonical JSON of one event's content (keys: case, seq, actor, at, action, from, to, note, payload,
    prev)."""
    j = json_value
    return canonical_text(j(case_number), seq, "null" if actor_id is None else str(int(actor_id)), j(utc_text(at)),
                          j(action), j(from_state), j(to_state), j(note), payload_json(payload), j(prev_hash)).encode()


def event_hash(**content: Any) -> str:
    return hashlib.sha256(canonical(**content)).hexdigest()


@dataclass(frozen=True)
class Broken:
    case_number: str
    event_id: int | None
    reason: str


def verify_chains(cases: QuerySet[Case] | None = None, *, chunk_size: int = 5000) -> Iterator[Broken]:
    """Walk every event of ``cases`` (default: all) in (case, seq) order and yield each break in a chain."""
    cases = cases if cases is not None else Case.objects.all()
    heads = cases.order_by("pk").values_list("pk", "number", "audit_head", "event_count")
    after = 0
    while True:
        rows = list(heads.filter(pk__gt=after)[:chunk_size])
        if not rows:
            break
        after = rows[-1][0]
        batch = {pk: (number, head, count) for pk, number, head, count in rows}
        events = (
            CaseEvent.objects.filter(case_id__in=list(batch))
            .order_by("case_id", "seq")
            .values_list("pk", "case_id", "seq", "actor_id", "at", "action", "from_state", "to_state", "note",
                         "payload", "prev_hash", "hash")
        )
        seen: dict[int, tuple[str, int]] = {}
        for pk, case_id, seq, actor_id, at, action, from_state, to_state, note, payload, prev, stored in (
            events.iterator(chunk_size=chunk_size)
        ):
            number = batch[case_id][0]
            last_hash, last_seq = seen.get(case_id, ("", 0))
            if seq != last_seq + 1:
                yield Broken(number, pk, f"事件序号不连续：期望 {last_seq + 1}，实际 {seq}")
            if prev != last_hash:
                yield Broken(number, pk, "前序哈希不符（事件被删除、插入或改动）")
            expected = event_hash(case_number=number, seq=seq, actor_id=actor_id, at=at, action=action,
                                  from_state=from_state, to_state=to_state, note=note, payload=payload,
                                  prev_hash=prev)
            if expected != stored:
                yield Broken(number, pk, "事件内容与哈希不符（事件被改动）")
            seen[case_id] = (stored, seq)
        for case_id, (number, head, count) in batch.items():
            last_hash, last_seq = seen.get(case_id, ("", 0))
            if last_hash != head or last_seq != count:
                yield Broken(number, None, "案件审计链头与最后一个事件不符（事件被删除或整链被改写）")

"""Tamper evidence for the case history: ``CaseEvent`` is a history of ``core.audit`` (each event hashed over its
canonical content and the previous event's hash; the case keeps the head), and this module renders that
canonical JSON fast, because the live intake hashes an event per request and the simulated year millions.

``canonical_text`` writes the JSON from parts already encoded; the tests check that it equals
``core.audit.canonical_json`` of the same content for arbitrary content, and ``verify_chains`` (``gaoxin audit
verify``, ``gaoxin cases verify-audit``) re-hashes stored events with it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import QuerySet

from gaoxin.cases.models import Case, CaseEvent
from gaoxin.cases.transitions import json_value, payload_json
from gaoxin.core import audit as core_audit
from gaoxin.core.audit import Broken, utc_text

# The canonical JSON of a case event with its parts already encoded as JSON values: what ``json.dumps(content,
# sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` writes for the content (``core.audit.content``),
# built without a dict per event. One ``%`` per event: the simulated year fills it millions of times.
CANONICAL_TEMPLATE = ('{"action":%s,"actor":%s,"at":%s,"case":%s,"from":%s,"note":%s,"payload":%s,"prev":%s,'
                      '"seq":%d,"to":%s}')


def canonical_text(case: str, seq: int, actor: str, at: str, action: str, from_state: str, to_state: str, note: str,
                   payload: str, prev_hash: str) -> str:
    """``CANONICAL_TEMPLATE`` filled: ``case``, ``at``, ``action``, ``from_state``, ``to_state``, ``note`` and
    ``prev_hash`` as JSON strings, ``actor`` as ``null`` or digits, ``payload`` as ``transitions.payload_json``
    renders it."""
    return CANONICAL_TEMPLATE % (action, actor, at, case, from_state, note, payload, prev_hash, seq, to_state)


def canonical_from_content(content: Mapping[str, Any]) -> bytes:
    """``canonical_text`` of a content mapping (``core.audit.content`` of a case event)."""
    j = json_value
    actor = content["actor"]
    return canonical_text(j(content["case"]), content["seq"], "null" if actor is None else str(int(actor)),
                          j(content["at"]), j(content["action"]), j(content["from"]), j(content["to"]),
                          j(content["note"]), payload_json(content["payload"]), j(content["prev"])).encode()


def canonical(*, case_number: str, seq: int, actor_id: int | None, at: dt.datetime, action: str, from_state: str,
              to_state: str, note: str, payload: dict[str, Any], prev_hash: str) -> bytes:
    """The canonical JSON of one event's content (keys: case, seq, actor, at, action, from, to, note, payload,
    prev)."""
    return canonical_from_content({"case": case_number, "seq": seq, "actor": actor_id, "at": utc_text(at),
                                   "action": action, "from": from_state, "to": to_state, "note": note,
                                   "payload": payload, "prev": prev_hash})


def event_hash(**content: Any) -> str:
    return hashlib.sha256(canonical(**content)).hexdigest()


def verify_chains(cases: QuerySet[Case] | None = None, *, chunk_size: int = 5000) -> Iterator[Broken]:
    """Every break in the chains of ``cases`` (default: all); ``Broken.subject`` is the case number."""
    return core_audit.verify(CaseEvent, cases, chunk_size=chunk_size)

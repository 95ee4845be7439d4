"""The canonical JSON of a case event, rendered fast: the live intake hashes an event per request and the simulated
year millions. Pure (no models), so that ``CaseEvent.canonical`` and the bulk path use it without a cycle."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gaoxin.cases.transitions import json_value, payload_json

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

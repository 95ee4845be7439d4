"""Tamper evidence for the case history: ``CaseEvent`` is a history of ``core.audit`` (each event hashed over its
canonical content and the previous event's hash; the case keeps the head), its canonical JSON rendered fast
(``cases.canonical``) because the live intake hashes an event per request and the simulated year millions.

The tests check that the fast rendering equals ``core.audit.canonical_json`` of the same content for arbitrary
content, and ``verify_chains`` (``gaoxin audit verify``, ``gaoxin cases verify-audit``) re-hashes stored events
with it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from gaoxin.cases.canonical import canonical_from_content
from gaoxin.cases.models import Case, CaseEvent
from gaoxin.core import audit as core_audit
from gaoxin.core.audit import Broken, utc_text


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

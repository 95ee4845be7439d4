"""The one write path of a transition: lock the case, check the action policy, apply what the transition changes
(``cases.transitions``), append the hash-chained event, keep the roll-ups, store attachments and call the
effects outside the case (``cases.effects``) — all in the caller's transaction.

Concurrency: every transition locks the case row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's IMMEDIATE
transactions serialise writers) and compares the caller's ``case.version`` with the stored one; the write itself
is a conditional ``UPDATE … WHERE version = n``. Of two actors moving the same case from the same version
exactly one wins; the other gets ``Conflict`` (code ``stale_version``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import Model

from gaoxin.accounts.models import User
from gaoxin.cases import audit, effects, policy, rollup, transitions, workflow
from gaoxin.cases.models import Case, CaseAttachment, CaseEvent
from gaoxin.core.errors import ApplicationError, Conflict
from gaoxin.core.validation import refuse_control_characters

ATTACHMENT_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/heic", "video/mp4", "application/pdf"})
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def lock(case: Case) -> Case:
    """The current row, locked for the rest of the transaction; Conflict when the caller's copy is stale."""
    rows = list(
        Case.objects.select_for_update(of=("self",))
        .select_related("category", "center", "assignee")
        .filter(pk=case.pk)
        .order_by()[:1]
    )
    if not rows:
        raise ApplicationError("案件不存在", field="case", code="case_not_found", status=404)
    current = rows[0]
    if current.version != case.version:
        raise Conflict(
            f"案件 {current.number} 已被他人更新（当前状态：{current.state_label}），请刷新后重试",
            code="stale_version",
            extra={"current_version": current.version, "current_state": current.state},
        )
    return current


def locked_for(actor: User, case: Case, command: str) -> Case:
    """``lock`` the case and check that ``actor`` may ``command`` it now (``cases.policy``)."""
    current = lock(case)
    policy.check(actor, current, command)
    return current


def require_text(value: str, field: str, label: str, max_length: int = 2000) -> str:
    text = (value or "").strip()
    if not text:
        raise ApplicationError(f"{label}不能为空", field=field, code="required")
    if len(text) > max_length:
        raise ApplicationError(f"{label}不能超过 {max_length} 字", field=field, code="too_long")
    return refuse_control_characters(text, field=field, label=label)


def event_digest(*, case_number: str, seq: int, actor: User | None, at: dt.datetime, action: str,
                 from_state: str, to_state: str, note: str, payload: dict[str, Any], prev_hash: str) -> str:
    return audit.event_hash(case_number=case_number, seq=seq, actor_id=actor.pk if actor else None, at=at,
                            action=action, from_state=from_state, to_state=to_state, note=note, payload=payload,
                            prev_hash=prev_hash)


def apply(*, actor: User, case: Case, action: str, now: dt.datetime, effect: transitions.Effect, note: str = "",
          attachments: Sequence[UploadedFile] = (), related: Mapping[str, Model | None] | None = None) -> Case:
    """Write the step ``action`` of ``case`` (locked, checked) at ``now``: ``effect``'s changes and one event.
    ``related`` gives the objects behind changed ids (e.g. ``{"assignee": unit}``) so the returned case has them."""
    refuse_control_characters(note, field="note", label="说明")
    from_state = case.state
    to_state = workflow.next_state(from_state, action)
    before = rollup.snapshot(case)
    files = prepare_attachments(attachments)
    payload = dict(effect.payload)
    if files:
        payload["attachments"] = [{"name": f.name, "sha256": sha, "size": f.size} for f, sha in files]
    seq = case.event_count + 1
    digest = event_digest(case_number=case.number, seq=seq, actor=actor, at=now, action=action,
                          from_state=from_state, to_state=to_state, note=note, payload=payload,
                          prev_hash=case.audit_head)
    event = CaseEvent(case_id=case.pk, seq=seq, actor=actor, at=now, action=action, from_state=from_state,
                      to_state=to_state, note=note, payload=payload, prev_hash=case.audit_head, hash=digest)
    fields = transitions.finish(to_state, effect.changes, transitions.SCALAR)
    fields.update(state=to_state, version=case.version + 1, event_count=seq, audit_head=digest)
    if Case.objects.filter(pk=case.pk, version=case.version).update(**fields) != 1:
        raise Conflict(f"案件 {case.number} 已被他人更新，请刷新后重试", code="stale_version")
    event.save()
    for name, value in fields.items():
        setattr(case, name, value)
    for name, obj in (related or {}).items():
        setattr(case, name, obj)
    rollup.case_changed(before, rollup.snapshot(case))
    store_attachments(case, event, actor, files, now)
    effects.case_event_recorded(case=case, event=event)
    return case


def prepare_attachments(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    prepared = []
    for index, upload in enumerate(files):
        field = f"attachments[{index}]"
        content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip()
        if content_type not in ATTACHMENT_TYPES:
            raise ApplicationError(f"不支持的附件类型：{content_type or '未知'}", field=field, code="bad_attachment")
        if upload.size is None or upload.size > ATTACHMENT_MAX_BYTES:
            raise ApplicationError("附件不能超过 10 MB", field=field, code="attachment_too_large")
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        prepared.append((upload, digest.hexdigest()))
    return prepared


def store_attachments(case: Case, event: CaseEvent, actor: User, files: list[tuple[UploadedFile, str]],
                      now: dt.datetime) -> None:
    for upload, sha in files:
        attachment = CaseAttachment(case=case, event=event, original_name=upload.name or "", size=upload.size or 0,
                                    content_type=upload.content_type or "", sha256=sha, uploaded_by=actor,
                                    uploaded_at=now)
        attachment.file.save(upload.name or "attachment", upload, save=False)
        attachment.save()

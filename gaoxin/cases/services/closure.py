"""From verification to the end: 核查 (pass closes the case, fail sends it back as rework), 回访评价, 重启."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from gaoxin.accounts.models import User
from gaoxin.cases import transitions
from gaoxin.cases.models import Case, Satisfaction
from gaoxin.cases.services.engine import apply, locked_for, require_text
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError

S = transitions.SCALAR


@transaction.atomic
def case_verify(*, actor: User, case: Case, passed: bool, note: str = "",
                attachments: Sequence[UploadedFile] = ()) -> Case:
    """核查: passed → closed (办结, on time when within the deadline); failed → back to the same unit as rework
    (返工), which signs for it again."""
    current = locked_for(actor, case, "verify")
    action = "verify_pass" if passed else "verify_fail"
    if not passed:
        note = require_text(note, "note", "核查不通过的原因", 500)
    now = clock.now()
    effect = transitions.TRANSITIONS[action](current, current.category, now, S)
    return apply(actor=actor, case=current, action=action, now=now, effect=effect, note=note.strip(),
                 attachments=attachments)


@transaction.atomic
def case_evaluate(*, actor: User, case: Case, satisfaction: str, note: str = "") -> Case:
    """回访评价 by the reporter or by center staff after a callback."""
    current = locked_for(actor, case, "evaluate")
    if satisfaction not in Satisfaction.values:
        raise ApplicationError(f"未知的满意度：{satisfaction}", field="satisfaction")
    now = clock.now()
    effect = transitions.evaluate(current, current.category, now, S, satisfaction=satisfaction)
    return apply(actor=actor, case=current, action="evaluate", now=now, effect=effect, note=note.strip())


@transaction.atomic
def case_reopen(*, actor: User, case: Case, note: str) -> Case:
    """重启 after an unsatisfied evaluation: the case waits for a new dispatch with a fresh time limit."""
    current = locked_for(actor, case, "reopen")
    note = require_text(note, "note", "重启原因", 500)
    now = clock.now()
    return apply(actor=actor, case=current, action="reopen", now=now,
                 effect=transitions.reopen(current, current.category, now, S), note=note)

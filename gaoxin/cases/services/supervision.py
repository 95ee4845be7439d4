"""Supervision (督办): the periodic task (every five minutes, ``cases.tasks``) that marks late cases overdue and
raises one notice per case and node whose limit has passed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import ZONE_WIDE_ROLES, Role
from gaoxin.cases import effects, notices, policy, rollup, workflow
from gaoxin.cases.models import Case, CaseInstruction, CaseInstructionEvent, SupervisionNotice
from gaoxin.cases.services.engine import require_text
from gaoxin.core import audit, clock
from gaoxin.core.errors import PermissionDenied


def case_supervise_overdue(*, now: dt.datetime | None = None, batch_size: int = 1000) -> int:
    """Mark cases past their deadline as overdue and raise one supervision notice per case and node whose limit
    has passed — the current node (签收 / 处置 / 核查) and the overall deadline (办结) — to the responsible unit
    and its superior (``cases.notices``). Idempotent: the (case, node) unique constraint makes a second run, or
    two concurrent runs, create nothing new. Returns the number of notices created."""
    moment = now or clock.now()
    running = list(workflow.CLOCK_RUNNING_STATES)
    with transaction.atomic():
        late = list(Case.objects.select_for_update().filter(state__in=running, deadline__lt=moment, is_overdue=False)
                    .order_by("pk").values_list("pk", flat=True))
        for i in range(0, len(late), batch_size):
            becoming_overdue = Case.objects.filter(pk__in=late[i : i + batch_size])
            rollup.overdue_marked(becoming_overdue)
            becoming_overdue.update(is_overdue=True)
    created = 0
    node_open = Exists(SupervisionNotice.objects.filter(case_id=OuterRef("pk"), node=OuterRef("node")))
    case_open = Exists(SupervisionNotice.objects.filter(case_id=OuterRef("pk"), node=notices.NODE_CASE))
    queries = [
        ("node", Case.objects.filter(state__in=notices.NODE_STATES, node_deadline__lt=moment)
         .exclude(node="").filter(~node_open)),
        ("case", Case.objects.filter(state__in=running, deadline__lt=moment).filter(~case_open)),
    ]
    for kind, qs in queries:
        last = 0
        while True:
            batch = list(qs.filter(pk__gt=last).select_related("assignee", "center").order_by("pk")[:batch_size])
            if not batch:
                break
            last = batch[-1].pk
            raised = []
            for case in batch:
                node = case.node if kind == "node" else notices.NODE_CASE
                deadline = case.node_deadline if kind == "node" else case.deadline
                assert deadline is not None
                unit_id = notices.notice_unit_id(node, assignee_id=case.assignee_id, center_id=case.center_id)
                unit = case.center if unit_id == case.center_id else case.assignee
                assert unit is not None
                raised.append(SupervisionNotice(
                    case=case, node=node, unit=unit, superior_unit_id=unit.parent_id, deadline=deadline,
                    created_at=moment,
                    message=notices.notice_message(case.number, node, notices.deadline_text(deadline)),
                ))
            with transaction.atomic():
                SupervisionNotice.objects.bulk_create(raised, ignore_conflicts=True)
            created += len(raised)
    return created


def may_acknowledge(actor: User, notice: SupervisionNotice) -> bool:
    """The unit told, or its superior, confirms a notice: staff acting for one of those units (leaders and
    admins read the notices; they do not confirm on a unit's behalf)."""
    if actor.role in ZONE_WIDE_ROLES:
        return False
    return any(policy.in_scope(actor, unit) for unit in (notice.unit, notice.superior_unit) if unit is not None)


@transaction.atomic
def supervision_notice_acknowledge(*, actor: User, notice: SupervisionNotice) -> SupervisionNotice:
    """确认督办: the unit told (or its superior) acknowledges the notice; a second acknowledgement changes nothing.
    Refused (and nothing changed) for anyone outside those two units."""
    current = (SupervisionNotice.objects.select_for_update(of=("self",))
               .select_related("unit", "superior_unit", "case").get(pk=notice.pk))
    if not may_acknowledge(actor, current):
        raise PermissionDenied("该督办不是发给本单位的，无权确认", field="notice", code="not_notified")
    if current.acknowledged_at is None:
        current.acknowledged_at = clock.now()
        SupervisionNotice.objects.filter(pk=current.pk).update(acknowledged_at=current.acknowledged_at)
    return current


# --- 领导批示 ---------------------------------------------------------------------------------------------------

INSTRUCTION_ROLES = frozenset({Role.LEADER, Role.ADMIN})


@transaction.atomic
def case_instruct(*, actor: User, case: Case, text: str) -> CaseInstruction:
    """领导批示: a leader writes an instruction on a case they can see, to the unit handling it (the assignee, else
    the center). Refused for other roles, an empty or over-long text, or a case outside the leader's scope."""
    from gaoxin.cases.selectors import case_get

    if actor.role not in INSTRUCTION_ROLES and not actor.is_superuser:
        raise PermissionDenied("只有领导可以作出批示", field="text", code="instruction_role")
    current = Case.objects.select_for_update(of=("self",)).get(pk=case_get(actor=actor, pk=case.pk).pk)
    text = require_text(text, "text", "批示内容", 500)
    now = clock.now()
    instruction = CaseInstruction.objects.create(
        number=f"PS{current.number}-{current.instructions.count() + 1}", case=current,
        unit_id=current.assignee_id or current.center_id, text=text, created_by=actor, created_at=now)
    event = audit.append(CaseInstructionEvent, instruction, actor=actor, at=now, action="issue", note=text)
    effects.case_event_recorded(case=current, event=event)
    return instruction


def may_acknowledge_instruction(actor: User, instruction: CaseInstruction) -> bool:
    """The unit instructed (staff acting for it or a unit above it, not leaders) confirms a 批示."""
    return actor.role not in ZONE_WIDE_ROLES and policy.in_scope(actor, instruction.unit)


@transaction.atomic
def instruction_acknowledge(*, actor: User, instruction: CaseInstruction) -> CaseInstruction:
    """确认批示: the unit confirms it has read the instruction (once; a second confirmation changes nothing)."""
    current = CaseInstruction.objects.select_for_update(of=("self",)).select_related("unit").get(pk=instruction.pk)
    if not may_acknowledge_instruction(actor, current):
        raise PermissionDenied("该批示不是给本单位的，无权确认", field="instruction", code="not_instructed")
    if current.acknowledged_at is None:
        now = clock.now()
        CaseInstruction.objects.filter(pk=current.pk).update(acknowledged_at=now, acknowledged_by=actor)
        current.acknowledged_at, current.acknowledged_by = now, actor
        audit.append(CaseInstructionEvent, current, actor=actor, at=now, action="acknowledge")
    return current

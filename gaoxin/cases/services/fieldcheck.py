"""核实任务: before registering a citizen's report, the operator sends the grid worker of its micro-grid to check on
site; the worker answers 属实 / 不属实 with a note, within ``FIELD_CHECK_HOURS`` working hours. The answer informs
the operator's next step (立案, or 不予立案 with the worker's finding) and is kept with the case."""

from __future__ import annotations

from django.db import transaction

from gaoxin.accounts.models import User
from gaoxin.cases import effects
from gaoxin.cases.models import Case, FieldCheck, FieldCheckEvent
from gaoxin.cases.services.engine import locked_for, require_text
from gaoxin.core import audit, clock
from gaoxin.core.calendar import add_working_time
from gaoxin.core.errors import ApplicationError, Conflict, PermissionDenied
from gaoxin.grids.models import Grid

FIELD_CHECK_HOURS = 4


@transaction.atomic
def field_check_send(*, actor: User, case: Case, request: str = "") -> FieldCheck:
    """派网格员核实: by whoever may register the case (it is still 已上报), to the worker of its micro-grid (else
    its grid); one open task per case."""
    current = locked_for(actor, case, "register")
    grid_ids = [g for g in (current.micro_grid_id, current.grid_id) if g]
    worker = next((g.workers.order_by("pk").first() for g in Grid.objects.filter(pk__in=grid_ids)
                   .order_by("-level") if g.workers.exists()), None)
    if worker is None:
        raise ApplicationError("该案件的位置没有网格员，无法派发核实", field="case", code="no_grid_worker")
    if current.field_checks.filter(answered_at__isnull=True).exists():
        raise Conflict("该案件已有未完成的核实任务", field="case", code="field_check_open")
    request = (request or "").strip()
    if len(request) > 300:
        raise ApplicationError("核实要求不能超过 300 字", field="request", code="too_long")
    now = clock.now()
    check = FieldCheck.objects.create(
        number=f"HS{current.number}-{current.field_checks.count() + 1}", case=current, worker=worker,
        request=request, created_by=actor, created_at=now, due_at=add_working_time(now, FIELD_CHECK_HOURS, "hour"))
    event = audit.append(FieldCheckEvent, check, actor=actor, at=now, action="send", note=request)
    effects.case_event_recorded(case=current, event=event)
    return check


@transaction.atomic
def field_check_answer(*, actor: User, check: FieldCheck, result: str, note: str = "") -> FieldCheck:
    """核实反馈 by the worker sent: 属实 or 不属实 (then the finding is required); answered once."""
    current = FieldCheck.objects.select_for_update(of=("self",)).get(pk=check.pk)
    if current.worker_id != actor.pk:
        raise PermissionDenied("该核实任务不是派给您的", field="check", code="not_assigned")
    if current.answered_at is not None:
        raise Conflict("该核实任务已反馈", field="check", code="answered")
    if result not in FieldCheck.Result.values:
        raise ApplicationError("请选择属实或不属实", field="result", code="required")
    note = require_text(note, "note", "核实说明", 500) if result == FieldCheck.Result.FALSE or note.strip() else ""
    now = clock.now()
    FieldCheck.objects.filter(pk=current.pk).update(result=result, result_note=note, answered_at=now)
    current.result, current.result_note, current.answered_at = result, note, now
    audit.append(FieldCheckEvent, current, actor=actor, at=now, action="answer", note=note, payload={"result": result})
    return current

"""From registration to the handler's feedback: 立案, 不予立案, 并案, 派遣, 签收, 退单, 延期, 挂账, 恢复, 反馈.

Each service is atomic: it locks the case and checks the action policy (``engine.locked_for``), validates its
inputs (errors name the field), computes what the step changes (``cases.transitions``) and writes it with one
event (``engine.apply``). A refused step raises ``ApplicationError`` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.cases import policy, selectors, transitions, workflow
from gaoxin.cases.models import Case, Category, Urgency
from gaoxin.cases.services.engine import apply, locked_for, require_text
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError, PermissionDenied

S = transitions.SCALAR
MAX_EXTENSION = 30


@transaction.atomic
def case_register(*, actor: User, case: Case, category: Category | None = None, urgency: str | None = None,
                  note: str = "") -> Case:
    """立案. The operator may correct the category and urgency; the case is routed again and its time limit
    starts now."""
    current = locked_for(actor, case, "register")
    recategorised = None
    related: dict[str, OrgUnit | Category | None] = {}
    if category is not None and category.pk != current.category_id:
        if not category.is_active or not category.is_assignable:
            raise ApplicationError("请选择一个可用的案件小类", field="category")
        grid_ids = [g for g in (current.micro_grid_id, current.grid_id) if g]
        center = selectors.center_for(category=category, street_id=current.street_id, grid_ids=grid_ids)
        recategorised = {"category_id": category.pk, "center_id": center.pk, "center_code": center.code}
        related = {"category": category, "center": center}
    final_category = category or current.category
    final_urgency = urgency or current.urgency
    if final_urgency not in Urgency.values:
        raise ApplicationError(f"未知的紧急程度：{final_urgency}", field="urgency")
    now = clock.now()
    effect = transitions.register(current, final_category, now, S, urgency=final_urgency,
                                  category_code=final_category.code, recategorised=recategorised)
    return apply(actor=actor, case=current, action="register", now=now, effect=effect, note=note.strip(),
                 related=related)


@transaction.atomic
def case_reject(*, actor: User, case: Case, reason: str) -> Case:
    """不予立案, with the reason the reporter is told."""
    current = locked_for(actor, case, "reject")
    reason = require_text(reason, "reason", "不予立案理由", 500)
    now = clock.now()
    return apply(actor=actor, case=current, action="reject", now=now,
                 effect=transitions.reject(current, current.category, now, S), note=reason)


@transaction.atomic
def case_merge(*, actor: User, case: Case, into: Case, note: str = "") -> Case:
    """并案: ``case`` (reported or registered) joins ``into``. Both reporters keep following the master (the
    public state of a merged case is the master's); metrics count only the master."""
    if into.pk == case.pk:
        raise ApplicationError("不能与自身并案", field="into", code="merge_self")
    locked = {c.pk: c for c in Case.objects.select_for_update(of=("self",)).filter(pk__in=[case.pk, into.pk])
              .order_by("pk")}
    if into.pk not in locked:
        raise ApplicationError("并入案件不存在", field="into", code="case_not_found", status=404)
    current = locked_for(actor, case, "merge")
    master = locked[into.pk]
    if master.state in workflow.TERMINAL_STATES:
        raise ApplicationError(f"案件 {master.number} 已{master.state_label}，不能作为并案主案件", field="into",
                               code="bad_merge_target")
    master.center = OrgUnit.objects.get(pk=master.center_id)
    if not policy.in_scope(actor, master.center):
        raise PermissionDenied(f"案件 {master.number} 不属于本城运中心", field="into", code="out_of_scope")
    now = clock.now()
    effect = transitions.merge(current, current.category, now, S, into_id=master.pk, into_number=master.number)
    return apply(actor=actor, case=current, action="merge", now=now, effect=effect, note=note.strip(),
                 related={"merged_into": master})


@transaction.atomic
def case_dispatch(*, actor: User, case: Case, assignee: OrgUnit | None = None, note: str = "") -> Case:
    """派遣 to ``assignee`` (default: the responsibility matrix's proposal). The sign-for clock starts."""
    current = locked_for(actor, case, "dispatch")
    target = assignee or selectors.case_dispatch_proposal(case=current)
    if target is None:
        raise ApplicationError("责任矩阵没有给出处置单位，请选择", field="assignee", code="assignee_required")
    policy.check_dispatch_target(actor, target)
    now = clock.now()
    effect = transitions.dispatch(current, current.category, now, S, assignee_id=target.pk,
                                  assignee_code=target.code)
    return apply(actor=actor, case=current, action="dispatch", now=now, effect=effect, note=note.strip(),
                 related={"assignee": target})


MAX_BATCH = 100


@transaction.atomic
def case_dispatch_many(*, actor: User, cases: Sequence[Case], note: str = "") -> list[Case]:
    """批量派遣: each case to the responsibility matrix's proposal, all or none. A refusal names the case and
    changes nothing (the cases keep the versions they were seen at, so one changed meanwhile is refused)."""
    if not cases:
        raise ApplicationError("请勾选要派遣的案件", field="cases", code="required")
    if len(cases) > MAX_BATCH:
        raise ApplicationError(f"一次最多派遣 {MAX_BATCH} 件", field="cases", code="too_many")
    done = []
    for case in cases:
        try:
            done.append(case_dispatch(actor=actor, case=case, note=note))
        except ApplicationError as exc:
            raise ApplicationError(f"{case.number}：{exc.message}", field="cases", code=exc.code,
                            status=exc.status) from exc
    return done


@transaction.atomic
def case_accept(*, actor: User, case: Case, note: str = "") -> Case:
    """签收. Counts as on time (响应) when within the sign-for limit; the handling clock starts."""
    current = locked_for(actor, case, "accept")
    now = clock.now()
    return apply(actor=actor, case=current, action="accept", now=now,
                 effect=transitions.accept(current, current.category, now, S), note=note.strip())


@transaction.atomic
def case_return(*, actor: User, case: Case, reason: str) -> Case:
    """退单: the case is not this unit's; back to the dispatcher (state ``registered``)."""
    current = locked_for(actor, case, "return")
    reason = require_text(reason, "reason", "退单理由", 500)
    now = clock.now()
    effect = transitions.return_(current, current.category, now, S,
                                 from_unit_code=current.assignee.code if current.assignee else None)
    return apply(actor=actor, case=current, action="return", now=now, effect=effect, note=reason,
                 related={"assignee": None})


@transaction.atomic
def case_request_extension(*, actor: User, case: Case, amount: int, reason: str) -> Case:
    """申请延期 by ``amount`` units of the category's time unit (working hours or days)."""
    current = locked_for(actor, case, "request_extension")
    if not isinstance(amount, int) or isinstance(amount, bool) or not 1 <= amount <= MAX_EXTENSION:
        raise ApplicationError(f"延期时长必须是 1 到 {MAX_EXTENSION} 之间的整数", field="amount")
    reason = require_text(reason, "reason", "延期理由", 500)
    now = clock.now()
    effect = transitions.request_extension(current, current.category, now, S, amount=amount)
    return apply(actor=actor, case=current, action="request_extension", now=now, effect=effect, note=reason)


@transaction.atomic
def case_approve_extension(*, actor: User, case: Case, approve: bool, note: str = "") -> Case:
    """批准 (the deadline and the handling-node deadline move) or 驳回 a pending extension request."""
    current = locked_for(actor, case, "approve_extension")
    action = "approve_extension" if approve else "deny_extension"
    now = clock.now()
    effect = transitions.TRANSITIONS[action](current, current.category, now, S)
    return apply(actor=actor, case=current, action=action, now=now, effect=effect, note=note.strip())


@transaction.atomic
def case_request_suspension(*, actor: User, case: Case, reason: str) -> Case:
    """申请挂账: the problem cannot be solved for now (long-term, counted apart)."""
    current = locked_for(actor, case, "request_suspension")
    reason = require_text(reason, "reason", "挂账理由", 500)
    now = clock.now()
    return apply(actor=actor, case=current, action="request_suspension", now=now,
                 effect=transitions.request_suspension(current, current.category, now, S), note=reason)


@transaction.atomic
def case_approve_suspension(*, actor: User, case: Case, approve: bool, note: str = "") -> Case:
    """批准 (the case is suspended and its clock stops) or 驳回 a pending suspension request."""
    current = locked_for(actor, case, "approve_suspension")
    action = "approve_suspension" if approve else "deny_suspension"
    now = clock.now()
    effect = transitions.TRANSITIONS[action](current, current.category, now, S)
    return apply(actor=actor, case=current, action=action, now=now, effect=effect, note=note.strip())


@transaction.atomic
def case_resume(*, actor: User, case: Case, note: str = "") -> Case:
    """恢复办理 of a suspended case. The deadlines move by the working time spent suspended."""
    current = locked_for(actor, case, "resume")
    now = clock.now()
    return apply(actor=actor, case=current, action="resume", now=now,
                 effect=transitions.resume(current, current.category, now, S), note=note.strip())


@transaction.atomic
def case_feedback(*, actor: User, case: Case, result: str, attachments: Sequence[UploadedFile] = ()) -> Case:
    """处置反馈: the handler reports what was done (with photos); the verify clock starts."""
    current = locked_for(actor, case, "feedback")
    result = require_text(result, "result", "处置结果")
    now = clock.now()
    return apply(actor=actor, case=current, action="feedback", now=now,
                 effect=transitions.feedback(current, current.category, now, S), note=result,
                 attachments=attachments)


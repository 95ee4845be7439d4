"""Who may do what to a case: the one action policy, read by the services (which refuse), the web pages (which
offer only what may be done) and the API (whose case detail lists the allowed actions).

A *command* is what a person asks for — one button, one API endpoint. Most commands are one workflow move;
two are decisions with two outcomes (``approve_extension`` approves or denies, ``verify`` passes or fails).

=====================  ===========================================================================================
command                who (then: the case's state must allow the move, and the conditions below must hold)
=====================  ===========================================================================================
register, reject,      center staff — operator, dispatcher, shift lead — of the case's center: a street center
merge                  acts for its own street's cases, the zone center for every case.
dispatch,              dispatcher or shift lead of the case's center (reopen: only after an unsatisfied
approve_extension,     evaluation; a decision: only on a pending request).
approve_suspension,
reopen
accept, return,        handler whose unit is the assignee or above it (a request: only when none is pending).
request_extension,
request_suspension,
feedback
resume                 the assignee's handler, or the center's dispatcher / shift lead.
verify                 a grid worker of the case's grid or micro-grid, or center staff of the case's center.
evaluate               the reporter (``reporter_user``) or center staff of the case's center (回访).
=====================  ===========================================================================================

Reporting (``report``) is not about an existing case: ``REPORT_CHANNELS`` lists the channels each role may
report through.

A refusal is an ``ApplicationError``: ``PermissionDenied`` (403) for who, ``illegal_transition`` (409) for the
state, a specific code (409) for a condition.
"""

from __future__ import annotations

from django.db.models import Q

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import CENTER_ROLES, DISPATCH_ROLES, Role
from gaoxin.accounts.selectors import scope_roots
from gaoxin.cases import workflow
from gaoxin.cases.models import Case, Channel, Satisfaction
from gaoxin.core.errors import ApplicationError, PermissionDenied
from gaoxin.grids.models import Grid

# Command → the workflow moves it may make (the first is the one whose legality decides).
COMMANDS: dict[str, tuple[str, ...]] = {
    "register": ("register",),
    "reject": ("reject",),
    "merge": ("merge",),
    "dispatch": ("dispatch",),
    "accept": ("accept",),
    "return": ("return",),
    "request_extension": ("request_extension",),
    "approve_extension": ("approve_extension", "deny_extension"),
    "request_suspension": ("request_suspension",),
    "approve_suspension": ("approve_suspension", "deny_suspension"),
    "resume": ("resume",),
    "feedback": ("feedback",),
    "verify": ("verify_pass", "verify_fail"),
    "evaluate": ("evaluate",),
    "reopen": ("reopen",),
}
# What the refusal says the actor may not do.
VERBS: dict[str, str] = {
    "register": "立案", "reject": "作不予立案处理", "merge": "并案", "dispatch": "派遣", "accept": "签收",
    "return": "退单", "request_extension": "申请延期", "approve_extension": "审批延期",
    "request_suspension": "申请挂账", "approve_suspension": "审批挂账", "resume": "恢复办理", "feedback": "反馈",
    "verify": "核查", "evaluate": "回访评价", "reopen": "重启案件",
}
CENTER_COMMANDS = frozenset({"register", "reject", "merge"})
DISPATCH_COMMANDS = frozenset({"dispatch", "approve_extension", "approve_suspension", "reopen"})
HANDLER_COMMANDS = frozenset({"accept", "return", "request_extension", "request_suspension", "feedback"})
CENTER_KINDS = frozenset({OrgUnit.Kind.ZONE_CENTER, OrgUnit.Kind.STREET_CENTER})
# Units a case may be dispatched to (处置单位); a center dispatches only to those in its scope.
DISPATCH_TARGET_KINDS = frozenset({OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.STREET_OFFICE, OrgUnit.Kind.COMMUNITY})

REPORT_CHANNELS: dict[str, frozenset[str]] = {
    Role.CITIZEN: frozenset({Channel.PUBLIC_WEB, Channel.OPEN311}),
    Role.ENTERPRISE: frozenset({Channel.PUBLIC_WEB, Channel.OPEN311}),
    Role.GRID_WORKER: frozenset({Channel.GRID_WORKER}),
    Role.SERVICE_CADRE: frozenset({Channel.ENTERPRISE_VISIT, Channel.RECEPTION_DAY}),
    Role.LEADER: frozenset({Channel.LEADER_ASSIGNED, Channel.RECEPTION_DAY}),  # a leader receives at 接待日
    **{
        role: frozenset({Channel.HOTLINE_12345, Channel.CITY_INSPECTOR, Channel.PUBLIC_WEB, Channel.OPEN311})
        for role in CENTER_ROLES
    },
}


def role_label(actor: User) -> str:
    return Role(actor.role).label if actor.role in Role.values else actor.role


def in_scope(actor: User, unit: OrgUnit) -> bool:
    """``unit`` lies in the actor's scope (``accounts.selectors.scope_roots``), the roots remembered on the actor
    object for its lifetime (one request, one task): every check asks once or twice."""
    roots: list[str] | None = getattr(actor, "_scope_root_paths", None)
    if roots is None:
        roots = [root.path for root in scope_roots(actor=actor)]
        actor._scope_root_paths = roots  # type: ignore[attr-defined]  # a per-object memo
    return any(unit.path.startswith(root) for root in roots)


def is_grid_worker_of(actor: User, case: Case) -> bool:
    ids = [g for g in (case.grid_id, case.micro_grid_id) if g]
    return bool(ids) and Grid.workers.through.objects.filter(user_id=actor.pk, grid_id__in=ids).exists()


def grid_worker_cases_q(actor: User) -> Q:
    """The cases located in the grid worker's grids or micro-grids — those whose fix the worker may verify
    (``is_grid_worker_of``), as a filter for lists that offer the verification."""
    own = Grid.workers.through.objects.filter(user_id=actor.pk).values("grid_id")
    return Q(grid_id__in=own) | Q(micro_grid_id__in=own)


# --- who -----------------------------------------------------------------------------------------------------

def _center_refusal(actor: User, case: Case, roles: frozenset[str], verb: str) -> ApplicationError | None:
    if actor.role not in roles:
        return PermissionDenied(f"{role_label(actor)}无权{verb}", code="role_not_allowed")
    unit = actor.org_unit
    if unit is None or unit.kind not in CENTER_KINDS:
        return PermissionDenied(f"只有城运中心人员可以{verb}", code="not_center_staff")
    if not in_scope(actor, case.center):
        return PermissionDenied(f"案件 {case.number} 不属于本城运中心，无权{verb}", code="out_of_scope")
    return None


def _handler_refusal(actor: User, case: Case, verb: str) -> ApplicationError | None:
    if actor.role != Role.HANDLER:
        return PermissionDenied(f"{role_label(actor)}无权{verb}", code="role_not_allowed")
    if case.assignee is None or not in_scope(actor, case.assignee):
        return PermissionDenied(f"案件 {case.number} 未派遣给本单位，无权{verb}", code="not_assignee")
    return None


def _actor_refusal(actor: User, case: Case, command: str) -> ApplicationError | None:
    verb = VERBS[command]
    if command in CENTER_COMMANDS:
        return _center_refusal(actor, case, CENTER_ROLES, verb)
    if command in DISPATCH_COMMANDS:
        return _center_refusal(actor, case, DISPATCH_ROLES, verb)
    if command in HANDLER_COMMANDS:
        return _handler_refusal(actor, case, verb)
    if command == "resume":
        if actor.role == Role.HANDLER:
            return _handler_refusal(actor, case, verb)
        return _center_refusal(actor, case, DISPATCH_ROLES, verb)
    if command == "verify":
        if actor.role == Role.GRID_WORKER:
            if not is_grid_worker_of(actor, case):
                return PermissionDenied(f"案件 {case.number} 不在本人网格内，无权核查", code="not_grid_worker")
            return None
        return _center_refusal(actor, case, CENTER_ROLES, verb)
    if command == "evaluate":
        if case.reporter_user_id and actor.pk == case.reporter_user_id:
            return None
        return _center_refusal(actor, case, CENTER_ROLES, verb)
    raise KeyError(command)


# --- when ----------------------------------------------------------------------------------------------------

def _state_refusal(case: Case, command: str) -> ApplicationError | None:
    try:
        workflow.next_state(case.state, COMMANDS[command][0])
    except workflow.WorkflowError as exc:
        return ApplicationError(str(exc), field="state", code="illegal_transition", status=409)
    return None


def _condition_refusal(case: Case, command: str) -> ApplicationError | None:
    if command == "request_extension" and case.pending_extension_amount is not None:
        return ApplicationError("已有待审批的延期申请", field="amount", code="extension_pending", status=409)
    if command == "approve_extension" and case.pending_extension_amount is None:
        return ApplicationError("没有待审批的延期申请", field="approve", code="no_pending_extension", status=409)
    if command == "request_suspension" and case.pending_suspension:
        return ApplicationError("已有待审批的挂账申请", field="reason", code="suspension_pending", status=409)
    if command == "approve_suspension" and not case.pending_suspension:
        return ApplicationError("没有待审批的挂账申请", field="approve", code="no_pending_suspension", status=409)
    if command == "reopen" and case.satisfaction != Satisfaction.UNSATISFIED:
        return ApplicationError("只有回访不满意的案件可以重启", field="state", code="not_unsatisfied", status=409)
    return None


def refusal(actor: User, case: Case, command: str) -> ApplicationError | None:
    """Why ``actor`` may not ``command`` ``case`` now (who first, then the state, then the conditions), or None."""
    if command not in COMMANDS:
        raise ApplicationError(f"未知的操作：{command}", field="action", code="unknown_action", status=404)
    return _actor_refusal(actor, case, command) or _state_refusal(case, command) or _condition_refusal(case, command)


def check(actor: User, case: Case, command: str) -> None:
    """Raise the refusal, if any."""
    refused = refusal(actor, case, command)
    if refused is not None:
        raise refused


def may(actor: User, case: Case, command: str) -> bool:
    return refusal(actor, case, command) is None


def available_actions(actor: User, case: Case) -> list[str]:
    """The commands ``actor`` may take on ``case`` now, in workflow order. The cheap checks (state, conditions,
    role) run first, so a grid worker's grid membership is asked only when it decides."""
    found = []
    for command in COMMANDS:
        if _state_refusal(case, command) or _condition_refusal(case, command):
            continue
        if _actor_refusal(actor, case, command) is None:
            found.append(command)
    return found


def check_dispatch_target(actor: User, unit: OrgUnit) -> None:
    """A street center dispatches only to units of its street, the zone center to any handling unit."""
    if unit.kind not in DISPATCH_TARGET_KINDS:
        raise ApplicationError(f"{unit.name}不是处置单位", field="assignee", code="bad_assignee")
    if not in_scope(actor, unit):
        raise PermissionDenied(f"本城运中心不能派遣到{unit.name}", field="assignee", code="assignee_out_of_scope")


def check_report(actor: User, channel: str) -> None:
    if channel not in Channel.values:
        raise ApplicationError(f"未知的来源渠道：{channel}", field="channel")
    if channel not in REPORT_CHANNELS.get(actor.role, frozenset()):
        raise PermissionDenied(f"{role_label(actor)}不能通过“{Channel(channel).label}”上报", field="channel",
                               code="channel_not_allowed")



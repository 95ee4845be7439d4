"""The case workflow of DESIGN §4 as a pure table.

No database, no Django models: the services consult it before every move, and the bulk year simulation uses
``replay`` to validate each simulated case's whole history without touching the database.

```
reported ─register─► registered ─dispatch─► dispatched ─accept─► accepted ─feedback─► handled ─verify_pass─► closed
   │  │                 │   ▲                 │   ▲                │  ▲  │                 │                       │
   │  └─merge─► merged ◄┘   └────return───────┘   └──verify_fail───┼──┼──┼─────────────────┘ (返工 rework)   evaluate
   └─reject─► rejected      (退单: back to the dispatcher)         │  │  └─approve_suspension─► suspended      ▼
                                                                   │  └────────resume───────────────┘      evaluated
   accepted ─request_extension / approve_extension / deny_extension─► accepted (the deadline moves)   │
   accepted ─request_suspension / deny_suspension─► accepted                                           reopen
   reopened ─dispatch─► dispatched                                                         evaluated ──► reopened
```

Decisions (documented because the diagram leaves them open):
- ``return`` (退单) is allowed before and after signing for (dispatched or accepted) and puts the case back to
  ``registered`` — it waits at the dispatcher for a new dispatch.
- ``verify_fail`` (核查不通过) sends the case back to ``dispatched`` at the same handling unit (返工); the
  unit signs for it again.
- Extension and suspension are two-step: a handler's request, then the center's approval or denial. A request
  leaves the state unchanged but opens a *pending* request; approving or denying one without a pending
  request is illegal, and a second request while one is pending is illegal. Leaving ``accepted`` drops any
  unanswered request. ``replay`` checks this too.
- A suspended case (挂账) returns to ``accepted`` with ``resume``; the clock stops while suspended.
- ``reopen`` follows an unsatisfied evaluation (the service checks the satisfaction; the table only the state).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# States (code → Chinese label), in workflow order.
REPORTED = "reported"
REGISTERED = "registered"
REJECTED = "rejected"
MERGED = "merged"
DISPATCHED = "dispatched"
ACCEPTED = "accepted"
SUSPENDED = "suspended"
HANDLED = "handled"
CLOSED = "closed"
EVALUATED = "evaluated"
REOPENED = "reopened"

STATES: dict[str, str] = {
    REPORTED: "已上报",
    REGISTERED: "已立案",
    REJECTED: "不予立案",
    MERGED: "已并案",
    DISPATCHED: "已派遣",
    ACCEPTED: "已签收",
    SUSPENDED: "已挂账",
    HANDLED: "已反馈",
    CLOSED: "已办结",
    EVALUATED: "已回访",
    REOPENED: "已重启",
}
STATE_CHOICES = list(STATES.items())

# Actions (code → Chinese label). ``report`` creates the case and is the only action without a from-state.
ACTIONS: dict[str, str] = {
    "report": "上报",
    "register": "立案",
    "reject": "不予立案",
    "merge": "并案",
    "dispatch": "派遣",
    "accept": "签收",
    "return": "退单",
    "request_extension": "申请延期",
    "approve_extension": "批准延期",
    "deny_extension": "驳回延期",
    "request_suspension": "申请挂账",
    "approve_suspension": "批准挂账",
    "deny_suspension": "驳回挂账",
    "resume": "恢复办理",
    "feedback": "处置反馈",
    "verify_pass": "核查通过",
    "verify_fail": "核查不通过",
    "evaluate": "回访评价",
    "reopen": "重启",
}
ACTION_CHOICES = list(ACTIONS.items())

INITIAL_ACTION = "report"
INITIAL_STATE = REPORTED

TRANSITIONS: dict[tuple[str, str], str] = {
    (REPORTED, "register"): REGISTERED,
    (REPORTED, "reject"): REJECTED,
    (REPORTED, "merge"): MERGED,
    (REGISTERED, "merge"): MERGED,
    (REGISTERED, "dispatch"): DISPATCHED,
    (REOPENED, "dispatch"): DISPATCHED,
    (DISPATCHED, "accept"): ACCEPTED,
    (DISPATCHED, "return"): REGISTERED,
    (ACCEPTED, "return"): REGISTERED,
    (ACCEPTED, "request_extension"): ACCEPTED,
    (ACCEPTED, "approve_extension"): ACCEPTED,
    (ACCEPTED, "deny_extension"): ACCEPTED,
    (ACCEPTED, "request_suspension"): ACCEPTED,
    (ACCEPTED, "approve_suspension"): SUSPENDED,
    (ACCEPTED, "deny_suspension"): ACCEPTED,
    (SUSPENDED, "resume"): ACCEPTED,
    (ACCEPTED, "feedback"): HANDLED,
    (HANDLED, "verify_pass"): CLOSED,
    (HANDLED, "verify_fail"): DISPATCHED,
    (CLOSED, "evaluate"): EVALUATED,
    (EVALUATED, "reopen"): REOPENED,
}

# Groupings used by services, selectors and metrics.
TERMINAL_STATES = frozenset({REJECTED, MERGED})
OPEN_STATES = frozenset({REPORTED, REGISTERED, DISPATCHED, ACCEPTED, SUSPENDED, HANDLED, REOPENED})
CLOSED_STATES = frozenset({CLOSED, EVALUATED})
# States in which the handling clock runs (a suspended case's clock is stopped).
CLOCK_RUNNING_STATES = frozenset({REGISTERED, DISPATCHED, ACCEPTED, HANDLED, REOPENED})

# Pending-request bookkeeping: request action → (approve action, deny action).
_REQUESTS = {
    "request_extension": ("approve_extension", "deny_extension"),
    "request_suspension": ("approve_suspension", "deny_suspension"),
}
_DECISIONS = {decision: request for request, pair in _REQUESTS.items() for decision in pair}


class WorkflowError(ValueError):
    """An illegal move or an invalid history. ``index`` is the offending event's position in a replay."""

    def __init__(self, message: str, *, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


def allowed_actions(state: str) -> list[str]:
    return [action for (source, action) in TRANSITIONS if source == state]


def next_state(state: str, action: str) -> str:
    """The state after ``action`` in ``state``; raises WorkflowError when the move is illegal."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise WorkflowError(
            f"案件当前状态为“{STATES.get(state, state)}”，不能执行“{ACTIONS.get(action, action)}”"
        ) from None


@dataclass(frozen=True)
class Step:
    action: str
    from_state: str
    to_state: str


def _as_step(event: Any) -> Step:
    if isinstance(event, Step):
        return event
    if isinstance(event, Mapping):
        return Step(event["action"], event.get("from_state") or "", event["to_state"])
    if isinstance(event, tuple):
        action, from_state, to_state = event
        return Step(action, from_state or "", to_state)
    return Step(event.action, event.from_state or "", event.to_state)


def replay(events: Iterable[Any]) -> str:
    """Validate a whole event sequence and return the state it leads to.

    Events may be ``Step``s, ``(action, from_state, to_state)`` tuples, mappings or objects with those
    attributes (CaseEvent rows). The first event must be ``report`` into ``reported``; every later event must
    start where the previous one ended and follow ``TRANSITIONS``; approvals and denials must answer a
    pending request, and no second request of a kind may be opened while one is pending.
    """
    state: str | None = None
    pending: set[str] = set()
    for index, raw in enumerate(events):
        step = _as_step(raw)
        if state is None:
            if step.action != INITIAL_ACTION or step.from_state or step.to_state != INITIAL_STATE:
                raise WorkflowError("事件历史必须以“上报”开始", index=index)
            state = INITIAL_STATE
            continue
        if step.from_state != state:
            raise WorkflowError(
                f"第 {index + 1} 个事件的起始状态 {step.from_state} 与当前状态 {state} 不符", index=index
            )
        try:
            expected = next_state(state, step.action)
        except WorkflowError as exc:
            raise WorkflowError(str(exc), index=index) from None
        if step.to_state != expected:
            raise WorkflowError(
                f"第 {index + 1} 个事件的目标状态 {step.to_state} 应为 {expected}", index=index
            )
        if step.action in _REQUESTS:
            if step.action in pending:
                raise WorkflowError(f"已有待审批的“{ACTIONS[step.action]}”", index=index)
            pending.add(step.action)
        elif step.action in _DECISIONS:
            request = _DECISIONS[step.action]
            if request not in pending:
                raise WorkflowError(f"没有待审批的“{ACTIONS[request]}”", index=index)
            pending.discard(request)
        if expected != ACCEPTED:
            # Leaving the accepted state (feedback, return, suspension) drops unanswered requests.
            pending.clear()
        state = expected
    if state is None:
        raise WorkflowError("事件历史为空")
    return state

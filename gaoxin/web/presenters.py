"""What the pages show about a case beyond its fields: deadline color, time left in working days, the actions the
viewer's role may try in the case's state, and map data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from gaoxin.accounts.models import User
from gaoxin.cases import selectors, timelimits, workflow
from gaoxin.cases.models import Case
from gaoxin.core import clock
from gaoxin.web.access import ACTION_ROLES

# Workflow action → the action names of ``workflow`` it may perform (for the "what can I do here" check).
_ACTION_MOVES: dict[str, tuple[str, ...]] = {
    "register": ("register",), "reject": ("reject",), "merge": ("merge",), "dispatch": ("dispatch",),
    "accept": ("accept",), "return": ("return",), "request_extension": ("request_extension",),
    "request_suspension": ("request_suspension",), "approve_extension": ("approve_extension",),
    "approve_suspension": ("approve_suspension",), "resume": ("resume",), "feedback": ("feedback",),
    "verify": ("verify_pass",), "evaluate": ("evaluate",), "reopen": ("reopen",),
}


@dataclass
class Timing:
    color: str | None  # green / yellow / red / suspended / None
    left_days: float | None  # working days to the deadline (negative: overdue by)

    @property
    def label(self) -> str:
        if self.left_days is None:
            return ""
        return f"{self.left_days:+.1f}"


def timing(case: Case, now: dt.datetime | None = None) -> Timing:
    moment = now or clock.now()
    color = selectors.case_time_status(case=case, now=moment)
    left = None
    if color in (timelimits.GREEN, timelimits.YELLOW, timelimits.RED) and case.deadline is not None:
        seconds = timelimits.working_time_between(moment, case.deadline).total_seconds()
        left = round(seconds / timelimits.DAY_WORK_SECONDS, 1)
    return Timing(color=color, left_days=left)


def decorate(cases: list[Case]) -> list[Case]:
    now = clock.now()
    for case in cases:
        case.timing = timing(case, now)  # type: ignore[attr-defined]  # display only
    return cases


def available_actions(*, actor: User, case: Case) -> set[str]:
    """Actions whose role check the actor passes and that the case's state allows (scope is the service's)."""
    allowed = set(workflow.allowed_actions(case.state))
    actions = set()
    for action, roles in ACTION_ROLES.items():
        if actor.role in roles and any(move in allowed for move in _ACTION_MOVES[action]):
            actions.add(action)
    if case.pending_extension_amount is not None:
        actions.discard("request_extension")
    else:
        actions.discard("approve_extension")
    if case.pending_suspension:
        actions.discard("request_suspension")
    else:
        actions.discard("approve_suspension")
    if case.satisfaction != "unsatisfied":
        actions.discard("reopen")
    return actions


def point(case: Case, label: str = "") -> dict[str, Any] | None:
    if case.lon is None or case.lat is None:
        return None
    return {"lon": case.lon, "lat": case.lat, "label": label or case.number}

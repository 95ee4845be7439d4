"""What every workflow transition changes: the case's fields and the event's payload, defined once.

Each transition is a pure function ``(case, category, at, ops, **inputs) -> Effect``. ``case`` is anything with
the case's fields as attributes, ``category`` anything with the category's limits, ``at`` the moment of the
step, and ``ops`` the time arithmetic it is computed with. Two kinds of ``ops`` exist, and the definitions below
are written so that either gives the same result:

- ``SCALAR`` — one case: moments are aware datetimes or None, arithmetic is ``gaoxin.cases.timelimits``. The live
  services (``gaoxin.cases.services``) use it.
- ``ARRAY`` — many cases at once: moments are int64 arrays of Unix seconds with ``-1`` for none, arithmetic is
  the calendar's array twins (``gaoxin.core.calendar``). The simulated year (``gaoxin.simulation.engine``)
  applies the same transitions to all cases taking a step at once.

``finish`` adds what every transition does beyond its own changes (leaving ``accepted`` drops pending
requests), ``payload_json`` renders payloads exactly as the audit hash sees them, and the differential test
(``gaoxin/simulation/tests/test_differential.py``) replays simulated histories through the live services and
finds the same case rows, events, hashes, notices and roll-ups.

Branches on the *action* are plain Python (approve and deny are different actions); branches on *data* go
through ``ops`` (``ops.coalesce``, ``ops.when_present``), so that they work on one case and on an array of them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from gaoxin.cases import timelimits, workflow
from gaoxin.core import calendar, timetext

NODE_SIGN, NODE_HANDLE, NODE_VERIFY, NODE_CASE = "sign", "handle", "verify", "case"
NODE_LABELS = {NODE_SIGN: "签收", NODE_HANDLE: "处置", NODE_VERIFY: "核查", NODE_CASE: "办结"}


class Limits(Protocol):
    """The category's time limits as a transition reads them (a ``Category``, or columns of them)."""

    time_limit: Any
    time_unit: Any
    sign_limit_hours: Any
    handle_limit_hours: Any
    verify_limit_hours: Any


@dataclass
class Effect:
    """The case fields a transition sets (by attribute name: ``assignee_id``, not ``assignee``) and its event
    payload (JSON values; ``ops.iso`` renders moments)."""

    changes: dict[str, Any]
    payload: dict[str, Any] = field(default_factory=dict)


# --- the two kinds of time arithmetic ------------------------------------------------------------------------

class ScalarOps:
    """One case: aware datetimes (Beijing time) or None."""

    NONE = None

    @staticmethod
    def coalesce(*values: Any) -> Any:
        return next((v for v in values if v is not None), None)

    @staticmethod
    def when_present(value: Any, fn: Callable[[Any], Any]) -> Any:
        return None if value is None else fn(value)

    @staticmethod
    def add_hours(moment: dt.datetime, hours: float) -> dt.datetime:
        return timelimits.add_working_time(moment, hours, "hour")

    @staticmethod
    def add_in_unit(moment: dt.datetime, amount: float, category: Limits) -> dt.datetime:
        return timelimits.add_working_time(moment, amount, category.time_unit)

    @staticmethod
    def add_working_seconds(moment: dt.datetime, seconds: int) -> dt.datetime:
        return timelimits.add_working_seconds(moment, seconds)

    @staticmethod
    def working_seconds_between(a: dt.datetime, b: dt.datetime) -> int:
        return int(timelimits.working_time_between(a, b).total_seconds())

    @staticmethod
    def natural_seconds_between(a: dt.datetime, b: dt.datetime) -> int:
        return int((b - a).total_seconds())

    @staticmethod
    def deadline_for(start: dt.datetime, category: Limits, urgency: str) -> dt.datetime:
        return timelimits.deadline_for(start, time_limit=category.time_limit, unit=category.time_unit,
                                       urgency=urgency)

    @staticmethod
    def warn_point(start: dt.datetime, deadline: dt.datetime, stopped_seconds: int) -> dt.datetime:
        return timelimits.warn_point(start, deadline, stopped_seconds=stopped_seconds)

    @staticmethod
    def unit_name(category: Limits) -> str:
        return str(category.time_unit)

    @staticmethod
    def iso(moment: dt.datetime | None) -> str | None:
        return moment.isoformat() if moment else None


class ArrayOps:
    """Many cases: int64 arrays of Unix seconds, ``-1`` for none. ``category`` fields are arrays too, with
    ``is_day`` (bool) standing for ``time_unit == "day"``."""

    NONE = -1

    @staticmethod
    def coalesce(*values: np.ndarray) -> np.ndarray:
        out = np.asarray(values[-1])
        for value in reversed(values[:-1]):
            out = np.where(value >= 0, value, out)
        return out

    @staticmethod
    def when_present(value: np.ndarray, fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        present = value >= 0
        if present.all():
            return fn(value)
        # A valid moment stands in where there is none, so that the arithmetic stays inside its calendar table.
        stand_in = calendar.calendar().epoch_unix
        return np.where(present, fn(np.where(present, value, stand_in)), -1)

    @staticmethod
    def add_hours(moment: np.ndarray, hours: np.ndarray) -> np.ndarray:
        return calendar.add_working_hours_many(moment, hours)

    @staticmethod
    def add_in_unit(moment: np.ndarray, amount: np.ndarray, category: Any) -> np.ndarray:
        return calendar.add_working_time_many(moment, amount, category.is_day)

    @staticmethod
    def add_working_seconds(moment: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        return calendar.add_working_seconds_many(moment, seconds)

    @staticmethod
    def working_seconds_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return calendar.working_seconds_between_many(a, b)

    @staticmethod
    def natural_seconds_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        seconds: np.ndarray = np.asarray(b) - np.asarray(a)  # numpy types the difference of two arrays as Any
        return seconds

    @staticmethod
    def deadline_for(start: np.ndarray, category: Any, urgency: np.ndarray) -> np.ndarray:
        return timelimits.deadline_for_many(start, time_limit=category.time_limit, is_day=category.is_day,
                                            urgency=urgency)

    @staticmethod
    def warn_point(start: np.ndarray, deadline: np.ndarray, stopped_seconds: np.ndarray) -> np.ndarray:
        return timelimits.warn_point_many(start, deadline, stopped_seconds)

    @staticmethod
    def unit_name(category: Any) -> np.ndarray:
        return np.where(category.is_day, "day", "hour")

    @staticmethod
    def iso(moment: np.ndarray) -> IsoTimes:
        return IsoTimes(moment)


@dataclass(frozen=True)
class IsoTimes:
    """A payload column of moments (int64 Unix seconds, ``-1`` for none), rendered as ISO text (Beijing time, as
    ``datetime.isoformat()`` writes it) only when the payloads are: a year of events has millions."""

    moments: np.ndarray

    def texts(self) -> list[str | None]:
        present = self.moments >= 0
        stand_in = calendar.calendar().epoch_unix
        texts: list[str | None] = list(timetext.iso_shanghai(np.where(present, self.moments, stand_in)))
        for i in np.flatnonzero(~present).tolist():
            texts[i] = None
        return texts


class Ops(Protocol):
    """What the transitions compute with; ``ScalarOps`` and ``ArrayOps`` are the two kinds."""

    NONE: Any

    def coalesce(self, *values: Any) -> Any: ...
    def when_present(self, value: Any, fn: Callable[[Any], Any]) -> Any: ...
    def add_hours(self, moment: Any, hours: Any) -> Any: ...
    def add_in_unit(self, moment: Any, amount: Any, category: Any) -> Any: ...
    def add_working_seconds(self, moment: Any, seconds: Any) -> Any: ...
    def working_seconds_between(self, a: Any, b: Any) -> Any: ...
    def natural_seconds_between(self, a: Any, b: Any) -> Any: ...
    def deadline_for(self, start: Any, category: Any, urgency: Any) -> Any: ...
    def warn_point(self, start: Any, deadline: Any, stopped_seconds: Any) -> Any: ...
    def unit_name(self, category: Any) -> Any: ...
    def iso(self, moment: Any) -> Any: ...


SCALAR: Ops = ScalarOps()
ARRAY: Ops = ArrayOps()


def _plus(count: Any, increment: Any) -> Any:
    """``count + increment`` where the increment may be a bool (one case) or a bool array (many)."""
    if isinstance(increment, np.ndarray):
        return count + increment.astype(np.int64)
    return count + int(bool(increment))


# --- the transitions -----------------------------------------------------------------------------------------

def report(*, channel: Any, category_code: Any, urgency: Any, center_code: Any) -> Effect:
    """上报: the payload of the case's first event (the fields are the intake's)."""
    return Effect({}, {"channel": channel, "category": category_code, "urgency": urgency, "center": center_code})


def deadline_fields(case: Any, category: Limits, at: Any, ops: Ops, *, urgency: Any) -> dict[str, Any]:
    """The time limit as registration (and reopening) starts it: counted from ``at``."""
    deadline = ops.deadline_for(at, category, urgency)
    return {"clock_started_at": at, "deadline": deadline, "warn_at": ops.warn_point(at, deadline, 0),
            "suspended_working_seconds": 0, "is_overdue": False}


def register(case: Any, category: Limits, at: Any, ops: Ops, *, urgency: Any, category_code: Any,
             recategorised: dict[str, Any] | None = None) -> Effect:
    """立案. ``recategorised`` holds the new ``category_id``, ``center_id`` and ``center_code`` when the operator
    corrected the category (the case is routed again)."""
    changes: dict[str, Any] = {"urgency": urgency, "registered_at": at,
                               **deadline_fields(case, category, at, ops, urgency=urgency)}
    payload: dict[str, Any] = {"category": category_code, "urgency": urgency, "deadline": ops.iso(changes["deadline"])}
    if recategorised:
        changes.update(category_id=recategorised["category_id"], center_id=recategorised["center_id"])
        payload["center"] = recategorised["center_code"]
    return Effect(changes, payload)


def reject(case: Any, category: Limits, at: Any, ops: Ops) -> Effect:
    """不予立案 (the reason is the event's note)."""
    return Effect({})


def merge(case: Any, category: Limits, at: Any, ops: Ops, *, into_id: Any, into_number: Any) -> Effect:
    """并案 into another case."""
    return Effect({"merged_into_id": into_id}, {"into": into_number})


def dispatch(case: Any, category: Limits, at: Any, ops: Ops, *, assignee_id: Any, assignee_code: Any) -> Effect:
    """派遣: the sign-for clock starts."""
    node_deadline = ops.add_hours(at, category.sign_limit_hours)
    changes = {"assignee_id": assignee_id, "dispatched_at": at,
               "first_dispatched_at": ops.coalesce(case.first_dispatched_at, at),
               "dispatch_count": case.dispatch_count + 1, "node": NODE_SIGN, "node_deadline": node_deadline}
    return Effect(changes, {"assignee": assignee_code, "node_deadline": ops.iso(node_deadline)})


def accept(case: Any, category: Limits, at: Any, ops: Ops) -> Effect:
    """签收: on time (响应) when within the sign-for limit; the handling clock starts."""
    on_time = at <= ops.coalesce(case.node_deadline, at)  # no sign-for limit: on time
    node_deadline = ops.add_hours(at, category.handle_limit_hours)
    changes = {"accepted_at": at, "on_time_accept_count": _plus(case.on_time_accept_count, on_time),
               "node": NODE_HANDLE, "node_deadline": node_deadline}
    return Effect(changes, {"on_time": on_time, "node_deadline": ops.iso(node_deadline)})


def return_(case: Any, category: Limits, at: Any, ops: Ops, *, from_unit_code: Any) -> Effect:
    """退单: back to the dispatcher."""
    changes = {"assignee_id": ops.NONE, "returned_count": case.returned_count + 1, "node": "",
               "node_deadline": ops.NONE}
    return Effect(changes, {"from_unit": from_unit_code})


def request_extension(case: Any, category: Limits, at: Any, ops: Ops, *, amount: Any) -> Effect:
    """申请延期 by ``amount`` units of the category's time unit."""
    return Effect({"pending_extension_amount": amount}, {"amount": amount, "unit": ops.unit_name(category)})


def approve_extension(case: Any, category: Limits, at: Any, ops: Ops) -> Effect:
    """批准延期: the deadline and the current node's deadline move by the pending amount."""
    amount = case.pending_extension_amount
    deadline = ops.add_in_unit(ops.coalesce(case.deadline, at), amount, category)
    start = ops.coalesce(case.clock_started_at, case.registered_at, at)
    changes = {
        "pending_extension_amount": ops.NONE,
        "deadline": deadline,
        "warn_at": ops.warn_point(start, deadline, case.suspended_working_seconds),
        "node_deadline": ops.when_present(case.node_deadline, lambda nd: ops.add_in_unit(nd, amount, category)),
        "is_overdue": at > deadline,
        "extension_count": case.extension_count + 1,
    }
    return Effect(changes, {"amount": amount, "approved": True, "deadline": ops.iso(deadline)})


def deny_extension(case: Any, category: Limits, at: Any, ops: Ops) -> Effect:
    """驳回延期."""
    return Effect({"pending_extension_amount": ops.NONE},
                  {"amount": case.pending_extension_amount, "approved": False})


def request_suspension(case: Any, category: Limits, at: Any, ops: Ops) -> Effect:
    """申请挂账."""
    return Effect({"pending_suspension": True})


def approve_suspension(case: Any, category: Limits, at: Any, ops: Ops) -> Effect:
    """批准挂账: the case is suspended and its clock stops."""
    return Effect({"pending_suspension": False, "suspended_at": at, "suspension_count": case.suspension_count + 1},
                  {"approved": True})


def deny_suspension(case: Any, category: Limits, at: Any, ops: Ops) -> Effect:
    """驳回挂账."""
    return Effect({"pending_suspension": False}, {"approved": False})


def resume(case: Any, category: Limits, at: Any, ops: Ops) -> Effect:
    """恢复办理: the deadlines move by the working time spent suspended."""
    stopped = _at_least_zero(ops.working_seconds_between(ops.coalesce(case.suspended_at, at), at))
    deadline = ops.when_present(case.deadline, lambda d: ops.add_working_seconds(d, stopped))
    total_stopped = case.suspended_working_seconds + stopped
    start = ops.coalesce(case.clock_started_at, case.registered_at, at)
    changes = {
        "suspended_at": ops.NONE,
        "suspended_working_seconds": total_stopped,
        "deadline": deadline,
        "warn_at": ops.when_present(deadline, lambda d: ops.warn_point(start, d, total_stopped)),
        "node_deadline": ops.when_present(case.node_deadline, lambda nd: ops.add_working_seconds(nd, stopped)),
        "is_overdue": at > ops.coalesce(deadline, at),
    }
    return Effect(changes, {"stopped_seconds": stopped, "deadline": ops.iso(deadline)})


def feedback(case: Any, category: Limits, at: Any, ops: Ops) -> Effect:
    """处置反馈: the verify clock starts."""
    node_deadline = ops.add_hours(at, category.verify_limit_hours)
    changes = {"handled_at": at, "handled_count": case.handled_count + 1, "node": NODE_VERIFY,
               "node_deadline": node_deadline}
    return Effect(changes, {"node_deadline": ops.iso(node_deadline)})


def verify_pass(case: Any, category: Limits, at: Any, ops: Ops) -> Effect:
    """核查通过: closed (办结), on time when within the deadline."""
    start = ops.coalesce(case.registered_at, case.reported_at)
    on_time = at <= ops.coalesce(case.deadline, at)  # no deadline: on time
    changes = {"closed_at": at, "closed_on_time": on_time,
               "handling_seconds": _at_least_zero(ops.natural_seconds_between(start, at)),
               "node": "", "node_deadline": ops.NONE}
    return Effect(changes, {"passed": True, "on_time": on_time})


def verify_fail(case: Any, category: Limits, at: Any, ops: Ops) -> Effect:
    """核查不通过: rework (返工) at the same unit, which signs for it again."""
    changes = {"reworked_count": case.reworked_count + 1, "dispatch_count": case.dispatch_count + 1,
               "dispatched_at": at, "node": NODE_SIGN, "node_deadline": ops.add_hours(at, category.sign_limit_hours)}
    return Effect(changes, {"passed": False})


def evaluate(case: Any, category: Limits, at: Any, ops: Ops, *, satisfaction: Any) -> Effect:
    """回访评价."""
    return Effect({"satisfaction": satisfaction, "evaluated_at": at}, {"satisfaction": satisfaction})


def reopen(case: Any, category: Limits, at: Any, ops: Ops) -> Effect:
    """重启 after an unsatisfied evaluation: a fresh time limit from now."""
    changes = {"reopened_count": case.reopened_count + 1, "closed_at": ops.NONE, "closed_on_time": ops.NONE,
               "handling_seconds": ops.NONE, "node": "", "node_deadline": ops.NONE,
               **deadline_fields(case, category, at, ops, urgency=case.urgency)}
    return Effect(changes, {"deadline": ops.iso(changes["deadline"])})


def _at_least_zero(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return np.maximum(0, value)
    return max(0, int(value))


TRANSITIONS: dict[str, Callable[..., Effect]] = {
    "register": register,
    "reject": reject,
    "merge": merge,
    "dispatch": dispatch,
    "accept": accept,
    "return": return_,
    "request_extension": request_extension,
    "approve_extension": approve_extension,
    "deny_extension": deny_extension,
    "request_suspension": request_suspension,
    "approve_suspension": approve_suspension,
    "deny_suspension": deny_suspension,
    "resume": resume,
    "feedback": feedback,
    "verify_pass": verify_pass,
    "verify_fail": verify_fail,
    "evaluate": evaluate,
    "reopen": reopen,
}
assert set(TRANSITIONS) | {workflow.INITIAL_ACTION} == set(workflow.ACTIONS), "every action has its effect"


def finish(to_state: str, changes: dict[str, Any], ops: Ops) -> dict[str, Any]:
    """The changes of a step into ``to_state``: the transition's own, plus what every step does — leaving
    ``accepted`` drops an unanswered extension or suspension request (``workflow.replay`` checks the same)."""
    fields = dict(changes)
    if to_state != workflow.ACCEPTED:
        fields.setdefault("pending_extension_amount", ops.NONE)
        fields.setdefault("pending_suspension", False)
    return fields


# --- payloads as the audit hash sees them --------------------------------------------------------------------

def json_value(value: Any) -> str:
    """One JSON value as ``json.dumps(..., ensure_ascii=False)`` writes it."""
    return json.dumps(value, ensure_ascii=False)


def payload_json(payload: dict[str, Any]) -> str:
    """A payload as the canonical event JSON contains it (keys sorted, no spaces)."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def payload_json_many(payload: dict[str, Any], n: int) -> list[str]:
    """``payload_json`` of ``n`` payloads given column by column (a list or array per key, or one value for all),
    rendered column-wise: each column encoded once (one encoding per distinct text), then one ``%`` per payload."""
    if not payload:
        return ["{}"] * n
    keys = sorted(payload)
    template = "{" + ",".join(json_value(key).replace("%", "%%") + ":%s" for key in keys) + "}"
    columns = [_encoded(payload[key], n) for key in keys]
    return [template % row for row in zip(*columns, strict=True)]


def _encoded(column: Any, n: int) -> list[str]:
    """A payload column as JSON values."""
    if isinstance(column, IsoTimes):
        present = column.moments >= 0
        stand_in = calendar.calendar().epoch_unix
        texts = timetext.iso_shanghai(np.where(present, column.moments, stand_in), quoted=True)
        for i in np.flatnonzero(~present).tolist():
            texts[i] = "null"
        return texts
    if isinstance(column, np.ndarray) and column.dtype == bool:
        encoded: list[str] = np.where(column, "true", "false").tolist()
        return encoded
    if isinstance(column, np.ndarray) and column.dtype.kind in "iu":
        return list(map(str, column.tolist()))
    if isinstance(column, (list, np.ndarray)):
        values = column.tolist() if isinstance(column, np.ndarray) else column
        memo: dict[Any, str] = {}
        out = []
        for value in values:
            text = memo.get(value)
            if text is None:
                text = memo[value] = json_value(value)
            out.append(text)
        return out
    return [json_value(column)] * n

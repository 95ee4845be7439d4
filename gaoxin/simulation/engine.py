"""The simulated year's cases taken through their steps with the live definitions, all cases at once.

``lifecycle.plan`` decides which steps every case takes and when. This module then does what the live services
do at each step, slot after slot (``lifecycle.SLOTS``): the transition of ``gaoxin.cases.transitions``, applied
to every case taking that step at once (``transitions.ARRAY``), ``transitions.finish`` on top, the step's
payload kept for the event. Between two steps of a case it does what the five-minute supervision task
(``cases.services.supervision``) would have done: mark the case overdue and raise 督办 notices (``cases.notices``)
at the first tick after a deadline passes while the case is still in the state that deadline belongs to.

Supervision ticks are the multiples of five minutes; a tick at the very moment of a step sees the state after it.
The differential test (``simulation/tests/test_differential.py``) replays sampled histories through the live
services with the supervision run at those ticks and finds the same case rows, events, notices and roll-ups.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gaoxin.cases import notices, transitions, workflow
from gaoxin.cases.transitions import ARRAY, IsoTimes
from gaoxin.simulation.lifecycle import NSLOT, SLOTS, CategoryTable, Intake, Lifecycle, S

TICK = 300  # the supervision task runs every five minutes
ACTIONS = list(workflow.ACTIONS)
ACTION_INDEX = {action: i for i, action in enumerate(ACTIONS)}
NODE_BITS = {transitions.NODE_SIGN: 1, transitions.NODE_HANDLE: 2, transitions.NODE_VERIFY: 4,
             transitions.NODE_CASE: 8}

TIME_FIELDS = ("reported_at", "registered_at", "first_dispatched_at", "dispatched_at", "accepted_at", "handled_at",
               "closed_at", "evaluated_at", "suspended_at", "clock_started_at", "deadline", "warn_at",
               "node_deadline")
COUNT_FIELDS = ("suspended_working_seconds", "dispatch_count", "on_time_accept_count", "returned_count",
                "handled_count", "reworked_count", "extension_count", "suspension_count", "reopened_count",
                "event_count")
OPTIONAL_INT_FIELDS = ("pending_extension_amount", "handling_seconds", "assignee_id", "merged_into_id")
BOOL_FIELDS = ("is_overdue", "pending_suspension")
TEXT_FIELDS = ("node", "satisfaction", "urgency", "state")


class Columns:
    """Attribute access to some rows of the state arrays (what a transition reads as ``case``), gathered on
    first access."""

    def __init__(self, arrays: dict[str, np.ndarray], rows: np.ndarray) -> None:
        self._arrays, self._rows = arrays, rows
        self._seen: dict[str, np.ndarray] = {}

    def __getattr__(self, name: str) -> np.ndarray:
        if name.startswith("_"):
            raise AttributeError(name)
        found = self._seen.get(name)
        if found is None:
            found = self._seen[name] = self._arrays[name][self._rows]
        return found


class CategoryColumns:
    """The category limits of some cases (what a transition reads as ``category``)."""

    def __init__(self, cats: CategoryTable, category_ids: np.ndarray) -> None:
        self.time_limit = cats.time_limit[category_ids]
        self.is_day = cats.is_day[category_ids]
        self.sign_limit_hours = cats.sign_h[category_ids]
        self.handle_limit_hours = cats.handle_h[category_ids]
        self.verify_limit_hours = cats.verify_h[category_ids]
        self.time_unit = np.where(self.is_day, "day", "hour")


@dataclass
class Step:
    """One action taken by some cases at one slot: the cases (intake rows, ascending) and the payload columns
    aligned with them (or one value for all)."""

    slot: int
    action: str
    rows: np.ndarray
    payload: dict[str, Any]


@dataclass
class Notices:
    """督办 notices raised, one row each (intake row of the case, node, unit, deadline, tick)."""

    case: list[np.ndarray] = field(default_factory=list)
    node: list[np.ndarray] = field(default_factory=list)
    unit: list[np.ndarray] = field(default_factory=list)
    deadline: list[np.ndarray] = field(default_factory=list)
    created_at: list[np.ndarray] = field(default_factory=list)

    def add(self, case: np.ndarray, node: Any, unit: np.ndarray, deadline: np.ndarray, created: np.ndarray) -> None:
        if len(case):
            self.case.append(case)
            self.node.append(np.broadcast_to(np.asarray(node, dtype=object), case.shape))
            self.unit.append(unit)
            self.deadline.append(deadline)
            self.created_at.append(created)

    def arrays(self) -> dict[str, np.ndarray]:
        names = ("case", "node", "unit", "deadline", "created_at")
        if not self.case:
            return {name: np.zeros(0, dtype=object if name == "node" else np.int64) for name in names}
        return {name: np.concatenate(getattr(self, name)) for name in names}


@dataclass
class Replay:
    fields: dict[str, np.ndarray]  # every case field after its last step, by attribute name
    steps: list[Step]
    notices: dict[str, np.ndarray]
    step_index: dict[tuple[int, str], Step] = field(default_factory=dict)

    def payloads(self, ev_case: np.ndarray, ev_slot: np.ndarray, ev_action: np.ndarray) -> list[str]:
        """The payload JSON of the given events (intake row, slot, ``workflow.ACTIONS`` index of the action), as
        the hash chain sees it: the events grouped by step, each step's columns taken at its cases and rendered
        together."""
        out = np.full(len(ev_case), "{}", dtype=object)
        key = ev_slot.astype(np.int64) * len(ACTION_INDEX) + ev_action
        order = np.argsort(key, kind="stable")
        keys, starts = np.unique(key[order], return_index=True)
        bounds = [*starts.tolist(), len(order)]
        for j, k in enumerate(keys.tolist()):
            at = order[bounds[j]:bounds[j + 1]]
            step = self.step_index.get((k // len(ACTION_INDEX), ACTIONS[k % len(ACTION_INDEX)]))
            if step is None:
                continue
            pos = np.searchsorted(step.rows, ev_case[at])
            columns = {name: _take(column, pos) for name, column in step.payload.items()}
            out[at] = transitions.payload_json_many(columns, len(at))
        result: list[str] = out.tolist()
        return result


def _take(column: Any, pos: np.ndarray) -> Any:
    if isinstance(column, IsoTimes):
        return IsoTimes(column.moments[pos])
    if isinstance(column, np.ndarray):
        return column[pos]
    if isinstance(column, list):
        return [column[p] for p in pos.tolist()]
    return column


def _initial_state(intake: Intake, life: Lifecycle) -> dict[str, np.ndarray]:
    n = len(intake)
    state: dict[str, np.ndarray] = {}
    for name in TIME_FIELDS + OPTIONAL_INT_FIELDS:
        state[name] = np.full(n, -1, dtype=np.int64)
    for name in COUNT_FIELDS:
        state[name] = np.zeros(n, dtype=np.int64)
    for name in BOOL_FIELDS:
        state[name] = np.zeros(n, dtype=bool)
    for name in TEXT_FIELDS:
        state[name] = np.full(n, "", dtype=object)
    state["reported_at"] = intake.t_report.astype(np.int64).copy()
    state["urgency"] = intake.urgency.astype(object).copy()
    state["state"][:] = workflow.INITIAL_STATE
    state["event_count"][:] = 1
    state["closed_on_time"] = np.full(n, -1, dtype=np.int8)  # -1: not decided (open), else 0 / 1
    state["category_id"] = intake.category.astype(np.int64).copy()
    state["center_id"] = life.center.astype(np.int64).copy()
    return state


def _write(state: dict[str, np.ndarray], rows: np.ndarray, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        target = state[name]
        if isinstance(value, np.ndarray) and value.dtype == bool and target.dtype.kind in "iu":
            value = value.astype(target.dtype)
        target[rows] = value


def _tick_after(t: np.ndarray) -> np.ndarray:
    """The first supervision tick strictly after ``t``."""
    return (t // TICK + 1) * TICK


def _tick_from(t: np.ndarray) -> np.ndarray:
    """The first supervision tick at or after ``t``."""
    return -(-t // TICK) * TICK


def replay(*, intake: Intake, life: Lifecycle, cats: CategoryTable, year_end: int, ids: np.ndarray,
           numbers: list[str], unit_code: Callable[[np.ndarray], list[str | None]]) -> Replay:
    """Every case through its planned steps (see the module docstring). ``ids`` and ``numbers`` are the rows'
    case ids and numbers (a merge names its master); ``unit_code`` gives org-unit codes for unit ids."""
    n = len(intake)
    state = _initial_state(intake, life)
    category_code = np.asarray([cats.code[c] for c in intake.category.tolist()], dtype=object)
    steps: list[Step] = []
    raised = Notices()
    notice_bits = np.zeros(n, dtype=np.int8)

    # When each case's next step comes (or the year ends): the span its supervision looks at after a step.
    next_t = np.empty((n, NSLOT), dtype=np.int64)
    following = np.full(n, year_end, dtype=np.int64)
    for i in range(NSLOT - 1, -1, -1):
        next_t[:, i] = following
        following = np.where(life.present[:, i], life.t[:, i], following)

    report_rows = np.flatnonzero(life.present[:, S["report"]])
    steps.append(Step(S["report"], "report", report_rows, transitions.report(
        channel=intake.channel[report_rows], category_code=category_code[report_rows],
        urgency=intake.urgency[report_rows], center_code=np.asarray(unit_code(life.center[report_rows]),
                                                                      dtype=object)).payload))

    for slot in range(1, NSLOT):
        name, action = SLOTS[slot]
        present = np.flatnonzero(life.present[:, slot])
        if not len(present):
            continue
        groups = [(action, present)]
        if name == "decide_extension":
            approved = life.ext_approved[present]
            groups = [("approve_extension", present[approved]), ("deny_extension", present[~approved])]
        elif name == "decide_suspension":
            approved = life.susp_approved[present]
            groups = [("approve_suspension", present[approved]), ("deny_suspension", present[~approved])]
        for act, rows in groups:
            if not len(rows):
                continue
            at = life.t[rows, slot]
            case = Columns(state, rows)
            effect = transitions.TRANSITIONS[act](case, CategoryColumns(cats, state["category_id"][rows]), at, ARRAY,
                                                  **_inputs(act, name, rows, intake, life, state, category_code,
                                                            ids, numbers, unit_code))
            to_state = _to_state(state["state"][rows], act)
            _write(state, rows, transitions.finish(to_state, effect.changes, ARRAY))
            state["state"][rows] = to_state
            state["event_count"][rows] += 1
            steps.append(Step(slot, act, rows, effect.payload))
            _supervise(state, rows, to_state, at, next_t[rows, slot], notice_bits, raised)

    fields = dict(state)
    fields["version"] = state["event_count"]
    replayed = Replay(fields=fields, steps=steps, notices=raised.arrays())
    replayed.step_index = {(s.slot, s.action): s for s in steps}
    return replayed


def _to_state(from_states: np.ndarray, action: str) -> str:
    targets = {workflow.next_state(s, action) for s in set(from_states.tolist())}
    if len(targets) != 1:
        raise AssertionError(f"{action} leads to {targets}")
    return targets.pop()


def _inputs(action: str, slot_name: str, rows: np.ndarray, intake: Intake, life: Lifecycle,
            state: dict[str, np.ndarray], category_code: np.ndarray, ids: np.ndarray, numbers: list[str],
            unit_code: Callable[[np.ndarray], list[str | None]]) -> dict[str, Any]:
    """What the person taking the step gives the service (the live service's arguments)."""
    if action == "register":
        return {"urgency": intake.urgency[rows], "category_code": category_code[rows], "recategorised": None}
    if action == "merge":
        master = intake.master[rows]
        return {"into_id": ids[master], "into_number": [numbers[m] for m in master.tolist()]}
    if action == "dispatch":
        unit = life.assignee_wrong[rows] if slot_name == "dispatch_wrong" else life.assignee[rows]
        return {"assignee_id": unit, "assignee_code": np.asarray(unit_code(unit), dtype=object)}
    if action == "return":
        return {"from_unit_code": np.asarray(unit_code(state["assignee_id"][rows]), dtype=object)}
    if action == "request_extension":
        return {"amount": life.ext_amount[rows].astype(np.int64)}
    if action == "evaluate":
        return {"satisfaction": life.satisfaction[rows]}
    return {}


def _supervise(state: dict[str, np.ndarray], rows: np.ndarray, to_state: str, at: np.ndarray, until: np.ndarray,
               notice_bits: np.ndarray, raised: Notices) -> None:
    """What the supervision ticks between this step (``at``) and the case's next step (``until``) do."""
    first_tick = _tick_from(at)
    if to_state in workflow.CLOCK_RUNNING_STATES:
        deadline = state["deadline"][rows]
        tick = np.maximum(_tick_after(deadline), first_tick)
        fires = (deadline >= 0) & (tick < until)
        marking = fires & ~state["is_overdue"][rows]
        state["is_overdue"][rows[marking]] = True
        new = fires & ((notice_bits[rows] & NODE_BITS[transitions.NODE_CASE]) == 0)
        _raise(state, rows[new], transitions.NODE_CASE, deadline[new], tick[new], notice_bits, raised)
    if to_state in notices.NODE_STATES:
        node = state["node"][rows]
        node_deadline = state["node_deadline"][rows]
        tick = np.maximum(_tick_after(node_deadline), first_tick)
        fires = (node_deadline >= 0) & (node != "") & (tick < until)
        for code, bit in NODE_BITS.items():
            new = fires & (node == code) & ((notice_bits[rows] & bit) == 0)
            if new.any():
                _raise(state, rows[new], code, node_deadline[new], tick[new], notice_bits, raised)


def _raise(state: dict[str, np.ndarray], rows: np.ndarray, node: str, deadline: np.ndarray, tick: np.ndarray,
           notice_bits: np.ndarray, raised: Notices) -> None:
    if not len(rows):
        return
    assignee = state["assignee_id"][rows]
    center = state["center_id"][rows]
    unit = np.array([notices.notice_unit_id(node, assignee_id=a if a >= 0 else None, center_id=c)
                     for a, c in zip(assignee.tolist(), center.tolist(), strict=True)], dtype=np.int64)
    notice_bits[rows] |= NODE_BITS[node]
    raised.add(rows, node, unit, deadline, tick)

"""The life of every simulated case, planned vectorised: from the intake (``Intake``, one row per report) to the
moment of every workflow step.

The history of a case is a sequence of *slots* in a fixed order; a case uses a subset of them (its pattern).
Every distinct pattern is replayed through ``workflow.replay`` (``pattern``); the slot times only decide which
steps happened before the year ended. What each step changes — deadlines, node deadlines, on-time flags, the
case's fields — is not decided here: ``simulation.engine`` applies the live transitions (``cases.transitions``)
to the planned steps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from gaoxin.cases import timelimits, workflow
from gaoxin.core import calendar
from gaoxin.simulation import calibration as cal

if TYPE_CHECKING:
    from gaoxin.cases.models import Category

# Slots: (name, action). Decision slots carry the approve flag of the case (approve_* or deny_*).
SLOTS = [
    ("report", "report"),
    ("reject", "reject"),
    ("merge_reported", "merge"),
    ("register", "register"),
    ("merge_registered", "merge"),
    ("dispatch_wrong", "dispatch"),
    ("accept_wrong", "accept"),
    ("return", "return"),
    ("dispatch", "dispatch"),
    ("accept", "accept"),
    ("request_extension", "request_extension"),
    ("decide_extension", "approve_extension"),
    ("request_suspension", "request_suspension"),
    ("decide_suspension", "approve_suspension"),
    ("resume", "resume"),
    ("feedback", "feedback"),
    ("verify_fail", "verify_fail"),
    ("accept_rework", "accept"),
    ("feedback_rework", "feedback"),
    ("verify_pass", "verify_pass"),
    ("evaluate", "evaluate"),
]
S = {name: i for i, (name, _) in enumerate(SLOTS)}
NSLOT = len(SLOTS)
EXT_APPROVED_BIT = 1 << NSLOT
SUSP_APPROVED_BIT = 1 << (NSLOT + 1)

KIND_REGISTERED, KIND_REJECTED, KIND_MERGED_REPORTED, KIND_MERGED_REGISTERED = 0, 1, 2, 3


@dataclass(frozen=True)
class Pattern:
    slots: tuple[int, ...]
    actions: tuple[str, ...]
    from_states: tuple[str, ...]
    to_states: tuple[str, ...]


@cache
def pattern(mask: int) -> Pattern:
    """The event sequence of a slot mask, validated by the live state machine (``workflow.replay``)."""
    slots, actions = [], []
    for i, (name, action) in enumerate(SLOTS):
        if mask & (1 << i):
            if name == "decide_extension" and not mask & EXT_APPROVED_BIT:
                action = "deny_extension"
            if name == "decide_suspension" and not mask & SUSP_APPROVED_BIT:
                action = "deny_suspension"
            slots.append(i)
            actions.append(action)
    froms, tos, state = [], [], ""
    for action in actions:
        to = workflow.INITIAL_STATE if action == workflow.INITIAL_ACTION else workflow.next_state(state, action)
        froms.append(state)
        tos.append(to)
        state = to
    final = workflow.replay(list(zip(actions, froms, tos, strict=True)))
    assert final == tos[-1]
    return Pattern(tuple(slots), tuple(actions), tuple(froms), tuple(tos))


@dataclass
class Intake:
    """One row per report (numpy arrays of equal length, plus Python lists for text)."""

    group: np.ndarray  # 0 grid events, 1 visit problems, 2 reception problems
    kind: np.ndarray  # KIND_*
    t_report: np.ndarray  # Unix seconds
    channel: np.ndarray  # channel code (object array)
    category: np.ndarray  # Category id
    request_type: np.ndarray  # Category id or -1
    urgency: np.ndarray  # urgency code (object array)
    lon: np.ndarray
    lat: np.ndarray
    micro: np.ndarray  # micro-grid id or -1
    grid: np.ndarray
    street: np.ndarray  # street office id or -1
    reporter_actor: np.ndarray  # user id of the reporting account
    reporter_user: np.ndarray  # user id of the reporter account (citizens) or -1
    master: np.ndarray  # for duplicates: index of the case they are merged into, else -1
    reporter_name: list[str] = field(default_factory=list)
    reporter_phone: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)
    address: list[str] = field(default_factory=list)
    external_ref: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.t_report)


@dataclass
class CategoryTable:
    """Category columns indexed by Category id (dense arrays up to the largest id)."""

    code: dict[int, str]
    name: dict[int, str]
    time_limit: np.ndarray
    is_day: np.ndarray
    sign_h: np.ndarray
    handle_h: np.ndarray
    verify_h: np.ndarray


def category_table(categories: list[Category]) -> CategoryTable:
    size = max(c.pk for c in categories) + 1
    time_limit = np.zeros(size, dtype=np.int64)
    is_day = np.zeros(size, dtype=bool)
    sign_h, handle_h, verify_h = (np.zeros(size) for _ in range(3))
    for c in categories:
        time_limit[c.pk] = c.time_limit
        is_day[c.pk] = c.time_unit == "day"
        sign_h[c.pk], handle_h[c.pk], verify_h[c.pk] = c.sign_limit_hours, c.handle_limit_hours, c.verify_limit_hours
    return CategoryTable({c.pk: c.code for c in categories}, {c.pk: c.name for c in categories}, time_limit, is_day,
                         sign_h, handle_h, verify_h)


@dataclass
class Lifecycle:
    """Per case and slot: whether the step happened (``present``) and when (``t``), plus every derived column."""

    present: np.ndarray  # (n, NSLOT) bool
    t: np.ndarray  # (n, NSLOT) int64, -1 when absent
    mask: np.ndarray  # pattern masks (int64)
    ext_approved: np.ndarray
    susp_approved: np.ndarray
    ext_amount: np.ndarray
    assignee_wrong: np.ndarray
    assignee: np.ndarray
    center: np.ndarray
    satisfaction: np.ndarray  # object array ('' when not evaluated)


def _lognormal(rng: np.random.Generator, median: float, sigma: float, n: int) -> np.ndarray:
    return median * np.exp(sigma * rng.standard_normal(n))


def _daytime(t: np.ndarray) -> np.ndarray:
    """Staff act between 07:00 and 22:00: a moment at night moves, order kept, into 07:00–07:30."""
    local = t + 8 * 3600
    day = local // 86400
    sod = local - day * 86400
    night_late = sod >= 22 * 3600  # 22:00–24:00 → next morning
    night_early = sod < 7 * 3600
    span = 9 * 3600
    into = np.where(night_late, sod - 22 * 3600, sod + 2 * 3600)  # seconds since 22:00
    moved_day = np.where(night_late, day + 1, day)
    moved = moved_day * 86400 + 7 * 3600 + into * 1800 // span - 8 * 3600
    return np.where(night_late | night_early, moved, t)


def plan(
    rng: np.random.Generator,
    intake: Intake,
    cats: CategoryTable,
    routing: tuple[np.ndarray, np.ndarray, np.ndarray],
    *,
    year_end: int,
    open_targets: dict[int, int],
) -> Lifecycle:
    """Draw every case's steps and their moments, then end the year: exactly ``open_targets[group]`` registered
    cases of each group stay open (the latest registered, and those suspended at year end), every other one is
    closed before ``year_end`` (its steps compressed when they would have ended later)."""
    n = len(intake)
    center, assignee, assignee_wrong = routing
    kind = intake.kind
    registered = kind != KIND_REJECTED
    registered &= kind != KIND_MERGED_REPORTED
    handled = kind == KIND_REGISTERED
    is_day = cats.is_day[intake.category]
    channel = intake.channel

    present = np.zeros((n, NSLOT), dtype=bool)
    present[:, S["report"]] = True
    present[:, S["reject"]] = kind == KIND_REJECTED
    present[:, S["merge_reported"]] = kind == KIND_MERGED_REPORTED
    present[:, S["register"]] = registered
    present[:, S["merge_registered"]] = kind == KIND_MERGED_REGISTERED
    returned = handled & (rng.random(n) < cal.RETURN_SHARE) & (assignee_wrong >= 0)
    present[:, S["dispatch_wrong"]] = returned
    present[:, S["accept_wrong"]] = returned & (rng.random(n) < cal.RETURN_AFTER_ACCEPT)
    present[:, S["return"]] = returned
    for name in ("dispatch", "accept", "feedback", "verify_pass"):
        present[:, S[name]] = handled
    ext = handled & (rng.random(n) < np.where(is_day, cal.EXTENSION_SHARE_DAY, cal.EXTENSION_SHARE_HOUR))
    present[:, S["request_extension"]] = ext
    present[:, S["decide_extension"]] = ext
    ext_approved = ext & (rng.random(n) < cal.EXTENSION_APPROVED)
    ext_amount = np.where(is_day, rng.integers(1, 6, n), rng.integers(1, 5, n))
    susp = handled & (rng.random(n) < cal.SUSPENSION_SHARE)
    susp_approved = susp & (rng.random(n) < cal.SUSPENSION_APPROVED)
    present[:, S["request_suspension"]] = susp
    present[:, S["decide_suspension"]] = susp
    present[:, S["resume"]] = susp_approved
    rework = handled & (rng.random(n) < cal.REWORK_SHARE)
    for name in ("verify_fail", "accept_rework", "feedback_rework"):
        present[:, S[name]] = rework
    evaluated_share = np.array([cal.EVALUATED_SHARE.get(c, 0.2) for c in channel.tolist()]) if n else np.zeros(0)
    present[:, S["evaluate"]] = handled & (rng.random(n) < evaluated_share)
    sat_codes = np.array(list(cal.SATISFACTION_MIX), dtype=object)
    satisfaction = sat_codes[rng.choice(len(sat_codes), n, p=list(cal.SATISFACTION_MIX.values()))]

    # Moments, step after step (natural seconds; staff steps moved into the day).
    minute = 60
    t = np.full((n, NSLOT), -1, dtype=np.int64)
    t[:, 0] = intake.t_report
    register_delay = np.where(channel == "hotline_12345", 30 + rng.exponential(8 * minute, n),
                              60 + rng.exponential(18 * minute, n)).astype(np.int64)
    decision = intake.t_report + register_delay
    t[:, S["reject"]] = np.where(present[:, S["reject"]], decision, -1)
    t[:, S["merge_reported"]] = np.where(present[:, S["merge_reported"]], decision, -1)
    t_reg = np.minimum(decision, year_end - 1800)
    t[:, S["register"]] = np.where(registered, t_reg, -1)
    merge_later = t_reg + (10 * minute + rng.exponential(3 * 3600, n)).astype(np.int64)
    t[:, S["merge_registered"]] = np.where(present[:, S["merge_registered"]], merge_later, -1)

    # The deadline as registration sets it: the span the handling times are drawn against.
    d0 = timelimits.deadline_for_many(t_reg, time_limit=cats.time_limit[intake.category], is_day=is_day,
                                      urgency=intake.urgency)
    span = np.maximum(d0 - t_reg, 1800)
    draws = {
        "dispatch_wrong": 5 * minute + rng.exponential(20 * minute, n),
        "accept_wrong": 10 * minute + rng.exponential(40 * minute, n),
        "return": 20 * minute + rng.exponential(2 * 3600, n),
        "dispatch": np.minimum(5 * minute + rng.exponential(20 * minute, n), 0.05 * span),
        "accept": np.minimum(_lognormal(rng, 15 * minute, 1.0, n), 0.25 * span),
        "request_extension": span * rng.uniform(0.1, 0.5, n),
        "decide_extension": 20 * minute + rng.exponential(4 * 3600, n),
        "request_suspension": span * rng.uniform(0.05, 0.3, n),
        "decide_suspension": 30 * minute + rng.exponential(6 * 3600, n),
        "resume": 86400 * rng.uniform(3, 60, n),
        "feedback": span * _lognormal(rng, cal.HANDLING_MEDIAN, cal.HANDLING_SIGMA, n),
        "verify_fail": _lognormal(rng, 40 * minute, 0.8, n),
        "accept_rework": 10 * minute + rng.exponential(30 * minute, n),
        "feedback_rework": span * rng.uniform(0.05, 0.2, n),
        "verify_pass": np.minimum(_lognormal(rng, 40 * minute, 0.8, n), 0.1 * span),
        "evaluate": 3600 + rng.exponential(20 * 3600, n),
    }
    cur = t_reg.copy()
    for name in list(draws):
        i = S[name]
        moment = _daytime(cur + draws[name].astype(np.int64) + 1)
        t[:, i] = np.where(present[:, i], moment, -1)
        cur = np.where(present[:, i], moment, cur)

    # End of the year: choose the open cases of each group, compress the rest into the year.
    close = t[:, S["verify_pass"]]
    susp_open = present[:, S["resume"]] & (t[:, S["decide_suspension"]] < year_end) & (t[:, S["resume"]] >= year_end)
    keep_open = np.zeros(n, dtype=bool)
    truncate_after_accept = np.zeros(n, dtype=bool)
    for group, target in open_targets.items():
        members = np.flatnonzero((intake.group == group) & handled)
        late = members[close[members] >= year_end]
        # Priority: suspended at year end, then the latest registered.
        order = np.lexsort((-t_reg[late], ~susp_open[late]))
        chosen = late[order[:target]]
        keep_open[chosen] = True
        if len(chosen) < target:
            # Too few ran past the year: the latest closed ones are still being handled (signed for).
            closed_members = members[~keep_open[members]]
            extra = closed_members[np.argsort(-close[closed_members], kind="stable")[: target - len(chosen)]]
            keep_open[extra] = True
            truncate_after_accept[extra] = True
    compress = handled & ~keep_open & (close >= year_end)
    if compress.any():
        rows = np.flatnonzero(compress)
        base = t_reg[rows][:, None]
        factor = (year_end - 120 - base[:, 0]) / (close[rows] - base[:, 0])
        later = t[rows, S["register"] + 1 :]
        squeezed = base + np.floor((later - base) * factor[:, None]).astype(np.int64)
        t[rows, S["register"] + 1 :] = np.where(later >= 0, squeezed, -1)
    cut = t >= year_end
    cut[truncate_after_accept, S["accept"] + 1 :] = True
    present &= ~cut
    t[~present] = -1

    bits = (present.astype(np.int64) << np.arange(NSLOT, dtype=np.int64)).sum(axis=1)
    mask = bits | np.where(ext_approved, EXT_APPROVED_BIT, 0) | np.where(susp_approved, SUSP_APPROVED_BIT, 0)
    life = Lifecycle(present=present, t=t, mask=mask, ext_approved=ext_approved, susp_approved=susp_approved,
                     ext_amount=ext_amount, assignee_wrong=assignee_wrong, assignee=assignee, center=center,
                     satisfaction=np.where(present[:, S["evaluate"]], satisfaction, ""))
    return life


def year_bounds(year: int) -> tuple[int, int]:
    return calendar.local_midnight(dt.date(year, 1, 1)), calendar.local_midnight(dt.date(year + 1, 1, 1))

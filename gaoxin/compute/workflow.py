"""A compute job's states and moves, as a pure table (docs/COMPUTE.md).

    submitted ─place→ placed ─start→ running ─succeed→ succeeded
        ▲                │   │          │    ─fail→    failed
        └──── failover ──┘   └─(finish, the scheduler ran it between two polls)
    any open state ─cancel→ cancelled;  submitted ─expire→ failed (no pool can meet the deadline or budget)

``failover`` blocks the pool for the job and puts it back in the queue. A move is identified by a key (the
attempt and the move): applying a move whose key the job has already seen changes nothing, so a broker that
restarts and replays what the schedulers report cannot move a job twice."""

from __future__ import annotations

from dataclasses import dataclass

SUBMITTED, PLACED, RUNNING = "submitted", "placed", "running"
SUCCEEDED, FAILED, CANCELLED = "succeeded", "failed", "cancelled"
OPEN = (SUBMITTED, PLACED, RUNNING)
TERMINAL = (SUCCEEDED, FAILED, CANCELLED)
STATES = OPEN + TERMINAL

MOVE_LABELS = {"submit": "提交", "place": "调度到资源池", "start": "开始运行", "succeed": "完成", "fail": "失败",
               "failover": "改派", "expire": "无资源池可承接", "cancel": "撤销"}

MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "place": ((SUBMITTED,), PLACED),
    "start": ((PLACED,), RUNNING),
    "succeed": ((PLACED, RUNNING), SUCCEEDED),
    "fail": ((PLACED, RUNNING), FAILED),
    "failover": ((PLACED, RUNNING), SUBMITTED),
    "expire": ((SUBMITTED,), FAILED),
    "cancel": (OPEN, CANCELLED),
}


class MoveRefused(Exception):
    def __init__(self, state: str, move: str) -> None:
        super().__init__(f"move {move!r} is not allowed from {state!r}")
        self.state, self.move = state, move


@dataclass(frozen=True)
class Outcome:
    """What applying a move gives: the new state, and whether anything changed (False for a replayed key)."""

    state: str
    changed: bool


def apply(state: str, move: str, *, key: str, seen: frozenset[str] | set[str]) -> Outcome:
    """The state after ``move``; a key already in ``seen`` is a replay and changes nothing."""
    if key in seen:
        return Outcome(state, False)
    sources, target = MOVES[move]
    if state not in sources:
        raise MoveRefused(state, move)
    return Outcome(target, True)


def move_key(move: str, attempt: int | None) -> str:
    """The idempotency key of a move: the scheduler reports per attempt, the queue moves per job."""
    return f"{attempt}:{move}" if attempt is not None else move

"""An entry's states and moves, as a table: (state, action) → new state."""

from __future__ import annotations

DRAFT, SUBMITTED, RETURNED, APPROVED, SUPERSEDED = "draft", "submitted", "returned", "approved", "superseded"

MOVES: dict[tuple[str, str], str] = {
    (DRAFT, "save"): DRAFT,
    (RETURNED, "save"): RETURNED,
    (DRAFT, "submit"): SUBMITTED,
    (RETURNED, "submit"): SUBMITTED,
    (SUBMITTED, "approve"): APPROVED,
    (SUBMITTED, "return"): RETURNED,
    (APPROVED, "supersede"): SUPERSEDED,
}

ACTION_LABELS = {"create": "新建", "save": "保存", "submit": "报送", "approve": "审核通过", "return": "退回",
                 "revise": "修订", "supersede": "被修订替代"}


def next_state(state: str, action: str) -> str | None:
    return MOVES.get((state, action))

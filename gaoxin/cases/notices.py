"""督办 notices as the supervision raises them: to which unit, about which deadline, with which words. Pure; the
supervision service (``services.supervision``) and the simulated year (``simulation.engine``) both use it."""

from __future__ import annotations

import datetime as dt

from gaoxin.cases.transitions import NODE_CASE, NODE_LABELS, NODE_VERIFY

# The nodes whose limit is a node deadline (``Case.node_deadline``); ``case`` is the overall deadline.
NODE_STATES = ("dispatched", "accepted", "handled")


def notice_unit_id(node: str, *, assignee_id: int | None, center_id: int) -> int:
    """The unit told: the handling unit, except for 核查 (the center verifies) and when nobody is assigned."""
    return center_id if node == NODE_VERIFY or assignee_id is None else assignee_id


def notice_message(number: str, node: str, deadline_text: str) -> str:
    """``deadline_text``: the deadline in Beijing time as ``YYYY-MM-DD HH:MM``."""
    return f"案件 {number} {NODE_LABELS[node]}已超期（期限 {deadline_text}）"


def deadline_text(deadline: dt.datetime) -> str:
    from django.utils import timezone

    return f"{timezone.localtime(deadline):%Y-%m-%d %H:%M}"


__all__ = ["NODE_CASE", "NODE_STATES", "deadline_text", "notice_message", "notice_unit_id"]

"""What the pages show about a case beyond its fields: deadline color, time left in working days, and map data.
(The actions a viewer is offered come from the action policy, ``cases.policy.available_actions``.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from gaoxin.cases import selectors, timelimits, workflow
from gaoxin.cases.models import Case, CaseAttachment, CaseEvent
from gaoxin.core import clock


@dataclass
class Timing:
    color: str | None  # green / yellow / red / suspended / None
    left_days: float | None  # working days to the deadline (negative: overdue by)

    @property
    def overdue_days(self) -> float | None:
        """Working days past the deadline (positive), or None when not past it."""
        return -self.left_days if self.left_days is not None and self.left_days < 0 else None

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
    """Display helpers on a page of cases: the time-limit status, and for a case back in the queue after a 退单 the
    reason of the last return (one query for the page)."""
    now = clock.now()
    back = [c.pk for c in cases if c.returned_count and c.state == workflow.REGISTERED]
    reasons: dict[int, str] = {}
    if back:
        for case_id, note in CaseEvent.objects.filter(case_id__in=back, action="return").order_by(
                "case_id", "seq").values_list("case_id", "note"):
            reasons[case_id] = note
    for case in cases:
        case.timing = timing(case, now)  # type: ignore[attr-defined]  # display only
        case.return_reason = reasons.get(case.pk, "")  # type: ignore[attr-defined]  # display only
    return cases


def point(case: Case, label: str = "") -> dict[str, Any] | None:
    if case.lon is None or case.lat is None:
        return None
    return {"lon": case.lon, "lat": case.lat, "label": label or case.number}


@dataclass
class BeforeAfter:
    """The photos of a case as reported (处置前) and of the handler's latest feedback (处置后), shown side by side
    where the fix is verified."""

    before: list[CaseAttachment]
    after: list[CaseAttachment]


def before_after(cases: list[Case]) -> dict[int, BeforeAfter]:
    """One query for a page of cases: each case's report photos and its latest feedback's photos."""
    found = {c.pk: BeforeAfter([], []) for c in cases}
    latest_feedback: dict[int, int] = {}
    photos = list(CaseAttachment.objects.filter(case_id__in=list(found), content_type__startswith="image/")
                  .select_related("event").order_by("uploaded_at", "pk"))
    for a in photos:
        if a.event is not None and a.event.action == "feedback":
            latest_feedback[a.case_id] = max(latest_feedback.get(a.case_id, 0), a.event.seq)
    for a in photos:
        if a.event is None or a.event.action == "report":
            found[a.case_id].before.append(a)
        elif a.event.action == "feedback" and a.event.seq == latest_feedback.get(a.case_id):
            found[a.case_id].after.append(a)
    return found

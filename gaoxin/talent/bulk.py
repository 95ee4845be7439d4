"""The bulk twin of ``services.application_submit``, ``application_review`` (passed) and ``application_decide``
for many talent applications at once (the simulated year): the same application rows, numbers, limits and three
events each (submitted, reviewed, approved or rejected), chained by ``core.audit.chained``, in a few statements
instead of about fifteen an application. The applicants' fields must already be checked
(``services.applicant_checked``) and the officer allowed: this module writes, it does not judge. The differential
test (``tests/test_bulk.py``) proves both paths write the same rows, events and valid chains."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gaoxin.accounts.models import User
from gaoxin.core import audit
from gaoxin.core.calendar import SHANGHAI, add_working_time
from gaoxin.core.db import insert_many
from gaoxin.enterprises.models import Enterprise
from gaoxin.talent import services
from gaoxin.talent.models import ApplicationEvent, TalentApplication, TalentProgram

BATCH = 2000


@dataclass(frozen=True)
class DecidedApplication:
    """An application submitted, passed at review and then approved (with the program's subsidy) or rejected
    with ``note``, at the three moments given."""

    enterprise: Enterprise
    applicant: Mapping[str, Any]
    submitted_at: dt.datetime
    reviewed_at: dt.datetime
    decided_at: dt.datetime
    approved: bool
    note: str = ""


def applications_decided_many(*, actor: User, program: TalentProgram, rows: Sequence[DecidedApplication],
                              is_synthetic: bool = False) -> int:
    """Write ``rows`` in their order (each decided before the next is submitted), in the caller's transaction;
    the number written."""
    numbers: dict[int, int] = {}
    applications, events = [], []
    for row in rows:
        year = row.submitted_at.astimezone(SHANGHAI).year
        if year not in numbers:
            numbers[year] = services.next_sequence(year)
        review_due = add_working_time(row.submitted_at, program.review_days, "day")
        approve_due = add_working_time(row.reviewed_at, program.approve_days, "day")
        subsidy = program.subsidy if row.approved else Decimal(0)
        note = row.note.strip()[:300]
        number = f"RC{year}{numbers[year]:06d}"
        numbers[year] += 1
        chained = audit.chained(ApplicationEvent, number, [
            audit.Step(at=row.submitted_at, actor_id=actor.pk, fields={"action": "submit"}),
            audit.Step(at=row.reviewed_at, actor_id=actor.pk, fields={"action": "review_pass"},
                       payload={"overdue": row.reviewed_at > review_due}),
            audit.Step(at=row.decided_at, actor_id=actor.pk, note=note,
                       fields={"action": "approve" if row.approved else "reject"},
                       payload={"subsidy": str(subsidy), "overdue": row.decided_at > approve_due})])
        applications.append({
            "number": number, "program_id": program.pk, "enterprise_id": row.enterprise.pk,
            "submitted_at": row.submitted_at, "review_due": review_due, "submitted_by_id": actor.pk,
            "is_synthetic": is_synthetic, "reviewed_at": row.reviewed_at, "approve_due": approve_due,
            "decided_at": row.decided_at, "subsidy": subsidy, "decision_note": note,
            "status": TalentApplication.Status.APPROVED if row.approved else TalentApplication.Status.REJECTED,
            "audit_head": chained[-1]["hash"], "event_count": len(chained), **row.applicant})
        events.append(chained)
    insert_many(TalentApplication, applications)
    keys = dict(TalentApplication.objects.filter(number__in=[a["number"] for a in applications])
                .values_list("number", "pk"))
    insert_many(ApplicationEvent, [{**values, "application_id": keys[a["number"]]}
                                   for a, chained in zip(applications, events, strict=True) for values in chained])
    return len(applications)

"""The bulk twin of the policy services for many decisions at once (the simulated year): what ``matching_run`` (or
``application_submit`` and ``application_decide``), ``decision_confirm``, ``notice_publish``, ``notice_close``
and ``payment_batch_create`` write for each decision — the same decision rows and numbers, notices and batches,
and the same events chained by ``core.audit.chained`` — in a few statements instead of about twenty-five a
decision. The rules must already have decided (``engine.evaluation_run``: the amount and the trace) and the caller
must respect the budgets and the 不重复享受 groups: this module writes, it does not judge. The differential test
(``tests/test_bulk.py``) proves both paths write the same rows, events and valid chains."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from gaoxin.accounts.models import User
from gaoxin.core import audit
from gaoxin.core.calendar import SHANGHAI, add_working_time, calendar
from gaoxin.core.db import insert_many
from gaoxin.policies.models import BenefitItem, Decision, DecisionEvent, Notice, PaymentBatch
from gaoxin.policies.services import NOTICE_WORKING_DAYS, next_number


@dataclass
class PlannedNotice:
    title: str
    published_at: dt.datetime
    cleared_at: dt.datetime  # when the window is closed (after ``objection_until``)
    record: Notice | None = None


@dataclass
class PlannedBatch:
    paid_at: dt.datetime
    record: PaymentBatch | None = None


@dataclass
class DecisionPath:
    """One decision and how far it went: decided by the rules at ``created_at`` (matched, or applied for), then
    confirmed or approved at ``decided_at``, put in ``notice``, and paid in ``batch`` (each step optional after
    the previous)."""

    item: BenefitItem
    enterprise_id: int
    evaluated_on: dt.date
    amount_fen: int
    trace: dict[str, Any]
    created_at: dt.datetime
    decided_at: dt.datetime | None = None
    bank_name: str = ""
    bank_account: str = ""
    materials: list[str] = field(default_factory=list)
    notice: PlannedNotice | None = None
    batch: PlannedBatch | None = None


def notices_create(*, actor: User, notices: Sequence[PlannedNotice], is_synthetic: bool = False) -> None:
    """The notices' rows, numbered in their order (as ``notice_publish`` numbers them)."""

    for planned in notices:
        on = planned.published_at.astimezone(SHANGHAI).date()
        planned.record = Notice.objects.create(
            number=next_number(Notice, "GS", on.year), title=planned.title, published_on=on,
            objection_until=calendar().nth_workday_after(on, NOTICE_WORKING_DAYS), created_by=actor,
            is_synthetic=is_synthetic)


def batches_create(*, actor: User, batches: Sequence[PlannedBatch], paths: Sequence[DecisionPath],
                   is_synthetic: bool = False) -> None:

    totals: dict[int, int] = {}
    for path in paths:
        if path.batch is not None:
            totals[id(path.batch)] = totals.get(id(path.batch), 0) + path.amount_fen
    for planned in batches:
        on = planned.paid_at.astimezone(SHANGHAI).date()
        planned.record = PaymentBatch.objects.create(
            number=next_number(PaymentBatch, "BF", on.year), paid_on=on, total_fen=totals.get(id(planned), 0),
            created_by=actor, created_at=planned.paid_at, is_synthetic=is_synthetic)


def decisions_many(*, officer: User, finance: User, paths: Sequence[DecisionPath], year: int,
                   is_synthetic: bool = False) -> int:
    """Write ``paths`` (in the order of their ``created_at``), their notices and batches written before by
    ``notices_create`` and ``batches_create``, in the caller's transaction; the number written."""

    first = int(next_number(Decision, "ZC", year)[-6:])
    rows, events = [], []
    for sequence, path in enumerate(paths, start=first):
        number = f"ZC{year}{sequence:06d}"
        auto = path.item.route == BenefitItem.Route.AUTO
        steps = [audit.Step(at=path.created_at, actor_id=officer.pk, fields={"action": "match"},
                            payload={"amount_fen": path.amount_fen, "on": path.evaluated_on.isoformat()})
                 if auto else audit.Step(at=path.created_at, actor_id=officer.pk, fields={"action": "apply"},
                                         payload={"materials": list(path.materials)})]
        status = Decision.Status.MATCHED if auto else Decision.Status.APPLIED
        row: dict[str, Any] = {
            "number": number, "item_id": path.item.pk, "enterprise_id": path.enterprise_id, "year": year,
            "route": path.item.route, "evaluated_on": path.evaluated_on, "amount_fen": path.amount_fen,
            "trace": path.trace, "created_at": path.created_at, "is_synthetic": is_synthetic, "materials":
            list(path.materials), "bank_name": "" if auto else path.bank_name,
            "bank_account": "" if auto else path.bank_account,
            "review_due": None if auto else add_working_time(path.created_at, path.item.review_days, "day")}
        if path.decided_at is not None:
            if auto:
                steps.append(audit.Step(at=path.decided_at, actor_id=officer.pk, fields={"action": "confirm"},
                                        payload={"bank_name": path.bank_name}))
                row.update(bank_name=path.bank_name, bank_account=path.bank_account)
                status = Decision.Status.CONFIRMED
            else:
                steps.append(audit.Step(at=path.decided_at, actor_id=officer.pk, fields={"action": "approve"}))
                status = Decision.Status.APPROVED
        notice = path.notice.record if path.notice is not None else None
        if path.notice is not None and notice is not None:
            steps.append(audit.Step(at=path.notice.published_at, actor_id=officer.pk, fields={"action": "notice"},
                                    payload={"notice": notice.number, "until": notice.objection_until.isoformat()}))
            steps.append(audit.Step(at=path.notice.cleared_at, actor_id=officer.pk, fields={"action": "clear"},
                                    payload={"notice": notice.number}))
            row["notice_id"] = notice.pk
            status = Decision.Status.CLEARED
        batch = path.batch.record if path.batch is not None else None
        if path.batch is not None and batch is not None:
            steps.append(audit.Step(at=path.batch.paid_at, actor_id=finance.pk, fields={"action": "pay"},
                                    payload={"batch": batch.number, "paid_fen": path.amount_fen}))
            row.update(payment_batch_id=batch.pk, paid_fen=path.amount_fen, paid_on=batch.paid_on)
            status = Decision.Status.PAID
        chain = audit.chained(DecisionEvent, number, steps)
        row.update(status=status, audit_head=chain[-1]["hash"], event_count=len(chain))
        rows.append(row)
        events.append(chain)
    insert_many(Decision, rows)
    keys = dict(Decision.objects.filter(number__in=[r["number"] for r in rows]).values_list("number", "pk"))
    insert_many(DecisionEvent, [{**values, "decision_id": keys[r["number"]]}
                                for r, chain in zip(rows, events, strict=True) for values in chain])
    return len(rows)

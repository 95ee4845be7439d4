"""The bulk twin of ``services.monthly_report_submit`` for many months at once (the monthly report ledger's
import, the simulated year): the same report rows and the same project events, each project's chain continued
from its head by ``core.audit.chained``, in a few statements instead of about six a month. The values must already
be checked (``identities.check`` against the months on record, month by month) and the actor allowed: this
module writes, it does not judge. The differential test (``tests/test_bulk.py``) proves both paths write the same
rows, events and valid chains."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from gaoxin.accounts.models import User
from gaoxin.core import audit
from gaoxin.core.db import insert_many
from gaoxin.projects import services
from gaoxin.projects.models import MonthlyReport, Project, ProjectEvent

BATCH = 2000


@dataclass(frozen=True)
class ReportRow:
    project: Project
    year: int
    month: int
    values: Mapping[str, Decimal]
    at: dt.datetime
    progress_note: str = ""


def monthly_reports_write_many(*, actor: User, rows: Sequence[ReportRow],
                               is_synthetic: bool = False) -> list[MonthlyReport]:
    """Write checked ``rows`` (each project's months in order) as ``monthly_report_submit`` would, one after the
    other, in the caller's transaction: a month already on record is replaced (``report_fix``)."""
    project_ids = {row.project.pk for row in rows}
    on_record = set(MonthlyReport.objects.filter(project_id__in=project_ids).values_list("project_id", "year",
                                                                                       "month"))
    heads = {pk: (code, head, count) for pk, code, head, count in Project.objects.filter(pk__in=project_ids)
             .values_list("pk", "code", "audit_head", "event_count")}
    actor_id = actor.pk if actor.pk else None
    new, fixes = [], []
    steps: dict[int, list[audit.Step]] = {pk: [] for pk in project_ids}
    for row in rows:
        key = (row.project.pk, row.year, row.month)
        fields = services.report_fields(actor=actor, year=row.year, month=row.month, values=row.values,
                                        progress_note=row.progress_note, at=row.at, is_synthetic=is_synthetic)
        exists = key in on_record
        if exists:
            fixes.append((key, fields))
        else:
            new.append(MonthlyReport(project=row.project, year=row.year, month=row.month, **fields))
            on_record.add(key)
        event = services.report_event(year=row.year, month=row.month, values=row.values, late=fields["is_late"],
                                      exists=exists)
        steps[row.project.pk].append(audit.Step(at=row.at, actor_id=actor_id, payload=event["payload"],
                                                fields={"action": event["action"], "from_stage": "",
                                                        "to_stage": ""}))
    MonthlyReport.objects.bulk_create(new, batch_size=BATCH)
    for (project_id, year, month), fields in fixes:
        MonthlyReport.objects.filter(project_id=project_id, year=year, month=month).update(**fields)
    events, projects = [], []
    for pk, project_steps in steps.items():
        code, head, count = heads[pk]
        chained = audit.chained(ProjectEvent, code, project_steps, head=head, count=count)
        events += [{**values, "project_id": pk} for values in chained]
        projects.append(Project(pk=pk, audit_head=chained[-1]["hash"], event_count=chained[-1]["seq"]))
    insert_many(ProjectEvent, events)  # the events' own keys are not needed back
    Project.objects.bulk_update(projects, ["audit_head", "event_count"], batch_size=BATCH)
    by_key = {(r.project_id, r.year, r.month): r for r in MonthlyReport.objects.filter(
        project_id__in=project_ids, year__in={row.year for row in rows})}
    return [by_key[(row.project.pk, row.year, row.month)] for row in rows]

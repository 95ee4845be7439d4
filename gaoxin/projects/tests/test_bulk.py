"""Differential test: the bulk path of many monthly reports (the ledger import, the simulated year) writes what
``services.monthly_report_submit`` writes month by month — the same report rows, the same project events after the
events already on record (actions, payloads, actors, times) and chains that verify."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gaoxin.core import audit, clock
from gaoxin.projects import bulk, identities, services
from gaoxin.projects.models import MonthlyReport, Project, ProjectEvent
from gaoxin.projects.tests.test_services import at, values

pytestmark = pytest.mark.django_db

REPORT_FIELDS = ("year", "month", *identities.FIELDS, "progress_note", "submitted_at", "submitted_by_id", "is_late",
                 "is_synthetic")
EVENT_FIELDS = ("seq", "actor_id", "at", "note", "payload", "action", "from_stage", "to_stage")

MONTHS = [  # month, values, submitted on (the 26th is late), progress
    (1, values("100", "100", "2100", (60, 20, 10, 10)), at(2023, 1, 20), "开工准备"),
    (2, values("50", "150", "2150", (90, 20, 20, 20)), at(2023, 2, 26, 9), ""),
    (3, values("0", "150", "2150", (90, 20, 20, 20)), at(2023, 3, 10), "主体施工"),
    (3, values("30", "180", "2180", (110, 25, 25, 20)), at(2023, 3, 12), "更正"),  # a correction of March
]


def written(project: Project) -> tuple[list, list, tuple]:
    reports = list(MonthlyReport.objects.filter(project=project).order_by("year", "month").values_list(*REPORT_FIELDS))
    events = list(ProjectEvent.objects.filter(project=project).order_by("seq").values_list(*EVENT_FIELDS))
    project.refresh_from_db()
    return reports, events, (project.event_count, project.audit_head)


def test_bulk_reports_write_what_the_service_writes(made):
    steward = made.people.steward
    with clock.frozen(at(2023, 1, 5)):
        one, two = made.project("XM-1", prior="2000"), made.project("XM-2", prior="2000")
    for month, row, moment, note in MONTHS:
        services.monthly_report_submit(actor=steward, project=one, year=2023, month=month, values=row, at=moment,
                                       progress_note=note, is_synthetic=True)
    checked = []
    months: dict[int, Decimal] = {}
    for month, row, moment, note in MONTHS:
        result = identities.check(row, services.report_context(two, month, months))
        assert result.ok
        months[month] = result.values["ytd"]
        checked.append(bulk.ReportRow(project=two, year=2023, month=month, values=result.values, at=moment,
                                      progress_note=note))
    made_in_bulk = bulk.monthly_reports_write_many(actor=steward, rows=checked, is_synthetic=True)

    reports_one, events_one, (count_one, _) = written(one)
    reports_two, events_two, (count_two, head_two) = written(two)
    assert reports_two == reports_one
    assert events_two == events_one
    assert [e[5] for e in events_two] == ["registered", "report", "report", "report", "report_fix"]
    assert count_two == count_one == 5
    assert head_two == ProjectEvent.objects.get(project=two, seq=5).hash
    assert list(audit.verify(ProjectEvent)) == []
    assert [(r.month, r.ytd) for r in made_in_bulk] == [(1, Decimal("100.00")), (2, Decimal("150.00")),
                                                         (3, Decimal("180.00")), (3, Decimal("180.00"))]
    # The months written in bulk continue through the service like any other.
    services.monthly_report_submit(actor=steward, project=two, year=2023, month=4,
                                   values=values("20", "200", "2200", (120, 30, 30, 20)), at=at(2023, 4, 20))
    assert list(audit.verify(ProjectEvent)) == []

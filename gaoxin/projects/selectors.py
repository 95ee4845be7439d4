"""Reads of the key-project registry, scoped by ``policy.project_scope_q``."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from gaoxin.accounts.models import User
from gaoxin.projects.models import Contract, Light, MonthlyReport, Project, ProjectProblem
from gaoxin.projects.policy import project_scope_q


def project_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[Project]:
    filters = filters or {}
    qs = Project.objects.filter(project_scope_q(actor=actor))
    for name in ("level", "category", "stage"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("year"):
        try:
            qs = qs.filter(year=int(filters["year"]))
        except (TypeError, ValueError):
            qs = qs.none()
    if filters.get("key"):
        qs = qs.filter(level__in=(Project.Level.PROVINCE, Project.Level.CITY))
    if filters.get("q"):
        text = str(filters["q"]).strip()
        qs = qs.filter(Q(name__icontains=text) | Q(code__icontains=text) | Q(investor__name__icontains=text))
    if filters.get("steward"):
        qs = qs.filter(steward=filters["steward"])
    return qs.select_related("investor", "steward", "chain").order_by("code")


def project_get(*, actor: User, pk: int) -> Project | None:
    return project_list(actor=actor).filter(pk=pk).first()


def contract_list(*, actor: User, start: Any = None, end: Any = None) -> QuerySet[Contract]:
    qs = Contract.objects.filter(project__in=Project.objects.filter(project_scope_q(actor=actor)))
    if start is not None:
        qs = qs.filter(signed_on__gte=start)
    if end is not None:
        qs = qs.filter(signed_on__lt=end)
    return qs.select_related("project", "investor").order_by("-signed_on", "number")


def report_list(*, actor: User, year: int | None = None) -> QuerySet[MonthlyReport]:
    qs = MonthlyReport.objects.filter(project__in=Project.objects.filter(project_scope_q(actor=actor)))
    if year is not None:
        qs = qs.filter(year=year)
    return qs.select_related("project").order_by("project__code", "year", "month")


def latest_reports(*, actor: User, year: int, projects: QuerySet[Project] | None = None) -> QuerySet[MonthlyReport]:
    """Each project's last report of the year (its 自年初累计 is the year's completed investment)."""
    base = report_list(actor=actor, year=year)
    if projects is not None:
        base = base.filter(project__in=projects)
    last = (MonthlyReport.objects.filter(project=OuterRef("project"), year=year).order_by("-month")
            .values("pk")[:1])
    return base.filter(pk=Subquery(last))


def problem_list(*, actor: User) -> QuerySet[ProjectProblem]:
    return (ProjectProblem.objects.filter(project__in=Project.objects.filter(project_scope_q(actor=actor)))
            .select_related("project", "case", "raised_by").order_by("-raised_at"))


def light_board(*, actor: User, year: int, month: int) -> QuerySet[Light]:
    return (Light.objects.filter(project__in=Project.objects.filter(project_scope_q(actor=actor)), year=year,
                                 month=month).select_related("project", "project__investor", "project__steward")
            .order_by("-overall", "project__code"))


def completeness(*, actor: User, year: int, month: int) -> dict[str, int]:
    """Monthly completeness (月报完整性): projects of the year, reported on time, late, missing."""
    projects = Project.objects.filter(project_scope_q(actor=actor), year=year)
    reports = MonthlyReport.objects.filter(project__in=projects, year=year, month=month)
    total, reported = projects.count(), reports.count()
    late = reports.filter(is_late=True).count()
    return {"projects": total, "on_time": reported - late, "late": late, "missing": total - reported}

"""Scoped reads of visits, reception-day sessions, enterprise problems and the enterprise's own view."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core import clock
from gaoxin.core.errors import NotFound, PermissionDenied
from gaoxin.enterprises import casebridge
from gaoxin.enterprises.models import EnterpriseNotification, EnterpriseProblem, ReceptionSession, Visit
from gaoxin.enterprises.scope import enterprise_scope_q, own_enterprise_id


@dataclass(frozen=True)
class VisitFilters:
    """Filters of the visit list (and of its Excel export). Dates are inclusive."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    cadre_id: int | None = None
    department_id: int | None = None  # the cadre's unit
    enterprise_id: int | None = None
    street_id: int | None = None
    chain: str = ""
    with_problems: bool | None = None


def _staff_only(actor: User) -> None:
    if actor.role in (Role.CITIZEN, Role.ENTERPRISE) and not actor.is_superuser:
        raise PermissionDenied("无权查看走访记录", code="visit_list_denied")


def visit_list(*, actor: User, filters: VisitFilters | None = None) -> QuerySet[Visit]:
    """Visits of the enterprises in the actor's scope, and the actor's own visits."""
    _staff_only(actor)
    f = filters or VisitFilters()
    scope = enterprise_scope_q(actor=actor, prefix="enterprise__")
    # An empty Q means "every enterprise"; OR-ing it would drop it (Q() | X == X), so only narrow scopes widen.
    qs = Visit.objects.filter(scope | Q(cadre=actor)) if scope else Visit.objects.all()
    if f.date_from:
        qs = qs.filter(visited_on__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(visited_on__lte=f.date_to)
    if f.cadre_id:
        qs = qs.filter(cadre_id=f.cadre_id)
    if f.department_id:
        qs = qs.filter(department_id=f.department_id)
    if f.enterprise_id:
        qs = qs.filter(enterprise_id=f.enterprise_id)
    if f.street_id:
        qs = qs.filter(enterprise__street_id=f.street_id)
    if f.chain:
        qs = qs.filter(enterprise__chains__code=f.chain)
    if f.with_problems is not None:
        has = Exists(EnterpriseProblem.objects.filter(visit=OuterRef("pk")))
        qs = qs.filter(has if f.with_problems else ~has)
    return qs.select_related("enterprise", "cadre", "department").order_by("-visited_on", "-pk")


def revisits_due(*, actor: User, on: dt.date | None = None, within_days: int = 0) -> QuerySet[Visit]:
    """The actor's visits whose planned revisit date falls on or before ``on`` + ``within_days`` (default
    today, platform clock) and after which the enterprise has not been visited again."""
    _staff_only(actor)
    day = (on or clock.now().date()) + dt.timedelta(days=within_days)
    later = Visit.objects.filter(enterprise_id=OuterRef("enterprise_id"), visited_on__gt=OuterRef("visited_on"))
    return (
        Visit.objects.filter(cadre=actor, revisit_on__isnull=False, revisit_on__lte=day)
        .filter(~Exists(later))
        .select_related("enterprise")
        .order_by("revisit_on", "pk")
    )


def problem_list(*, actor: User, source: str | None = None) -> QuerySet[EnterpriseProblem]:
    """Problems of the enterprises in the actor's scope (an enterprise user: its own)."""
    qs = EnterpriseProblem.objects.filter(enterprise_scope_q(actor=actor, prefix="enterprise__"))
    if source:
        qs = qs.filter(source=source)
    return qs.select_related("enterprise", "category", "case", "department", "case__assignee")


def problem_row(problem: EnterpriseProblem) -> dict[str, Any]:
    case = problem.case
    return {
        "id": problem.pk,
        "enterprise": problem.enterprise.name,
        "category": problem.category.name,
        "description": problem.description,
        "raised_on": problem.raised_on,
        "department": problem.department.name if problem.department else "",
        "case_number": case.number if case else "",
        "state": case.state if case else "",
        "state_label": casebridge.STATE_LABELS.get(case.state, case.state) if case else "未形成案件",
        "assignee": case.assignee.name if case and case.assignee else "",
        "resolved": bool(case and case.state in casebridge.CLOSED_STATES),
        "closed_at": case.closed_at if case else None,
        "satisfaction": case.get_satisfaction_display() if case and case.satisfaction else "",
        "satisfaction_code": case.satisfaction if case else "",
    }


def reception_session_list(*, actor: User, year: int | None = None) -> QuerySet[ReceptionSession]:
    _staff_only(actor)
    qs = ReceptionSession.objects.all()
    if year:
        qs = qs.filter(held_on__year=year)
    return qs.order_by("-held_on", "-pk")


def reception_session_page(*, actor: User, session_id: int) -> dict[str, Any]:
    """Everything a session's page shows: the session, departments, enterprises attending, and every problem
    raised (within the actor's scope) with its case state."""
    _staff_only(actor)
    session = ReceptionSession.objects.filter(pk=session_id).prefetch_related("departments").first()
    if session is None:
        raise NotFound("接待日不存在", field="session")
    problems = list(problem_list(actor=actor).filter(session=session).order_by("enterprise__name", "pk"))
    rows = [problem_row(p) for p in problems]
    return {
        "session": session,
        "departments": [d.name for d in session.departments.all()],
        "enterprises": [e.name for e in session.enterprises.filter(enterprise_scope_q(actor=actor))],
        "problems": rows,
        "raised": len(rows),
        "resolved": sum(1 for r in rows if r["resolved"]),
    }


# --- the enterprise's own view ---------------------------------------------------------------------------------


def _enterprise_id(actor: User) -> int:
    enterprise_id = own_enterprise_id(actor)
    if enterprise_id is None:
        raise PermissionDenied("只有已关联企业的企业用户可以查看", code="not_enterprise_user")
    return enterprise_id


def my_problems(*, actor: User) -> list[dict[str, Any]]:
    """An enterprise user's own problems with their state (never another enterprise's)."""
    enterprise_id = _enterprise_id(actor)
    problems = (
        EnterpriseProblem.objects.filter(enterprise_id=enterprise_id)
        .select_related("enterprise", "category", "case", "department", "case__assignee")
        .order_by("-raised_on", "-pk")
    )
    return [problem_row(p) for p in problems]


def my_problem_detail(*, actor: User, problem_id: int) -> dict[str, Any]:
    """One of the enterprise's own problems: its state, progress and the answer. Another enterprise's problem
    is "not found" (its existence is not revealed)."""
    enterprise_id = _enterprise_id(actor)
    problem = (
        EnterpriseProblem.objects.filter(pk=problem_id, enterprise_id=enterprise_id)
        .select_related("enterprise", "category", "case", "department", "case__assignee")
        .first()
    )
    if problem is None:
        raise NotFound("问题不存在", field="problem")
    row = problem_row(problem)
    row["progress"] = casebridge.case_progress(problem.case) if problem.case else []
    row["answer"] = casebridge.case_answer(problem.case) if problem.case else ""
    row["can_evaluate"] = bool(problem.case and problem.case.state == casebridge.CLOSED
                               and problem.case.reporter_user_id == actor.pk)  # the case engine's rule
    return row


def my_notifications(*, actor: User, unread_only: bool = False) -> QuerySet[EnterpriseNotification]:
    qs = EnterpriseNotification.objects.filter(enterprise_id=_enterprise_id(actor))
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")

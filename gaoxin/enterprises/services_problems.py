"""Writes of the enterprise-service campaign: 万人助万企 visits, 企业家接待日 sessions, the problems raised at
both (each reported as a case through the case engine), the enterprise's rating, and what it is told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import Role
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError, NotFound, PermissionDenied
from gaoxin.core.validation import parse_date
from gaoxin.enterprises import casebridge
from gaoxin.enterprises.models import (
    Enterprise,
    EnterpriseNotification,
    EnterpriseProblem,
    ReceptionSession,
    Visit,
)
from gaoxin.enterprises.scope import enterprise_scope_q, own_enterprise_id

VISIT_ROLES = frozenset({Role.SERVICE_CADRE, Role.ADMIN})
RECEPTION_ROLES = frozenset({Role.SERVICE_CADRE, Role.ADMIN, Role.LEADER})


@dataclass(frozen=True)
class ProblemInput:
    """One problem raised by an enterprise. ``category`` is an enterprise problem category (code like "EP01",
    name like "融资", or the Category); ``department`` the responsible unit (OrgUnit, code or name) when the
    raiser names one — otherwise the case engine's routing decides."""

    category: Any
    description: str
    department: Any = None


def _require(actor: User, roles: frozenset[str], message: str, code: str) -> None:
    if not (actor.is_superuser or actor.role in roles):
        raise PermissionDenied(message, code=code)


def _require_in_scope(actor: User, enterprise: Enterprise) -> None:
    if not Enterprise.objects.filter(enterprise_scope_q(actor=actor), pk=enterprise.pk).exists():
        raise PermissionDenied("该企业不在您的管辖范围内", field="enterprise", code="enterprise_out_of_scope")


def _date(value: Any, field: str, label: str, *, required: bool) -> dt.date | None:
    try:
        parsed = parse_date(value)
    except ValueError as exc:
        raise ApplicationError(f"{label}格式不正确（应为 YYYY-MM-DD）", field=field) from exc
    if parsed is None and required:
        raise ApplicationError(f"{label}不能为空", field=field, code="required")
    return parsed


def department_from_input(value: Any) -> OrgUnit | None:
    """A responsible unit from an OrgUnit, its code or its name (departments and street offices)."""
    if value in (None, ""):
        return None
    if isinstance(value, OrgUnit):
        unit: OrgUnit | None = value
    else:
        text = str(value).strip()
        unit = OrgUnit.objects.filter(code=text).first() or OrgUnit.objects.filter(name=text).first()
    if unit is None or unit.kind not in (OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.STREET_OFFICE):
        return None
    return unit


@dataclass(frozen=True)
class CheckedProblem:
    category: Any
    description: str
    department: OrgUnit | None


def check_problems(problems: Sequence[ProblemInput]) -> list[CheckedProblem]:
    """Validate problem inputs; the error names ``problems[i].field``."""
    checked = []
    for index, problem in enumerate(problems):
        category = casebridge.enterprise_category(problem.category)
        if category is None:
            raise ApplicationError(f"第{index + 1}个问题的问题类型“{problem.category}”不存在",
                                   field=f"problems[{index}].category", code="unknown")
        description = (problem.description or "").strip()
        if not description:
            raise ApplicationError(f"第{index + 1}个问题的问题描述不能为空",
                                   field=f"problems[{index}].description", code="required")
        department = department_from_input(problem.department)
        if problem.department not in (None, "") and department is None:
            raise ApplicationError(f"第{index + 1}个问题的责任部门“{problem.department}”不存在",
                                   field=f"problems[{index}].department", code="unknown")
        checked.append(CheckedProblem(category, description, department))
    return checked


def _raise_problems(
    *,
    actor: User,
    enterprise: Enterprise,
    problems: Iterable[CheckedProblem],
    raised_on: dt.date,
    visit: Visit | None = None,
    session: ReceptionSession | None = None,
    is_synthetic: bool = False,
) -> list[EnterpriseProblem]:
    created = []
    now = clock.now()
    for item in problems:
        problem = EnterpriseProblem.objects.create(
            enterprise=enterprise,
            source=EnterpriseProblem.Source.VISIT if visit else EnterpriseProblem.Source.RECEPTION,
            visit=visit,
            session=session,
            category=item.category,
            description=item.description,
            department=item.department,
            raised_on=raised_on,
            raised_by=actor,
            is_synthetic=is_synthetic,
            created_at=now,
        )
        problem.case = casebridge.problem_report(actor=actor, problem=problem)
        problem.save(update_fields=["case"])
        EnterpriseNotification.objects.create(
            enterprise=enterprise, problem=problem, kind=EnterpriseNotification.Kind.RECEIVED,
            title=f"您反映的“{item.category.name}”问题已受理",
            body=f"案件编号 {problem.case.number}：{item.description}", created_at=now,
        )
        created.append(problem)
    return created


@transaction.atomic
def visit_record(
    *,
    actor: User,
    enterprise: Enterprise,
    visited_on: dt.date | str,
    participants: str = "",
    notes: str = "",
    revisit_on: dt.date | str | None = None,
    problems: Sequence[ProblemInput] = (),
    is_synthetic: bool = False,
) -> Visit:
    """A service cadre records a 万人助万企 visit and the problems the enterprise raised; each problem is
    reported as a case on channel ``enterprise_visit``."""
    _require(actor, VISIT_ROLES, "只有助企干部可以登记走访", "visit_role")
    _require_in_scope(actor, enterprise)
    visit_date = _date(visited_on, "visited_on", "走访日期", required=True)
    assert visit_date is not None
    today = clock.now().date()
    if visit_date > today:
        raise ApplicationError("走访日期不能晚于今天", field="visited_on")
    revisit = _date(revisit_on, "revisit_on", "计划回访日期", required=False)
    if revisit is not None and revisit <= visit_date:
        raise ApplicationError("计划回访日期应晚于走访日期", field="revisit_on")
    if len(participants) > 300:
        raise ApplicationError("参与人员不能超过300个字符", field="participants")
    checked = check_problems(problems)
    return _visit_create(cadre=actor, enterprise=enterprise, visited_on=visit_date, participants=participants,
                         notes=notes, revisit_on=revisit, problems=checked, is_synthetic=is_synthetic)


def _visit_create(
    *,
    cadre: User,
    enterprise: Enterprise,
    visited_on: dt.date,
    participants: str,
    notes: str,
    revisit_on: dt.date | None,
    problems: Sequence[CheckedProblem],
    is_synthetic: bool = False,
) -> Visit:
    """Write a checked visit and report its problems (shared with the Excel ledger)."""
    visit = Visit.objects.create(
        enterprise=enterprise, cadre=cadre, department=cadre.org_unit, visited_on=visited_on,
        participants=participants.strip(), notes=notes.strip(), revisit_on=revisit_on, is_synthetic=is_synthetic,
        created_at=clock.now(),
    )
    _raise_problems(actor=cadre, enterprise=enterprise, problems=problems, raised_on=visited_on, visit=visit,
                    is_synthetic=is_synthetic)
    return visit


@transaction.atomic
def reception_session_create(
    *,
    actor: User,
    held_on: dt.date | str,
    leader_name: str,
    leader: User | None = None,
    title: str = "",
    location: str = "",
    departments: Iterable[OrgUnit] = (),
    enterprises: Iterable[Enterprise] = (),
    is_synthetic: bool = False,
) -> ReceptionSession:
    """An 企业家接待日 session: the receiving leader, the departments present, the enterprises attending."""
    _require(actor, RECEPTION_ROLES, "无权登记企业家接待日", "reception_role")
    held = _date(held_on, "held_on", "接待日期", required=True)
    assert held is not None
    leader_name = (leader_name or (str(leader) if leader else "")).strip()
    if not leader_name:
        raise ApplicationError("接待领导不能为空", field="leader_name", code="required")
    enterprises = list(enterprises)
    for enterprise in enterprises:
        _require_in_scope(actor, enterprise)
    session = ReceptionSession.objects.create(
        held_on=held, leader=leader, leader_name=leader_name, title=title.strip(),
        location=location.strip(), created_by=actor, is_synthetic=is_synthetic, created_at=clock.now(),
    )
    session.departments.set(list(departments))
    session.enterprises.set(enterprises)
    return session


@transaction.atomic
def reception_problems_raise(
    *,
    actor: User,
    session: ReceptionSession,
    enterprise: Enterprise,
    problems: Sequence[ProblemInput],
    is_synthetic: bool = False,
) -> list[EnterpriseProblem]:
    """Problems an attending enterprise raised at a session, each reported as a case on ``reception_day``.
    An enterprise not yet on the attendance list is added to it."""
    _require(actor, RECEPTION_ROLES, "无权登记企业家接待日问题", "reception_role")
    _require_in_scope(actor, enterprise)
    checked = check_problems(problems)
    if not checked:
        raise ApplicationError("至少需要一个问题", field="problems", code="required")
    session.enterprises.add(enterprise)
    return _raise_problems(actor=actor, enterprise=enterprise, problems=checked, raised_on=session.held_on,
                           session=session, is_synthetic=is_synthetic or session.is_synthetic)


def _own_problem(actor: User, problem_id: int) -> EnterpriseProblem:
    enterprise_id = own_enterprise_id(actor)
    problem = (
        EnterpriseProblem.objects.filter(pk=problem_id, enterprise_id=enterprise_id).select_related("case").first()
        if enterprise_id else None
    )
    if problem is None:
        raise NotFound("问题不存在", field="problem")
    return problem


def problem_evaluate(*, actor: User, problem_id: int, satisfaction: str, comment: str = "") -> EnterpriseProblem:
    """The enterprise rates the answer to one of its own problems (through the case engine's evaluation)."""
    if actor.role != Role.ENTERPRISE:
        raise PermissionDenied("只有企业用户可以评价本企业的问题", code="evaluate_role")
    problem = _own_problem(actor, problem_id)
    if problem.case is None:
        raise ApplicationError("该问题尚未形成案件", field="problem", code="no_case")
    if problem.case.reporter_user_id != actor.pk:
        # The case engine lets the case's reporter account evaluate: the enterprise's first linked user when
        # the problem was raised.
        raise PermissionDenied("请使用提出问题时关联的企业账号评价", field="problem", code="evaluate_not_reporter")
    casebridge.problem_evaluate(actor=actor, case=problem.case, satisfaction=satisfaction, comment=comment)
    return problem


@transaction.atomic
def problem_results_notify() -> int:
    """Tell each enterprise the result of every problem whose case has closed and of which it was not yet told.
    Idempotent (one result notice per problem); run periodically and after handling. Returns how many."""
    pending = (
        EnterpriseProblem.objects.filter(case__state__in=casebridge.CLOSED_STATES)
        .exclude(notifications__kind=EnterpriseNotification.Kind.RESULT)
        .select_related("case", "category")
    )
    now = clock.now()
    notices = [
        EnterpriseNotification(
            enterprise_id=problem.enterprise_id,
            problem=problem,
            kind=EnterpriseNotification.Kind.RESULT,
            title=f"您反映的“{problem.category.name}”问题已办结",
            body=casebridge.case_answer(problem.case) or "问题已办结。",
            created_at=now,
        )
        for problem in pending
        if problem.case is not None
    ]
    EnterpriseNotification.objects.bulk_create(notices)
    return len(notices)


def notification_mark_read(*, actor: User, notification_id: int) -> EnterpriseNotification:
    enterprise_id = own_enterprise_id(actor)
    notification = (
        EnterpriseNotification.objects.filter(pk=notification_id, enterprise_id=enterprise_id).first()
        if enterprise_id is not None else None
    )
    if notification is None:
        raise NotFound("通知不存在", field="notification")
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification

"""The one place where the enterprise service talks to the case engine (``gaoxin.cases``).

Problems become cases through the engine's services; reads of a case's progress go through its models
(reads only). Keeping the calls here means a change of the engine's signatures touches one file."""

from __future__ import annotations

from typing import Any

from gaoxin.accounts.models import User
from gaoxin.cases import selectors, workflow
from gaoxin.cases.models import Case, CaseEvent, Category, Channel
from gaoxin.enterprises.models import EnterpriseProblem

CLOSED_STATES = workflow.CLOSED_STATES  # 办结: closed or evaluated (rated)
CLOSED = workflow.CLOSED  # closed, not yet rated
STATE_LABELS = workflow.STATES


def enterprise_category(value: Any) -> Category | None:
    """An active enterprise problem category from a Category, its code (EP01) or its name (融资)."""
    categories = Category.objects.filter(kind=Category.Kind.ENTERPRISE, is_active=True, is_assignable=True)
    if isinstance(value, Category):
        return value if categories.filter(pk=value.pk).exists() else None
    text = str(value or "").strip()
    if not text:
        return None
    return categories.filter(code=text.upper()).first() or categories.filter(name=text).first()


def enterprise_categories() -> list[Category]:
    return list(Category.objects.filter(kind=Category.Kind.ENTERPRISE, is_active=True, is_assignable=True)
                .order_by("code"))


def channel_for(problem: EnterpriseProblem) -> str:
    if problem.source == EnterpriseProblem.Source.VISIT:
        return Channel.ENTERPRISE_VISIT
    return Channel.RECEPTION_DAY


def problem_report(*, actor: User, problem: EnterpriseProblem) -> Case:
    """Report the problem as a case: the enterprise's address and point, its contact as reporter. The
    enterprise's first linked user becomes the case's reporter account, so that it can rate the answer
    (the engine lets the reporter evaluate). A department the raiser named is passed on in the description
    for the dispatcher; routing itself stays with the engine's responsibility matrix."""
    from gaoxin.cases.services import case_report

    enterprise = problem.enterprise
    link = enterprise.user_links.select_related("user").order_by("pk").first()
    description = f"【{enterprise.name}】{problem.description}"
    if problem.department is not None:
        description += f"（建议责任单位：{problem.department.name}）"
    return case_report(
        actor=actor,
        channel=channel_for(problem),
        category=problem.category,
        description=description,
        address=enterprise.address[:200],
        lon=enterprise.lon,
        lat=enterprise.lat,
        reporter_name=enterprise.contact_name,
        reporter_phone=enterprise.contact_phone,
        reporter_user=link.user if link else None,
        is_synthetic=problem.is_synthetic,
    )


def problem_evaluate(*, actor: User, case: Case, satisfaction: str, comment: str = "") -> Case:
    from gaoxin.cases.services import case_evaluate

    return case_evaluate(actor=actor, case=case, satisfaction=satisfaction, note=comment)


def case_answer(case: Case) -> str:
    """The handling unit's latest answer (反馈) on a case, or ''."""
    return selectors.case_answer(case_id=case.pk)


def case_progress(case: Case) -> list[dict[str, Any]]:
    """The case's history as the enterprise may see it: when, what, the new state and the note (no actor)."""
    return [
        {
            "at": e.at,
            "action": workflow.ACTIONS.get(e.action, e.action),
            "state": STATE_LABELS.get(e.to_state, e.to_state),
            "note": e.note if e.action in ("feedback", "verify_pass", "reject") else "",
        }
        for e in CaseEvent.objects.filter(case=case).order_by("seq")
    ]

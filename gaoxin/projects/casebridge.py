"""The one place where the key projects talk to the case engine: a project's problem becomes a case through
``cases.services.case_report`` (channel ``project``, an enterprise problem category), at the project's point,
with the investor's contact as reporter; its progress is read from the case."""

from __future__ import annotations

from gaoxin.accounts.models import User
from gaoxin.cases import workflow
from gaoxin.cases.models import Case, Category, Channel

CLOSED_STATES = workflow.CLOSED_STATES
STATE_LABELS = workflow.STATES


def problem_categories() -> list[Category]:
    return list(Category.objects.filter(kind=Category.Kind.ENTERPRISE, is_active=True, is_assignable=True)
                .order_by("code"))


def problem_category(code: str) -> Category | None:
    return Category.objects.filter(kind=Category.Kind.ENTERPRISE, is_active=True, is_assignable=True,
                                   code=(code or "").strip().upper()).first()


def report(*, actor: User, category: Category, description: str, address: str, lon: float | None,
           lat: float | None, reporter_name: str, reporter_phone: str, is_synthetic: bool = False) -> Case:
    from gaoxin.cases.services import case_report

    return case_report(actor=actor, channel=Channel.PROJECT, category=category, description=description,
                       address=address[:200], lon=lon, lat=lat, reporter_name=reporter_name,
                       reporter_phone=reporter_phone, is_synthetic=is_synthetic)

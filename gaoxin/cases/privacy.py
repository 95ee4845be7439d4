"""Masking of personal data for display (DESIGN §7: masked by default; a reveal is a separate, audited act).

Storage keeps what the reporter gave; every page, export and API response that is not an audited reveal shows
``mask_phone`` / ``mask_name`` output instead. ``case_reveal_reporter`` is the one way to see them in clear: a
role of ``PERSONAL_DATA_ROLES``, a case in the actor's scope, a stated purpose, one case at a time, and a
``PersonalDataReveal`` row for every reveal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from gaoxin.accounts.models import User
    from gaoxin.cases.models import Case, PersonalDataReveal

REVEAL_VIA = frozenset({"web", "api", "admin"})


def mask_phone(phone: str | None) -> str:
    """``13812341234`` → ``138****1234``; other numbers keep their first 3 and last 4 characters (or, when shorter
    than 8, only the last 2), every character between becomes ``*``."""
    if not phone:
        return ""
    text = "".join(phone.split())
    if len(text) >= 8:
        return text[:3] + "*" * (len(text) - 7) + text[-4:]
    if len(text) <= 2:
        return "*" * len(text)
    return "*" * (len(text) - 2) + text[-2:]


def mask_name(name: str | None) -> str:
    """``张三`` → ``张*``, ``欧阳娜娜`` → ``欧***``, a single character → ``*``."""
    if not name:
        return ""
    text = name.strip()
    if len(text) <= 1:
        return "*" * len(text)
    return text[0] + "*" * (len(text) - 1)


@dataclass(frozen=True)
class RevealedReporter:
    """What a reveal shows, and the audit row that records it."""

    case_id: int
    name: str
    phone: str
    reveal: PersonalDataReveal


def case_reveal_reporter(*, actor: User, case: Case, purpose: str, via: str = "web") -> RevealedReporter:
    """Show ``case``'s reporter name and phone in clear to ``actor`` and record the reveal (who, when, which case,
    why). Refused (PermissionDenied, nothing recorded) for roles outside ``PERSONAL_DATA_ROLES``; a case outside
    the actor's scope is NotFound, as everywhere else."""
    from django.db import transaction

    from gaoxin.accounts.roles import PERSONAL_DATA_ROLES, Role
    from gaoxin.cases import selectors
    from gaoxin.cases.models import PersonalDataReveal
    from gaoxin.core import clock
    from gaoxin.core.errors import ApplicationError, PermissionDenied

    if not actor.is_active or actor.role not in PERSONAL_DATA_ROLES:
        label = Role(actor.role).label if actor.role in Role.values else actor.role
        raise PermissionDenied(f"{label}无权查看反映人信息", code="reveal_not_allowed")
    text = (purpose or "").strip()
    if len(text) < 2:
        raise ApplicationError("请填写查看目的", field="purpose", code="required")
    if len(text) > 200:
        raise ApplicationError("查看目的不能超过 200 字", field="purpose", code="too_long")
    if via not in REVEAL_VIA:
        raise ApplicationError(f"未知的查看途径：{via}", field="via")
    with transaction.atomic():
        current = selectors.case_get(actor=actor, pk=case.pk)
        reveal = PersonalDataReveal.objects.create(case=current, actor=actor, at=clock.now(), purpose=text, via=via)
    return RevealedReporter(case_id=current.pk, name=current.reporter_name, phone=current.reporter_phone,
                            reveal=reveal)


def personal_data_reveal_list(*, actor: User, case: Case | None = None) -> QuerySet[PersonalDataReveal]:
    """The reveal log: leaders and admins see every reveal, everyone else only their own."""
    from gaoxin.accounts.roles import ZONE_WIDE_ROLES
    from gaoxin.cases.models import PersonalDataReveal

    qs = PersonalDataReveal.objects.select_related("case", "actor").order_by("-at", "-id")
    if not (actor.role in ZONE_WIDE_ROLES or actor.is_superuser):
        qs = qs.filter(actor=actor)
    if case is not None:
        qs = qs.filter(case_id=case.pk)
    return qs

"""Who may do what with the finance records, in one place: 财政金融局 office staff (GX-D12) and admins register
fund managers, guidance funds and startup guarantee loans, and see the borrowers' personal data; leaders read, with
personal data masked; everyone else sees nothing."""

from __future__ import annotations

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import ZONE_WIDE_ROLES
from gaoxin.accounts.selectors import is_staff_of
from gaoxin.core.errors import PermissionDenied

FINANCE_UNIT = "GX-D12"  # 财政金融局


def is_officer(actor: User) -> bool:
    return is_staff_of(actor, FINANCE_UNIT)


def is_reader(actor: User) -> bool:
    return is_officer(actor) or (actor.is_authenticated and actor.role in ZONE_WIDE_ROLES)


def may_see_personal_data(actor: User) -> bool:
    """The borrowers' names, ID numbers and phones: in clear for the officers who handle the loans only."""
    return is_officer(actor)


def require_officer(actor: User) -> None:
    if not is_officer(actor):
        raise PermissionDenied("只有财政金融局工作人员可以登记和办理金融台账", code="finance_officer_only")

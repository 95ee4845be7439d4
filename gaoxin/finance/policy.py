"""Who may do what with the finance records, in one place: 财政金融局 office staff (GX-D12) and admins register
fund managers, their funds and their assets under management; leaders read; everyone else sees nothing."""

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


def require_officer(actor: User) -> None:
    if not is_officer(actor):
        raise PermissionDenied("只有财政金融局工作人员可以登记基金管理机构和基金", code="finance_officer_only")

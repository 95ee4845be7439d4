"""Who may do what with the finance records, in one place: 财政金融局 office staff (GX-D12) and admins register
fund managers, guidance funds, capital events, startup guarantee loans, certifications and banks' products, and see
the borrowers' personal data; leaders read, with personal data masked. On the financing platform an enterprise user
posts and follows its own enterprise's demands, and a bank's staff (enterprise-role users listed on ``Bank.staff``)
answer the demands proposed to their bank's products. Everyone else sees nothing."""

from __future__ import annotations

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import ZONE_WIDE_ROLES, Role
from gaoxin.accounts.selectors import is_staff_of
from gaoxin.core.errors import PermissionDenied
from gaoxin.enterprises.scope import own_enterprise_id

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


def bank_id_of(actor: User) -> int | None:
    """The bank whose staff the actor is (an enterprise-role user listed on a bank), else None."""
    if not actor.is_authenticated or actor.role != Role.ENTERPRISE:
        return None
    return actor.finance_banks.values_list("pk", flat=True).first()


def enterprise_id_of(actor: User) -> int | None:
    return own_enterprise_id(actor) if actor.is_authenticated else None


def is_platform_user(actor: User) -> bool:
    """May open the financing platform's pages: the readers, an enterprise's user, a bank's staff."""
    return is_reader(actor) or enterprise_id_of(actor) is not None or bank_id_of(actor) is not None

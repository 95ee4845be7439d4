"""Who may do what in innovation and technology transfer, in one place.

- 科技创新局 officers (staff of unit GX-D11) and admins: everything — demands, achievements, listing, matching,
  events, contract recognition, projects;
- 助企干部 (service cadres): record a demand for an enterprise in their scope during a visit;
- enterprise users: post and follow their own enterprise's demands, submit their own contracts;
- institution users: register and follow their institution's achievements;
- leaders: read everything, write nothing.
"""

from __future__ import annotations

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import ZONE_WIDE_ROLES, Role
from gaoxin.core.errors import PermissionDenied

OFFICE_UNIT = "GX-D11"  # 科技创新局
OFFICER_ROLES = frozenset({Role.HANDLER, Role.DATA_OFFICER, Role.SERVICE_CADRE})


def is_officer(actor: User) -> bool:
    if not actor.is_authenticated or not actor.is_active:
        return False
    if actor.is_superuser or actor.role == Role.ADMIN:
        return True
    return actor.role in OFFICER_ROLES and actor.org_unit is not None and actor.org_unit.code == OFFICE_UNIT


def is_reader(actor: User) -> bool:
    """Reads the whole domain (officers and leaders)."""
    return is_officer(actor) or (actor.is_authenticated and actor.role in ZONE_WIDE_ROLES)


def own_institution_id(actor: User) -> int | None:
    link = getattr(actor, "institution_link", None) if actor.pk else None
    return link.institution_id if link is not None else None


def require_officer(actor: User) -> None:
    if not is_officer(actor):
        raise PermissionDenied("只有科技创新局工作人员可以执行此操作", code="innovation_officer_only")

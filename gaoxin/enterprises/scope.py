"""Who may see which enterprise.

- leaders, admins and superusers: every enterprise;
- staff of the committee, a department or the zone operations center: every enterprise of the zone
  (departments serve the whole zone);
- staff of a street office, its operations center or one of its communities: the enterprises located in
  that street;
- an enterprise user: its own enterprise only; citizens: none.
"""

from __future__ import annotations

from django.db.models import Q

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import ZONE_WIDE_ROLES, Role
from gaoxin.accounts.selectors import scope_roots

NOTHING = Q(pk__in=[])
ZONE_UNIT_KINDS = frozenset({OrgUnit.Kind.COMMITTEE, OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.ZONE_CENTER})


def own_enterprise_id(actor: User) -> int | None:
    if actor.role != Role.ENTERPRISE:
        return None
    link = getattr(actor, "enterprise_link", None) if actor.pk else None
    return link.enterprise_id if link is not None else None


def enterprise_scope_q(*, actor: User, prefix: str = "") -> Q:
    """Keeps the rows whose enterprise (reached through ``prefix``, e.g. ``"enterprise__"``) the actor may see."""
    if not actor.is_authenticated or not actor.is_active:
        return NOTHING
    if actor.is_superuser or actor.role in ZONE_WIDE_ROLES:
        return Q()
    if actor.role == Role.ENTERPRISE:
        enterprise_id = own_enterprise_id(actor)
        return Q(**{f"{prefix}pk": enterprise_id}) if enterprise_id else NOTHING
    if actor.role == Role.CITIZEN:
        return NOTHING
    query = NOTHING
    for root in scope_roots(actor=actor):
        if root.kind in ZONE_UNIT_KINDS:
            return Q()
        street = root.parent if root.kind == OrgUnit.Kind.COMMUNITY and root.parent else root
        query |= Q(**{f"{prefix}street__path__startswith": street.path})
    return query


def is_staff_role(actor: User) -> bool:
    return actor.is_superuser or actor.role not in (Role.CITIZEN, Role.ENTERPRISE)

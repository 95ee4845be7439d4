"""Scoped reads of org units and users."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import ZONE_WIDE_ROLES, Role

# A department's office staff, who act for it in its own systems (not its 助企干部, who visit enterprises).
OFFICE_STAFF_ROLES = frozenset({Role.HANDLER, Role.DATA_OFFICER})


def is_staff_of(actor: User, unit_code: str, roles: frozenset[str] = OFFICE_STAFF_ROLES) -> bool:
    """An active admin, or an active user of one of ``roles`` whose home unit is ``unit_code``."""
    if not actor.is_authenticated or not actor.is_active:
        return False
    if actor.is_superuser or actor.role == Role.ADMIN:
        return True
    return actor.role in roles and actor.org_unit is not None and actor.org_unit.code == unit_code


def scope_roots(*, actor: User) -> list[OrgUnit]:
    """The units whose subtrees the actor acts for.

    Leaders and admins act for the whole zone. Everyone else acts for the home unit and any extra units;
    an operations center acts for the unit it serves (the zone center for the committee's whole tree, a
    street center for its street office), so its operators see the cases of their street.
    """
    if actor.role in ZONE_WIDE_ROLES or actor.is_superuser:
        return list(OrgUnit.objects.filter(parent__isnull=True))
    roots = list(actor.extra_scope.all())
    home = actor.org_unit
    if home is not None:
        if home.kind in (OrgUnit.Kind.ZONE_CENTER, OrgUnit.Kind.STREET_CENTER) and home.parent is not None:
            home = home.parent
        roots.append(home)
    return roots


def scope_filter(*, actor: User, path_field: str) -> Q:
    """A Q object that keeps rows whose ``path_field`` (an org-unit path) lies inside the actor's scope.
    An actor without scope gets a filter that matches nothing."""
    query = Q(pk__in=[])
    for root in scope_roots(actor=actor):
        query |= Q(**{f"{path_field}__startswith": root.path})
    return query


def org_unit_list(*, actor: User, kind: str | None = None) -> QuerySet[OrgUnit]:
    units = OrgUnit.objects.filter(scope_filter(actor=actor, path_field="path"))
    if kind:
        units = units.filter(kind=kind)
    return units.order_by("path")


def org_unit_in_scope(*, actor: User, unit: OrgUnit) -> bool:
    return any(unit.path.startswith(root.path) for root in scope_roots(actor=actor))


def user_list(*, actor: User) -> QuerySet[User]:
    return User.objects.filter(scope_filter(actor=actor, path_field="org_unit__path")).order_by("username")

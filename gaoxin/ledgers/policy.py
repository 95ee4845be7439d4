"""Who may do what with ledgers, in one place: designers (platform admins) define and publish; the units a
ledger names fill it (their data officers and handlers); the owner department's data officers (and admins)
review; leaders and admins see every board."""

from __future__ import annotations

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import ZONE_WIDE_ROLES, Role
from gaoxin.core.errors import PermissionDenied
from gaoxin.ledgers.models import Ledger, LedgerEntry

FILLER_ROLES = frozenset({Role.DATA_OFFICER, Role.HANDLER})


def may_design(actor: User) -> bool:
    return actor.is_authenticated and actor.role == Role.ADMIN


def fillable_units(actor: User, fillers: list[str]) -> list[OrgUnit]:
    """The units of ``fillers`` (codes) the actor fills for: its own unit and the units under it."""
    if not actor.is_authenticated or actor.role not in FILLER_ROLES or actor.org_unit is None:
        return []
    root = actor.org_unit.path
    return [u for u in OrgUnit.objects.filter(code__in=fillers).order_by("code") if u.path.startswith(root)]


def may_fill(actor: User, fillers: list[str], unit: OrgUnit) -> bool:
    return any(u.pk == unit.pk for u in fillable_units(actor, fillers))


def may_review_ledger(actor: User, ledger: Ledger) -> bool:
    if not actor.is_authenticated:
        return False
    if actor.role == Role.ADMIN:
        return True
    return actor.role == Role.DATA_OFFICER and actor.org_unit_id == ledger.owner_id


def may_review(actor: User, entry: LedgerEntry) -> bool:
    """The owner department reviews, never its own filling."""
    return may_review_ledger(actor, entry.ledger) and entry.created_by_id != actor.pk


def may_see_boards(actor: User) -> bool:
    return actor.is_authenticated and actor.role in ZONE_WIDE_ROLES


def check(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)

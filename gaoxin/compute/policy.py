"""Who may do what on the city compute network, in one place. The network operator is 经济发展局 (GX-D10, the zone's
digital-economy office): its office staff register providers and pools, set prices, run the broker, close the
months' bills and settlements and issue compute vouchers. Leaders read everything. An enterprise's users submit and
follow their own enterprise's jobs and read its bills and vouchers. A provider's staff (enterprise-role users listed
on ``Provider.staff``) read their own pools, the jobs on them and their settlements. Everyone else sees nothing."""

from __future__ import annotations

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import ZONE_WIDE_ROLES, Role
from gaoxin.accounts.selectors import is_staff_of
from gaoxin.core.errors import PermissionDenied
from gaoxin.enterprises.scope import own_enterprise_id

OPERATOR_UNIT = "GX-D10"  # 经济发展局（数字经济）


def is_operator(actor: User) -> bool:
    return is_staff_of(actor, OPERATOR_UNIT)


def is_reader(actor: User) -> bool:
    """Sees the whole network: the operator's staff, leaders and admins."""
    return is_operator(actor) or (actor.is_authenticated and actor.role in ZONE_WIDE_ROLES)


def provider_ids_of(actor: User) -> list[int]:
    if not actor.is_authenticated or actor.role != Role.ENTERPRISE:
        return []
    return list(actor.compute_providers.values_list("pk", flat=True))


def enterprise_id_of(actor: User) -> int | None:
    return own_enterprise_id(actor) if actor.is_authenticated else None


def is_user(actor: User) -> bool:
    """May open the compute pages at all."""
    return is_reader(actor) or enterprise_id_of(actor) is not None or bool(provider_ids_of(actor))


def require_operator(actor: User) -> None:
    if not is_operator(actor):
        raise PermissionDenied("只有算力网运营方（经济发展局）工作人员可以办理此事项", code="compute_operator_only")


def require_submitter(actor: User) -> int:
    """The enterprise the actor submits jobs for."""
    enterprise_id = enterprise_id_of(actor)
    if enterprise_id is None:
        raise PermissionDenied("只有已关联企业的企业用户可以提交算力作业", code="compute_enterprise_only")
    return enterprise_id

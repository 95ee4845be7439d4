"""Who may do what with key projects, one place: the 经济发展局 (GX-D10, 投资促进) and the admins register and
manage projects; a project's steward (项目管家) reports its months and raises its problems; leaders read all;
the 自然资源和规划局 reads (the one-code dossier)."""

from __future__ import annotations

from django.db.models import Q

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core.errors import PermissionDenied
from gaoxin.projects.models import Project

INVESTMENT_UNIT = "GX-D10"  # 经济发展局（投资促进）
READ_UNITS = ("GX-D06", "GX-D14")  # 自然资源和规划局, 企业服务局


def _in_unit(actor: User, code: str) -> bool:
    unit = actor.org_unit
    return unit is not None and (unit.code == code or unit.code.startswith(code + "-"))


def may_manage(actor: User) -> bool:
    return actor.is_authenticated and (actor.role == Role.ADMIN or _in_unit(actor, INVESTMENT_UNIT))


def may_read_all(actor: User) -> bool:
    return actor.is_authenticated and (actor.role == Role.LEADER or may_manage(actor)
                                       or any(_in_unit(actor, c) for c in READ_UNITS))


def project_scope_q(*, actor: User) -> Q:
    """The projects the actor may see: all (leaders, 经发局, 自然资源和规划局, admins) or the ones it stewards."""
    if not actor.is_authenticated:
        return Q(pk__in=[])
    if may_read_all(actor):
        return Q()
    return Q(steward=actor)


def may_report(actor: User, project: Project) -> bool:
    return actor.is_authenticated and (may_manage(actor) or project.steward_id == actor.pk)


def check_manage(actor: User) -> None:
    if not may_manage(actor):
        raise PermissionDenied("只有经济发展局（投资促进）可以登记和管理重大项目")


def check_report(actor: User, project: Project) -> None:
    if not may_report(actor, project):
        raise PermissionDenied("只有该项目的项目管家或经济发展局可以报送月报、反映问题")

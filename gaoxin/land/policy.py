"""Who may do what in land management: the 自然资源和规划局 (GX-D06) and the admins write; leaders, the 经发局
(GX-D10) and project stewards read."""

from __future__ import annotations

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core.errors import PermissionDenied

LAND_UNIT = "GX-D06"  # 自然资源和规划局
READ_UNITS = ("GX-D06", "GX-D10", "GX-D14")  # 自然资源和规划局, 经济发展局, 企业服务局


def _in_unit(actor: User, code: str) -> bool:
    unit = actor.org_unit
    return unit is not None and (unit.code == code or unit.code.startswith(code + "-"))


def may_manage(actor: User) -> bool:
    return actor.is_authenticated and (actor.role == Role.ADMIN or _in_unit(actor, LAND_UNIT))


def may_read(actor: User) -> bool:
    return actor.is_authenticated and (actor.role in (Role.ADMIN, Role.LEADER)
                                       or any(_in_unit(actor, code) for code in READ_UNITS))


def check_manage(actor: User) -> None:
    if not may_manage(actor):
        raise PermissionDenied("只有自然资源和规划局可以登记宗地、出让和证照")


def check_read(actor: User) -> None:
    if not may_read(actor):
        raise PermissionDenied("无权查看土地信息")

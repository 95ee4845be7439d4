"""The sidebar links of key projects and land for the signed-in user, as the policies allow them (a context
processor named in the settings): 项目管家 my projects; 经发局 the registry, lights and Excel; 自然资源和规划局
parcels, supply and the dossier; leaders the map and lights."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.land import policy as land_policy
from gaoxin.projects import policy
from gaoxin.projects.models import Project

# Roles that never work on key projects or land: no link, and no query on their pages.
OUTSIDE = frozenset({Role.CITIZEN, Role.ENTERPRISE, Role.GRID_WORKER})


def links(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated or user.role in OUTSIDE:
        return {}
    found: list[tuple[str, str]] = []
    if policy.may_read_all(user):
        found.append((_("重大项目库"), reverse("projects:list")))
        found.append((_("红黄绿灯"), reverse("projects:lights")))
        if user.role in (Role.LEADER, Role.ADMIN) or policy.may_manage(user):
            found.append((_("项目地图"), reverse("projects:map")))
        if policy.may_manage(user):
            found.append((_("月报 Excel"), reverse("projects:excel")))
    elif user.role == Role.SERVICE_CADRE and Project.objects.filter(steward=user).exists():
        found.append((_("我的项目"), reverse("projects:list")))
        found.append((_("项目问题"), reverse("projects:problems")))
    if land_policy.may_read(user):
        found.append((_("宗地"), reverse("land:parcels")))
        found.append((_("供地与四证"), reverse("land:supplies")))
        found.append((_("一码查询"), reverse("projects:dossier")))
    return {"project_nav": found}

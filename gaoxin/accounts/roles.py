"""Roles of DESIGN §1. A user has one role and acts for the org units of its scope."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    CITIZEN = "citizen", "群众"
    ENTERPRISE = "enterprise", "企业用户"
    GRID_WORKER = "grid_worker", "网格员"
    OPERATOR = "operator", "受理员"
    DISPATCHER = "dispatcher", "派遣员"
    SHIFT_LEAD = "shift_lead", "值班长"
    HANDLER = "handler", "处置人员"
    SERVICE_CADRE = "service_cadre", "助企干部"
    DATA_OFFICER = "data_officer", "数据填报员"
    LEADER = "leader", "领导"
    ADMIN = "admin", "平台管理员"


# Roles that may reveal a reporter's name and phone, one case at a time, audited.
PERSONAL_DATA_ROLES = frozenset({Role.OPERATOR, Role.DISPATCHER, Role.SHIFT_LEAD, Role.HANDLER})
# Roles whose scope is the whole zone regardless of their home unit.
ZONE_WIDE_ROLES = frozenset({Role.LEADER, Role.ADMIN})
# Staff of an operations center (城运中心): register, reject and merge; dispatchers and shift leads also dispatch
# and decide requests.
CENTER_ROLES = frozenset({Role.OPERATOR, Role.DISPATCHER, Role.SHIFT_LEAD})
DISPATCH_ROLES = frozenset({Role.DISPATCHER, Role.SHIFT_LEAD})
# Roles that act for a unit's subtree (a department, a street office, a community).
UNIT_ROLES = frozenset({Role.HANDLER, Role.DATA_OFFICER, Role.SERVICE_CADRE})

"""Helpers shared by the land and project tests: staff of the departments, boxes as parcels, codes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gaoxin.accounts import services as account_services
from gaoxin.accounts.models import OrgUnit
from gaoxin.accounts.roles import Role


def box(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> dict[str, Any]:
    ring = [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat], [min_lon, min_lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def code(number: int, *, district: str = "001", subdistrict: str = "002", feature: str = "GB",
         fixture: str = "W00000000", county: str = "410171") -> str:
    return f"{county}{district}{subdistrict}{feature}{number:05d}{fixture}"


@dataclass
class LandStaff:
    land_officer: Any  # 自然资源和规划局
    investment_officer: Any  # 经济发展局
    steward: Any  # 项目管家 (a cadre of the 经济发展局's projects)
    other_steward: Any
    leader: Any
    outsider: Any  # 城市管理局 handler
    admin: Any


def land_staff(org: Any, make_user: Any) -> LandStaff:
    create = account_services.org_unit_create
    land = create(code="GX-D06", name="自然资源和规划局", kind=OrgUnit.Kind.DEPARTMENT, parent=org.committee)
    econ = create(code="GX-D10", name="经济发展局", kind=OrgUnit.Kind.DEPARTMENT, parent=org.committee)
    return LandStaff(
        land_officer=make_user(Role.HANDLER, land, username="land"),
        investment_officer=make_user(Role.DATA_OFFICER, econ, username="invest"),
        steward=make_user(Role.SERVICE_CADRE, org.street_a, username="steward", display_name="李管家"),
        other_steward=make_user(Role.SERVICE_CADRE, org.street_b, username="steward2"),
        leader=make_user(Role.LEADER, org.committee, username="leader"),
        outsider=make_user(Role.HANDLER, org.urban_management, username="cg"),
        admin=make_user(Role.ADMIN, org.committee, username="admin"),
    )

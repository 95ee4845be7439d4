"""Fixtures of the case tests: the shared org and grid layer plus one user per role and place."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.cases import services
from gaoxin.cases.models import Case, Category, Channel

# Points of the shared grid layer (see gaoxin/conftest.py).
WEST = (113.52, 34.79)  # 西南微网格, street A (石佛)
WEST_NORTH = (113.52, 34.83)  # 西北微网格, street A
EAST = (113.58, 34.79)  # 东南微网格, street B (沟赵)
OUTSIDE = (113.70, 34.79)


@dataclass
class People:
    zone_operator: User
    zone_dispatcher: User
    zone_shift_lead: User
    a_operator: User
    a_dispatcher: User
    b_operator: User
    b_dispatcher: User
    street_a_handler: User
    street_b_handler: User
    um_handler: User  # 城市管理局
    construction_handler: User
    worker_west: User
    worker_east: User
    citizen: User
    other_citizen: User
    cadre: User
    leader: User


@pytest.fixture
def people(org, grid_layer, make_user) -> People:
    worker_west = make_user(Role.GRID_WORKER, org.community_a1, username="worker_west")
    worker_east = make_user(Role.GRID_WORKER, org.street_b, username="worker_east")
    grid_layer.micro_west_south.workers.add(worker_west)
    grid_layer.grid_east.workers.add(worker_east)
    return People(
        zone_operator=make_user(Role.OPERATOR, org.zone_center, username="zone_operator"),
        zone_dispatcher=make_user(Role.DISPATCHER, org.zone_center, username="zone_dispatcher"),
        zone_shift_lead=make_user(Role.SHIFT_LEAD, org.zone_center, username="zone_shift_lead"),
        a_operator=make_user(Role.OPERATOR, org.street_a_center, username="a_operator"),
        a_dispatcher=make_user(Role.DISPATCHER, org.street_a_center, username="a_dispatcher"),
        b_operator=make_user(Role.OPERATOR, org.street_b_center, username="b_operator"),
        b_dispatcher=make_user(Role.DISPATCHER, org.street_b_center, username="b_dispatcher"),
        street_a_handler=make_user(Role.HANDLER, org.street_a, username="street_a_handler"),
        street_b_handler=make_user(Role.HANDLER, org.street_b, username="street_b_handler"),
        um_handler=make_user(Role.HANDLER, org.urban_management, username="um_handler"),
        construction_handler=make_user(Role.HANDLER, org.construction, username="construction_handler"),
        worker_west=worker_west,
        worker_east=worker_east,
        citizen=make_user(Role.CITIZEN, None, username="citizen", display_name="张三", phone="13812341234"),
        other_citizen=make_user(Role.CITIZEN, None, username="other_citizen"),
        cadre=make_user(Role.SERVICE_CADRE, org.committee, username="cadre"),
        leader=make_user(Role.LEADER, org.committee, username="leader"),
    )


def category(code: str) -> Category:
    return Category.objects.get(code=code)


def report(actor: User, *, code: str = "09001", point: tuple[float, float] | None = WEST,
           channel: str = Channel.PUBLIC_WEB, **kw) -> Case:
    lon, lat = point if point else (None, None)
    lon, lat = kw.pop("lon", lon), kw.pop("lat", lat)
    return services.case_report(actor=actor, channel=channel, category=category(code),
                                description=kw.pop("description", "占道经营，影响通行"), lon=lon, lat=lat, **kw)


def run_to_closed(p: People, case: Case) -> Case:
    """register → dispatch → accept → feedback → verify (street A case, street A center)."""
    case = services.case_register(actor=p.a_operator, case=case)
    case = services.case_dispatch(actor=p.a_dispatcher, case=case)
    case = services.case_accept(actor=p.street_a_handler, case=case)
    case = services.case_feedback(actor=p.street_a_handler, case=case, result="已劝离")
    return services.case_verify(actor=p.worker_west, case=case, passed=True)

"""Fixtures of the finance tests: the 财政金融局 unit with an office officer and its 助企干部, a leader, an officer
of another department and an admin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from gaoxin.accounts import services as account_services
from gaoxin.accounts.models import OrgUnit
from gaoxin.accounts.roles import Role
from gaoxin.enterprises.creditcode import credit_code_complete


@dataclass
class World:
    officer: Any
    cadre: Any  # 财政金融局's 助企干部: not an office officer
    leader: Any
    other: Any  # staff of another department
    admin: Any


@pytest.fixture
def world(org, make_user) -> World:
    czj = account_services.org_unit_create(code="GX-D12", name="财政金融局", kind=OrgUnit.Kind.DEPARTMENT,
                                           parent=org.committee)
    qfw = account_services.org_unit_create(code="GX-D14", name="企业服务局", kind=OrgUnit.Kind.DEPARTMENT,
                                           parent=org.committee)
    return World(officer=make_user(Role.HANDLER, czj, username="czj"),
                 cadre=make_user(Role.SERVICE_CADRE, czj, username="czj_cadre"),
                 leader=make_user(Role.LEADER, org.committee, username="leader"),
                 other=make_user(Role.HANDLER, qfw, username="qfw"),
                 admin=make_user(Role.ADMIN, org.committee, username="admin"))


def code(n: int) -> str:
    return credit_code_complete(f"91410100MA23{n:04d}")

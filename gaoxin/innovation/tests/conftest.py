"""Fixtures of the innovation and talent tests: the 科技创新局 and 人社局 units, their officers, a leader, an
enterprise with its user and an institution with its user, all made through the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from gaoxin.accounts import services as account_services
from gaoxin.accounts.models import OrgUnit
from gaoxin.accounts.roles import Role
from gaoxin.enterprises import services as enterprise_services
from gaoxin.enterprises.reference import reference_data_ensure
from gaoxin.enterprises.tests.conftest import usc
from gaoxin.innovation import services


@dataclass
class World:
    officer: Any
    talent_officer: Any
    leader: Any
    admin: Any
    cadre: Any
    enterprise: Any
    other_enterprise: Any
    enterprise_user: Any
    institution: Any
    institution_user: Any


@pytest.fixture
def world(org, make_user, frozen_now) -> World:
    reference_data_ensure()
    create = account_services.org_unit_create
    kcj = create(code="GX-D11", name="科技创新局", kind=OrgUnit.Kind.DEPARTMENT, parent=org.committee)
    rsj = create(code="GX-D13", name="人力资源和社会保障局", kind=OrgUnit.Kind.DEPARTMENT, parent=org.committee)
    admin = make_user(Role.ADMIN, org.committee, username="admin")
    with frozen_now(2023, 3, 1, 9):
        ent = enterprise_services.enterprise_create(actor=admin, credit_code=usc("9141010012345678"),
                                                    name="郑州示例传感科技有限公司", chains=["sensor"])
        other = enterprise_services.enterprise_create(actor=admin, credit_code=usc("9141010087654321"),
                                                      name="郑州另一家材料有限公司", chains=["new_material"])
        ent_user = make_user(Role.ENTERPRISE, None, username="ent")
        enterprise_services.enterprise_user_link(actor=admin, user=ent_user, enterprise=ent)
        officer = make_user(Role.HANDLER, kcj, username="kcj")
        institution = services.institution_create(actor=officer, code="XR01", name="郑州智能传感器研究院",
                                                  kind="new_rd", chain="sensor",
                                                  introduced_on=__import__("datetime").date(2023, 2, 1))
        inst_user = make_user(Role.ENTERPRISE, None, username="inst")
        services.institution_user_link(actor=officer, user=inst_user, institution=institution)
    return World(officer=officer, talent_officer=make_user(Role.HANDLER, rsj, username="rsj"),
                 leader=make_user(Role.LEADER, org.committee, username="leader"), admin=admin,
                 cadre=make_user(Role.SERVICE_CADRE, org.construction, username="cadre"), enterprise=ent,
                 other_enterprise=other, enterprise_user=ent_user, institution=institution,
                 institution_user=inst_user)

"""Fixtures of the policy tests: the 企业服务局 and 财政金融局 units and their officers, a leader, and three
enterprises of the registry with the facts the shipped catalog reads (made through the services)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from gaoxin.accounts import services as account_services
from gaoxin.accounts.models import OrgUnit
from gaoxin.accounts.roles import Role
from gaoxin.enterprises import services as enterprise_services
from gaoxin.enterprises.reference import reference_data_ensure
from gaoxin.enterprises.tests.conftest import usc


@dataclass
class World:
    officer: Any
    finance: Any
    leader: Any
    admin: Any
    sensor: Any  # tech SME since 2023-01-05, R&D 2022 of 400万, 60 people, tax 600万, small, in the sensor chain
    giant: Any  # 省级专精特新 and 小巨人 both in 2023, large
    plain: Any  # no qualification, no figures
    sensor_user: Any
    giant_user: Any


@pytest.fixture
def world(org, make_user, frozen_now) -> World:
    reference_data_ensure()
    create = account_services.org_unit_create
    qfw = create(code="GX-D14", name="企业服务局", kind=OrgUnit.Kind.DEPARTMENT, parent=org.committee)
    czj = create(code="GX-D12", name="财政金融局", kind=OrgUnit.Kind.DEPARTMENT, parent=org.committee)
    admin = make_user(Role.ADMIN, org.committee, username="admin")
    with frozen_now(2023, 2, 1, 9):
        sensor = enterprise_services.enterprise_create(
            actor=admin, credit_code=usc("9141010012345678"), name="郑州示例传感科技有限公司", chains=["sensor"],
            size="small")
        giant = enterprise_services.enterprise_create(
            actor=admin, credit_code=usc("9141010087654321"), name="郑州巨人装备有限公司", chains=["equipment"],
            size="large")
        plain = enterprise_services.enterprise_create(
            actor=admin, credit_code=usc("9141010011112222"), name="郑州普通商贸有限公司", size="micro")
        enterprise_services.qualification_award_create(actor=admin, enterprise=sensor, qualification_type="tech_sme",
                                                       year=2023, awarded_on=dt.date(2023, 1, 5))
        enterprise_services.qualification_award_create(actor=admin, enterprise=giant, qualification_type="srdi_prov",
                                                       year=2023, awarded_on=dt.date(2023, 1, 10))
        enterprise_services.qualification_award_create(actor=admin, enterprise=giant,
                                                       qualification_type="little_giant", year=2023,
                                                       awarded_on=dt.date(2023, 1, 20))
        enterprise_services.annual_figures_record(actor=admin, enterprise=sensor, year=2022, revenue="1800",
                                                  rd_spending="400", employees=60, tax_paid="600")
        enterprise_services.annual_figures_record(actor=admin, enterprise=sensor, year=2021, revenue="900",
                                                  rd_spending="80", employees=40, tax_paid="200")
        sensor_user = make_user(Role.ENTERPRISE, None, username="sensor", phone="13900000001")
        enterprise_services.enterprise_user_link(actor=admin, user=sensor_user, enterprise=sensor)
        giant_user = make_user(Role.ENTERPRISE, None, username="giant", phone="13900000002")
        enterprise_services.enterprise_user_link(actor=admin, user=giant_user, enterprise=giant)
    return World(officer=make_user(Role.HANDLER, qfw, username="zcdx"), finance=make_user(Role.HANDLER, czj,
                                                                                          username="czj"),
                 leader=make_user(Role.LEADER, org.committee, username="leader"), admin=admin, sensor=sensor,
                 giant=giant, plain=plain, sensor_user=sensor_user, giant_user=giant_user)


@pytest.fixture
def catalog(world, frozen_now):
    from gaoxin.policies import services
    with frozen_now(2023, 1, 3, 9):
        return services.catalog_load(actor=world.officer)

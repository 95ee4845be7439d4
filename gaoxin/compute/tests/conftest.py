"""Fixtures of the compute tests: the operator (经济发展局 office staff), a leader, an officer of another
department, an admin, two enterprises with their users, a provider with its staff — and, for the tests marked
``slurm``, the real Slurm test cluster (``compute.testcluster``), started once and shared by the test processes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from gaoxin.accounts import services as account_services
from gaoxin.accounts.models import OrgUnit
from gaoxin.accounts.roles import Role
from gaoxin.compute import services, testcluster
from gaoxin.compute.models import Pool, Provider
from gaoxin.enterprises import reference as enterprise_reference
from gaoxin.enterprises import services as enterprise_services
from gaoxin.enterprises.creditcode import credit_code_complete


def code(n: int) -> str:
    return credit_code_complete(f"91410100MA24{n:04d}")


@dataclass
class World:
    operator: Any
    leader: Any
    other: Any
    admin: Any
    owner: Any       # 示例智算's user
    rival: Any       # 另一家企业's user
    enterprise: Any
    rival_enterprise: Any
    provider: Any
    provider_staff: Any


@pytest.fixture
def world(org, make_user, frozen_now) -> World:
    jfj = account_services.org_unit_create(code="GX-D10", name="经济发展局", kind=OrgUnit.Kind.DEPARTMENT,
                                           parent=org.committee)
    czj = account_services.org_unit_create(code="GX-D12", name="财政金融局", kind=OrgUnit.Kind.DEPARTMENT,
                                           parent=org.committee)
    admin = make_user(Role.ADMIN, org.committee, username="admin")
    operator = make_user(Role.HANDLER, jfj, username="jfj")
    with frozen_now(2023, 1, 3, 9):
        enterprise_reference.reference_data_ensure()
        enterprise = enterprise_services.enterprise_create(actor=admin, credit_code=code(1), name="示例智算",
                                                           size="small")
        rival_enterprise = enterprise_services.enterprise_create(actor=admin, credit_code=code(2), name="另一家企业",
                                                                 size="medium")
        owner = make_user(Role.ENTERPRISE, None, username="ent")
        enterprise_services.enterprise_user_link(actor=admin, user=owner, enterprise=enterprise)
        rival = make_user(Role.ENTERPRISE, None, username="rival")
        enterprise_services.enterprise_user_link(actor=admin, user=rival, enterprise=rival_enterprise)
        provider = services.provider_register(actor=operator, name="郑州人工智能计算中心", kind="government")
        staff = make_user(Role.ENTERPRISE, None, username="idc")
        services.provider_staff_add(actor=operator, provider=provider, username="idc")
    return World(operator=operator, leader=make_user(Role.LEADER, org.committee, username="leader"),
                 other=make_user(Role.HANDLER, czj, username="czj"), admin=admin, owner=owner, rival=rival,
                 enterprise=enterprise, rival_enterprise=rival_enterprise, provider=provider, provider_staff=staff)


POOL = {"code": "ZZ-CPU", "name": "通用计算池", "site": "郑州人工智能计算中心", "scheduler": "simulated", "cpus": "64",
        "memory_gb": "256", "price_cpu": "0.12", "price_mem": "0.01"}


def make_pool(world: World, provider: Provider | None = None, **values: Any) -> Pool:
    return services.pool_register(actor=world.operator, provider=provider or world.provider,
                                  values={**POOL, **values})


JOB = {"name": "模型训练", "script": "#!/bin/bash\nsleep 2\n", "cpus": "2", "memory_gb": "1", "expected_hours": "0.5"}


@pytest.fixture(scope="session")
def slurm_cluster():
    """The real Slurm test cluster on localhost (two one-node clusters); skips with the reason when Slurm is not
    installed here. Started once; left running for the next test process (``testcluster stop`` stops it)."""
    reason = testcluster.available()
    if reason:
        pytest.skip(reason)
    testcluster.start()
    return testcluster

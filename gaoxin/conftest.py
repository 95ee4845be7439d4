"""Fixtures shared by every app's tests: a small zone built through the real services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from gaoxin.accounts import services as account_services
from gaoxin.accounts.models import OrgUnit, User
from gaoxin.core import clock

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class Org:
    committee: OrgUnit
    zone_center: OrgUnit
    urban_management: OrgUnit  # 城管局
    construction: OrgUnit  # 住建局
    street_a: OrgUnit
    street_a_center: OrgUnit
    community_a1: OrgUnit
    street_b: OrgUnit
    street_b_center: OrgUnit


@pytest.fixture
def org(db) -> Org:
    create = account_services.org_unit_create
    committee = create(code="GX", name="高新区管委会", kind=OrgUnit.Kind.COMMITTEE)
    street_a = create(code="GX-S01", name="石佛办事处", kind=OrgUnit.Kind.STREET_OFFICE, parent=committee)
    street_b = create(code="GX-S02", name="沟赵办事处", kind=OrgUnit.Kind.STREET_OFFICE, parent=committee)
    return Org(
        committee=committee,
        zone_center=create(code="GX-C", name="区级城运中心", kind=OrgUnit.Kind.ZONE_CENTER, parent=committee),
        urban_management=create(code="GX-D01", name="城市管理局", kind=OrgUnit.Kind.DEPARTMENT, parent=committee),
        construction=create(code="GX-D02", name="住房和城乡建设局", kind=OrgUnit.Kind.DEPARTMENT, parent=committee),
        street_a=street_a,
        street_a_center=create(
            code="GX-S01-C", name="石佛城运中心", kind=OrgUnit.Kind.STREET_CENTER, parent=street_a
        ),
        community_a1=create(code="GX-S01-01", name="石佛社区", kind=OrgUnit.Kind.COMMUNITY, parent=street_a),
        street_b=street_b,
        street_b_center=create(
            code="GX-S02-C", name="沟赵城运中心", kind=OrgUnit.Kind.STREET_CENTER, parent=street_b
        ),
    )


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(role: str, unit: OrgUnit | None, *, username: str | None = None, **fields) -> User:
        return account_services.user_create(
            username=username or f"{role}{next(counter)}",
            password=fields.pop("password", "Gaoxin-test-2023!"),
            role=role,
            org_unit=unit,
            validate=False,
            **fields,
        )

    return make


@pytest.fixture
def frozen_now() -> Callable[..., object]:
    """``with frozen_now(2023, 3, 1, 9): ...`` freezes the platform clock at that Shanghai time."""

    def freeze(*args: int):
        return clock.frozen(dt.datetime(*args, tzinfo=SHANGHAI))

    return freeze

"""Fixtures of the enterprise tests: reference data, staff users and a few enterprises made through the services."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gaoxin.accounts.roles import Role
from gaoxin.enterprises import services
from gaoxin.enterprises.models import Enterprise
from gaoxin.enterprises.reference import reference_data_ensure

CS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def usc(first16: str) -> str:
    """A valid credit code from sixteen characters, computed here independently of the code under test."""

    def org_check(body: str) -> str:
        weights = [3, 7, 9, 10, 5, 8, 4, 2]
        total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, weights, strict=True))
        r = 11 - total % 11
        return "X" if r == 10 else "0" if r == 11 else str(r)

    first17 = first16 + org_check(first16[8:16])
    total = sum(CS.index(c) * w for c, w in zip(first17, W, strict=True))
    return first17 + CS[(31 - total % 31) % 31]


@dataclass
class Staff:
    admin: object
    cadre: object  # 企业服务局, zone-wide
    cadre_street_a: object  # 石佛办事处 only
    leader: object
    citizen: object


@pytest.fixture
def refdata(db) -> None:
    reference_data_ensure()


@pytest.fixture
def staff(org, make_user, refdata) -> Staff:
    return Staff(
        admin=make_user(Role.ADMIN, org.committee, username="admin"),
        cadre=make_user(Role.SERVICE_CADRE, org.construction, username="cadre", display_name="王干部"),
        cadre_street_a=make_user(Role.SERVICE_CADRE, org.street_a, username="cadre_a"),
        leader=make_user(Role.LEADER, org.committee, username="leader"),
        citizen=make_user(Role.CITIZEN, None, username="citizen"),
    )


@pytest.fixture
def make_enterprise(staff):
    counter = iter(range(1, 100_000))

    def make(name: str | None = None, *, lon: float | None = 113.52, lat: float | None = 34.80, **fields) -> Enterprise:
        n = next(counter)
        code = fields.pop("credit_code", None) or usc(f"91410100MA{n:06d}")
        return services.enterprise_create(
            actor=fields.pop("actor", staff.admin), credit_code=code, name=name or f"测试企业{n}", lon=lon, lat=lat,
            **fields,
        )

    return make

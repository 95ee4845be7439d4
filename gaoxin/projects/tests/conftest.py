from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from gaoxin.enterprises import services as enterprise_services
from gaoxin.enterprises.reference import reference_data_ensure
from gaoxin.enterprises.tests.conftest import usc
from gaoxin.land import services as land_services
from gaoxin.land.models import Parcel, Permit
from gaoxin.land.tests.factories import LandStaff, box, code, land_staff
from gaoxin.projects import services


@pytest.fixture
def people(org, make_user) -> LandStaff:
    reference_data_ensure()
    return land_staff(org, make_user)


@pytest.fixture
def investor(people):
    return enterprise_services.enterprise_create(actor=people.admin, credit_code=usc("91410100MA000001"),
                                                 name="郑州测试科技有限公司", lon=113.52, lat=34.80)


@dataclass
class Made:
    people: LandStaff
    investor: Any

    def project(self, code_: str = "XM-1", *, level: str = "province", plan: Any = "1200", total: Any = "10000",
                prior: Any = "0", planned_start: dt.date | None = dt.date(2023, 3, 10), **kw: Any):
        return services.project_register(
            actor=self.people.investment_officer, code=code_, name=f"项目{code_}", investor=self.investor, year=2023,
            total_investment=total, annual_plan=plan, prior_cumulative=prior, level=level, category="new_start",
            planned_start=planned_start, steward=kw.pop("steward", self.people.steward), **kw)

    def parcel(self, n: int, *, supplied: dt.date | None = None, permits: dt.date | None = None) -> Parcel:
        x = 113.50 + 0.002 * n
        land_services.parcels_register(actor=self.people.land_officer, rows=[land_services.ParcelInput(
            code(n), f"宗地{n}", "industrial", box(x, 34.79, x + 0.002, 34.792))])
        parcel = Parcel.objects.get(unit_code=code(n))
        if supplied:
            land_services.supply_record(actor=self.people.land_officer, parcel=parcel, contract_no=f"TD{n}",
                                        contract_date=supplied, method="auction", price=500,
                                        land_user=self.investor)
        if permits:
            for i, kind in enumerate(Permit.Kind.values):
                land_services.permit_issue(actor=self.people.land_officer, parcel=parcel, kind=kind,
                                           number=f"{n}-{i}", issued_on=permits)
        return parcel


@pytest.fixture
def made(people, investor, grid_layer) -> Made:
    return Made(people, investor)

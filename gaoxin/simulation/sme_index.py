"""The simulated year's SME growth index (issue 19): computed through the service for the two years whose annual
figures the simulated registry holds (the year before and the one before it), so the pages have a trend. The
index is not calibrated to anything: it is whatever the method makes of the simulated figures."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import Role
from gaoxin.core import clock
from gaoxin.core.calendar import SHANGHAI
from gaoxin.core.errors import ApplicationError
from gaoxin.finance import services


class SimulatedYear(Protocol):
    year: int
    scale: float


def generate(year: SimulatedYear) -> dict[str, int]:
    officer, _ = User.objects.get_or_create(username="sim-czj-fund", defaults={
        "role": Role.DATA_OFFICER, "org_unit": OrgUnit.objects.get(code="GX-D12"),
        "display_name": "财政金融局金融服务科（模拟）", "is_synthetic": True})
    scored = 0
    for figures_year in (year.year - 2, year.year - 1):
        with clock.frozen(dt.datetime(figures_year + 1, 6, 30, 17, tzinfo=SHANGHAI)):
            try:
                scored += services.index_compute(actor=officer, year=figures_year, is_synthetic=True).enterprises
            except ApplicationError as error:  # no figures for that year (a registry without them)
                if error.code != "no_data":
                    raise
    return {"sme_index_scores": scored}

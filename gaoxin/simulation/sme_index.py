"""The simulated year's SME growth index (issue 19): computed through the service for the two years whose annual
figures the simulated registry holds (the year before and the one before it), so the pages have a trend. The
index is not calibrated to anything: it is whatever the method makes of the simulated figures."""

from __future__ import annotations

import datetime as dt

from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError
from gaoxin.finance import services
from gaoxin.simulation import finance as finance_sim


def generate(year: finance_sim.SimulatedYear) -> dict[str, int]:
    officer = finance_sim.officer()
    scored = 0
    for figures_year in (year.year - 2, year.year - 1):
        with clock.frozen(finance_sim.at(dt.date(figures_year + 1, 6, 30), 17)):
            try:
                scored += services.index_compute(actor=officer, year=figures_year, is_synthetic=True).enterprises
            except ApplicationError as error:  # no figures for that year (a registry without them)
                if error.code != "no_data":
                    raise
    return {"sme_index_scores": scored}

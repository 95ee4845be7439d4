"""Figures of the grid layer (F111 网格, F112 微网格), read through ``grids.selectors``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from gaoxin.grids.models import Grid
from gaoxin.grids.selectors import grid_list
from gaoxin.indicators import links
from gaoxin.indicators.computations.base import Computation, Computed, Context


def grid_count(ctx: Context, *, level: str) -> Computed:
    """The grids of ``level`` valid at the year's end (31 December): a grid drawn later is not that year's."""
    year_end = ctx.end_date - dt.timedelta(days=1)
    counts = ctx.once("grids", lambda: {lv: grid_list(level=lv, on=year_end).count()
                                        for lv in (Grid.Level.GRID, Grid.Level.MICRO)})
    return Computed(Decimal(counts[level]), {"level": level, "on": year_end.isoformat()},
                    links.records_url("grids", level=level), "grids.selectors.grid_list (valid at the year's end)",
                    records=grid_list(level=level, on=year_end))


COMPUTATIONS: dict[str, Computation] = {"grid_count": grid_count}

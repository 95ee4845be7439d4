"""Figures of the grid layer (F111 网格, F112 微网格), read through ``grids.selectors``."""

from __future__ import annotations

from decimal import Decimal

from gaoxin.grids.models import Grid
from gaoxin.grids.selectors import grid_list
from gaoxin.indicators import links
from gaoxin.indicators.computations.base import Computation, Computed, Context


def grid_count(ctx: Context, *, level: str) -> Computed:
    counts = ctx.once("grids", lambda: {lv: grid_list(level=lv).count() for lv in (Grid.Level.GRID, Grid.Level.MICRO)})
    return Computed(Decimal(counts[level]), {"level": level}, links.records_url("grids", level=level),
                    "grids.selectors.grid_list (count by level)", records=grid_list(level=level))


COMPUTATIONS: dict[str, Computation] = {"grid_count": grid_count}

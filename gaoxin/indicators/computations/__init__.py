"""The registered computations of ``computed`` indicators, one module per domain: each reads the platform's
records through the owning app's selectors or metrics (never its tables directly) and says which records it
counted (``base.Computed``). A new domain adds a module here with its ``COMPUTATIONS`` and lists it below; the
catalog (``indicators.catalog.COMPUTED``) names a computation and its parameters per figure."""

from __future__ import annotations

from typing import Any

from gaoxin.indicators.computations import cases, documents, enterprises, grids
from gaoxin.indicators.computations import finance as finance_figures
from gaoxin.indicators.computations import innovation as innovation_figures
from gaoxin.indicators.computations import ledgers as ledger_computations
from gaoxin.indicators.computations import policies as policy_figures
from gaoxin.indicators.computations import projects as projects_and_land
from gaoxin.indicators.computations.base import SHANGHAI, Computation, Computed, Context

REGISTRY: dict[str, Computation] = {**cases.COMPUTATIONS, **enterprises.COMPUTATIONS, **grids.COMPUTATIONS,
                                    **projects_and_land.COMPUTATIONS}
REGISTRY.update(ledger_computations.COMPUTATIONS)
REGISTRY.update(innovation_figures.COMPUTATIONS)  # issue 22: innovation and talent
REGISTRY.update(documents.COMPUTATIONS)  # issue 20: figures counted from an uploaded document
REGISTRY.update(policy_figures.COMPUTATIONS)  # issue 18: enterprise policies
REGISTRY.update(finance_figures.COMPUTATIONS)  # issue 19: finance


def compute(ctx: Context, name: str, params: dict[str, Any]) -> Computed:
    return REGISTRY[name](ctx, **params)


__all__ = ["REGISTRY", "SHANGHAI", "Computation", "Computed", "Context", "compute"]

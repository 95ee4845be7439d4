"""The seed's figures as the simulated year's records give them, read exactly as the year-end report reads them
(``indicators.figures.Evaluator``: the registered computations over the records, and the growth rates derived
from them): no second implementation to drift from the report."""

from __future__ import annotations

from typing import Any

from gaoxin.indicators.figures import Evaluator, system_actor
from gaoxin.indicators.models import Indicator


def seed_figures(year: int) -> dict[str, Any]:
    """Figure id → value (int, or float for figures with decimals), in the unit of ``seed/figures.csv``, of every
    figure computed from the records — and of those derived from them alone (growth on the previous year)."""
    evaluator = Evaluator(actor=system_actor(), year=year)
    found: dict[str, Any] = {}
    for ref, indicator in evaluator.indicators.items():
        from_records = indicator.source == Indicator.Source.COMPUTED or (
            indicator.source == Indicator.Source.DERIVED and indicator.derivation.get("kind") == "growth"
            and evaluator.indicators[indicator.derivation["base"]].source == Indicator.Source.COMPUTED)
        if not from_records:
            continue
        figure = evaluator.figure(ref)
        value = figure.value
        found[ref] = None if value is None else int(value) if value == value.to_integral_value() else float(value)
    return dict(sorted(found.items()))

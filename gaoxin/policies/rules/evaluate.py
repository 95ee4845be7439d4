"""Evaluate benefit items over many enterprises at once (one OpenFisca simulation, vectorised) and explain one
enterprise's result from the simulation's trace: every condition with whether it held, every fact read (with
its period and the records it came from), every parameter at the evaluation date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from openfisca_core.simulation_builder import SimulationBuilder
from openfisca_core.simulations import Simulation
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from gaoxin.policies.rules.families import Rule
from gaoxin.policies.rules.system import FACT_LABELS


@dataclass
class Facts:
    """The registry's facts of ``ids`` (one row each) in the rules' units, and the records behind each fact."""

    ids: list[int]
    eternal: dict[str, np.ndarray[Any, Any]] = field(default_factory=dict)
    yearly: dict[tuple[str, int], np.ndarray[Any, Any]] = field(default_factory=dict)
    # per row: the records behind each fact, by its name (a yearly fact: ``name:year``)
    records: list[dict[str, list[str]]] = field(default_factory=list)
    # a fact with one record per row behind it: the record's kind and its primary key per row (0: none)
    record_keys: dict[str, tuple[str, np.ndarray[Any, Any]]] = field(default_factory=dict)

    def records_of(self, row: int, name: str, period: str) -> list[str]:
        for key in (f"{name}:{period}", name):
            if self.records and self.records[row].get(key):
                return self.records[row][key]
            if key in self.record_keys:
                kind, keys = self.record_keys[key]
                return [f"{kind}:{keys[row]}"] if keys[row] else []
        return []

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Outcome:
    """One item over every row of the facts: eligibility, amount (fen) and each condition."""

    rule: Rule
    eligible: np.ndarray[Any, Any]
    amount: np.ndarray[Any, Any]
    conditions: dict[str, np.ndarray[Any, Any]]


def simulation(system: TaxBenefitSystem, facts: Facts, *, trace: bool = False) -> Simulation:
    sim = SimulationBuilder().build_default_simulation(system, len(facts))
    sim.trace = trace
    for name, values in facts.eternal.items():
        sim.set_input(name, "ETERNITY", values)
    for (name, year), values in facts.yearly.items():
        sim.set_input(name, str(year), values)
    return sim


def evaluate(sim: Simulation, rules: Sequence[Rule], on: dt.date) -> list[Outcome]:
    day = on.isoformat()
    out = []
    for rule in rules:
        amount = sim.calculate(rule.amount_variable, day)
        out.append(Outcome(rule=rule, eligible=sim.calculate(rule.eligible_variable, day), amount=amount,
                           conditions={c.name: sim.calculate(rule.condition_variable(c), day)
                                       for c in rule.conditions}))
    return out


def explain(sim: Simulation, outcome: Outcome, row: int, facts: Facts, *, on: dt.date,
            labels: dict[str, str], nodes: list[Any] | None = None) -> dict[str, Any]:
    """The trace of ``row``'s result for ``outcome``'s item: read from the tracer of a simulation run with
    ``trace=True``. ``labels`` fills a condition's placeholders (``{threshold}`` …) in words; ``nodes`` are the
    item's trace nodes when the caller keeps them (``item_nodes``) for many rows."""
    rule = outcome.rule
    facts_read: dict[tuple[str, str], dict[str, Any]] = {}
    parameters: dict[str, Any] = {}
    for node in nodes if nodes is not None else item_nodes(sim, rule, on):
        for p in node.parameters:
            parameters[str(p.name)] = _plain(p.value)
        if node.name in FACT_LABELS and node.value is not None:
            facts_read[(node.name, str(node.period))] = {
                "name": node.name, "label": FACT_LABELS[node.name], "period": str(node.period),
                "value": _plain(node.value[row]), "records": facts.records_of(row, node.name, str(node.period))}
    return {
        "item": rule.item, "on": on.isoformat(), "eligible": bool(outcome.eligible[row]),
        "amount_fen": int(outcome.amount[row]),
        "conditions": [{"name": c.name, "label": c.label.format_map(_Blank(labels)),
                        "held": bool(outcome.conditions[c.name][row])} for c in rule.conditions],
        "facts": sorted(facts_read.values(), key=lambda f: (f["name"], f["period"])),
        "parameters": parameters,
    }


def item_nodes(sim: Simulation, rule: Rule, on: dt.date) -> list[Any]:
    return _nodes(sim, rule.amount_variable, on.isoformat())


def _nodes(sim: Simulation, name: str, period: str) -> list[Any]:
    found: list[Any] = []

    def walk(node: Any, inside: bool) -> None:
        inside = inside or (node.name == name and str(node.period) == period)
        if inside:
            found.append(node)
        for child in node.children:
            walk(child, inside)

    for tree in sim.tracer.trees:
        walk(tree, False)
    return found


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _plain(value: Any) -> Any:
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.datetime64):
        return str(value.astype("datetime64[D]"))
    return value if isinstance(value, (bool, int, float, str)) or value is None else str(value)

"""The catalog's records as rules: the OpenFisca system of a set of benefit items (kept while the items' rules do
not change), their dated parameters, and the evaluation of those items over enterprises on a date."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from openfisca_core.simulations import Simulation
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from gaoxin.enterprises.models import IndustrialChain, QualificationType
from gaoxin.policies.facts import facts_load
from gaoxin.policies.models import BenefitItem, ParameterValue
from gaoxin.policies.rules import catalog
from gaoxin.policies.rules.evaluate import Facts, Outcome, evaluate, explain, item_nodes, simulation
from gaoxin.policies.rules.families import Rule

SIZE_LABELS = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}


def rule_of(item: BenefitItem) -> Rule:
    return catalog.rule_of(item=item.code, family=item.family, options=item.options)


def dated_values(items: Sequence[BenefitItem]) -> list[catalog.DatedValue]:
    codes = {item.pk: item.code for item in items}
    rows = ParameterValue.objects.filter(item_id__in=codes).order_by("item_id", "name", "start")
    return [catalog.DatedValue(codes[r.item_id], r.name, r.unit, r.start, r.value, r.reference) for r in rows]


# A cached system's parameters are set again before each evaluation: one evaluation at a time per process, so that
# a thread never evaluates with the parameters another thread set for its own items.
_EVALUATING = threading.Lock()


@lru_cache(maxsize=16)
def _system(signature: str) -> TaxBenefitSystem:
    rules = [catalog.rule_of(item=code, family=family, options=options)
             for code, family, options in json.loads(signature)]
    return catalog.build_system(rules, [])


def system_for(items: Sequence[BenefitItem]) -> tuple[TaxBenefitSystem, list[Rule]]:
    """The system of ``items`` with their current parameters (the variables are kept per set of rules; the
    parameters are read again every time, so a parameter saved a moment ago counts)."""
    signature = json.dumps(sorted([item.code, item.family, item.options] for item in items), sort_keys=True,
                           ensure_ascii=False)
    system = _system(signature)
    catalog.set_parameters(system, dated_values(items))
    return system, [rule_of(item) for item in items]


@dataclass
class Evaluation:
    on: dt.date
    facts: Facts
    simulation: Simulation
    outcomes: list[Outcome]
    items: list[BenefitItem]
    _nodes: dict[int, list[Any]] = field(default_factory=dict)
    _words: list[dict[str, str]] | None = None

    def explain(self, item_index: int, row: int) -> dict[str, Any]:
        """The trace of one row's result for one item (the items' trace nodes and words read once)."""
        outcome = self.outcomes[item_index]
        if item_index not in self._nodes:
            self._nodes[item_index] = item_nodes(self.simulation, outcome.rule, self.on)
        if self._words is None:
            self._words = condition_words(self.items, self.on)
        return explain(self.simulation, outcome, row, self.facts, on=self.on, labels=self._words[item_index],
                       nodes=self._nodes[item_index])


def evaluation_run(items: Sequence[BenefitItem], enterprise_ids: Sequence[int], *, on: dt.date,
                   trace: bool = False, facts: Facts | None = None) -> Evaluation:
    """``items`` over ``enterprise_ids`` on ``on``; ``facts`` when the caller read them already (several dates
    of one year read the same facts)."""
    items = list(items)
    if facts is None or facts.ids != list(enterprise_ids):
        facts = facts_load(enterprise_ids, years=[on.year - 1, on.year - 2])
    with _EVALUATING:
        system, rules = system_for(items)
        sim = simulation(system, facts, trace=trace)
        outcomes = evaluate(sim, rules, on)
    return Evaluation(on=on, facts=facts, simulation=sim, outcomes=outcomes, items=items)


def condition_words(items: Sequence[BenefitItem], on: dt.date) -> list[dict[str, str]]:
    """For each item, the words that fill its conditions' placeholders: its parameters at ``on`` in the
    officers' units, the qualification's, chains' and sizes' names (three queries for all the items)."""
    values: dict[int, dict[str, str]] = {item.pk: {} for item in items}
    for value in ParameterValue.objects.filter(item__in=items, start__lte=on).order_by("item_id", "name", "start"):
        values[value.item_id][value.name] = parameter_words(value.unit, value.value)
    qualifications = dict(QualificationType.objects.values_list("code", "name"))
    chains = dict(IndustrialChain.objects.order_by("sort_order").values_list("code", "name"))
    out = []
    for item in items:
        words, options = dict(values[item.pk]), item.options
        if options.get("qualification"):
            words["qualification"] = qualifications.get(options["qualification"], options["qualification"])
        if options.get("chains"):
            words["chains"] = "、".join(chains.get(c, c) for c in options["chains"])
        if options.get("sizes"):
            words["sizes"] = "或".join(SIZE_LABELS.get(s, s) for s in options["sizes"])
        out.append(words)
    return out


def parameter_words(unit: str, value: Any) -> str:
    text = f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)
    return {"yuan": f"{text} 元", "wan": f"{text} 万元", "rate": f"{value * 100:.4g}%", "count": f"{text} 人"}[unit]

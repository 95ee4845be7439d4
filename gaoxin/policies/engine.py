"""The catalog's records as rules: the OpenFisca system of a set of benefit items (kept while the items' rules do
not change), their dated parameters, and the evaluation of those items over enterprises on a date."""

from __future__ import annotations

import datetime as dt
import json
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
    _per_item: dict[int, tuple[list[Any], dict[str, str]]] = field(default_factory=dict)

    def explain(self, item_index: int, row: int) -> dict[str, Any]:
        """The trace of one row's result for one item (the item's trace nodes and words read once)."""
        outcome = self.outcomes[item_index]
        if item_index not in self._per_item:
            self._per_item[item_index] = (item_nodes(self.simulation, outcome.rule, self.on),
                                          condition_words(self.items[item_index], self.on))
        nodes, words = self._per_item[item_index]
        return explain(self.simulation, outcome, row, self.facts, on=self.on, labels=words, nodes=nodes)


def evaluation_run(items: Sequence[BenefitItem], enterprise_ids: Sequence[int], *, on: dt.date,
                   trace: bool = False, facts: Facts | None = None) -> Evaluation:
    """``items`` over ``enterprise_ids`` on ``on``; ``facts`` when the caller read them already (several dates
    of one year read the same facts)."""
    items = list(items)
    system, rules = system_for(items)
    if facts is None or facts.ids != list(enterprise_ids):
        facts = facts_load(enterprise_ids, years=[on.year - 1, on.year - 2])
    sim = simulation(system, facts, trace=trace)
    return Evaluation(on=on, facts=facts, simulation=sim, outcomes=evaluate(sim, rules, on), items=items)


def condition_words(item: BenefitItem, on: dt.date) -> dict[str, str]:
    """The words that fill a condition's placeholders: the item's parameters at ``on`` in the officers' units,
    the qualification's, chains' and sizes' names."""
    words = {}
    for value in ParameterValue.objects.filter(item=item, start__lte=on).order_by("name", "start"):
        words[value.name] = parameter_words(value.unit, value.value)
    options = item.options
    if options.get("qualification"):
        words["qualification"] = QualificationType.objects.filter(code=options["qualification"]).values_list(
            "name", flat=True).first() or options["qualification"]
    if options.get("chains"):
        words["chains"] = "、".join(IndustrialChain.objects.filter(code__in=options["chains"]).order_by(
            "sort_order").values_list("name", flat=True))
    if options.get("sizes"):
        words["sizes"] = "或".join(SIZE_LABELS.get(s, s) for s in options["sizes"])
    return words


def parameter_words(unit: str, value: Any) -> str:
    text = f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)
    return {"yuan": f"{text} 元", "wan": f"{text} 万元", "rate": f"{value * 100:.4g}%", "count": f"{text} 人"}[unit]

"""From the catalog's records to an OpenFisca system: each benefit item's rule (its family with its options), the
parameter tree of the items' dated values (converted to the formulas' integer units), and the YAML rule tests.

The rule tests are OpenFisca's YAML test format, one list per item::

    - name: 认定当天即可享受
      period: 2023-06-30
      input:
        qualified_since__tech_sme: 2023-06-30
      output:
        gx_tech_sme_award__eligible: true
        gx_tech_sme_award__amount: 5000000   # fen

Yearly inputs name their year (``rd_spending: {2022: 150000000}``). A test may also give the item's parameters
(``parameters: {amount: {2023-01-01: 50000}}``, in the officers' units) — otherwise it runs against the
parameters of the catalog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import yaml
from openfisca_core.parameters import ParameterNode
from openfisca_core.simulation_builder import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from gaoxin.core.errors import ApplicationError
from gaoxin.policies.rules.families import FAMILIES, Rule
from gaoxin.policies.rules.system import Enterprise, fact_variables

UNIT_FACTORS = {"yuan": Decimal(100), "wan": Decimal(1_000_000), "rate": Decimal(1_000_000), "count": Decimal(1)}


@dataclass(frozen=True)
class DatedValue:
    item: str
    name: str
    unit: str
    start: dt.date
    value: Decimal
    reference: str = ""


def rule_of(*, item: str, family: str, options: dict[str, Any]) -> Rule:
    if family not in FAMILIES:
        raise ApplicationError(f"规则类型：未知的类型“{family}”", field="family", code="unknown_family")
    try:
        return FAMILIES[family](item, **options)
    except TypeError as error:
        raise ApplicationError(f"规则选项：{error}", field="options", code="bad_options") from None


def formula_value(unit: str, value: Decimal) -> int:
    """The officers' value (元, 万元, a rate, a count) as the formulas' integer (fen, parts per million, count)."""
    return int((value * UNIT_FACTORS[unit]).to_integral_value())


def parameter_tree(values: Iterable[DatedValue]) -> ParameterNode:
    data: dict[str, dict[str, Any]] = {}
    for v in values:
        node = data.setdefault(v.item, {}).setdefault(v.name, {"values": {}, "metadata": {"unit": v.unit}})
        node["values"][v.start.isoformat()] = {"value": formula_value(v.unit, v.value)}
        if v.reference:
            node["metadata"]["reference"] = v.reference
    return ParameterNode("", data=data)


def build_system(rules: Sequence[Rule], values: Iterable[DatedValue]) -> TaxBenefitSystem:
    system = TaxBenefitSystem([Enterprise])
    for variable in fact_variables():
        system.add_variable(variable)
    for rule in rules:
        for variable in rule.variables():
            system.add_variable(variable)
    set_parameters(system, values)
    return system


def set_parameters(system: TaxBenefitSystem, values: Iterable[DatedValue]) -> None:
    system.parameters = parameter_tree(values)
    system._parameters_at_instant_cache = {}  # the class keeps one shared cache: give this system its own


# --- YAML rule tests ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TestFailure:
    name: str
    message: str


def yaml_load(text: str) -> Any:
    """``yaml.safe_load`` through libyaml when PyYAML was built with it (about ten times faster)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # both safe: plain data, no Python objects
    return yaml.load(text, Loader=loader)  # noqa: S506


def parse_tests(text: str) -> list[dict[str, Any]]:
    try:
        cases = yaml_load(text) if text.strip() else []
    except yaml.YAMLError as error:
        raise ApplicationError(f"规则测试：YAML 格式错误（{error}）", field="tests", code="tests_yaml") from None
    if not isinstance(cases, list) or not all(isinstance(c, dict) for c in cases):
        raise ApplicationError("规则测试：应为测试用例的列表", field="tests", code="tests_yaml")
    for number, case in enumerate(cases, start=1):
        missing = {"name", "period", "input", "output"} - set(case)
        if missing:
            raise ApplicationError(f"规则测试：第 {number} 个用例缺少 {'、'.join(sorted(missing))}", field="tests",
                                   code="tests_incomplete")
    return cases


def run_tests(rule: Rule, cases: Sequence[dict[str, Any]], values: Sequence[DatedValue]) -> list[TestFailure]:
    """Run ``rule``'s YAML cases on a system of this rule alone; a case's own parameters replace the catalog's."""
    failures = []
    system = build_system([rule], [])  # the variables once; each case sets its parameters
    for case in cases:
        own = [DatedValue(rule.item, name, _unit(rule, name), _date(start), Decimal(str(value)))
               for name, dated in (case.get("parameters") or {}).items() for start, value in dated.items()]
        overridden = {v.name for v in own}
        set_parameters(system, [*own, *(v for v in values if v.item == rule.item and v.name not in overridden)])
        try:
            simulation = SimulationBuilder().build_from_entities(system, {"enterprises": {"e": _inputs(case)}})
            period = str(case["period"])
            for variable, expected in case["output"].items():
                got = simulation.calculate(variable, period)[0]
                if _plain(got) != expected:
                    failures.append(TestFailure(str(case["name"]), f"{variable}：期望 {expected}，得到 {_plain(got)}"))
        except Exception as error:  # noqa: BLE001 - any error of a case is that case's failure, reported by name
            failures.append(TestFailure(str(case["name"]), f"{type(error).__name__}: {error}"))
    return failures


def _unit(rule: Rule, name: str) -> str:
    for spec in rule.parameters:
        if spec.name == name:
            return spec.unit
    raise ApplicationError(f"规则测试：事项没有参数“{name}”", field="tests", code="tests_parameter")


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _inputs(case: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in case["input"].items():
        if isinstance(value, dict):
            out[name] = {str(period): v for period, v in value.items()}
        else:
            out[name] = {"ETERNITY": value.isoformat() if isinstance(value, dt.date) else value}
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    return value

"""Formula families: the kinds of benefit the zone's policies grant, each a function that writes a benefit item's
OpenFisca variables — one boolean per condition (``<item>__<condition>``), ``<item>__eligible`` (every condition
holds) and ``<item>__amount`` (fen, zero when not eligible).

A family reads the item's parameters at the evaluation date (``parameters(day).<item>.<name>``): money in fen,
rates in parts per million, counts as integers (``catalog.parameter_tree`` converts the officers' values). A
condition's ``label`` names its parameters in braces; the explanation fills them in. The yearly figures a family
reads are those of the year before the evaluation year (the last year closed when a policy is cashed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from gaoxin.policies.rules.system import Enterprise, Fen, variable

Formula = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class Condition:
    name: str
    label: str  # e.g. "上年度研发费用不低于 {threshold}"
    formula: Formula


@dataclass(frozen=True)
class ParameterSpec:
    name: str
    unit: str  # yuan | wan | rate | count
    label: str


@dataclass(frozen=True)
class Rule:
    """What a family wrote for one item: its conditions, its parameters and its variables."""

    item: str
    family: str
    conditions: tuple[Condition, ...]
    parameters: tuple[ParameterSpec, ...]
    amount: Formula
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def eligible_variable(self) -> str:
        return f"{self.item}__eligible"

    @property
    def amount_variable(self) -> str:
        return f"{self.item}__amount"

    def condition_variable(self, condition: Condition) -> str:
        return f"{self.item}__{condition.name}"

    def variables(self) -> list[type[Variable]]:
        out = [type(self.condition_variable(c), (Variable,), {
            "entity": Enterprise, "value_type": bool, "definition_period": DateUnit.DAY, "label": c.label,
            "formula": c.formula}) for c in self.conditions]
        names = [self.condition_variable(c) for c in self.conditions]

        def eligible(enterprise: Any, period: Any, parameters: Any) -> Any:
            held = np.ones(enterprise.count, dtype=bool)
            for name in names:
                held &= enterprise(name, period)
            return held

        def amount(enterprise: Any, period: Any, parameters: Any) -> Any:
            due = np.asarray(self.amount(enterprise, period, parameters), dtype=np.int64)
            return np.where(enterprise(self.eligible_variable, period), np.maximum(due, 0), 0)

        out.append(type(self.eligible_variable, (Variable,), {
            "entity": Enterprise, "value_type": bool, "definition_period": DateUnit.DAY, "label": "符合全部条件",
            "formula": eligible}))
        out.append(variable(self.amount_variable, Fen, definition_period=DateUnit.DAY, label="兑现金额（分）",
                            formula=amount))
        return out


# --- helpers the formulas share ----------------------------------------------------------------------------------

def _day(period: Any) -> np.datetime64:
    return np.datetime64(str(period.start), "D")


def _last_year(period: Any) -> Any:
    return period.this_year.offset(-1, DateUnit.YEAR)


def _params(parameters: Any, period: Any, item: str) -> Any:
    return parameters(period)[item]


def _filters(item: str, chains: Sequence[str], sizes: Sequence[str]) -> list[Condition]:
    out = []
    if chains:
        def in_chains(enterprise: Any, period: Any, parameters: Any) -> Any:
            held = np.zeros(enterprise.count, dtype=bool)
            for chain in chains:
                held |= enterprise(f"in_chain__{chain}", period)
            return held
        out.append(Condition("chain", "属于政策支持的产业链（{chains}）", in_chains))
    if sizes:
        def of_size(enterprise: Any, period: Any, parameters: Any) -> Any:
            return np.isin(enterprise("size", period), list(sizes))
        out.append(Condition("size", "企业规模为{sizes}", of_size))
    return out


def _figures_reported(item: str) -> Condition:
    def reported(enterprise: Any, period: Any, parameters: Any) -> Any:
        return enterprise("has_figures", _last_year(period))
    return Condition("figures", "已报送上年度经营数据", reported)


# --- the families ------------------------------------------------------------------------------------------------

def qualification_reward(item: str, *, qualification: str, years_back: int = 1, chains: Sequence[str] = (),
                         sizes: Sequence[str] = ()) -> Rule:
    """A one-off reward for a qualification first obtained recently (认定奖励): since 1 January of the evaluation
    year (``years_back=0``, for a qualification renewed every year, whose earlier entrants the earlier year's
    policy rewarded) or of the year before (``years_back=1``)."""
    since = f"qualified_since__{qualification}"
    if years_back not in (0, 1):
        raise TypeError(f"years_back 只能是 0（本年）或 1（上年），收到 {years_back!r}")

    def held(enterprise: Any, period: Any, parameters: Any) -> Any:
        return enterprise(since, period) <= _day(period)

    def recent(enterprise: Any, period: Any, parameters: Any) -> Any:
        first_day = np.datetime64(dt.date(period.start.year - years_back, 1, 1), "D")
        return enterprise(since, period) >= first_day

    def amount(enterprise: Any, period: Any, parameters: Any) -> Any:
        return np.full(enterprise.count, _params(parameters, period, item).amount, dtype=np.int64)

    window = "本年" if years_back == 0 else "上年"
    return Rule(item=item, family="qualification_reward",
                conditions=(Condition("held", "已取得“{qualification}”认定", held),
                            Condition("recent", f"首次认定在{window} 1 月 1 日之后", recent),
                            *_filters(item, chains, sizes)),
                parameters=(ParameterSpec("amount", "yuan", "奖励金额"),), amount=amount,
                options={"qualification": qualification, "years_back": years_back, "chains": list(chains),
                         "sizes": list(sizes)})


def rd_subsidy(item: str, *, qualification: str = "", chains: Sequence[str] = (),
               sizes: Sequence[str] = ()) -> Rule:
    """研发费用后补助: a share of last year's R&D spending above a threshold, capped."""

    def above(enterprise: Any, period: Any, parameters: Any) -> Any:
        return enterprise("rd_spending", _last_year(period)) >= _params(parameters, period, item).threshold

    def amount(enterprise: Any, period: Any, parameters: Any) -> Any:
        p = _params(parameters, period, item)
        spent = enterprise("rd_spending", _last_year(period)).astype(np.int64)
        return np.minimum(spent * np.int64(p.rate) // 1_000_000, np.int64(p.cap))

    conditions = [_figures_reported(item), Condition("threshold", "上年度研发费用不低于 {threshold}", above)]
    if qualification:
        since = f"qualified_since__{qualification}"
        conditions.insert(0, Condition(
            "held", "已取得“{qualification}”认定",
            lambda enterprise, period, parameters: enterprise(since, period) <= _day(period)))
    return Rule(item=item, family="rd_subsidy", conditions=(*conditions, *_filters(item, chains, sizes)),
                parameters=(ParameterSpec("rate", "rate", "补助比例"),
                            ParameterSpec("threshold", "wan", "研发费用门槛"), ParameterSpec("cap", "wan", "补助上限")),
                amount=amount, options={"qualification": qualification, "chains": list(chains),
                                        "sizes": list(sizes)})


def scale_up_reward(item: str, *, chains: Sequence[str] = (), sizes: Sequence[str] = ()) -> Rule:
    """首次入规奖励: last year's revenue reached the threshold for the first time (the year before it did not)."""

    def above(enterprise: Any, period: Any, parameters: Any) -> Any:
        return enterprise("revenue", _last_year(period)) >= _params(parameters, period, item).threshold

    def first(enterprise: Any, period: Any, parameters: Any) -> Any:
        before = _last_year(period).offset(-1, DateUnit.YEAR)
        return enterprise("revenue", before) < _params(parameters, period, item).threshold

    def amount(enterprise: Any, period: Any, parameters: Any) -> Any:
        return np.full(enterprise.count, _params(parameters, period, item).amount, dtype=np.int64)

    return Rule(item=item, family="scale_up_reward",
                conditions=(_figures_reported(item), Condition("above", "上年度营业收入不低于 {threshold}", above),
                            Condition("first", "前年营业收入低于 {threshold}（首次达到）", first),
                            *_filters(item, chains, sizes)),
                parameters=(ParameterSpec("threshold", "wan", "营业收入门槛"),
                            ParameterSpec("amount", "yuan", "奖励金额")),
                amount=amount, options={"chains": list(chains), "sizes": list(sizes)})


def employment_subsidy(item: str, *, chains: Sequence[str] = (), sizes: Sequence[str] = ()) -> Rule:
    """稳岗/扩岗补贴: a sum per employee of last year, for enterprises of at least a headcount, capped."""

    def headcount(enterprise: Any, period: Any, parameters: Any) -> Any:
        return enterprise("employees", _last_year(period)) >= _params(parameters, period, item).min_employees

    def amount(enterprise: Any, period: Any, parameters: Any) -> Any:
        p = _params(parameters, period, item)
        people = enterprise("employees", _last_year(period)).astype(np.int64)
        return np.minimum(people * np.int64(p.per_head), np.int64(p.cap))

    return Rule(item=item, family="employment_subsidy",
                conditions=(_figures_reported(item),
                            Condition("headcount", "上年度从业人员不少于 {min_employees}", headcount),
                            *_filters(item, chains, sizes)),
                parameters=(ParameterSpec("min_employees", "count", "从业人员门槛"),
                            ParameterSpec("per_head", "yuan", "每人补贴"), ParameterSpec("cap", "wan", "补贴上限")),
                amount=amount, options={"chains": list(chains), "sizes": list(sizes)})


def tax_reward(item: str, *, chains: Sequence[str] = (), sizes: Sequence[str] = ()) -> Rule:
    """纳税贡献奖励: last year's tax reached the threshold."""

    def tax(enterprise: Any, period: Any, parameters: Any) -> Any:
        return enterprise("tax_paid", _last_year(period)) >= _params(parameters, period, item).threshold

    def amount(enterprise: Any, period: Any, parameters: Any) -> Any:
        return np.full(enterprise.count, _params(parameters, period, item).amount, dtype=np.int64)

    return Rule(item=item, family="tax_reward",
                conditions=(_figures_reported(item), Condition("tax", "上年度纳税额不低于 {threshold}", tax),
                            *_filters(item, chains, sizes)),
                parameters=(ParameterSpec("threshold", "wan", "纳税额门槛"),
                            ParameterSpec("amount", "yuan", "奖励金额")),
                amount=amount, options={"chains": list(chains), "sizes": list(sizes)})


FAMILIES: dict[str, Callable[..., Rule]] = {
    "qualification_reward": qualification_reward,
    "rd_subsidy": rd_subsidy,
    "scale_up_reward": scale_up_reward,
    "employment_subsidy": employment_subsidy,
    "tax_reward": tax_reward,
}
FAMILY_LABELS = {"qualification_reward": "认定奖励", "rd_subsidy": "研发费用后补助", "scale_up_reward": "首次入规奖励",
                 "employment_subsidy": "稳岗扩岗补贴", "tax_reward": "纳税贡献奖励"}

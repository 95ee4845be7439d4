"""The rules as code: every shipped item's YAML cases pass (run in CI, as a new policy's must before it is
published); a case fails when its expectation is wrong; parameters convert to the formulas' integer units; one
enterprise's result is explained from the OpenFisca trace."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import yaml

from gaoxin.core.errors import ApplicationError
from gaoxin.policies.rules import catalog
from gaoxin.policies.rules.evaluate import Facts, evaluate, explain, simulation
from gaoxin.policies.rules.families import rd_subsidy
from gaoxin.policies.services import catalog_files, catalog_specs


def _shipped_items():
    for spec in catalog_specs():
        for clause in spec["clauses"]:
            for item in clause["items"]:
                yield pytest.param(spec, item, id=item["code"])


def _values(spec, item):
    rule = catalog.rule_of(item=item["code"], family=item["family"], options=item.get("options") or {})
    units = {p.name: p.unit for p in rule.parameters}
    return rule, [catalog.DatedValue(item["code"], name, units[name], start, Decimal(str(value)))
                  for name, dated in item["parameters"].items() for start, value in dated.items()]


@pytest.mark.parametrize(("spec", "item"), list(_shipped_items()))
def test_shipped_item_passes_its_yaml_cases(spec, item):
    rule, values = _values(spec, item)
    cases = catalog.parse_tests(item["tests"])
    assert len(cases) >= 2  # at least a case on each side of a boundary
    assert catalog.run_tests(rule, cases, values) == []


def test_a_wrong_expectation_fails_by_name():
    spec = yaml.safe_load(catalog_files()[1].read_text(encoding="utf-8"))
    rule, values = _values(spec, spec["clauses"][0]["items"][0])
    cases = [{"name": "错误的期望", "period": "2023-06-30",
              "input": {"qualified_since__tech_sme": dt.date(2020, 1, 1), "has_figures": {2022: True},
                        "rd_spending": {2022: 300000000}},
              "output": {"gx2023_rd_subsidy__amount": 15000001}}]
    assert catalog.run_tests(rule, cases, values) == [
        catalog.TestFailure("错误的期望", "gx2023_rd_subsidy__amount：期望 15000001，得到 15000000")]


def test_parameters_reach_the_formulas_as_integers():
    tree = catalog.parameter_tree([
        catalog.DatedValue("x", "amount", "yuan", dt.date(2023, 1, 1), Decimal("50000.01")),
        catalog.DatedValue("x", "cap", "wan", dt.date(2023, 1, 1), Decimal("100")),
        catalog.DatedValue("x", "rate", "rate", dt.date(2023, 1, 1), Decimal("0.075")),
        catalog.DatedValue("x", "rate", "rate", dt.date(2024, 1, 1), Decimal("0.08"))])
    at_2023 = tree("2023-12-31").x
    assert (at_2023.amount, at_2023.cap, at_2023.rate) == (5000001, 100000000, 75000)
    assert tree("2024-01-01").x.rate == 80000


def test_vectorised_evaluation_and_its_explanation():
    rule = rd_subsidy("rd", qualification="tech_sme")
    values = [catalog.DatedValue("rd", "rate", "rate", dt.date(2023, 1, 1), Decimal("0.1")),
              catalog.DatedValue("rd", "threshold", "wan", dt.date(2023, 1, 1), Decimal("100")),
              catalog.DatedValue("rd", "cap", "wan", dt.date(2023, 1, 1), Decimal("100"))]
    system = catalog.build_system([rule], values)
    import numpy as np
    facts = Facts(ids=[11, 12, 13], records=[{"rd_spending": ["figures:1"]}, {}, {}])
    since = np.full(3, np.datetime64("9999-12-31", "D"))
    since[0] = since[1] = np.datetime64("2022-03-01", "D")
    facts.eternal["qualified_since__tech_sme"] = since
    facts.yearly[("has_figures", 2022)] = np.array([True, True, False])
    facts.yearly[("rd_spending", 2022)] = np.array([150_000_000, 90_000_000, 0], dtype=np.int64)
    sim = simulation(system, facts, trace=True)
    (outcome,) = evaluate(sim, [rule], dt.date(2023, 6, 30))
    assert outcome.eligible.tolist() == [True, False, False]
    assert outcome.amount.tolist() == [15_000_000, 0, 0]
    trace = explain(sim, outcome, 0, facts, on=dt.date(2023, 6, 30), labels={"threshold": "100 万元",
                                                                                "qualification": "科技型中小企业"})
    assert trace["eligible"] is True
    assert trace["amount_fen"] == 15_000_000
    assert [(c["label"], c["held"]) for c in trace["conditions"]] == [
        ("已取得“科技型中小企业”认定", True), ("已报送上年度经营数据", True), ("上年度研发费用不低于 100 万元", True)]
    assert {(f["name"], f["period"], f["value"]) for f in trace["facts"]} == {
        ("qualified_since__tech_sme", "2023-06-30", "2022-03-01"), ("has_figures", "2022", True),
        ("rd_spending", "2022", 150_000_000)}
    assert [f["records"] for f in trace["facts"] if f["name"] == "rd_spending"] == [["figures:1"]]
    assert trace["parameters"] == {"rd.rate": 100000, "rd.threshold": 100_000_000, "rd.cap": 100_000_000}
    second = explain(sim, outcome, 1, facts, on=dt.date(2023, 6, 30), labels={})
    assert [c["held"] for c in second["conditions"]] == [True, True, False]


def test_records_behind_a_fact_from_one_key_per_row():
    import numpy as np
    facts = Facts(ids=[11, 12], records=[{"rd_spending:2022": ["figures:9"]}, {}],
                  record_keys={"rd_spending:2022": ("figures", np.array([7, 0])), "size": ("enterprise",
                                                                                          np.array([11, 12]))})
    assert facts.records_of(0, "rd_spending", "2022") == ["figures:9"]  # a row's own list comes first
    assert facts.records_of(1, "rd_spending", "2022") == []  # key 0: no record
    assert facts.records_of(1, "size", "ETERNITY") == ["enterprise:12"]
    assert facts.records_of(1, "employees", "2022") == []


@pytest.mark.parametrize(("years_back", "first_held", "eligible"), [
    (0, "2023-01-01", True), (0, "2022-12-31", False), (1, "2022-01-01", True), (1, "2021-12-31", False)])
def test_a_qualification_reward_counts_the_first_year_it_was_held(years_back, first_held, eligible):
    import numpy as np
    rule = catalog.rule_of(item="q", family="qualification_reward",
                           options={"qualification": "tech_sme", "years_back": years_back})
    system = catalog.build_system([rule], [catalog.DatedValue("q", "amount", "yuan", dt.date(2023, 1, 1),
                                                             Decimal("50000"))])
    facts = Facts(ids=[1], records=[{}])
    facts.eternal["qualified_since__tech_sme"] = np.array([np.datetime64(first_held, "D")])
    (outcome,) = evaluate(simulation(system, facts), [rule], dt.date(2023, 3, 1))
    assert (bool(outcome.eligible[0]), int(outcome.amount[0])) == (eligible, 5_000_000 if eligible else 0)


def test_a_qualification_reward_refuses_another_window():
    with pytest.raises(ApplicationError) as err:
        catalog.rule_of(item="q", family="qualification_reward", options={"qualification": "tech_sme",
                                                                           "years_back": 2})
    assert (err.value.field, err.value.code) == ("options", "bad_options")
    assert "years_back" in err.value.message

"""The registry's facts, read for the rules in a few grouped queries (``rules.evaluate.Facts``): when each
qualification was first held, the chains, the size, and the yearly figures (money in fen), each with the records
it came from (``award:<pk>``, ``figures:<pk>``, ``enterprise:<pk>``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import numpy as np

from gaoxin.enterprises.models import AnnualFigures, Enterprise, QualificationAward
from gaoxin.enterprises.reference import CHAINS, QUALIFICATION_TYPES
from gaoxin.policies.rules.evaluate import Facts
from gaoxin.policies.rules.system import NEVER

FEN_PER_WAN = Decimal(1_000_000)
FIGURES = ("revenue", "rd_spending", "tax_paid")


def facts_load(enterprise_ids: Sequence[int], *, years: Sequence[int]) -> Facts:
    ids = list(enterprise_ids)
    row = {pk: i for i, pk in enumerate(ids)}
    n = len(ids)
    facts = Facts(ids=ids, records=[{} for _ in ids])

    since = {code: np.full(n, np.datetime64(NEVER, "D")) for code, _name, _level in QUALIFICATION_TYPES}
    awards = QualificationAward.objects.filter(enterprise_id__in=ids).values_list(
        "pk", "enterprise_id", "qualification_type__code", "year", "awarded_on")
    for pk, enterprise_id, code, year, awarded_on in awards.iterator(chunk_size=5000):
        if code not in since:
            continue
        i = row[enterprise_id]
        day = np.datetime64(awarded_on or dt.date(year, 1, 1), "D")
        if day < since[code][i]:
            since[code][i] = day
        facts.records[i].setdefault(f"qualified_since__{code}", []).append(f"award:{pk}")
    facts.eternal.update({f"qualified_since__{code}": values for code, values in since.items()})

    chains = {code: np.zeros(n, dtype=bool) for code, _name in CHAINS}
    links = Enterprise.chains.through.objects.filter(enterprise_id__in=ids).values_list(
        "enterprise_id", "industrialchain__code")
    for enterprise_id, code in links.iterator(chunk_size=5000):
        if code in chains:
            chains[code][row[enterprise_id]] = True
    for code, values in chains.items():
        facts.eternal[f"in_chain__{code}"] = values
    sizes = dict(Enterprise.objects.filter(pk__in=ids).values_list("pk", "size"))
    facts.eternal["size"] = np.array([sizes.get(pk, "") for pk in ids], dtype=object)
    enterprise_keys = np.array(ids, dtype=np.int64)
    for name in (*(f"in_chain__{code}" for code, _name in CHAINS), "size"):
        facts.record_keys[name] = ("enterprise", enterprise_keys)

    for year in years:
        reported = np.zeros(n, dtype=bool)
        money = {name: np.zeros(n, dtype=np.int64) for name in FIGURES}
        employees = np.zeros(n, dtype=np.int32)
        keys = np.zeros(n, dtype=np.int64)
        rows = AnnualFigures.objects.filter(enterprise_id__in=ids, year=year).values_list(
            "pk", "enterprise_id", *FIGURES, "employees")
        for pk, enterprise_id, revenue, rd_spending, tax_paid, people in rows.iterator(chunk_size=5000):
            i = row[enterprise_id]
            reported[i] = True
            for name, value in zip(FIGURES, (revenue, rd_spending, tax_paid), strict=True):
                money[name][i] = int(value * FEN_PER_WAN)
            employees[i] = people
            keys[i] = pk
        for name in (*FIGURES, "employees", "has_figures"):
            facts.record_keys[f"{name}:{year}"] = ("figures", keys)
        facts.yearly[("has_figures", year)] = reported
        for name, values in money.items():
            facts.yearly[(name, year)] = values
        facts.yearly[("employees", year)] = employees
    return facts

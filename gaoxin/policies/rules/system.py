"""The OpenFisca tax-benefit system of the zone's enterprise policies: one entity (the enterprise), the registry
facts as input variables, and the variables of every benefit item's conditions and amount (``families``).

Money is in fen (分) as 64-bit integers (``Fen``): OpenFisca's own ``int`` is 32-bit and its ``float`` 32-bit
floating point, neither fit for money. Rates reach the formulas as integer parts per million, so an amount is
integer arithmetic from facts to result."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from gaoxin.enterprises.reference import CHAINS, QUALIFICATION_TYPES

Enterprise = build_entity(key="enterprise", plural="enterprises", label="企业", is_person=True)

NEVER = dt.date(9999, 12, 31)


class Fen(Variable):
    """An amount of money in fen, a 64-bit integer. (OpenFisca reads a variable's attributes from its own class
    only: a subclass names ``value_type = int`` itself, as ``variable`` does.)"""

    def __init__(self, baseline_variable: Any = None) -> None:
        super().__init__(baseline_variable)
        self.dtype = np.int64


def variable(name: str, base: type[Variable], **attributes: Any) -> type[Variable]:
    """A variable class of the enterprise entity; a ``Fen`` is an ``int`` stored in 64 bits."""
    if base is Fen:
        attributes["value_type"] = int
    return type(name, (base,), {"entity": Enterprise, **attributes})


def fact_variables() -> list[type[Variable]]:
    """The registry's facts the rules read: when each qualification was first held, the chains, the size, and
    the yearly figures (money in fen)."""
    out = [variable(f"qualified_since__{code}", Variable, value_type=dt.date, default_value=NEVER,
                     definition_period=DateUnit.ETERNITY, label=f"“{name}”认定日期")
           for code, name, _level in QUALIFICATION_TYPES]
    out += [variable(f"in_chain__{code}", Variable, value_type=bool, definition_period=DateUnit.ETERNITY,
                      label=f"属于{name}产业链") for code, name in CHAINS]
    out.append(variable("size", Variable, value_type=str, definition_period=DateUnit.ETERNITY, label="企业规模"))
    out.append(variable("has_figures", Variable, value_type=bool, definition_period=DateUnit.YEAR,
                         label="已报送年度经营数据"))
    out += [variable(name, Fen, definition_period=DateUnit.YEAR, label=label) for name, label in (
        ("revenue", "营业收入（分）"), ("rd_spending", "研发费用（分）"), ("tax_paid", "纳税额（分）"))]
    out.append(variable("employees", Variable, value_type=int, definition_period=DateUnit.YEAR,
                         label="从业人员（人）"))
    return out


FACT_LABELS: dict[str, str] = {v.__name__: str(v.label) for v in fact_variables()}

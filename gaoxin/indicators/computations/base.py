"""What every computation of a ``computed`` indicator is: ``fn(ctx, **params) -> Computed``.

``ctx`` holds the actor and the year and memoises the slices that several indicators share (one aggregate for
F113 and F114, one for F054–F056, one grouped query for all qualifications), so a whole report asks the
database once per slice. A ``Computed`` carries the value in the indicator's unit (rates in percent) and its
provenance: the query that counted it (``records``, the records the value counts — a count figure equals
``records.count()``; for a rate, the numerator's records, with the denominator's in ``denominator_records``;
for a sum, the field summed in ``total_field``),
the page that lists them (``url``) and the function that computed it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from gaoxin.accounts.models import User
from gaoxin.core.calendar import SHANGHAI


@dataclass
class Computed:
    value: Decimal | None
    params: dict[str, Any]
    url: str
    function: str
    detail: dict[str, Any] = field(default_factory=dict)
    records: QuerySet[Any] | None = None
    denominator_records: QuerySet[Any] | None = None
    total_field: str = ""  # a sum figure: the field of ``records`` whose sum is the value (in the figure's unit)
    # Or how the value is read again from ``records`` alone, when no column sums to it (a ledger's JSON values,
    # a share of two sums): the provenance page's check.
    records_total: Callable[[QuerySet[Any]], Decimal | None] | None = None


@dataclass
class Context:
    actor: User
    year: int
    memo: dict[Any, Any] = field(default_factory=dict)

    @property
    def start_date(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end_date(self) -> dt.date:
        return dt.date(self.year + 1, 1, 1)

    @property
    def start(self) -> dt.datetime:
        return dt.datetime(self.year, 1, 1, tzinfo=SHANGHAI)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime(self.year + 1, 1, 1, tzinfo=SHANGHAI)

    def once(self, key: Any, fn: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = fn()
        return self.memo[key]


Computation = Callable[..., Computed]


def decimal(value: Any, *, percent: bool = False) -> Decimal | None:
    if value is None:
        return None
    number = Decimal(str(value))
    return number * 100 if percent else number

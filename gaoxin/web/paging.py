"""Keyset pagination of case lists: no OFFSET, no COUNT(*). A page is the next ``size`` rows after the cursor
(the last row's sort value and id) in a fixed order, served by the indexes on ``reported_at`` /
``registered_at`` / ``(state, deadline)``. ``has_next`` comes from fetching one row more than shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gaoxin.cases.models import Case
from gaoxin.core.errors import ApplicationError

# sort key → (field, descending). Sorting by a deadline lists only cases that have one.
SORTS: dict[str, tuple[str, bool]] = {
    "-reported_at": ("reported_at", True),
    "reported_at": ("reported_at", False),
    "-registered_at": ("registered_at", True),
    "deadline": ("deadline", False),
}
DEFAULT_SORT = "-reported_at"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass
class Page:
    items: list[Case]
    next_cursor: str
    sort: str

    @property
    def has_next(self) -> bool:
        return bool(self.next_cursor)


def _encode(value: dt.datetime, pk: int) -> str:
    micros = (value - EPOCH) // dt.timedelta(microseconds=1)
    return f"{micros}_{pk}"


def _decode(cursor: str) -> tuple[dt.datetime, int]:
    try:
        micros, pk = cursor.split("_")
        return EPOCH + dt.timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError):
        raise ApplicationError(_("翻页参数不正确"), field="cursor") from None


def keyset_page(qs: QuerySet[Case], *, sort: str = DEFAULT_SORT, cursor: str = "", size: int = 25) -> Page:
    if sort not in SORTS:
        raise ApplicationError(_("未知的排序方式：%(sort)s") % {"sort": sort}, field="sort")
    name, desc = SORTS[sort]
    qs = qs.filter(**{f"{name}__isnull": False})
    if cursor:
        value, pk = _decode(cursor)
        op = "lt" if desc else "gt"
        qs = qs.filter(Q(**{f"{name}__{op}": value}) | Q(**{name: value, f"pk__{op}": pk}))
    order = [f"-{name}", "-pk"] if desc else [name, "pk"]
    rows = list(qs.order_by(*order)[: size + 1])
    items = rows[:size]
    next_cursor = ""
    if len(rows) > size:
        last: Any = items[-1]
        next_cursor = _encode(getattr(last, name), last.pk)
    return Page(items=items, next_cursor=next_cursor, sort=sort)

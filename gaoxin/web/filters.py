"""The case list's query string: parsed once, validated (errors name the field), applied on top of the actor's
scoped ``case_list``, and written back into links (the dashboard links every number to such a list)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gaoxin.accounts.models import User
from gaoxin.cases import selectors, workflow
from gaoxin.cases.models import Case, Channel
from gaoxin.cases.populations import POPULATIONS
from gaoxin.core.errors import ApplicationError
from gaoxin.core.pages import filter_text
from gaoxin.web.paging import DEFAULT_SORT, SORTS

SHANGHAI = ZoneInfo("Asia/Shanghai")

# ``set``: a metric's population within the cohort (``cases.populations.POPULATIONS``: cases registered in the
# period, merged excluded), so that a dashboard number and the list behind it are the same query.
PARAMS = ("state", "channel", "category", "street", "unit", "grid", "color", "overdue", "q", "reg_from", "reg_to",
          "set", "sort")


FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years the working calendar and the records cover


def parse_date(value: str, name: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ApplicationError(_("日期格式应为 YYYY-MM-DD"), field=name) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ApplicationError(_("日期须在 %(a)s–%(b)s 年之间") % {"a": FIRST_YEAR, "b": LAST_YEAR}, field=name)
    return day


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)


MAX_ID = 2**63 - 1  # the largest bigint: a larger id is an input error, not a database error


def _int(value: str, name: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ApplicationError(_("编号格式不正确"), field=name) from None
    if not 1 <= number <= MAX_ID:
        raise ApplicationError(_("编号超出范围"), field=name)
    return number


@dataclass
class CaseQuery:
    params: dict[str, str] = field(default_factory=dict)
    filters: dict[str, Any] = field(default_factory=dict)
    sort: str = DEFAULT_SORT
    cursor: str = ""

    def querystring(self, **overrides: str) -> str:
        params = {**self.params, **overrides}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def parse_case_query(data: Mapping[str, str], *, defaults: Mapping[str, str] | None = None) -> CaseQuery:
    raw = {name: filter_text(data.get(name), max_length=1000) for name in PARAMS}  # no NUL for PostgreSQL
    for name, value in (defaults or {}).items():
        if not raw.get(name):
            raw[name] = value
    query = CaseQuery(params={k: v for k, v in raw.items() if v}, cursor=(data.get("cursor") or "").strip())
    f = query.filters
    if raw["state"]:
        states = [s for s in raw["state"].split(",") if s]
        bad = [s for s in states if s not in workflow.STATES]
        if bad:
            raise ApplicationError(_("未知的案件状态：%(s)s") % {"s": bad[0]}, field="state")
        f["state"] = states
    if raw["channel"]:
        if raw["channel"] not in Channel.values:
            raise ApplicationError(_("未知的来源渠道：%(s)s") % {"s": raw["channel"]}, field="channel")
        f["channel"] = raw["channel"]
    if raw["category"]:
        f["category"] = raw["category"]
    for name in ("street", "grid"):
        if raw[name]:
            f[name] = _int(raw[name], name)
    if raw["unit"]:
        f["unit"] = _int(raw["unit"], "unit")
    if raw["color"]:
        if raw["color"] not in ("green", "yellow", "red"):
            raise ApplicationError(_("未知的时限状态：%(s)s") % {"s": raw["color"]}, field="color")
        f["color"] = raw["color"]
    if raw["overdue"]:
        if raw["overdue"] not in ("0", "1"):
            raise ApplicationError(_("超期筛选只能是 0 或 1"), field="overdue")
        f["overdue"] = raw["overdue"] == "1"
    if raw["q"]:
        if len(raw["q"]) > 100:
            raise ApplicationError(_("搜索词不能超过 100 字"), field="q")
        f["q"] = raw["q"]
    if raw["reg_from"]:
        f["registered_from"] = day_start(parse_date(raw["reg_from"], "reg_from"))
    if raw["reg_to"]:
        f["registered_to"] = day_start(parse_date(raw["reg_to"], "reg_to") + dt.timedelta(days=1))
    if raw["set"]:
        if raw["set"] not in POPULATIONS:
            raise ApplicationError(_("未知的统计口径：%(s)s") % {"s": raw["set"]}, field="set")
        f["set"] = raw["set"]
    if raw["sort"]:
        if raw["sort"] not in SORTS:
            raise ApplicationError(_("未知的排序方式：%(s)s") % {"s": raw["sort"]}, field="sort")
        query.sort = raw["sort"]
    return query


def apply_case_query(*, actor: User, query: CaseQuery) -> QuerySet[Case]:
    return selectors.case_list(actor=actor, filters=query.filters)

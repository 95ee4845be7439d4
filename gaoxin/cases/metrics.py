"""The case metrics (DESIGN §4) and the populations they count, defined once: the counts and rates of any
period × org unit / street / grid × category × channel (computed by the database, scoped to the actor like every
selector), the dashboard's roll-ups (``cases.rollup``, both the incremental and the bulk path), the case list's
``set`` filter (``web.filters``) and the year-end indicators all read ``COHORT``, ``POPULATIONS`` and
``METRICS`` from here.

The population of every metric is the *cohort*: cases registered (立案) in the half-open period ``[start, end)``,
visible to the actor, matching the filters, and not merged into another case (a merged case is counted once, as
its master). Rejected cases are never registered and so never counted. A *population* is a subset of the cohort
(办结, 按期办结, 评价, 满意, 超期, 挂账), written as a ``Q`` that the database counts and that ``core.qmatch``
evaluates for one case. Ratios are fractions in [0, 1] (None when the denominator is 0); times are in hours.

Counts come from one aggregate query; each percentile is one ``ORDER BY … OFFSET k LIMIT 1`` query (nearest
rank), so no metric loads case rows into Python.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.db.models import Avg, Count, QuerySet, Sum

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import Role
from gaoxin.cases.models import Case, CaseEvent, Category, Channel
from gaoxin.cases.populations import COHORT, POPULATIONS
from gaoxin.cases.selectors import case_scope_q, category_ids
from gaoxin.core.errors import ApplicationError
from gaoxin.grids.models import Grid

# Definitions are part of the product: the UI shows them next to each number. A rate of two populations names
# them (``numerator`` ÷ ``denominator``); the dashboard's numbers link to those populations' case lists.
METRICS: dict[str, dict[str, str]] = {
    "accepted_volume": {
        "name": "受理量", "unit": "件", "numerator": "registered",
        "definition": "统计期内立案的案件数（不予立案、被并案的案件不计）。",
    },
    "closure_rate": {
        "name": "办结率", "unit": "%", "numerator": "closed", "denominator": "registered",
        "definition": "统计期内立案的案件中已办结（核查通过）的比例 = 办结数 ÷ 受理量。",
    },
    "on_time_closure_rate": {
        "name": "按期办结率", "unit": "%", "numerator": "closed_on_time", "denominator": "closed",
        "definition": "已办结案件中在办理时限内（含批准的延期，扣除挂账停表时间）办结的比例 = 按期办结数 ÷ 办结数。",
    },
    "satisfaction_rate": {
        "name": "满意率", "unit": "%", "numerator": "satisfied", "denominator": "evaluated",
        "definition": "回访评价的案件中评价为“满意”或“基本满意”的比例 = 满意数 ÷ 评价数。",
    },
    "response_rate": {
        "name": "响应率", "unit": "%",
        "definition": "派遣（含返工重派）中在签收时限内签收的比例 = 按时签收次数 ÷ 派遣次数。",
    },
    "dispatch_accuracy": {
        "name": "准确派遣率", "unit": "%",
        "definition": "1 − 退单次数 ÷ 派遣次数。",
    },
    "rework_rate": {
        "name": "返工率", "unit": "%",
        "definition": "核查不通过（返工）次数 ÷ 处置反馈次数。",
    },
    "suspended_count": {
        "name": "挂账数", "unit": "件", "numerator": "suspended",
        "definition": "统计期内立案、当前处于挂账状态的案件数（单独统计，不计入超期）。",
    },
    "avg_handling_hours": {
        "name": "平均办理时长", "unit": "小时",
        "definition": "已办结案件从立案到办结的平均自然时长。",
    },
    "p50_handling_hours": {
        "name": "办理时长中位数", "unit": "小时",
        "definition": "已办结案件从立案到办结的自然时长的第 50 百分位（最近秩）。",
    },
    "p90_handling_hours": {
        "name": "办理时长第90百分位", "unit": "小时",
        "definition": "已办结案件从立案到办结的自然时长的第 90 百分位（最近秩）：九成案件不超过该时长。",
    },
}


def population_rate(code: str, counts: Mapping[str, int]) -> float | None:
    """A metric of ``METRICS`` that is a population or a ratio of two, from population counts."""
    meta = METRICS[code]
    numerator = counts[meta["numerator"]]
    if "denominator" not in meta:
        return numerator
    return _ratio(numerator, counts[meta["denominator"]])


def metric_cases(
    *,
    actor: User,
    start: dt.datetime,
    end: dt.datetime,
    org_unit: OrgUnit | None = None,
    street: OrgUnit | None = None,
    grid: Grid | None = None,
    category: Category | str | None = None,
    channel: str | None = None,
) -> QuerySet[Case]:
    """The cohort: registered in ``[start, end)``, in the actor's scope, not merged; ``org_unit`` keeps cases
    assigned to that unit or a unit below it, ``street`` cases located in that street, ``grid`` cases in that
    grid or micro-grid, ``category`` that category (a 大类 includes its 小类)."""
    if start >= end:
        raise ApplicationError("统计期的开始时间必须早于结束时间", field="start")
    qs = Case.objects.filter(case_scope_q(actor=actor)).filter(COHORT, registered_at__gte=start, registered_at__lt=end)
    if org_unit is not None:
        qs = qs.filter(assignee__path__startswith=org_unit.path)
    if street is not None:
        qs = qs.filter(street_id=street.pk)
    if grid is not None:
        # A micro-grid's cases carry its grid too, so one column (one index) answers either level.
        qs = qs.filter(micro_grid_id=grid.pk) if grid.level == Grid.Level.MICRO else qs.filter(grid_id=grid.pk)
    if category is not None:
        qs = qs.filter(category_id__in=category_ids(category))
    if channel:
        qs = qs.filter(channel=channel)
    return qs


COUNTED_POPULATIONS = ("registered", "closed", "closed_on_time", "evaluated", "satisfied", "suspended")


# 网格化事件 (the report's F113/F114): the fused flow of 12345 and 数字城管 plus everything else the grid governance
# takes in. Problems raised at enterprise visits and reception days are cases too, but the enterprise service's
# own figures count them.
GRID_EVENT_CHANNELS: tuple[str, ...] = tuple(
    c for c in Channel.values if c not in (Channel.ENTERPRISE_VISIT, Channel.RECEPTION_DAY, Channel.PROJECT)
)


def grid_event_cases(*, actor: User, start: dt.datetime, end: dt.datetime) -> QuerySet[Case]:
    """The cohort of 网格化事件 registered in ``[start, end)``."""
    return metric_cases(actor=actor, start=start, end=end).filter(channel__in=GRID_EVENT_CHANNELS)


def _ratio(numerator: int | None, denominator: int | None) -> float | None:
    if not denominator:
        return None
    return (numerator or 0) / denominator


def _count_expressions() -> dict[str, Any]:
    return {
        **{code: POPULATIONS[code].count() for code in COUNTED_POPULATIONS},
        "dispatched": Sum("dispatch_count"),
        "accepted_on_time": Sum("on_time_accept_count"),
        "returned": Sum("returned_count"),
        "handled": Sum("handled_count"),
        "reworked": Sum("reworked_count"),
        "avg_handling_seconds": Avg("handling_seconds", filter=POPULATIONS["closed"].condition),
    }


def counts(qs: QuerySet[Case]) -> dict[str, Any]:
    """Every count behind the metrics, in one aggregate query."""
    return qs.aggregate(**_count_expressions())


def rates(c: Mapping[str, Any]) -> dict[str, Any]:
    """The metrics of METRICS computable from the counts ``c`` (all but the percentiles)."""
    dispatched = c["dispatched"] or 0
    result: dict[str, Any] = {code: population_rate(code, c) for code, meta in METRICS.items() if "numerator" in meta}
    result.update({
        "response_rate": _ratio(c["accepted_on_time"], dispatched),
        "dispatch_accuracy": None if not dispatched else 1 - (c["returned"] or 0) / dispatched,
        "rework_rate": _ratio(c["reworked"], c["handled"]),
        "avg_handling_hours": _hours(c["avg_handling_seconds"]),
    })
    return result


def handling_percentile(qs: QuerySet[Case], p: float, *, closed_count: int | None = None) -> float | None:
    """The nearest-rank ``p``-th percentile (0 < p ≤ 1) of handling seconds of the closed cases of ``qs``."""
    if not 0 < p <= 1:
        raise ValueError("p must be in (0, 1]")
    closed = qs.filter(POPULATIONS["closed"].condition, handling_seconds__isnull=False)
    n = closed.count() if closed_count is None else closed_count
    if n == 0:
        return None
    k = max(0, math.ceil(p * n) - 1)
    value = closed.order_by("handling_seconds").values_list("handling_seconds", flat=True)[k : k + 1].first()
    return float(value) if value is not None else None


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 3600


def compute(qs: QuerySet[Case], *, percentiles: bool = True) -> dict[str, Any]:
    """All metrics of METRICS for a cohort queryset, plus the raw counts under ``counts``."""
    c = counts(qs)
    result = rates(c)
    result["counts"] = c
    if percentiles:
        result["p50_handling_hours"] = _hours(handling_percentile(qs, 0.5, closed_count=c["closed"]))
        result["p90_handling_hours"] = _hours(handling_percentile(qs, 0.9, closed_count=c["closed"]))
    return result


def case_metrics(
    *,
    actor: User,
    start: dt.datetime,
    end: dt.datetime,
    org_unit: OrgUnit | None = None,
    street: OrgUnit | None = None,
    grid: Grid | None = None,
    category: Category | str | None = None,
    channel: str | None = None,
    percentiles: bool = True,
) -> dict[str, Any]:
    """Every metric for one slice; keys are METRICS codes (plus ``counts``)."""
    qs = metric_cases(actor=actor, start=start, end=end, org_unit=org_unit, street=street, grid=grid,
                      category=category, channel=channel)
    return compute(qs, percentiles=percentiles)


def metric_value(code: str, **slice_: Any) -> Any:
    """One metric for one slice (same keyword arguments as ``case_metrics``)."""
    if code not in METRICS:
        raise ApplicationError(f"未知的指标：{code}", field="code")
    return case_metrics(percentiles=code.startswith("p"), **slice_)[code]


# 综合评价 (comprehensive evaluation) of the street offices and the handling departments, after the national 数字城管
# performance-evaluation practice (GB/T 30428 series; the evaluation of 区域、部门、岗位 by 立案数, 结案率, 按期结案率,
# 返工率 …): each measure is a metric of METRICS over the same cohort, the score a weighted sum on a 100-point scale
# (a rate counts as its share of the weight; a "lower is better" rate as 1 − the rate). The version is shown with
# every table, so that a score can be traced to the weights that made it.
EVALUATION_VERSION = "2023-1"
EVALUATION: tuple[tuple[str, float, bool], ...] = (  # (metric, weight, higher is better)
    ("closure_rate", 30.0, True),            # 结案率
    ("on_time_closure_rate", 30.0, True),    # 按期结案率
    ("response_rate", 20.0, True),           # 按时签收（响应）率
    ("rework_rate", 20.0, False),            # 返工率
)
EVALUATION_BY = {"street": "street_id", "department": "assignee_id"}


def evaluation_score(values: Mapping[str, Any]) -> float | None:
    """The 100-point score from the measures of EVALUATION (None when a measure has no denominator: no case
    closed or handled in the period, nothing to judge)."""
    total = 0.0
    for code, weight, higher in EVALUATION:
        value = values.get(code)
        if value is None:
            return None
        total += weight * (value if higher else 1 - value)
    return round(total, 2)


def evaluation(*, actor: User, start: dt.datetime, end: dt.datetime, by: str) -> list[dict[str, Any]]:
    """综合评价 of every street office (``by="street"``, cases located in it) or handling unit (``by="department"``,
    cases assigned to it) with cases registered in ``[start, end)`` in the actor's scope: the counts, the measures
    and the score, best first (units with no score last). One grouped aggregate query."""
    if by not in EVALUATION_BY:
        raise ApplicationError(f"未知的评价对象：{by}", field="by")
    column = EVALUATION_BY[by]
    grouped = (metric_cases(actor=actor, start=start, end=end).exclude(**{f"{column}__isnull": True})
               .values(column).annotate(**_count_expressions()).order_by(column))
    names = dict(OrgUnit.objects.filter(pk__in=[g[column] for g in grouped]).values_list("pk", "name"))
    rows = []
    for g in grouped:
        c = {k: v for k, v in g.items() if k != column}
        values = rates(c)
        rows.append({"unit_id": g[column], "name": names.get(g[column], ""), "counts": c, **values,
                     "score": evaluation_score(values)})
    rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), -r["counts"]["registered"], r["name"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank if row["score"] is not None else None
    return rows


# 岗位评价 (the posts of the same practice): each person's work on the cohort, read from the case histories. A
# return (退单) counts against the dispatcher whose dispatch was returned, a failed verification (返工) against the
# handler whose feedback failed it. Posts differ in what they do, so there is no cross-post score: each post is
# ranked by its quality measure, then by volume.
POSTS: dict[str, dict[str, Any]] = {
    Role.OPERATOR: {"name": "受理员", "counts": ("registered",), "measure": None},
    Role.DISPATCHER: {"name": "派遣员", "counts": ("dispatched", "returned"), "measure": "dispatch_accuracy"},
    Role.SHIFT_LEAD: {"name": "值班长", "counts": ("dispatched", "returned"), "measure": "dispatch_accuracy"},
    Role.HANDLER: {"name": "处置员", "counts": ("handled", "reworked"), "measure": "rework_rate"},
    Role.GRID_WORKER: {"name": "网格员（监督员）", "counts": ("reported", "verified"), "measure": None},
}
POST_COUNTS = {"registered": "立案数", "dispatched": "派遣数", "returned": "被退单数", "handled": "处置反馈数",
               "reworked": "被返工数", "reported": "有效上报数", "verified": "核查数"}
_POST_ACTIONS = ("register", "dispatch", "return", "feedback", "verify_pass", "verify_fail")


def post_evaluation(*, actor: User, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """岗位评价 of everyone who registered, dispatched, handled, reported or verified a case of the cohort (cases
    registered in ``[start, end)`` in the actor's scope): their counts and their post's measure, ranked within
    the post. One pass over the cohort's events in case order."""
    cohort = metric_cases(actor=actor, start=start, end=end)
    tallies: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(POST_COUNTS, 0))
    events = (CaseEvent.objects.filter(case__in=cohort.values("pk"), action__in=_POST_ACTIONS, actor__isnull=False)
              .order_by("case_id", "seq").values_list("case_id", "action", "actor_id"))
    case = dispatcher = handler = None
    for case_id, action, actor_id in events.iterator(chunk_size=20_000):
        if case_id != case:
            case, dispatcher, handler = case_id, None, None
        if action == "register":
            tallies[actor_id]["registered"] += 1
        elif action == "dispatch":
            tallies[actor_id]["dispatched"] += 1
            dispatcher = actor_id
        elif action == "return" and dispatcher is not None:
            tallies[dispatcher]["returned"] += 1
        elif action == "feedback":
            tallies[actor_id]["handled"] += 1
            handler = actor_id
        elif action in ("verify_pass", "verify_fail"):
            tallies[actor_id]["verified"] += 1
            if action == "verify_fail" and handler is not None:
                tallies[handler]["reworked"] += 1
    for reporter_id, n in (cohort.filter(reported_by__role=Role.GRID_WORKER).values_list("reported_by")
                           .annotate(n=Count("pk")).order_by()):
        tallies[reporter_id]["reported"] += n
    people = User.objects.filter(pk__in=tallies, role__in=POSTS).select_related("org_unit")
    rows = []
    for person in people:
        post = POSTS[person.role]
        c = tallies[person.pk]
        measure = None
        if post["measure"] == "dispatch_accuracy" and c["dispatched"]:
            measure = 1 - c["returned"] / c["dispatched"]
        elif post["measure"] == "rework_rate" and c["handled"]:
            measure = c["reworked"] / c["handled"]
        rows.append({"user_id": person.pk, "name": str(person), "username": person.username, "role": person.role,
                     "post": post["name"], "unit": person.org_unit.name if person.org_unit else "",
                     "counts": {code: c[code] for code in post["counts"]}, "measure_code": post["measure"],
                     "measure": measure, "volume": c[post["counts"][0]]})
    order = list(POSTS)

    def rank_key(row: dict[str, Any]) -> tuple[Any, ...]:
        quality = row["measure"]
        if quality is not None and row["measure_code"] == "rework_rate":
            quality = -quality  # lower is better
        return (order.index(row["role"]), quality is None, -(quality or 0), -row["volume"], row["username"])

    rows.sort(key=rank_key)
    place, rank, role, previous = 0, 0, None, None
    for row in rows:
        place = place + 1 if row["role"] == role else 1
        standing = rank_key(row)[:4]
        if row["role"] != role or standing != previous:
            rank = place  # equal measure and volume share a rank (1, 2, 2, 4)
        row["rank"] = rank
        role, previous = row["role"], standing
    return rows

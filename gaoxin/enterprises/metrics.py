"""Metrics of the enterprise-service campaign (万人助万企, 企业家接待日), computed by the database and scoped
to the actor (the enterprises it may see).

Periods are half-open date ranges ``[start, end)`` (a year: ``date(2023, 1, 1)`` to ``date(2024, 1, 1)``).
Ratios are fractions in [0, 1], None when the denominator is 0. A problem is *resolved* when its case is
办结 (closed or evaluated), or was merged into a case that is; its status is read as of now.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth

from gaoxin.accounts.models import User
from gaoxin.core.errors import ApplicationError
from gaoxin.enterprises import casebridge
from gaoxin.enterprises.models import EnterpriseProblem, ReceptionSession, Visit
from gaoxin.enterprises.scope import enterprise_scope_q, is_staff_role

METRICS: dict[str, dict[str, str]] = {
    "visits": {"name": "走访企业", "unit": "家次",
               "definition": "统计期内登记的万人助万企走访次数（同一企业多次走访分别计数）。"},
    "enterprises_visited": {"name": "走访企业数", "unit": "家",
                            "definition": "统计期内被走访的不同企业数。"},
    "problems_raised": {"name": "收集企业问题", "unit": "个",
                        "definition": "统计期内走访中企业提出、已转为案件办理的问题数。"},
    "problems_resolved": {"name": "解决企业问题", "unit": "个",
                          "definition": "上述问题中案件已办结（核查通过，含已回访）的问题数。"},
    "resolution_rate": {"name": "问题解决率", "unit": "%",
                        "definition": "解决企业问题数 ÷ 收集企业问题数。"},
    "sessions": {"name": "企业家接待日活动", "unit": "次", "definition": "统计期内举办的企业家接待日场次。"},
    "reception_problems_raised": {"name": "接待日收集问题", "unit": "个",
                                  "definition": "统计期内企业家接待日上企业提出的问题数。"},
    "reception_problems_resolved": {"name": "接待日解决问题", "unit": "个",
                                    "definition": "上述问题中案件已办结的问题数。"},
}

GROUPINGS = ("month", "department", "problem_type", "chain")


def resolved_q(prefix: str = "") -> Q:
    closed = tuple(casebridge.CLOSED_STATES)
    return Q(**{f"{prefix}case__state__in": closed}) | Q(
        **{f"{prefix}case__state": "merged", f"{prefix}case__merged_into__state__in": closed}
    )


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _check_period(start: dt.date, end: dt.date) -> None:
    if end <= start:
        raise ApplicationError("统计期的结束日期必须晚于开始日期", field="end")


def _visits(actor: User, start: dt.date, end: dt.date, department_id: int | None, chain: str) -> QuerySet[Visit]:
    qs = Visit.objects.filter(enterprise_scope_q(actor=actor, prefix="enterprise__"),
                              visited_on__gte=start, visited_on__lt=end)
    if department_id:
        qs = qs.filter(department_id=department_id)
    if chain:
        qs = qs.filter(enterprise__chains__code=chain)
    return qs


def _problems(
    actor: User, source: str, start: dt.date, end: dt.date, *, department_id: int | None = None,
    category: str = "", chain: str = "",
) -> QuerySet[EnterpriseProblem]:
    qs = EnterpriseProblem.objects.filter(enterprise_scope_q(actor=actor, prefix="enterprise__"), source=source,
                                          raised_on__gte=start, raised_on__lt=end)
    if department_id:
        qs = qs.filter(case__assignee_id=department_id)
    if category:
        qs = qs.filter(category__code=category)
    if chain:
        qs = qs.filter(enterprise__chains__code=chain)
    return qs


def visit_records(*, actor: User, start: dt.date, end: dt.date) -> QuerySet[Visit]:
    """The visits ``visit_metrics`` counts (家次): the records behind the figure."""
    _check_period(start, end)
    return _visits(actor, start, end, None, "")


def problem_records(*, actor: User, source: str, start: dt.date, end: dt.date, resolved: bool = False
                    ) -> QuerySet[EnterpriseProblem]:
    """The problems raised (``resolved``: and resolved) that ``visit_metrics`` / ``reception_metrics`` count."""
    _check_period(start, end)
    qs = _problems(actor, source, start, end)
    return qs.filter(resolved_q()).distinct() if resolved else qs


def reception_session_records(*, actor: User, start: dt.date, end: dt.date) -> QuerySet[ReceptionSession]:
    """The sessions ``reception_metrics`` counts (none for a non-staff actor)."""
    _check_period(start, end)
    sessions = ReceptionSession.objects.filter(held_on__gte=start, held_on__lt=end)
    return sessions if is_staff_role(actor) else sessions.none()


def _problem_counts(qs: QuerySet[EnterpriseProblem]) -> dict[str, Any]:
    counts = qs.aggregate(raised=Count("pk", distinct=True), resolved=Count("pk", filter=resolved_q(),
                                                                            distinct=True))
    return {
        "problems_raised": counts["raised"],
        "problems_resolved": counts["resolved"],
        "resolution_rate": _ratio(counts["resolved"], counts["raised"]),
    }


def visit_metrics(
    *,
    actor: User,
    start: dt.date,
    end: dt.date,
    department_id: int | None = None,
    category: str = "",
    chain: str = "",
) -> dict[str, Any]:
    """万人助万企 in ``[start, end)``: visits (家次), enterprises visited (distinct), problems raised and resolved,
    resolution rate. ``department_id`` filters visits by the cadre's unit and problems by the unit handling the
    case; ``category`` (EP code) filters problems only; ``chain`` (chain code) the enterprises."""
    _check_period(start, end)
    visits = _visits(actor, start, end, department_id, chain).aggregate(
        visits=Count("pk", distinct=True), enterprises=Count("enterprise", distinct=True)
    )
    return {
        "visits": visits["visits"],
        "enterprises_visited": visits["enterprises"],
        **_problem_counts(_problems(actor, EnterpriseProblem.Source.VISIT, start, end, department_id=department_id,
                                    category=category, chain=chain)),
    }


def visit_metrics_by(*, actor: User, start: dt.date, end: dt.date, by: str) -> list[dict[str, Any]]:
    """``visit_metrics`` split by ``month``, ``department``, ``problem_type`` or ``chain``: one row per key with
    ``key`` and ``label``. By department, visits count under the cadre's unit and problems under the unit
    handling the case ("未派遣" while none); by problem type only problem counts are given."""
    _check_period(start, end)
    if by not in GROUPINGS:
        raise ApplicationError(f"未知的分组方式：{by}", field="by")
    visits = _visits(actor, start, end, None, "")
    problems = _problems(actor, EnterpriseProblem.Source.VISIT, start, end)
    problem_aggregates = {"raised": Count("pk", distinct=True), "resolved": Count("pk", filter=resolved_q(),
                                                                                  distinct=True)}
    visit_aggregates = {"visits": Count("pk", distinct=True), "enterprises": Count("enterprise", distinct=True)}
    v_rows: QuerySet[Any, dict[str, Any]] | None
    p_rows: QuerySet[Any, dict[str, Any]]
    if by == "month":
        v_rows = visits.annotate(key=TruncMonth("visited_on")).values("key").annotate(**visit_aggregates)
        p_rows = problems.annotate(key=TruncMonth("raised_on")).values("key").annotate(**problem_aggregates)
    elif by == "department":
        v_rows = visits.values(key=F("department_id")).annotate(label=F("department__name"), **visit_aggregates)
        p_rows = problems.values(key=F("case__assignee_id")).annotate(label=F("case__assignee__name"),
                                                                      **problem_aggregates)
    elif by == "problem_type":
        v_rows = None
        p_rows = problems.values(key=F("category__code")).annotate(label=F("category__name"), **problem_aggregates)
    else:  # chain
        v_rows = visits.filter(enterprise__chains__isnull=False).values(key=F("enterprise__chains__code")).annotate(
            label=F("enterprise__chains__name"), **visit_aggregates)
        p_rows = problems.filter(enterprise__chains__isnull=False).values(key=F("enterprise__chains__code")).annotate(
            label=F("enterprise__chains__name"), **problem_aggregates)

    rows: dict[Any, dict[str, Any]] = {}

    def row(key: Any, label: Any) -> dict[str, Any]:
        if isinstance(key, dt.datetime):
            key = key.date()
        if key not in rows:
            rows[key] = {"key": key, "label": label, "visits": None if v_rows is None else 0,
                         "enterprises_visited": None if v_rows is None else 0,
                         "problems_raised": 0, "problems_resolved": 0}
        if label and not rows[key]["label"]:
            rows[key]["label"] = label
        return rows[key]

    for r in v_rows or []:
        target = row(r["key"], r.get("label") or "")
        target["visits"], target["enterprises_visited"] = r["visits"], r["enterprises"]
    for r in p_rows:
        target = row(r["key"], r.get("label") or ("未派遣" if by == "department" and r["key"] is None else ""))
        target["problems_raised"], target["problems_resolved"] = r["raised"], r["resolved"]
    for target in rows.values():
        if by == "month" and not target["label"]:
            target["label"] = target["key"].strftime("%Y-%m") if target["key"] else ""
        target["resolution_rate"] = _ratio(target["problems_resolved"], target["problems_raised"])
    return sorted(rows.values(), key=lambda r: (r["key"] is None, str(r["key"])))


def reception_metrics(*, actor: User, start: dt.date, end: dt.date) -> dict[str, Any]:
    """企业家接待日 in ``[start, end)``: sessions held, enterprises received (distinct), problems raised and
    resolved, resolution rate. Sessions are counted for every staff actor; problems within its scope."""
    _check_period(start, end)
    sessions = ReceptionSession.objects.filter(held_on__gte=start, held_on__lt=end)
    scoped_enterprises = sessions.filter(enterprise_scope_q(actor=actor, prefix="enterprises__"))
    counts = _problem_counts(_problems(actor, EnterpriseProblem.Source.RECEPTION, start, end))
    return {
        "sessions": sessions.count() if is_staff_role(actor) else 0,
        "enterprises_received": scoped_enterprises.aggregate(n=Count("enterprises", distinct=True))["n"],
        "reception_problems_raised": counts["problems_raised"],
        "reception_problems_resolved": counts["problems_resolved"],
        "resolution_rate": counts["resolution_rate"],
    }

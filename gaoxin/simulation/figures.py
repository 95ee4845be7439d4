"""The seed's figures computed from the records through the platform's own selectors (never echoed constants),
for the year-end report.

=========  ==========================================================================================
F113       ``cases.metrics.compute`` over ``metric_cases`` (registered in the year, not merged) with the
           enterprise channels (``enterprise_visit``, ``reception_day``) excluded: 网格化事件 are the fused
           数字城管 + 12345 flow; enterprise problems are cases too but are counted by F054–F056 / F052–F053.
F114       the same cohort's ``closure_rate`` (办结率 = closed ÷ registered), in % to one decimal.
F052–F053  ``enterprises.metrics.reception_metrics``: sessions, reception problems resolved.
F054–F056  ``enterprises.metrics.visit_metrics``: visits, problems resolved, resolution rate (%).
F003 …     ``enterprises.selectors.qualification_count`` (type code, year, new only) — see QUALIFICATIONS.
F028       growth of new 省级瞪羚: (new this year − new last year) ÷ new last year, in %.
=========  ==========================================================================================
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.cases import metrics as case_metrics
from gaoxin.cases.models import Channel
from gaoxin.core.calendar import SHANGHAI
from gaoxin.enterprises import metrics as enterprise_metrics
from gaoxin.enterprises.selectors import qualification_count
from gaoxin.simulation import calibration as cal

# Enterprise problems are cases, but not 网格化事件 (F113/F114).
ENTERPRISE_CHANNELS = (Channel.ENTERPRISE_VISIT, Channel.RECEPTION_DAY)


def _zone_reader() -> User:
    """A zone-wide reader for the scoped selectors (a leader; never saved)."""
    return User(username="seed-figures", role=Role.LEADER, is_active=True)


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def grid_event_metrics(year: int, *, actor: User | None = None) -> dict[str, Any]:
    """All case metrics of the year's grid events (the enterprise channels left out)."""
    actor = actor or _zone_reader()
    start = dt.datetime(year, 1, 1, tzinfo=SHANGHAI)
    end = dt.datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
    cohort = case_metrics.metric_cases(actor=actor, start=start, end=end).exclude(channel__in=ENTERPRISE_CHANNELS)
    return case_metrics.compute(cohort, percentiles=False)


def seed_figures(year: int) -> dict[str, Any]:
    """Figure id → value (in the unit of ``seed/figures.csv``) for ``year``, from the records."""
    actor = _zone_reader()
    cases = grid_event_metrics(year, actor=actor)
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    visits = enterprise_metrics.visit_metrics(actor=actor, start=start, end=end)
    reception = enterprise_metrics.reception_metrics(actor=actor, start=start, end=end)
    figures: dict[str, Any] = {
        "F113": cases["accepted_volume"],
        "F114": _percent(cases["closure_rate"]),
        "F052": reception["sessions"],
        "F053": reception["reception_problems_resolved"],
        "F054": visits["visits"],
        "F055": visits["problems_resolved"],
        "F056": _percent(visits["resolution_rate"]),
    }
    for figure, (code, _count, new_only) in cal.QUALIFICATIONS.items():
        figures[figure] = qualification_count(actor=actor, type_code=code, year=year, new_only=new_only)
    previous = qualification_count(actor=actor, type_code="gazelle_prov", year=year - 1, new_only=True)
    figures["F028"] = round((figures["F027"] - previous) / previous * 100) if previous else None
    return dict(sorted(figures.items()))

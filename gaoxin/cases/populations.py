"""The metric populations (统计口径), defined once: the cohort (受理: registered, not merged) and its subsets, each a
``Q`` that the database counts and that ``core.qmatch`` decides for one case. Read by ``cases.metrics`` (the
counts and rates), ``cases.rollup`` (both roll-up paths), ``cases.selectors`` (the case list's ``set`` filter) and
through them the dashboard and the indicators. Pure: no queries here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from gaoxin.cases import workflow
from gaoxin.cases.models import Satisfaction
from gaoxin.core.qmatch import matches

SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASIC)

# 受理: registered (立案), not merged into another case.
COHORT = Q(registered_at__isnull=False) & ~Q(state=workflow.MERGED)


@dataclass(frozen=True)
class Population:
    """A subset of the cohort, by its code (the roll-up columns and the case list's ``set`` use the codes)."""

    code: str
    name: str
    condition: Q

    def count(self) -> Count:
        """The database's count of the population among the rows of a cohort query."""
        return Count("pk", filter=self.condition) if self.condition else Count("pk")

    def contains(self, case: Mapping[str, Any]) -> bool:
        """Whether one case of the cohort (its fields as a mapping) belongs to the population."""
        return matches(self.condition, case)


POPULATIONS: dict[str, Population] = {p.code: p for p in (
    Population("registered", "受理", Q()),
    Population("closed", "办结", Q(state__in=workflow.CLOSED_STATES)),
    Population("closed_on_time", "按期办结", Q(state__in=workflow.CLOSED_STATES, closed_on_time=True)),
    Population("evaluated", "评价", ~Q(satisfaction="")),
    Population("satisfied", "满意", Q(satisfaction__in=SATISFIED)),
    Population("overdue", "超期", Q(is_overdue=True)),
    Population("suspended", "挂账", Q(state=workflow.SUSPENDED)),
)}


def closed_by(moment: Any) -> Q:
    """办结 as of ``moment`` (a period's end): closed before it and still closed — a reopened case's closure is
    cleared, so a case closed late, after the period, does not raise the period's 办结率."""
    return POPULATIONS["closed"].condition & Q(closed_at__lt=moment)


def in_cohort(case: Mapping[str, Any]) -> bool:
    return matches(COHORT, case)

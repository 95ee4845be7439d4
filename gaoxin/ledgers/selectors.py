"""Every read of the ledger engine, scoped to the actor: leaders and admins see every ledger; a reviewing
department sees the entries of the ledgers it owns; a unit sees its own entries (and those of the units under
it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import ZONE_WIDE_ROLES, Role
from gaoxin.accounts.selectors import scope_filter
from gaoxin.core import clock
from gaoxin.ledgers import periods, policy, workflow
from gaoxin.ledgers.models import Ledger, LedgerEntry, LedgerReminder


def entry_scope_q(*, actor: User) -> Q:
    if not actor.is_authenticated:
        return Q(pk__in=[])
    if actor.role in ZONE_WIDE_ROLES:
        return Q()
    owned = Q(ledger__owner_id=actor.org_unit_id) if actor.org_unit_id else Q(pk__in=[])
    return owned | scope_filter(actor=actor, path_field="org_unit__path")


def entry_list(*, actor: User, ledger: Ledger | None = None, filters: dict[str, Any] | None = None
               ) -> QuerySet[LedgerEntry]:
    qs = LedgerEntry.objects.filter(entry_scope_q(actor=actor)).select_related("ledger", "org_unit", "version")
    if ledger is not None:
        qs = qs.filter(ledger=ledger)
    filters = filters or {}
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    if filters.get("year"):
        qs = qs.filter(period_start__year=int(filters["year"]))
    if filters.get("unit"):
        qs = qs.filter(org_unit__code=filters["unit"])
    return qs.order_by("ledger__code", "period_start", "org_unit__code", "pk")


def entry_get(*, actor: User, pk: int) -> LedgerEntry | None:
    return entry_list(actor=actor).filter(pk=pk).first()


def ledger_list(*, actor: User) -> QuerySet[Ledger]:
    qs = Ledger.objects.exclude(current_version=None).select_related("current_version", "owner")
    if actor.is_authenticated and actor.role in ZONE_WIDE_ROLES:
        return qs
    return qs.filter(pk__in=LedgerEntry.objects.filter(entry_scope_q(actor=actor)).values("ledger")) | qs.filter(
        owner_id=actor.org_unit_id)


def review_queue(*, actor: User) -> QuerySet[LedgerEntry]:
    """Submitted entries of the ledgers the actor reviews, oldest first, not its own."""
    if not actor.is_authenticated:
        return LedgerEntry.objects.none()
    qs = LedgerEntry.objects.filter(state=workflow.SUBMITTED).select_related("ledger", "org_unit", "version")
    if actor.role == Role.DATA_OFFICER and actor.org_unit_id:
        qs = qs.filter(ledger__owner_id=actor.org_unit_id)
    elif actor.role != Role.ADMIN:
        return LedgerEntry.objects.none()
    return qs.exclude(created_by=actor).order_by("submitted_at", "pk")


@dataclass(frozen=True)
class Due:
    ledger: Ledger
    unit: OrgUnit
    period_start: dt.date
    due_date: dt.date
    entries: list[LedgerEntry]

    @property
    def label(self) -> str:
        assert self.ledger.current_version is not None
        return periods.label(self.ledger.current_version.period, self.period_start)

    @property
    def submitted(self) -> bool:
        return any(e.submitted_at is not None for e in self.entries)

    @property
    def late(self) -> bool:
        return not self.submitted and self.due_date < clock.now().date()


def due_periods(*, actor: User | None = None, year: int, units: list[OrgUnit] | None = None,
                ledgers: list[Ledger] | None = None, until: dt.date | None = None) -> list[Due]:
    """Every (ledger, filling unit, period) of ``year`` that has begun by ``until`` (default today), with the
    entries filled for it: what a unit owes (its 'my due entries'), and the late and missing reports."""
    until = until or clock.now().date()
    ledgers = ledgers if ledgers is not None else list(
        Ledger.objects.exclude(current_version=None).select_related("current_version").order_by("code"))
    entries: dict[tuple[int, int, dt.date], list[LedgerEntry]] = {}
    for e in LedgerEntry.objects.filter(ledger__in=ledgers, period_start__year=year).exclude(
            state=workflow.SUPERSEDED):
        entries.setdefault((e.ledger_id, e.org_unit_id, e.period_start), []).append(e)
    codes = {c for lg in ledgers if lg.current_version for c in lg.current_version.fillers}
    by_code = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    out = []
    for lg in ledgers:
        version = lg.current_version
        if version is None:
            continue
        for code in version.fillers:
            unit = by_code.get(code)
            if unit is None or (units is not None and unit not in units):
                continue
            for start in periods.starts(version.period, year):
                if start > until:
                    continue
                _, end = periods.bounds(version.period, start)
                out.append(Due(lg, unit, start, periods.due_date(end, version.due_day),
                               entries.get((lg.pk, unit.pk, start), [])))
    return out


def my_due(*, actor: User, year: int) -> list[Due]:
    ledgers = list(Ledger.objects.exclude(current_version=None).select_related("current_version").order_by("code"))
    units: set[OrgUnit] = set()
    for lg in ledgers:
        assert lg.current_version is not None
        units.update(policy.fillable_units(actor, lg.current_version.fillers))
    if not units:
        return []
    return due_periods(actor=actor, year=year, units=list(units), ledgers=ledgers)


def counted_entries(*, ledger_code: str, year: int) -> QuerySet[LedgerEntry]:
    """The entries a figure of ``year`` counts: approved (a revision replaces the entry it revises), of a
    period starting in the year."""
    return LedgerEntry.objects.filter(ledger__code=ledger_code, state=workflow.APPROVED, period_start__year=year)


@dataclass(frozen=True)
class Progress:
    ledger: Ledger
    unit: OrgUnit
    field: str
    label: str
    target: Decimal
    done: Decimal
    expected_share: Decimal  # the share of the year's periods due by today
    late_reports: int

    @property
    def rate(self) -> Decimal:
        return (self.done / self.target * 100).quantize(Decimal("0.1")) if self.target else Decimal(0)

    @property
    def light(self) -> str:
        """green on track, yellow behind the share of the year elapsed, red when a report is late."""
        if self.late_reports:
            return "red"
        return "green" if self.rate >= self.expected_share * 100 - Decimal("0.05") else "yellow"


def board(*, actor: User, year: int) -> list[Progress]:
    """Progress against targets per ledger, unit and target field: completion from approved entries, the light,
    and the late reports."""
    policy.check(policy.may_see_boards(actor), "只有领导可以查看台账进度看板")
    today = clock.now().date()
    ledgers = list(Ledger.objects.exclude(current_version=None).select_related("current_version").order_by("code"))
    dues = due_periods(year=year, ledgers=ledgers, until=today)
    late: dict[tuple[int, str], int] = {}
    for d in dues:
        if d.late:
            late[(d.ledger.pk, d.unit.code)] = late.get((d.ledger.pk, d.unit.code), 0) + 1
    units = {u.code: u for u in OrgUnit.objects.all()}
    out = []
    for lg in ledgers:
        version = lg.current_version
        assert version is not None
        starts = periods.starts(version.period, year)
        due_count = sum(1 for s in starts if periods.due_date(periods.bounds(version.period, s)[1],
                                                              version.due_day) <= today)
        expected = Decimal(due_count) / Decimal(len(starts))
        labels = {f["name"]: f["label"] for f in version.fields}
        money = {f["name"] for f in version.fields if f["kind"] == "money"}  # stored in 分, targets in 元
        for t in version.targets:
            if int(t["year"]) != year or t["unit"] not in units:
                continue
            unit = units[t["unit"]]
            done = sum((Decimal(str(e.values.get(t["field"]) or 0)) for e in counted_entries(
                ledger_code=lg.code, year=year).filter(org_unit=unit)), Decimal(0))
            if t["field"] in money:
                done /= 100
            out.append(Progress(lg, unit, t["field"], labels.get(t["field"], t["field"]), Decimal(t["value"]),
                                done, expected, late.get((lg.pk, unit.code), 0)))
    return out


def my_reminders(*, actor: User) -> QuerySet[LedgerReminder]:
    """The unanswered reminders (催报) of the units the actor fills for."""
    if not actor.is_authenticated or actor.org_unit is None or actor.role not in policy.FILLER_ROLES:
        return LedgerReminder.objects.none()
    return LedgerReminder.objects.filter(answered_at=None, org_unit__path__startswith=actor.org_unit.path
                                         ).select_related("ledger", "org_unit").order_by("due_date", "pk")

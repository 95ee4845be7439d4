"""A digest of everything a simulated year wrote, by natural keys only (numbers, codes, usernames — never
database ids), so that two runs with the same seed into fresh databases can be compared."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from gaoxin.cases.models import Case
from gaoxin.core.calendar import SHANGHAI
from gaoxin.enterprises.models import EnterpriseProblem, QualificationAward, ReceptionSession, Visit


def year_digest(year: int) -> str:
    start = dt.datetime(year - 1, 12, 1, tzinfo=SHANGHAI)
    end = dt.datetime(year + 1, 2, 1, tzinfo=SHANGHAI)
    digest = hashlib.sha256()

    def feed(rows: Iterable[object]) -> None:
        for row in rows:
            digest.update(repr(row).encode())

    feed(Case.objects.filter(is_synthetic=True, reported_at__gte=start, reported_at__lt=end).order_by("number")
         .values_list("number", "channel", "category__code", "state", "urgency", "center__code", "assignee__code",
                      "street__code", "micro_grid__code", "lon", "lat", "reported_at", "registered_at", "closed_at",
                      "deadline", "warn_at", "node", "node_deadline", "is_overdue", "dispatch_count",
                      "on_time_accept_count", "returned_count", "reworked_count", "extension_count",
                      "suspension_count", "closed_on_time", "handling_seconds", "satisfaction", "description",
                      "reporter_name", "reporter_phone", "external_ref", "event_count", "audit_head"))
    feed(QualificationAward.objects.filter(is_synthetic=True).order_by(
        "enterprise__credit_code", "qualification_type__code", "year").values_list(
        "enterprise__credit_code", "enterprise__name", "qualification_type__code", "year", "is_new"))
    feed(Visit.objects.filter(is_synthetic=True, visited_on__year=year).order_by(
        "visited_on", "enterprise__credit_code", "cadre__username").values_list(
        "visited_on", "enterprise__credit_code", "cadre__username"))
    feed(ReceptionSession.objects.filter(is_synthetic=True, held_on__year=year).order_by("held_on").values_list(
        "held_on", "title"))
    feed(EnterpriseProblem.objects.filter(is_synthetic=True, raised_on__year=year).order_by("case__number")
         .values_list("case__number", "enterprise__credit_code", "source", "category__code", "raised_on"))
    return digest.hexdigest()

"""Scoped reads of submissions and the dashboard rows."""

from __future__ import annotations

from typing import Any

from django.db.models import Max, QuerySet

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core import clock
from gaoxin.core.errors import NotFound, PermissionDenied
from gaoxin.indicators.figures import Figure, derived_by_base
from gaoxin.indicators.models import Indicator, ReferenceValue, SourceDocument, Submission
from gaoxin.indicators.yearclose import year_figures

READER_ROLES = frozenset({Role.LEADER, Role.ADMIN, Role.DATA_OFFICER})


def require_reader(actor: User) -> None:
    if not (actor.is_superuser or actor.role in READER_ROLES):
        raise PermissionDenied("只有领导、管理员和数据填报员可以查看指标", code="indicator_role")


def reporting_year() -> int:
    """The year the zone is reporting on, the pages' default: the year of the latest simulated year-end report
    when the platform holds one (the demo's records are of that year), otherwise the year before the current
    one — the year-end report (年终答卷) of year N is written early in N + 1. The platform has no notion of a
    closed report yet; when it does, the year after the last closed one is the reporting year."""
    simulated = Submission.objects.filter(is_simulated=True).aggregate(year=Max("period"))["year"]
    return int(simulated) if simulated else clock.now().year - 1


def submission_list(*, actor: User, period: str | None = None) -> QuerySet[Submission]:
    """Leaders and admins see every submission; a data officer those of the indicators its department owns."""
    require_reader(actor)
    qs = Submission.objects.select_related("indicator", "org_unit", "created_by", "approved_by")
    if not (actor.is_superuser or actor.role in (Role.LEADER, Role.ADMIN)):
        qs = qs.filter(indicator__owner_code=actor.org_unit.code if actor.org_unit else "-")
    if period:
        qs = qs.filter(period=period)
    return qs.order_by("indicator__sort_order", "-period")


def submission_get(*, actor: User, pk: int) -> Submission:
    found = submission_list(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound("填报不存在或不在您的范围内", field="submission")
    return found


def dashboard_rows(*, actor: User, year: int) -> list[dict[str, Any]]:
    """One row per base indicator (not derived) with its value, target, and the share / growth / rank derived
    from it — each with its provenance link."""
    require_reader(actor)
    figures = year_figures(actor=actor, year=year)
    by_base = derived_by_base()
    targets = {rv.key: rv for rv in ReferenceValue.objects.filter(period=str(year), scope=ReferenceValue.Scope.PLAN)}
    codes = dict(Indicator.objects.values_list("ref", "code"))
    rows = []
    for ref, figure in figures.items():
        if figure.source == Indicator.Source.DERIVED:
            continue
        related: dict[str, Figure | None] = {"share": None, "growth": None, "rank": None, "ratio": None}
        for derived in by_base.get(ref, []):
            related[derived.derivation["kind"]] = figures[derived.ref]
        rows.append({"figure": figure, "target": targets.get(codes[ref]), **related})
    return rows


def document_list(*, year: int) -> QuerySet[SourceDocument]:
    """The source documents of ``year``, newest first (the first of a kind is the one the figures count)."""
    return SourceDocument.objects.filter(period=str(year)).select_related("uploaded_by").order_by("-uploaded_at",
                                                                                                   "-pk")

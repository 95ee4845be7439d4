"""Scoped reads of the enterprise registry and its qualifications (the indicators count through these)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from gaoxin.accounts.models import User
from gaoxin.core.errors import ApplicationError, NotFound
from gaoxin.enterprises.creditcode import credit_code_normalize
from gaoxin.enterprises.models import Enterprise, QualificationAward, QualificationType
from gaoxin.enterprises.scope import enterprise_scope_q


@dataclass(frozen=True)
class EnterpriseFilters:
    """Filters of the registry list (and of its Excel export)."""

    q: str = ""  # name or credit code contains
    street_id: int | None = None
    chain: str = ""  # chain code
    industry: str = ""  # industry code prefix (C39 matches C39 and C391…)
    size: str = ""
    qualification: str = ""  # qualification type code held …
    qualification_year: int | None = None  # … in this year
    new_only: bool = False  # … first held that year (the dated history: no award of the type before)
    is_synthetic: bool | None = None


def enterprise_list(*, actor: User, filters: EnterpriseFilters | None = None) -> QuerySet[Enterprise]:
    f = filters or EnterpriseFilters()
    qs = Enterprise.objects.filter(enterprise_scope_q(actor=actor))
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(credit_code__icontains=f.q.upper()))
    if f.street_id:
        qs = qs.filter(street_id=f.street_id)
    if f.chain:
        qs = qs.filter(chains__code=f.chain)
    if f.industry:
        qs = qs.filter(industry__code__startswith=f.industry.upper())
    if f.size:
        qs = qs.filter(size=f.size)
    if f.qualification:
        awards = QualificationAward.objects.filter(qualification_type__code=f.qualification)
        if f.qualification_year:
            awards = awards.filter(year=f.qualification_year)
        if f.new_only:
            awards = awards.filter(first_of_type_q())
        qs = qs.filter(pk__in=awards.values("enterprise_id"))
    if f.is_synthetic is not None:
        qs = qs.filter(is_synthetic=f.is_synthetic)
    return qs.select_related("industry", "street", "grid", "micro_grid").order_by("credit_code")


def enterprise_get(*, actor: User, pk: int) -> Enterprise:
    enterprise = enterprise_list(actor=actor).filter(pk=pk).first()
    if enterprise is None:
        raise NotFound("企业不存在或不在您的管辖范围内", field="enterprise")
    return enterprise


def award_list(
    *,
    actor: User,
    year: int | None = None,
    level: str | None = None,
    type_code: str | None = None,
    new_only: bool = False,
) -> QuerySet[QualificationAward]:
    qs = QualificationAward.objects.filter(enterprise_scope_q(actor=actor, prefix="enterprise__"))
    if year is not None:
        qs = qs.filter(year=year)
    if level:
        qs = qs.filter(qualification_type__level=level)
    if type_code:
        qs = qs.filter(qualification_type__code=type_code)
    if new_only:
        qs = qs.filter(first_of_type_q())
    return qs.select_related("enterprise", "qualification_type")


def first_of_type_q() -> Q:
    """当年新增, read from the dated history: the enterprise held no award of the type in an earlier year (never
    the stored ``is_new`` flag, which a form may set either way)."""
    earlier = QualificationAward.objects.filter(enterprise=OuterRef("enterprise"),
                                                qualification_type=OuterRef("qualification_type"),
                                                year__lt=OuterRef("year"))
    return ~Q(Exists(earlier))


def qualification_counts(
    *, actor: User, year: int | None = None, level: str | None = None, new_only: bool = False
) -> list[dict]:
    """Enterprises per qualification type (and year): one row per (type, year) with
    ``type_code, type_name, level, year, enterprises, new`` — ``new`` counts those new in that year."""
    rows = (
        award_list(actor=actor, year=year, level=level, new_only=new_only)
        .values("qualification_type__code", "qualification_type__name", "qualification_type__level", "year")
        .annotate(enterprises=Count("enterprise", distinct=True),
                  new=Count("enterprise", filter=first_of_type_q(), distinct=True))
        .order_by("qualification_type__code", "year")
    )
    return [
        {
            "type_code": r["qualification_type__code"],
            "type_name": r["qualification_type__name"],
            "level": r["qualification_type__level"],
            "year": r["year"],
            "enterprises": r["enterprises"],
            "new": r["new"],
        }
        for r in rows
    ]


def qualification_count(*, actor: User, type_code: str, year: int, new_only: bool = False) -> int:
    """Enterprises holding ``type_code`` in ``year`` (only those new that year with ``new_only``): the value of
    figures like F025 入库国家科技型中小企业数 or F027 新增省级瞪羚企业数."""
    return (
        award_list(actor=actor, year=year, type_code=type_code, new_only=new_only)
        .values("enterprise").distinct().count()
    )


def qualification_level_counts(*, actor: User, year: int, new_only: bool = False) -> dict[str, int]:
    """Distinct enterprises per level holding any qualification of that level in ``year``."""
    rows = (
        award_list(actor=actor, year=year, new_only=new_only)
        .values("qualification_type__level")
        .annotate(n=Count("enterprise", distinct=True))
    )
    counts = dict.fromkeys(QualificationType.Level.values, 0)
    counts.update({r["qualification_type__level"]: r["n"] for r in rows})
    return counts


def enterprises_with_qualification(
    *, actor: User, type_code: str, year: int | None = None, new_only: bool = False
) -> QuerySet[Enterprise]:
    """The enterprises behind a qualification count (the records a figure links to)."""
    awards = QualificationAward.objects.filter(qualification_type__code=type_code)
    if year is not None:
        awards = awards.filter(year=year)
    if new_only:
        awards = awards.filter(first_of_type_q())
    return enterprise_list(actor=actor).filter(pk__in=awards.values("enterprise_id"))




def enterprise_by_credit_code(code: str, *, field: str = "enterprise_code") -> Enterprise:
    """The registry's enterprise with this credit code (in the zone by being in the registry), for the services
    that take an enterprise as people type it."""
    enterprise = Enterprise.objects.filter(credit_code=credit_code_normalize(code or "")).first()
    if enterprise is None:
        raise ApplicationError("企业：企业库中没有该统一社会信用代码", field=field, code="unknown_enterprise")
    return enterprise

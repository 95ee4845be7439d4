"""Writes of the enterprise registry and its qualifications.

Visits, reception days and problems (which become cases) are in ``services_problems``; the Excel ledger is
in ``ledger``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import File
from django.db import transaction

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from gaoxin.enterprises.masking import REVEAL_ROLES
from gaoxin.enterprises.models import (
    AnnualFigures,
    Enterprise,
    EnterpriseUser,
    PersonalDataAccess,
    QualificationAward,
    QualificationType,
)
from gaoxin.enterprises.scope import enterprise_scope_q
from gaoxin.enterprises.validation import check_award, check_enterprise
from gaoxin.grids.locator import get_locator

# Roles that keep the registry (企业库).
REGISTRY_ROLES = frozenset({Role.ADMIN, Role.SERVICE_CADRE, Role.DATA_OFFICER})

ENTERPRISE_FIELDS = ("credit_code", "name", "address", "lon", "lat", "industry", "chains", "size",
                     "contact_name", "contact_phone")


def _require_registry_role(actor: User) -> None:
    if not (actor.is_superuser or actor.role in REGISTRY_ROLES):
        raise PermissionDenied("只有助企干部、数据填报员和管理员可以维护企业库", code="enterprise_registry_role")


def _require_in_scope(actor: User, enterprise: Enterprise) -> None:
    if not Enterprise.objects.filter(enterprise_scope_q(actor=actor), pk=enterprise.pk).exists():
        raise PermissionDenied("该企业不在您的管辖范围内", field="enterprise", code="enterprise_out_of_scope")


def _apply_location(enterprise: Enterprise) -> None:
    """Micro-grid, grid and street from the point; all empty when there is no point or it lies outside."""
    location = None
    if enterprise.lon is not None and enterprise.lat is not None:
        location = get_locator().locate(enterprise.lon, enterprise.lat)
    enterprise.micro_grid_id = location.micro_grid_id if location else None
    enterprise.grid_id = location.grid_id if location else None
    enterprise.street_id = location.street_id if location else None


def enterprise_create(
    *,
    actor: User,
    credit_code: str,
    name: str,
    address: str = "",
    lon: float | None = None,
    lat: float | None = None,
    industry: str = "",
    chains: list[str] | tuple[str, ...] = (),
    size: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    is_synthetic: bool = False,
) -> Enterprise:
    """Register an enterprise. ``industry`` is a 国民经济行业分类 code, ``chains`` chain codes or names,
    ``size`` a size code or its Chinese label. The point is located to micro-grid, grid and street."""
    _require_registry_role(actor)
    checked = check_enterprise({
        "credit_code": credit_code, "name": name, "address": address, "lon": lon, "lat": lat,
        "industry": industry, "chains": list(chains), "size": size, "contact_name": contact_name,
        "contact_phone": contact_phone,
    })
    checked.raise_first()
    return _enterprise_create_checked(values=checked.values, is_synthetic=is_synthetic)


@transaction.atomic
def _enterprise_create_checked(*, values: dict[str, Any], is_synthetic: bool = False) -> Enterprise:
    now = clock.now()
    chains = values["chains"]
    enterprise = Enterprise(
        **{k: v for k, v in values.items() if k != "chains"}, is_synthetic=is_synthetic, created_at=now, updated_at=now
    )
    _apply_location(enterprise)
    enterprise.save()
    if chains:
        enterprise.chains.set(chains)
    return enterprise


@transaction.atomic
def enterprise_update(*, actor: User, enterprise: Enterprise, **changes: Any) -> Enterprise:
    """Change any of ENTERPRISE_FIELDS (same forms as ``enterprise_create``); the point is located again."""
    _require_registry_role(actor)
    _require_in_scope(actor, enterprise)
    unknown = set(changes) - set(ENTERPRISE_FIELDS)
    if unknown:
        raise ApplicationError(f"不能修改的字段：{'、'.join(sorted(unknown))}", field=sorted(unknown)[0])
    current: dict[str, Any] = {
        "credit_code": enterprise.credit_code, "name": enterprise.name, "address": enterprise.address,
        "lon": enterprise.lon, "lat": enterprise.lat,
        "industry": enterprise.industry.code if enterprise.industry else "",
        "chains": list(enterprise.chains.values_list("code", flat=True)), "size": enterprise.size,
        "contact_name": enterprise.contact_name, "contact_phone": enterprise.contact_phone,
    }
    current.update(changes)
    checked = check_enterprise(current, existing=enterprise)
    checked.raise_first()
    for key, value in checked.values.items():
        if key != "chains":
            setattr(enterprise, key, value)
    _apply_location(enterprise)
    enterprise.updated_at = clock.now()
    enterprise.save()
    enterprise.chains.set(checked.values["chains"])
    return enterprise


@transaction.atomic
def enterprise_user_link(*, actor: User, user: User, enterprise: Enterprise) -> EnterpriseUser:
    """Link a user of role ``enterprise`` to the one enterprise it acts for."""
    if not (actor.is_superuser or actor.role == Role.ADMIN):
        raise PermissionDenied("只有管理员可以关联企业用户", code="enterprise_link_role")
    if user.role != Role.ENTERPRISE:
        raise ApplicationError("只有“企业用户”角色的用户可以关联企业", field="user", code="not_enterprise_user")
    if EnterpriseUser.objects.filter(user=user).exists():
        raise Conflict("该用户已关联企业，一个企业用户只能关联一家企业", field="user", code="already_linked")
    return EnterpriseUser.objects.create(user=user, enterprise=enterprise, created_at=clock.now())


@transaction.atomic
def enterprise_user_unlink(*, actor: User, link: EnterpriseUser) -> None:
    """Undo ``enterprise_user_link`` (the user no longer acts for the enterprise)."""
    if not (actor.is_superuser or actor.role == Role.ADMIN):
        raise PermissionDenied("只有管理员可以解除企业用户关联", code="enterprise_link_role")
    link.delete()


def _derive_is_new(enterprise: Enterprise, qtype: QualificationType, year: int) -> bool:
    """New in a year = the enterprise held no award of this type in any earlier year."""
    return not QualificationAward.objects.filter(
        enterprise=enterprise, qualification_type=qtype, year__lt=year
    ).exists()


def qualification_award_create(
    *,
    actor: User,
    enterprise: Enterprise,
    qualification_type: QualificationType | str,
    year: int,
    awarded_on: Any = None,
    issuing_body: str = "",
    evidence_ref: str = "",
    evidence_file: File | None = None,
    is_new: bool | None = None,
    is_synthetic: bool = False,
) -> QualificationAward:
    """Record that ``enterprise`` holds ``qualification_type`` (object, code or name) in ``year``.

    ``is_new`` (当年新增) defaults to "no award of this type in an earlier year"; pass it to override."""
    _require_registry_role(actor)
    _require_in_scope(actor, enterprise)
    checked = check_award({
        "qualification_type": qualification_type, "year": year, "awarded_on": awarded_on,
        "issuing_body": issuing_body, "evidence_ref": evidence_ref,
        "is_new": "" if is_new is None else ("是" if is_new else "否"),
    })
    checked.raise_first()
    return _award_create_checked(enterprise=enterprise, values=checked.values, evidence_file=evidence_file,
                                 is_synthetic=is_synthetic)


@transaction.atomic
def _award_create_checked(
    *, enterprise: Enterprise, values: dict[str, Any], evidence_file: File | None = None, is_synthetic: bool = False
) -> QualificationAward:
    qtype: QualificationType = values["qualification_type"]
    year: int = values["year"]
    if QualificationAward.objects.filter(enterprise=enterprise, qualification_type=qtype, year=year).exists():
        raise Conflict(f"{enterprise.name} 已登记 {year} 年度的“{qtype.name}”", field="qualification_type",
                       code="award_duplicate")
    is_new = values["is_new"]
    award = QualificationAward(
        enterprise=enterprise,
        qualification_type=qtype,
        year=year,
        awarded_on=values["awarded_on"],
        issuing_body=values["issuing_body"],
        evidence_ref=values["evidence_ref"],
        is_new=_derive_is_new(enterprise, qtype, year) if is_new is None else is_new,
        is_synthetic=is_synthetic,
        created_at=clock.now(),
    )
    if evidence_file is not None:
        award.evidence_file.save(getattr(evidence_file, "name", "evidence") or "evidence", evidence_file, save=False)
    award.save()
    return award


AWARD_FIELDS = ("qualification_type", "year", "awarded_on", "issuing_body", "evidence_ref", "evidence_file", "is_new")


@transaction.atomic
def qualification_award_update(*, actor: User, award: QualificationAward, **changes: Any) -> QualificationAward:
    """Change any of AWARD_FIELDS (same forms as ``qualification_award_create``; ``is_new=None`` derives 当年新增
    again; ``evidence_file`` replaces the file, or removes it when None or False)."""
    _require_registry_role(actor)
    _require_in_scope(actor, award.enterprise)
    unknown = set(changes) - set(AWARD_FIELDS)
    if unknown:
        raise ApplicationError(f"不能修改的字段：{'、'.join(sorted(unknown))}", field=sorted(unknown)[0])
    is_new = changes.get("is_new", award.is_new)
    checked = check_award({
        "qualification_type": changes.get("qualification_type", award.qualification_type),
        "year": changes.get("year", award.year),
        "awarded_on": changes.get("awarded_on", award.awarded_on),
        "issuing_body": changes.get("issuing_body", award.issuing_body),
        "evidence_ref": changes.get("evidence_ref", award.evidence_ref),
        "is_new": "" if is_new is None else ("是" if is_new else "否"),
    })
    checked.raise_first()
    values = checked.values
    qtype: QualificationType = values["qualification_type"]
    year: int = values["year"]
    if QualificationAward.objects.filter(enterprise_id=award.enterprise_id, qualification_type=qtype,
                                         year=year).exclude(pk=award.pk).exists():
        raise Conflict(f"{award.enterprise.name} 已登记 {year} 年度的“{qtype.name}”", field="qualification_type",
                       code="award_duplicate")
    award.qualification_type, award.year = qtype, year
    award.awarded_on, award.issuing_body, award.evidence_ref = (values["awarded_on"], values["issuing_body"],
                                                                values["evidence_ref"])
    award.is_new = _derive_is_new(award.enterprise, qtype, year) if values["is_new"] is None else values["is_new"]
    if "evidence_file" in changes:  # a file replaces the current one; None or False removes it
        evidence_file = changes["evidence_file"]
        if evidence_file:
            award.evidence_file.save(getattr(evidence_file, "name", "evidence") or "evidence", evidence_file,
                                     save=False)
        else:
            award.evidence_file.name = ""  # no file, as a form's "clear" leaves it
    award.save()
    return award


@transaction.atomic
def qualification_award_delete(*, actor: User, award: QualificationAward) -> None:
    _require_registry_role(actor)
    _require_in_scope(actor, award.enterprise)
    award.delete()


def enterprise_contact_reveal(*, actor: User, enterprise: Enterprise, purpose: str = "查看联系人") -> dict[str, str]:
    """The contact in clear, for roles allowed to see it, with an audit row."""
    if not (actor.is_superuser or actor.role in REVEAL_ROLES):
        raise PermissionDenied("无权查看企业联系人信息", code="personal_data_denied")
    _require_in_scope(actor, enterprise)
    PersonalDataAccess.objects.create(actor=actor, at=clock.now(), purpose=purpose, enterprise=enterprise)
    return {"contact_name": enterprise.contact_name, "contact_phone": enterprise.contact_phone}


def personal_data_access_log(*, actor: User, purpose: str, record_count: int) -> None:
    """Audit a bulk reveal (an export in clear)."""
    if not (actor.is_superuser or actor.role in REVEAL_ROLES):
        raise PermissionDenied("无权导出企业联系人信息", code="personal_data_denied")
    PersonalDataAccess.objects.create(actor=actor, at=clock.now(), purpose=purpose, record_count=record_count)


def enterprise_get_for_write(*, actor: User, pk: int) -> Enterprise:
    enterprise = Enterprise.objects.filter(enterprise_scope_q(actor=actor), pk=pk).first()
    if enterprise is None:
        raise NotFound("企业不存在或不在您的管辖范围内", field="enterprise")
    return enterprise


_FIGURE_LABELS = {"revenue": "营业收入", "rd_spending": "研发费用", "tax_paid": "纳税额"}


@transaction.atomic
def annual_figures_record(*, actor: User, enterprise: Enterprise, year: int, revenue: Any, rd_spending: Any,
                          employees: Any, tax_paid: Any, source: str = "",
                          is_synthetic: bool = False) -> AnnualFigures:
    """Record (or correct) ``enterprise``'s figures of ``year``; amounts in 万元, never negative."""
    _require_registry_role(actor)
    _require_in_scope(actor, enterprise)
    if not isinstance(year, int) or not 2000 <= year <= clock.now().year:
        raise ApplicationError("年度：应为 2000 年到今年之间", field="year", code="year_range")
    values: dict[str, Any] = {}
    for name, value in (("revenue", revenue), ("rd_spending", rd_spending), ("tax_paid", tax_paid)):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
            raise ApplicationError(f"{_FIGURE_LABELS[name]}：应为不小于 0 的金额（万元）", field=name,
                                   code="amount_range")
        values[name] = amount.quantize(Decimal("0.01"))
    try:
        values["employees"] = int(employees)
    except (TypeError, ValueError):
        values["employees"] = -1
    if not 0 <= values["employees"] <= 10_000_000:
        raise ApplicationError("从业人员：应为不小于 0 的整数", field="employees", code="employees_range")
    figures, _ = AnnualFigures.objects.update_or_create(
        enterprise=enterprise, year=year,
        defaults={**values, "source": source[:100], "is_synthetic": is_synthetic, "recorded_at": clock.now()})
    return figures

"""The enterprise ledger: 企业名录 (one row per enterprise) and 企业资质 (one row per award)."""

from __future__ import annotations

from typing import Any

from gaoxin.accounts.models import User
from gaoxin.core.ledger import Column, LedgerKind, LedgerRow, LedgerUpload, SheetSpec, export_workbook
from gaoxin.enterprises import services
from gaoxin.enterprises.creditcode import credit_code_problem, normalize_input
from gaoxin.enterprises.masking import mask_name, mask_phone
from gaoxin.enterprises.models import Enterprise, IndustrialChain, QualificationAward, QualificationType
from gaoxin.enterprises.scope import enterprise_scope_q
from gaoxin.enterprises.selectors import EnterpriseFilters, enterprise_list
from gaoxin.enterprises.validation import check_award, check_enterprise

ENTERPRISES = SheetSpec(
    "企业名录",
    (
        Column("credit_code", "统一社会信用代码", required=True, width=24, text=True,
               note="18位，GB 32100-2015，系统校验两个校验位"),
        Column("name", "企业名称", required=True, width=32),
        Column("address", "地址", width=32),
        Column("lon", "经度", width=12, note="WGS 84，如 113.5512；与纬度同时填写或同时留空"),
        Column("lat", "纬度", width=12, note="WGS 84，如 34.8123"),
        Column("industry", "行业代码", width=10, text=True, note="国民经济行业分类代码，如 C39、I65"),
        Column("chains", "所属产业链", width=24, options="chains", multiple=True, note="可填多个，用顿号“、”分隔"),
        Column("size", "企业规模", width=10, options="sizes"),
        Column("contact_name", "联系人", width=10),
        Column("contact_phone", "联系电话", width=16, text=True, note="手机号11位，或区号-座机号"),
        Column("street", "所属办事处", width=14, export_only=True, note="由坐标定位得出"),
        Column("grid", "所属网格", width=16, export_only=True, note="由坐标定位得出"),
    ),
)
AWARDS = SheetSpec(
    "企业资质",
    (
        Column("credit_code", "统一社会信用代码", required=True, width=24, text=True,
               note="企业须已在企业库中，或在本文件“企业名录”中"),
        Column("enterprise_name", "企业名称", width=28, export_only=True),
        Column("qualification_type", "资质类型", required=True, width=30, options="qualifications"),
        Column("year", "年度", required=True, width=8),
        Column("awarded_on", "认定日期", width=12, note="YYYY-MM-DD"),
        Column("issuing_body", "认定机构", width=20),
        Column("evidence_ref", "文号/证明材料", width=24),
        Column("is_new", "当年新增", width=10, options="yes_no",
               note="是/否；留空时按“此前年度未获得该资质”自动判断"),
    ),
)

EXPORT_CHUNK = 2000  # rows fetched at a time while an export is written

INSTRUCTIONS = (
    "“企业名录”每行一家企业；统一社会信用代码在企业库中已存在的行会被指出，不会覆盖。",
    "“企业资质”每行一项资质（某企业某年度获得某资质），同一企业、资质、年度只能登记一次。",
    "导出文件中联系人和联系电话默认脱敏（如 张*、138****1234），脱敏后的文件不能用于重新导入联系人信息。",
)


def _options() -> dict[str, list[str]]:
    return {
        "chains": list(IndustrialChain.objects.order_by("sort_order", "code").values_list("name", flat=True)),
        "sizes": [label for _, label in Enterprise.Size.choices],
        "qualifications": list(
            QualificationType.objects.filter(is_active=True).order_by("sort_order", "code")
            .values_list("name", flat=True)
        ),
        "yes_no": ["是", "否"],
    }


def _require_actor(actor: User) -> None:
    services._require_registry_role(actor)


def _code(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return normalize_input(str(raw or ""))


def _validate(actor: User, upload: LedgerUpload) -> None:
    in_file: dict[str, LedgerRow] = {}
    for row in upload.rows(ENTERPRISES):
        raw = dict(row.raw)
        raw["credit_code"] = _code(raw.get("credit_code"))
        checked = check_enterprise(raw)
        row.errors.extend(checked.errors)
        row.values = checked.values
        code = checked.values.get("credit_code")
        if code:
            if code in in_file:
                row.add("credit_code", f"与第{in_file[code].row_number}行重复", "duplicate")
            else:
                in_file[code] = row

    scoped = Enterprise.objects.filter(enterprise_scope_q(actor=actor))
    seen_awards: dict[tuple[str, int, int], LedgerRow] = {}
    for row in upload.rows(AWARDS):
        code = _code(row.raw.get("credit_code"))
        enterprise: Enterprise | None = None
        problem = credit_code_problem(code)
        if problem is not None:
            row.add("credit_code", problem.message, problem.code)
        elif code in in_file:
            if not in_file[code].ok:
                row.add("credit_code", f"对应的“{ENTERPRISES.title}”第{in_file[code].row_number}行有错误",
                        "enterprise_row_invalid")
        else:
            enterprise = scoped.filter(credit_code=code).first()
            if enterprise is None:
                row.add("credit_code", "企业不在企业库中（或不在您的管辖范围内）", "unknown")
        checked = check_award(row.raw)
        row.errors.extend(checked.errors)
        row.values = {**checked.values, "credit_code": code, "enterprise": enterprise}
        qtype, year = checked.values.get("qualification_type"), checked.values.get("year")
        if qtype is not None and year is not None and not problem:
            key = (code, qtype.pk, year)
            if key in seen_awards:
                row.add("qualification_type", f"与第{seen_awards[key].row_number}行重复", "duplicate")
            else:
                seen_awards[key] = row
            if enterprise is not None and QualificationAward.objects.filter(
                enterprise=enterprise, qualification_type=qtype, year=year
            ).exists():
                row.add("qualification_type", f"该企业 {year} 年度的“{qtype.name}”已登记", "duplicate")


def _write(actor: User, upload: LedgerUpload) -> dict[str, int]:
    created: dict[str, Enterprise] = {}
    for row in upload.rows(ENTERPRISES):
        enterprise = services._enterprise_create_checked(values=row.values)
        created[enterprise.credit_code] = enterprise
    awards = sorted(upload.rows(AWARDS), key=lambda r: (r.values["year"], r.row_number))
    for row in awards:
        enterprise = row.values["enterprise"] or created[row.values["credit_code"]]
        services._award_create_checked(enterprise=enterprise, values=row.values)
    return {"enterprises": len(created), "awards": len(awards)}


ENTERPRISE_LEDGER = LedgerKind[User](
    name="enterprises",
    label="企业库台账",
    sheets=(ENTERPRISES, AWARDS),
    instructions=INSTRUCTIONS,
    options=_options,
    validate=_validate,
    write=_write,
    check_actor=_require_actor,
)


def ledger_export_enterprises(
    *, actor: User, filters: EnterpriseFilters | None = None, reveal_personal_data: bool = False
) -> bytes:
    """The registry list under ``filters`` with the awards of those enterprises, in the template's layout.
    Contacts are masked unless ``reveal_personal_data`` (allowed roles only, audited)."""
    enterprises = enterprise_list(actor=actor, filters=filters)
    if reveal_personal_data:
        services.personal_data_access_log(actor=actor, purpose="导出企业库台账（联系人明文）",
                                          record_count=enterprises.count())
    awards = (
        QualificationAward.objects.filter(enterprise__in=enterprises.values("pk"))
        .select_related("enterprise", "qualification_type")
        .order_by("enterprise__credit_code", "year", "qualification_type__sort_order")
    )
    return export_workbook(ENTERPRISE_LEDGER, {
        ENTERPRISES.title: (
            {
                "credit_code": e.credit_code,
                "name": e.name,
                "address": e.address,
                "lon": e.lon,
                "lat": e.lat,
                "industry": e.industry.code if e.industry else "",
                "chains": "、".join(c.name for c in sorted(e.chains.all(), key=lambda c: (c.sort_order, c.code))),
                "size": e.get_size_display() if e.size else "",
                "contact_name": e.contact_name if reveal_personal_data else mask_name(e.contact_name),
                "contact_phone": e.contact_phone if reveal_personal_data else mask_phone(e.contact_phone),
                "street": e.street.name if e.street else "",
                "grid": e.grid.name if e.grid else "",
            }
            for e in enterprises.prefetch_related("chains").iterator(chunk_size=EXPORT_CHUNK)
        ),
        AWARDS.title: (
            {
                "credit_code": a.enterprise.credit_code,
                "enterprise_name": a.enterprise.name,
                "qualification_type": a.qualification_type.name,
                "year": a.year,
                "awarded_on": a.awarded_on.isoformat() if a.awarded_on else "",
                "issuing_body": a.issuing_body,
                "evidence_ref": a.evidence_ref,
                "is_new": "是" if a.is_new else "否",
            }
            for a in awards.iterator(chunk_size=EXPORT_CHUNK)
        ),
    })

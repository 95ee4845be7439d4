"""Excel ledgers (台账) of innovation and technology transfer on ``core.ledger``: 技术需求台账 and 科技成果台账
(template, preview with every bad cell named, error workbook, all-or-nothing import through the services, export
that imports again), and the exports of the technology contracts (技术合同登记台账) and the talent
applications (in ``talent.ledger``).

The rows are checked by the same field rules as the services (``checked_text``, ``_amount``, ``_readiness``,
``_choice``, ``_chain``): one rule, two callers — the service raises the first error, the ledger lists them all."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db.models import QuerySet

from gaoxin.accounts.models import User
from gaoxin.core import clock
from gaoxin.core.calendar import local_today
from gaoxin.core.errors import ApplicationError, PermissionDenied
from gaoxin.core.ledger import (
    Column,
    FileInput,
    LedgerImportResult,
    LedgerKind,
    LedgerPreview,
    LedgerRow,
    LedgerUpload,
    SheetSpec,
    export_workbook,
    import_commit,
    import_preview,
    resolve_kind,
    template_workbook,
)
from gaoxin.core.validation import checked_text, parse_date
from gaoxin.enterprises.models import Enterprise, IndustrialChain
from gaoxin.enterprises.scope import enterprise_scope_q, own_enterprise_id
from gaoxin.innovation import policy, services
from gaoxin.innovation.models import Achievement, Institution, TechContract, TechDemand

DEMANDS = SheetSpec("技术需求", (
    Column("number", "需求编号", export_only=True, width=16),
    Column("credit_code", "企业统一社会信用代码", required=True, text=True, width=22),
    Column("enterprise", "企业名称", export_only=True, width=28),
    Column("title", "需求名称", required=True, width=28),
    Column("text", "需求描述", required=True, width=48, note="描述遇到的问题和期望的效果"),
    Column("field", "技术领域", required=True, options="fields", width=14),
    Column("budget", "预算（万元）", width=12),
    Column("deadline", "期望完成日期", width=14, note="YYYY-MM-DD"),
    Column("required_readiness", "要求技术就绪度", options="readiness", width=12,
           note="GB/T 22900-2022，1–9 级"),
    Column("status", "状态", export_only=True, width=12),
))

ACHIEVEMENTS = SheetSpec("科技成果", (
    Column("number", "成果编号", export_only=True, width=16),
    Column("institution", "完成单位编码", required=True, text=True, width=14),
    Column("institution_name", "完成单位", export_only=True, width=24),
    Column("name", "成果名称", required=True, width=28),
    Column("keywords", "关键词", multiple=True, width=20, note="最多 3 个，用顿号“、”分隔"),
    Column("text", "成果简介", required=True, width=48),
    Column("field", "技术领域", required=True, options="fields", width=14),
    Column("form", "成果形式", required=True, options="forms", width=12),
    Column("ip_numbers", "知识产权编号", text=True, width=22, note="专利号、软著登记号；专利和软著必填"),
    Column("readiness", "技术就绪度", required=True, options="readiness", width=12, note="GB/T 22900-2022，1–9 级"),
    Column("transfer_method", "转化方式", required=True, options="methods", width=12),
    Column("price", "意向价格（万元）", width=12),
    Column("listed_on", "清单发布日期", export_only=True, width=14),
    Column("transferred_on", "转化日期", export_only=True, width=14),
))

CONTRACTS = SheetSpec("技术合同", (
    Column("number", "受理编号", export_only=True, width=16),
    Column("kind", "合同类别", required=True, options="kinds", width=10),
    Column("title", "合同名称", required=True, width=28),
    Column("seller", "卖方", required=True, width=24),
    Column("seller_code", "卖方企业统一社会信用代码", text=True, width=22, note="卖方是企业库中的企业时填写"),
    Column("buyer", "买方", required=True, width=24),
    Column("buyer_code", "买方企业统一社会信用代码", text=True, width=22, note="买方是企业库中的企业时填写"),
    Column("amount", "合同成交额（万元）", required=True, width=14),
    Column("signed_on", "签订日期", required=True, width=12, note="YYYY-MM-DD"),
    Column("status", "状态", export_only=True, width=10),
    Column("tech_income", "技术交易额（万元）", export_only=True, width=14),
    Column("certificate_no", "登记证明编号", export_only=True, text=True, width=22),
    Column("review_due", "认定时限", export_only=True, width=18),
))


def _options() -> Mapping[str, Sequence[str]]:
    return {"fields": list(IndustrialChain.objects.order_by("sort_order").values_list("name", flat=True)),
            "readiness": [str(i) for i in range(1, 10)], "forms": [c.label for c in Achievement.Form],
            "methods": [c.label for c in Achievement.Transfer], "kinds": [c.label for c in TechContract.Kind]}


def _check(row: LedgerRow, name: str, check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run one of the services' field rules; its error goes to the row under the column's header."""
    try:
        return check(*args, **kwargs)
    except ApplicationError as exc:
        row.add(exc.field or name, exc.message.split("：", 1)[-1], exc.code)
        return None


def _date(row: LedgerRow, name: str) -> Any:
    value = row.raw.get(name)
    try:
        return parse_date(value)
    except (ValueError, TypeError):
        row.add(name, "日期格式应为 YYYY-MM-DD", "invalid_date")
        return None


def _deadline(row: LedgerRow) -> Any:
    day = _date(row, "deadline")
    if day is not None and day < local_today():
        row.add("deadline", "不能早于今天", "deadline_past")
    return day


def _require_writer(actor: User) -> None:
    if not (policy.is_officer(actor) or actor.role == "enterprise" or policy.own_institution_id(actor)):
        raise PermissionDenied("当前角色不能导入科技成果转化台账", code="innovation_ledger_role")


def _validate_demands(actor: User, upload: LedgerUpload) -> None:
    scope = Enterprise.objects.filter(enterprise_scope_q(actor=actor))
    for row in upload.rows(DEMANDS):
        raw = row.raw
        code = str(raw.get("credit_code") or "").strip().upper()
        enterprise = scope.filter(credit_code=code).first() if code else None
        if enterprise is None:
            row.add("credit_code", "不在企业库中（或不在您的管辖范围内）", "unknown_enterprise")
        row.values = {
            "enterprise": enterprise,
            "title": _check(row, "title", checked_text, raw.get("title"), field="title",
                                                                       label="需求名称"),
            "text": _check(row, "text", checked_text, raw.get("text"), field="text", label="需求描述",
                                                                     max_length=2000),
            "field": _check(row, "field", services._chain, raw.get("field")),
            "budget": _check(row, "budget", services._amount, raw.get("budget"), field="budget",
                                                                           label="预算"),
            "deadline": _deadline(row),
            "required_readiness": _check(row, "required_readiness", services._readiness,
                raw.get("required_readiness"), field="required_readiness", label="要求技术就绪度", required=False),
        }


def _write_demands(actor: User, upload: LedgerUpload) -> Mapping[str, int]:
    n = 0
    for row in upload.rows(DEMANDS):
        row.record = services.demand_post(actor=actor, **row.values)
        n += 1
    return {"demands": n}


def _institutions(actor: User) -> QuerySet[Institution]:
    if policy.is_officer(actor):
        return Institution.objects.all()
    return Institution.objects.filter(pk=policy.own_institution_id(actor) or 0)


def _validate_achievements(actor: User, upload: LedgerUpload) -> None:
    institutions = _institutions(actor)
    for row in upload.rows(ACHIEVEMENTS):
        raw = row.raw
        institution = institutions.filter(code=str(raw.get("institution") or "").strip()).first()
        if institution is None:
            row.add("institution", "未知的完成单位编码（或不是您所在的机构）", "unknown_institution")
        values: dict[str, Any] = {
            "institution": institution,
            "name": _check(row, "name", checked_text, raw.get("name"), field="name", label="成果名称"),
            "keywords": _check(row, "keywords", services._keywords, str(raw.get("keywords") or "")),
            "text": _check(row, "text", checked_text, raw.get("text"), field="text", label="成果简介",
                                                                     max_length=2000),
            "field": _check(row, "field", services._chain, raw.get("field")),
            "form": _check(row, "form", services._choice, raw.get("form"), Achievement.Form,
                                                                       field="form", label="成果形式"),
            "ip_numbers": str(raw.get("ip_numbers") or "").strip(),
            "readiness": _check(row, "readiness", services._readiness,
                raw.get("readiness"), field="readiness", label="技术就绪度", required=True),
            "transfer_method": _check(row, "transfer_method", services._choice,
                raw.get("transfer_method"), Achievement.Transfer, field="transfer_method", label="转化方式"),
            "price": _check(row, "price", services._amount, raw.get("price"), field="price",
                                                                         label="意向价格"),
        }
        if values["form"] in (Achievement.Form.PATENT, Achievement.Form.SOFTWARE) and not values["ip_numbers"]:
            row.add("ip_numbers", "专利和软件著作权成果必须填写", "required")
        row.values = values


def _write_achievements(actor: User, upload: LedgerUpload) -> Mapping[str, int]:
    n = 0
    for row in upload.rows(ACHIEVEMENTS):
        row.record = services.achievement_register(actor=actor, **row.values)
        n += 1
    return {"achievements": n}


def _require_contract_writer(actor: User) -> None:
    if not (policy.is_officer(actor) or actor.role == "enterprise"):
        raise PermissionDenied("当前角色不能申请技术合同认定登记", code="innovation_ledger_role")


def _party(row: LedgerRow, name: str) -> Enterprise | None:
    code = str(row.raw.get(name) or "").strip().upper()
    if not code:
        return None
    found = Enterprise.objects.filter(credit_code=code).first()
    if found is None:
        row.add(name, "不在企业库中", "unknown_enterprise")
    return found


def _validate_contracts(actor: User, upload: LedgerUpload) -> None:
    """Each row a contract submitted for recognition, checked by the rules of ``services.contract_submit``: an
    enterprise user only for contracts its own enterprise is a party to."""
    today = local_today()
    own = None if policy.is_officer(actor) else own_enterprise_id(actor)
    for row in upload.rows(CONTRACTS):
        raw = row.raw
        seller, buyer = _party(row, "seller_code"), _party(row, "buyer_code")
        if not policy.is_officer(actor) and (own is None or own not in {getattr(seller, "pk", None),
                                                                         getattr(buyer, "pk", None)}):
            row.add("seller_code", "只能为本企业作为合同一方的技术合同申请登记（卖方或买方填本企业的信用代码）",
                    "innovation_contract_party")
        signed_on = _date(row, "signed_on")
        if signed_on is None and not raw.get("signed_on"):
            row.add("signed_on", "不能为空", "required")
        elif signed_on is not None and signed_on > today:
            row.add("signed_on", "不能晚于今天", "signed_in_future")
        amount = _check(row, "amount", services._amount, raw.get("amount"), field="amount", label="合同成交额",
                        required=True)
        if amount == 0:
            row.add("amount", "应大于 0", "out_of_range")
        row.values = {
            "kind": _check(row, "kind", services._choice, raw.get("kind"), TechContract.Kind, field="kind",
                           label="合同类别"),
            "title": _check(row, "title", checked_text, raw.get("title"), field="title", label="合同名称"),
            "seller": _check(row, "seller", checked_text, raw.get("seller"), field="seller", label="卖方"),
            "buyer": _check(row, "buyer", checked_text, raw.get("buyer"), field="buyer", label="买方"),
            "amount": amount, "signed_on": signed_on, "seller_enterprise": seller, "buyer_enterprise": buyer,
        }
        if row.ok:  # the submission's own check, so a row passed here cannot be refused when it is written
            _check(row, "title", services.contract_checked, kind=raw.get("kind"), title=raw.get("title"),
                   seller=raw.get("seller"), buyer=raw.get("buyer"), amount=raw.get("amount"), signed_on=signed_on,
                   now=clock.now())


def _write_contracts(actor: User, upload: LedgerUpload) -> Mapping[str, int]:
    n = 0
    for row in upload.rows(CONTRACTS):
        row.record = services.contract_submit(actor=actor, **row.values)
        n += 1
    return {"contracts": n}


DEMAND_LEDGER = LedgerKind[User](
    name="demands", label="技术需求台账", sheets=(DEMANDS,),
    instructions=("每行一项企业技术需求；企业用户只能填写本企业的需求。",),
    validate=_validate_demands, write=_write_demands, check_actor=_require_writer, options=_options)
ACHIEVEMENT_LEDGER = LedgerKind[User](
    name="achievements", label="科技成果台账", sheets=(ACHIEVEMENTS,),
    instructions=("每行一项科技成果；机构用户只能填写本机构的成果。", "技术就绪度按 GB/T 22900-2022 填 1–9 级。"),
    validate=_validate_achievements, write=_write_achievements, check_actor=_require_writer, options=_options)
CONTRACT_LEDGER = LedgerKind[User](
    name="contracts", label="技术合同登记台账", sheets=(CONTRACTS,),
    instructions=("每行一份已签订的技术合同，申请认定登记（30 个工作日内认定）；"
                  "企业用户只能申请本企业作为卖方或买方的合同。",
                  "合同类别：技术开发、技术转让、技术许可、技术咨询、技术服务；金额单位万元。"),
    validate=_validate_contracts, write=_write_contracts, check_actor=_require_contract_writer, options=_options)

KINDS: tuple[LedgerKind[User], ...] = (DEMAND_LEDGER, ACHIEVEMENT_LEDGER, CONTRACT_LEDGER)


def ledger_template(*, kind: str) -> bytes:
    return template_workbook(resolve_kind(KINDS, kind))


def ledger_import_preview(*, actor: User, file: FileInput, kind: str | None = None) -> LedgerPreview:
    return import_preview(KINDS, actor=actor, file=file, kind=kind)


def ledger_import_commit(*, actor: User, file: FileInput, kind: str | None = None,
                         clean_rows_only: bool = False) -> LedgerImportResult:
    return import_commit(KINDS, actor=actor, file=file, kind=kind, clean_rows_only=clean_rows_only)


def _date_text(value: Any) -> str:
    return value.isoformat() if value else ""


def ledger_export_demands(demands: QuerySet[TechDemand]) -> bytes:
    rows: Iterable[Mapping[str, Any]] = (
        {"number": d.number, "credit_code": d.enterprise.credit_code, "enterprise": d.enterprise.name,
         "title": d.title, "text": d.text, "field": d.field.name, "budget": d.budget,
         "deadline": _date_text(d.deadline), "required_readiness": d.required_readiness,
         "status": d.get_status_display()}
        for d in demands.select_related("enterprise", "field").iterator(chunk_size=2000))
    return export_workbook(DEMAND_LEDGER, {DEMANDS.title: rows})


def ledger_export_achievements(achievements: QuerySet[Achievement]) -> bytes:
    rows: Iterable[Mapping[str, Any]] = (
        {"number": a.number, "institution": a.institution.code, "institution_name": a.institution.name,
         "name": a.name, "keywords": "、".join(a.keywords), "text": a.text, "field": a.field.name,
         "form": a.get_form_display(), "ip_numbers": a.ip_numbers, "readiness": a.readiness,
         "transfer_method": a.get_transfer_method_display(), "price": a.price,
         "listed_on": _date_text(a.listed_on), "transferred_on": _date_text(a.transferred_on)}
        for a in achievements.select_related("institution", "field").iterator(chunk_size=2000))
    return export_workbook(ACHIEVEMENT_LEDGER, {ACHIEVEMENTS.title: rows})


def ledger_export_contracts(contracts: QuerySet[TechContract]) -> bytes:
    rows: Iterable[Mapping[str, Any]] = (
        {"number": c.number, "kind": c.get_kind_display(), "title": c.title, "seller": c.seller, "buyer": c.buyer,
         "seller_code": c.seller_enterprise.credit_code if c.seller_enterprise else "",
         "buyer_code": c.buyer_enterprise.credit_code if c.buyer_enterprise else "", "amount": c.amount,
         "signed_on": _date_text(c.signed_on), "status": c.get_status_display(),
         "tech_income": c.tech_income, "certificate_no": c.certificate_no or "",
         "review_due": c.review_due.strftime("%Y-%m-%d %H:%M")}
        for c in contracts.select_related("seller_enterprise", "buyer_enterprise").iterator(chunk_size=2000))
    return export_workbook(CONTRACT_LEDGER, {CONTRACTS.title: rows})

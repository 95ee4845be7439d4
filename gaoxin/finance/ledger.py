"""The finance Excel ledgers, on the shared base (``core.ledger``), each the export of its list page: the fund
managers (基金管理机构台账: funds' total, assets on the list's date), the guidance funds (引导基金台账: committed,
paid in, invested, 返投), their investments (引导基金投资台账) and the startup guarantee loans (创业担保贷款台账,
the borrowers' personal data masked unless the reader may see them) and the enterprises' financing (企业融资台账)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from gaoxin.accounts.models import User
from gaoxin.core.errors import ApplicationError
from gaoxin.core.ledger import (
    Column,
    FileInput,
    LedgerImportResult,
    LedgerKind,
    LedgerPreview,
    LedgerRow,
    LedgerUpload,
    SheetSpec,
    export_only_kind,
    export_workbook,
    import_commit,
    import_preview,
    resolve_kind,
    template_workbook,
)
from gaoxin.core.validation import checked_text
from gaoxin.enterprises.creditcode import credit_code_normalize
from gaoxin.finance import policy, selectors, services, sme_index
from gaoxin.finance.models import (
    CapitalEvent,
    FinancingDeal,
    FundManager,
    GuidanceFund,
    IndexRun,
    IndexScore,
    Investment,
    StartupLoan,
)
from gaoxin.finance.selectors import annotated
from gaoxin.finance.services import inputs
from gaoxin.finance.services.inputs import date_of, not_future, percent_of, wan_to_fen

MANAGERS = SheetSpec("基金管理机构", (
    Column("name", "机构名称", required=True, width=32),
    Column("credit_code", "统一社会信用代码", required=True, text=True, width=22),
    Column("amac_number", "基金业协会登记编号", required=True, text=True, width=16, note="P 加 7 位数字"),
    Column("settled_on", "落户日期", required=True, width=12, note="YYYY-MM-DD"),
    Column("funds", "基金数", export_only=True, width=8),
    Column("funds_size", "基金认缴规模（万元）", export_only=True, width=18),
    Column("aum", "管理规模（万元）", export_only=True, width=16),
))



def wan(fen: int | None) -> Decimal | str:
    return "" if fen is None else Decimal(int(fen)) / 1_000_000


def managers_export(managers: QuerySet[FundManager]) -> bytes:
    rows: Iterable[Mapping[str, Any]] = (
        {"name": m.name, "credit_code": m.credit_code, "amac_number": m.amac_number,
         "settled_on": m.settled_on.isoformat(), "funds": annotated(m, "n_funds"),
         "funds_size": wan(annotated(m, "funds_fen")), "aum": wan(annotated(m, "aum_fen"))}
        for m in managers)
    return export_workbook(MANAGER_LEDGER, {MANAGERS.title: rows})


GUIDANCE = SheetSpec("政府引导基金", (
    Column("name", "基金名称", export_only=True, width=32),
    Column("parent", "母基金", export_only=True, width=28),
    Column("manager", "管理机构", export_only=True, width=28),
    Column("established_on", "设立日期", export_only=True, width=12),
    Column("term_years", "存续期（年）", export_only=True, width=10),
    Column("committed", "认缴规模（万元）", export_only=True, width=16),
    Column("own_committed", "不含母基金出资（万元）", export_only=True, width=18),
    Column("paid_in", "实缴（万元）", export_only=True, width=14),
    Column("invested", "已投资（万元）", export_only=True, width=14),
    Column("reinvest_pct", "返投比例（%）", export_only=True, width=10),
    Column("reinvest_due", "返投要求（万元）", export_only=True, width=16),
    Column("in_zone", "区内投资（万元）", export_only=True, width=16),
))
GUIDANCE_LEDGER = export_only_kind(
    name="guidance_funds", label="政府引导基金台账", sheets=(GUIDANCE,),
    instructions=("每行一支政府引导基金（母基金或子基金）；金额单位万元；返投要求 = 认缴规模 × 返投比例。",),
    reason="请在页面上登记基金、出资、投资和退出")

INVESTMENTS = SheetSpec("引导基金投资", (
    Column("fund", "基金", required=True, width=32, note="引导基金的全称"),
    Column("target", "投资项目或企业", width=32, note="企业库中的企业可只填信用代码"),
    Column("credit_code", "统一社会信用代码", text=True, width=22, note="企业库中的企业（即区内）"),
    Column("in_zone", "区内（计入返投）", options="yes_no", width=10, note="未填信用代码的项目：是或否"),
    Column("round", "轮次", required=True, options="rounds", width=10),
    Column("invested_on", "投资日期", required=True, width=12, note="YYYY-MM-DD"),
    Column("amount", "投资金额（万元）", required=True, width=16),
    Column("exited_cost", "已退出本金（万元）", export_only=True, width=16),
    Column("proceeds", "退出所得（万元）", export_only=True, width=16),
))

LOANS = SheetSpec("创业担保贷款", (
    Column("number", "申请编号", export_only=True, text=True, width=16),
    Column("kind", "申请类型", required=True, options="kinds", width=10),
    Column("applicant", "申请人", required=True, width=24),
    Column("id_number", "身份证号", text=True, width=20, note="个人创业必填"),
    Column("credit_code", "统一社会信用代码", text=True, width=22, note="小微企业必填"),
    Column("phone", "联系电话", required=True, text=True, width=14),
    Column("project", "创业项目", required=True, width=28),
    Column("applied_on", "申请日期", required=True, width=12, note="YYYY-MM-DD"),
    Column("requested", "申请金额（万元）", required=True, width=14, note="个人≤20，企业≤300"),
    Column("status", "状态", export_only=True, width=12),
    Column("decided_on", "担保决定日期", width=12, note="已担保时填写"),
    Column("bank", "经办银行", width=20, note="已放款时填写以下各列"),
    Column("granted_on", "放款日期", width=12),
    Column("granted", "放款金额（万元）", width=14),
    Column("term_months", "期限（月）", width=8),
    Column("rate_pct", "年利率（%）", width=8),
    Column("subsidy", "财政贴息（万元）", export_only=True, width=14),
    Column("jobs_created", "带动就业人数", width=10),
))
GRANT_FIELDS = ("bank", "granted_on", "granted", "term_months", "rate_pct", "jobs_created")




def _check(row: LedgerRow, name: str, check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run one of the services' field rules; its error goes to the row under the column's header."""
    try:
        return check(*args, **kwargs)
    except ApplicationError as exc:
        row.add(exc.field or name, exc.message.split("：", 1)[-1], exc.code)
        return None


def _day(row: LedgerRow, name: str, label: str, *, required: bool) -> dt.date | None:
    if not str(row.raw.get(name) or "").strip():
        if required:
            row.add(name, "不能为空", "required")
        return None
    day: dt.date | None = _check(row, name, lambda: not_future(date_of(row.raw.get(name), field=name, label=label),
                                                                field=name, label=label))
    return day


def _validate_loans(actor: User, upload: LedgerUpload) -> None:
    """Each row an application, guaranteed when it has a decision date, granted when it has the grant's columns,
    checked by the services' own field rules (every bad cell named)."""
    kinds = {label: code for code, label in StartupLoan.Kind.choices}
    seen: set[str] = set()
    for row in upload.rows(LOANS):
        raw = row.raw
        kind = kinds.get(str(raw.get("kind") or "").strip())
        if kind is None:
            row.add("kind", "请从列表中选择", "invalid_choice")
        holder = _check(row, "id_number", services.applicant_checked, kind, raw.get("id_number"),
                        raw.get("credit_code")) if kind else None
        key = "".join(holder) if holder else ""
        if key and (key in seen or StartupLoan.objects.filter(
                status__in=services.OPEN_LOAN_STATES, **({"id_number": key} if holder and holder[0] else
                                                       {"credit_code": key})).exists()):
            row.add("id_number" if holder and holder[0] else "credit_code", "已有未结清的创业担保贷款或在办申请",
                    "loan_open")
        seen.add(key)
        values: dict[str, Any] = {
            "kind": kind, "applicant_name": _check(row, "applicant", checked_text, raw.get("applicant"),
                                                   field="applicant", label="申请人", max_length=100),
            "id_number": holder[0] if holder else "", "credit_code": holder[1] if holder else "",
            "phone": _check(row, "phone", services.phone_checked, raw.get("phone")),
            "project": _check(row, "project", checked_text, raw.get("project"), field="project", label="创业项目"),
            "requested_wan": raw.get("requested"),
            "applied_on": _day(row, "applied_on", "申请日期", required=True),
        }
        requested = _check(row, "requested", services.requested_checked, kind, raw.get("requested")) if kind else None
        decided = _day(row, "decided_on", "担保决定日期", required=False)
        if decided is not None and values["applied_on"] is not None and decided < values["applied_on"]:
            row.add("decided_on", "不能早于申请日期", "before_applied")
        grant = {name: raw.get(name) for name in GRANT_FIELDS if str(raw.get(name) or "").strip()}
        if grant and decided is None:
            row.add("decided_on", "已放款的贷款必须填写担保决定日期", "required")
        if grant:
            for name in GRANT_FIELDS:
                if name not in grant:
                    row.add(name, "已放款时不能为空", "required")
            granted_on = _day(row, "granted_on", "放款日期", required=True)
            if granted_on is not None and decided is not None and granted_on < decided:
                row.add("granted_on", "不能早于担保决定日期", "before_decided")
            amount = _check(row, "granted", wan_to_fen, raw.get("granted"), field="granted", label="放款金额")
            if amount is not None and requested is not None and amount > requested:
                row.add("granted", "不能超过申请金额", "over_requested")
            if kind:
                _check(row, "term_months", services.term_checked, kind, raw.get("term_months"))
            _check(row, "rate_pct", percent_of, raw.get("rate_pct"), field="rate_pct", label="年利率", upper=24)
            _check(row, "jobs_created", services.jobs_checked, raw.get("jobs_created"))
            _check(row, "bank", checked_text, raw.get("bank"), field="bank", label="经办银行", max_length=100)
        row.values = {**values, "decided_on": decided, "grant": grant}


def _write_loans(actor: User, upload: LedgerUpload) -> Mapping[str, int]:
    counts = {"applications": 0, "guaranteed": 0, "granted": 0}
    for row in upload.rows(LOANS):
        values = dict(row.values)
        decided, grant = values.pop("decided_on"), values.pop("grant")
        loan = services.loan_apply(actor=actor, **values)
        counts["applications"] += 1
        if decided is not None:
            loan = services.loan_decide(actor=actor, loan=loan, approve=True, decided_on=decided)
            counts["guaranteed"] += 1
        if grant:
            loan = services.loan_grant(actor=actor, loan=loan, bank=grant["bank"], amount_wan=grant["granted"],
                                       granted_on=grant["granted_on"], term_months=grant["term_months"],
                                       rate_pct=grant["rate_pct"], jobs_created=grant["jobs_created"])
            counts["granted"] += 1
        row.record = loan
    return counts




def guidance_export(funds: QuerySet[GuidanceFund]) -> bytes:
    rows: Iterable[Mapping[str, Any]] = (
        {"name": f.name, "parent": f.parent.name if f.parent else "", "manager": f.manager.name if f.manager else "",
         "established_on": f.established_on.isoformat(), "term_years": f.term_years,
         "committed": wan(annotated(f, "committed_fen")), "own_committed": wan(annotated(f, "own_committed_fen")),
         "paid_in": wan(annotated(f, "paid_in_fen")), "invested": wan(annotated(f, "invested_fen")),
         "reinvest_pct": f.reinvest_pct, "reinvest_due": wan(selectors.reinvest_due_fen(f)),
         "in_zone": wan(annotated(f, "in_zone_fen"))}
        for f in funds)
    return export_workbook(GUIDANCE_LEDGER, {GUIDANCE.title: rows})


def investments_export(investments: QuerySet[Investment]) -> bytes:
    rows: Iterable[Mapping[str, Any]] = (
        {"fund": i.fund.name, "target": i.target, "credit_code": i.enterprise.credit_code if i.enterprise else "",
         "in_zone": "是" if i.in_zone else "否", "round": i.get_round_display(),
         "invested_on": i.invested_on.isoformat(), "amount": wan(i.amount_fen),
         "exited_cost": wan(annotated(i, "exited_cost_fen")), "proceeds": wan(annotated(i, "proceeds_fen"))}
        for i in investments)
    return export_workbook(INVESTMENT_LEDGER, {INVESTMENTS.title: rows})


def loans_export(loans: QuerySet[StartupLoan], *, actor: User) -> bytes:
    def row(loan: StartupLoan) -> dict[str, Any]:
        borrower = selectors.borrower_of(loan, actor=actor)
        return {"number": loan.number, "kind": loan.get_kind_display(), "applicant": borrower.name,
                "id_number": borrower.id_number, "credit_code": loan.credit_code, "phone": borrower.phone,
                "project": loan.project, "applied_on": loan.applied_on.isoformat(),
                "requested": wan(loan.requested_fen), "status": loan.get_status_display(),
                "decided_on": loan.decided_on.isoformat() if loan.decided_on else "", "bank": loan.bank,
                "granted_on": loan.granted_on.isoformat() if loan.granted_on else "", "granted": wan(loan.granted_fen),
                "term_months": loan.term_months or "", "rate_pct": loan.rate_pct if loan.rate_pct is not None else "",
                "subsidy": wan(loan.subsidy_fen), "jobs_created": loan.jobs_created or ""}
    return export_workbook(LOAN_LEDGER, {LOANS.title: (row(loan) for loan in loans)})


DEALS = SheetSpec("企业融资", (
    Column("closed_on", "到位日期", required=True, width=12, note="YYYY-MM-DD"),
    Column("enterprise", "企业", export_only=True, width=32),
    Column("credit_code", "统一社会信用代码", required=True, text=True, width=22),
    Column("kind", "融资类型", required=True, options="deal_kinds", width=10),
    Column("investor", "投资机构或银行", required=True, width=28),
    Column("amount", "融资金额（万元）", required=True, width=16),
    Column("event", "对接活动", width=32, note="归入的资本活动名称（可空）"),
))


def deals_export(deals: QuerySet[FinancingDeal]) -> bytes:
    rows: Iterable[Mapping[str, Any]] = (
        {"closed_on": d.closed_on.isoformat(), "enterprise": d.enterprise.name, "credit_code": d.enterprise.credit_code,
         "kind": d.get_kind_display(), "investor": d.investor, "amount": wan(d.amount_fen),
         "event": d.event.title if d.event else ""}
        for d in deals)
    return export_workbook(DEAL_LEDGER, {DEALS.title: rows})


def index_export(run: IndexRun, scores: QuerySet[IndexScore]) -> bytes:
    """The year's index, one row per enterprise: rank, score, pillar scores, indicators after treatment, the rank's
    range over the sensitivity analysis. Its columns follow the run's configuration, so the sheet is built here."""
    cfg = sme_index.config()
    columns = (Column("rank", "排名", export_only=True, width=8), Column("name", "企业", export_only=True, width=32),
               Column("credit_code", "统一社会信用代码", export_only=True, text=True, width=22),
               Column("score", "指数", export_only=True, width=10),
               *(Column(f"p_{p}", f"分项：{p}", export_only=True, width=12) for p in cfg.pillars),
               *(Column(f"i_{n}", spec["label"], export_only=True, width=14) for n, spec in cfg.indicators.items()),
               Column("range", "排名区间（敏感性 5%–95%）", export_only=True, width=16))
    sheet = SheetSpec(f"{run.year} 年成长指数", columns)
    kind = export_only_kind(name="sme_index", label="中原中小企业成长指数", sheets=(sheet,),
                            instructions=(f"方法版本 {run.version}，配置摘要 {run.config_digest[:12]}，数据摘要 "
                                          f"{run.input_digest[:12]}，计算于 {run.computed_at:%Y-%m-%d %H:%M}。",),
                            reason="指数由平台按配置计算")
    rows = ({"rank": s.rank, "name": s.enterprise.name, "credit_code": s.enterprise.credit_code,
             "score": round(s.score, 4), **{f"p_{p}": v for p, v in zip(cfg.pillars, s.pillars, strict=True)},
             **{f"i_{n}": v for n, v in zip(cfg.indicators, s.indicators, strict=True)},
             "range": f"{s.rank_p05:.0f}–{s.rank_p95:.0f}"} for s in scores)
    return export_workbook(kind, {sheet.title: rows})


# The imports of the fund managers, the guidance funds' investments and the enterprises' financing: each row checked
# by the services' own field rules (every bad cell named), written through the services.

def _text(row: LedgerRow, name: str, label: str, *, max_length: int = 200) -> Any:
    return _check(row, name, checked_text, row.raw.get(name), field=name, label=label, max_length=max_length)


def _amount(row: LedgerRow, name: str, label: str) -> Any:
    return _check(row, name, wan_to_fen, row.raw.get(name), field=name, label=label)


def _label_choice(row: LedgerRow, name: str, choices: Any) -> str | None:
    code = {str(label): value for value, label in choices.choices}.get(str(row.raw.get(name) or "").strip())
    if code is None:
        row.add(name, "请从列表中选择", "invalid_choice")
    return code


def _unique_in_file(row: LedgerRow, seen: set[str], name: str, value: str | None) -> None:
    if value and value in seen:
        row.add(name, "与本表前面的行重复", "duplicate_in_file")
    if value:
        seen.add(value)


def _validate_managers(actor: User, upload: LedgerUpload) -> None:
    codes: set[str] = set()
    numbers: set[str] = set()
    for row in upload.rows(MANAGERS):
        code = _check(row, "credit_code", credit_code_normalize, str(row.raw.get("credit_code") or ""))
        number = _check(row, "amac_number", services.amac_checked, row.raw.get("amac_number"))
        if code and FundManager.objects.filter(credit_code=code).exists():
            row.add("credit_code", "该机构已登记", "manager_exists")
        if number and FundManager.objects.filter(amac_number=number).exists():
            row.add("amac_number", "已被另一机构使用", "amac_number_taken")
        _unique_in_file(row, codes, "credit_code", code)
        _unique_in_file(row, numbers, "amac_number", number)
        row.values = {"name": _text(row, "name", "机构名称"), "credit_code": code, "amac_number": number,
                      "settled_on": _day(row, "settled_on", "落户日期", required=True)}


def _write_managers(actor: User, upload: LedgerUpload) -> Mapping[str, int]:
    for row in upload.rows(MANAGERS):
        row.record = services.manager_register(actor=actor, **row.values)
    return {"fund_managers": len(upload.rows(MANAGERS))}


def _validate_investments(actor: User, upload: LedgerUpload) -> None:
    """Each row an investment of a guidance fund named in full, out of the capital it has paid in and not yet
    invested — counting the rows above it in the same file."""
    available: dict[int, int] = {}
    for row in upload.rows(INVESTMENTS):
        raw = row.raw
        fund = GuidanceFund.objects.filter(name=str(raw.get("fund") or "").strip()).first()
        if fund is None:
            row.add("fund", "没有该名称的引导基金", "unknown_fund")
        code = str(raw.get("credit_code") or "").strip()
        if code:
            _check(row, "credit_code", inputs.enterprise_of, code, field="credit_code")
        in_zone = {"是": True, "否": False, "": None}.get(str(raw.get("in_zone") or "").strip(), "bad")
        if in_zone == "bad":
            row.add("in_zone", "应为“是”或“否”", "invalid_choice")
        target = "" if code else _text(row, "target", "投资项目或企业")
        if not code and in_zone is None:
            row.add("in_zone", "未填信用代码的项目须注明是否在区内", "required")
        amount = _amount(row, "amount", "投资金额")
        day = _day(row, "invested_on", "投资日期", required=True)
        if fund is not None and day is not None and day < fund.established_on:
            row.add("invested_on", "不能早于基金设立日期", "before_established")
        if fund is not None and amount is not None:
            left = available.setdefault(fund.pk, services.paid_in_fen(fund) - services.invested_fen(fund))
            if amount > left:
                row.add("amount", f"超过基金可投资金（实缴未投 {Decimal(left) / 1_000_000} 万元）", "over_paid_in")
            else:
                available[fund.pk] = left - amount
        row.values = {"fund": fund, "enterprise_code": code, "target": target or "", "in_zone": in_zone is True,
                      "funding_round": _label_choice(row, "round", Investment.Round),
                      "amount_wan": raw.get("amount"), "invested_on": day}


def _write_investments(actor: User, upload: LedgerUpload) -> Mapping[str, int]:
    for row in upload.rows(INVESTMENTS):
        row.record = services.investment_record(actor=actor, **row.values)
    return {"investments": len(upload.rows(INVESTMENTS))}


def _validate_deals(actor: User, upload: LedgerUpload) -> None:
    for row in upload.rows(DEALS):
        raw = row.raw
        enterprise = _check(row, "credit_code", inputs.enterprise_of, str(raw.get("credit_code") or ""),
                            field="credit_code")
        day = _day(row, "closed_on", "到位日期", required=True)
        title = str(raw.get("event") or "").strip()
        event = None
        if title:
            events = list(CapitalEvent.objects.filter(title=title)[:2])
            if len(events) != 1:
                row.add("event", "没有该名称的资本活动" if not events else "有多个同名活动，请在活动页面归入",
                        "unknown_event")
            else:
                event = events[0]
                if enterprise is not None and day is not None:
                    _check(row, "event", services.attribution_checked, event, enterprise, day)
        row.values = {"enterprise_code": str(raw.get("credit_code") or ""),
                      "kind": _label_choice(row, "kind", FinancingDeal.Kind),
                      "investor": _text(row, "investor", "投资机构或银行"), "amount_wan": raw.get("amount"),
                      "closed_on": day, "event": event}
        _amount(row, "amount", "融资金额")


def _write_deals(actor: User, upload: LedgerUpload) -> Mapping[str, int]:
    for row in upload.rows(DEALS):
        row.record = services.deal_record(actor=actor, **row.values)
    return {"deals": len(upload.rows(DEALS))}


def _options() -> Mapping[str, Sequence[str]]:
    return {"kinds": list(StartupLoan.Kind.labels), "rounds": [str(x) for x in Investment.Round.labels],
            "deal_kinds": [str(x) for x in FinancingDeal.Kind.labels], "yes_no": ["是", "否"]}


LOAN_LEDGER = LedgerKind[User](
    name="startup_loans", label="创业担保贷款台账", sheets=(LOANS,),
    instructions=("每行一笔创业担保贷款申请；填写担保决定日期即视为同意担保，填写放款各列即登记放款；金额单位万元。",
                  "个人创业填写身份证号（额度≤20 万元、期限≤36 个月），"
                  "小微企业填写统一社会信用代码（≤300 万元、≤24 个月）。",
                  "导出的台账中个人信息按查看人权限脱敏，脱敏的行不能再导入。"),
    validate=_validate_loans, write=_write_loans, check_actor=policy.require_officer, options=_options)
MANAGER_LEDGER = LedgerKind[User](
    name="fund_managers", label="基金管理机构台账", sheets=(MANAGERS,),
    instructions=("每行一家在高新区落户的基金管理机构；基金数、认缴规模、管理规模只导出，导入时忽略。",),
    validate=_validate_managers, write=_write_managers, check_actor=policy.require_officer, options=_options)
INVESTMENT_LEDGER = LedgerKind[User](
    name="guidance_investments", label="引导基金投资台账", sheets=(INVESTMENTS,),
    instructions=("每行一笔政府引导基金投资，基金填全称；投资企业库中的企业填信用代码（即区内，计入返投），"
                  "其他项目填名称并注明是否在区内；金额单位万元，不能超过基金实缴未投的资金。",),
    validate=_validate_investments, write=_write_investments, check_actor=policy.require_officer, options=_options)
DEAL_LEDGER = LedgerKind[User](
    name="financing_deals", label="企业融资台账", sheets=(DEALS,),
    instructions=("每行一笔区内企业到位的融资；金额单位万元；填写对接活动名称即归入该活动"
                  f"（企业须参会，且在活动后 {services.ATTRIBUTION_DAYS} 天内到位）。",),
    validate=_validate_deals, write=_write_deals, check_actor=policy.require_officer, options=_options)
KINDS: tuple[LedgerKind[User], ...] = (LOAN_LEDGER, MANAGER_LEDGER, INVESTMENT_LEDGER, DEAL_LEDGER)


def ledger_template(*, kind: str) -> bytes:
    return template_workbook(resolve_kind(KINDS, kind))


def ledger_import_preview(*, actor: User, file: FileInput, kind: str) -> LedgerPreview:
    return import_preview(KINDS, actor=actor, file=file, kind=kind)


def ledger_import_commit(*, actor: User, file: FileInput, kind: str,
                         clean_rows_only: bool = False) -> LedgerImportResult:
    return import_commit(KINDS, actor=actor, file=file, kind=kind, clean_rows_only=clean_rows_only)

"""The finance Excel ledgers, on the shared base (``core.ledger``), each the export of its list page: the fund
managers (基金管理机构台账: funds' total, assets on the list's date), the guidance funds (引导基金台账: committed,
paid in, invested, 返投), their investments (引导基金投资台账) and the startup guarantee loans (创业担保贷款台账,
the borrowers' personal data masked unless the reader may see them) and the enterprises' financing (企业融资台账)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from gaoxin.accounts.models import User
from gaoxin.core.ledger import Column, SheetSpec, export_only_kind, export_workbook
from gaoxin.finance import selectors, sme_index
from gaoxin.finance.models import (
    FinancingDeal,
    FundManager,
    GuidanceFund,
    IndexRun,
    IndexScore,
    Investment,
    StartupLoan,
)
from gaoxin.finance.selectors import annotated

MANAGERS = SheetSpec("基金管理机构", (
    Column("name", "机构名称", export_only=True, width=32),
    Column("credit_code", "统一社会信用代码", export_only=True, text=True, width=22),
    Column("amac_number", "基金业协会登记编号", export_only=True, text=True, width=16),
    Column("settled_on", "落户日期", export_only=True, width=12),
    Column("funds", "基金数", export_only=True, width=8),
    Column("funds_size", "基金认缴规模（万元）", export_only=True, width=18),
    Column("aum", "管理规模（万元）", export_only=True, width=16),
))


MANAGER_LEDGER = export_only_kind(
    name="fund_managers", label="基金管理机构台账", sheets=(MANAGERS,),
    instructions=("每行一家在高新区落户的基金管理机构；金额单位万元，管理规模为所选日期的最近一次记录。",),
    reason="请在页面上登记机构、基金和管理规模")


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
    Column("fund", "基金", export_only=True, width=32),
    Column("target", "投资项目或企业", export_only=True, width=32),
    Column("credit_code", "统一社会信用代码", export_only=True, text=True, width=22),
    Column("in_zone", "区内（计入返投）", export_only=True, width=10),
    Column("round", "轮次", export_only=True, width=10),
    Column("invested_on", "投资日期", export_only=True, width=12),
    Column("amount", "投资金额（万元）", export_only=True, width=16),
    Column("exited_cost", "已退出本金（万元）", export_only=True, width=16),
    Column("proceeds", "退出所得（万元）", export_only=True, width=16),
))
INVESTMENT_LEDGER = export_only_kind(
    name="guidance_investments", label="引导基金投资台账", sheets=(INVESTMENTS,),
    instructions=("每行一笔政府引导基金投资；金额单位万元。",), reason="请在基金页面上登记投资和退出")

LOANS = SheetSpec("创业担保贷款", (
    Column("number", "申请编号", export_only=True, text=True, width=16),
    Column("kind", "申请类型", export_only=True, width=10),
    Column("applicant", "申请人", export_only=True, width=24),
    Column("id_number", "身份证号", export_only=True, text=True, width=20),
    Column("credit_code", "统一社会信用代码", export_only=True, text=True, width=22),
    Column("phone", "联系电话", export_only=True, text=True, width=14),
    Column("project", "创业项目", export_only=True, width=28),
    Column("applied_on", "申请日期", export_only=True, width=12),
    Column("requested", "申请金额（万元）", export_only=True, width=14),
    Column("status", "状态", export_only=True, width=12),
    Column("bank", "经办银行", export_only=True, width=20),
    Column("granted_on", "放款日期", export_only=True, width=12),
    Column("granted", "放款金额（万元）", export_only=True, width=14),
    Column("term_months", "期限（月）", export_only=True, width=8),
    Column("rate_pct", "年利率（%）", export_only=True, width=8),
    Column("subsidy", "财政贴息（万元）", export_only=True, width=14),
    Column("jobs_created", "带动就业人数", export_only=True, width=10),
))
LOAN_LEDGER = export_only_kind(
    name="startup_loans", label="创业担保贷款台账", sheets=(LOANS,),
    instructions=("每行一笔创业担保贷款申请；金额单位万元；个人信息按查看人权限脱敏。",),
    reason="请在页面上受理申请、登记担保决定、放款和还款")


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
                "requested": wan(loan.requested_fen),
                "status": loan.get_status_display(), "bank": loan.bank,
                "granted_on": loan.granted_on.isoformat() if loan.granted_on else "", "granted": wan(loan.granted_fen),
                "term_months": loan.term_months or "", "rate_pct": loan.rate_pct if loan.rate_pct is not None else "",
                "subsidy": wan(loan.subsidy_fen), "jobs_created": loan.jobs_created or ""}
    return export_workbook(LOAN_LEDGER, {LOANS.title: (row(loan) for loan in loans)})


DEALS = SheetSpec("企业融资", (
    Column("closed_on", "到位日期", export_only=True, width=12),
    Column("enterprise", "企业", export_only=True, width=32),
    Column("credit_code", "统一社会信用代码", export_only=True, text=True, width=22),
    Column("kind", "融资类型", export_only=True, width=10),
    Column("investor", "投资机构或银行", export_only=True, width=28),
    Column("amount", "融资金额（万元）", export_only=True, width=16),
    Column("event", "对接活动", export_only=True, width=32),
))
DEAL_LEDGER = export_only_kind(
    name="financing_deals", label="企业融资台账", sheets=(DEALS,),
    instructions=("每行一笔区内企业到位的融资；金额单位万元；对接活动为归入的资本活动。",),
    reason="请在页面上登记融资或在活动页面归入")


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

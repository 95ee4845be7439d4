"""The fund managers' Excel ledger (基金管理机构台账), on the shared base (``core.ledger``): an export of the list
page, one row per manager with its funds' total and its assets under management on the list's date."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from gaoxin.core.ledger import Column, SheetSpec, export_only_kind, export_workbook
from gaoxin.finance.models import FundManager
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

"""Writes of the fund managers (issue 19): a manager settled in the zone, its funds, and its assets under
management as of a date."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from gaoxin.accounts.models import User
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError, Conflict
from gaoxin.core.validation import checked_text
from gaoxin.enterprises.creditcode import credit_code_normalize
from gaoxin.finance import policy
from gaoxin.finance.models import AumRecord, Fund, FundManager
from gaoxin.finance.services.inputs import date_of, not_future, wan_to_fen

AMAC_NUMBER = re.compile(r"^P\d{7}$")  # 私募基金管理人登记编号


def amac_checked(value: Any) -> str:
    """A manager's registration number at the Asset Management Association of China: P and seven digits."""
    number = str(value or "").strip().upper()
    if not AMAC_NUMBER.match(number):
        raise ApplicationError("基金业协会登记编号：应为 P 加 7 位数字（如 P1001234）", field="amac_number",
                               code="invalid_amac_number")
    return number


@transaction.atomic
def manager_register(*, actor: User, name: str, credit_code: str, amac_number: str, settled_on: Any,
                     is_synthetic: bool = False) -> FundManager:
    policy.require_officer(actor)
    name = checked_text(name, field="name", label="机构名称", max_length=200)
    code = credit_code_normalize(credit_code)
    number = amac_checked(amac_number)
    day = not_future(date_of(settled_on, field="settled_on", label="落户日期"), field="settled_on", label="落户日期")
    if FundManager.objects.filter(credit_code=code).exists():
        raise Conflict("统一社会信用代码：该机构已登记", field="credit_code", code="manager_exists")
    if FundManager.objects.filter(amac_number=number).exists():
        raise Conflict("基金业协会登记编号：已被另一机构使用", field="amac_number", code="amac_number_taken")
    return FundManager.objects.create(name=name, credit_code=code, amac_number=number, settled_on=day,
                                      created_by=actor, created_at=clock.now(), is_synthetic=is_synthetic)


@transaction.atomic
def fund_register(*, actor: User, manager: FundManager, name: str, size_wan: Any, stage: str, currency: str,
                  vintage: Any, is_synthetic: bool = False) -> Fund:
    policy.require_officer(actor)
    name = checked_text(name, field="name", label="基金名称", max_length=200)
    size = wan_to_fen(size_wan, field="size", label="认缴规模")
    if stage not in Fund.Stage.values:
        raise ApplicationError("投资阶段：请从列表中选择", field="stage", code="invalid_choice")
    if currency not in Fund.Currency.values:
        raise ApplicationError("币种：请从列表中选择", field="currency", code="invalid_choice")
    year = str(vintage or "").strip()
    if not year.isdecimal() or not 1990 <= int(year) <= clock.now().year:
        raise ApplicationError(f"设立年份：应为 1990–{clock.now().year} 年", field="vintage", code="invalid_year")
    if manager.funds.filter(name=name).exists():
        raise Conflict("基金名称：该机构已有同名基金", field="name", code="fund_exists")
    return Fund.objects.create(manager=manager, name=name, size_fen=size, stage=stage, currency=currency,
                               vintage=int(year), created_at=clock.now(), is_synthetic=is_synthetic)


@transaction.atomic
def aum_record(*, actor: User, manager: FundManager, as_of: Any, amount_wan: Any, source: str,
               is_synthetic: bool = False) -> AumRecord:
    """The manager's assets under management as of a date (a second figure for the same date is refused: a
    correction is a new date's record)."""
    policy.require_officer(actor)
    day = not_future(date_of(as_of, field="as_of", label="截至日期"), field="as_of", label="截至日期")
    if day < manager.settled_on:
        raise ApplicationError("截至日期：不能早于机构落户日期", field="as_of", code="before_settled")
    amount = wan_to_fen(amount_wan, field="amount", label="管理规模", positive=False)
    source = checked_text(source, field="source", label="来源", max_length=100)
    if manager.aum_records.filter(as_of=day).exists():
        raise Conflict("截至日期：该日已有管理规模记录", field="as_of", code="aum_exists")
    return AumRecord.objects.create(manager=manager, as_of=day, amount_fen=amount, source=source, created_by=actor,
                                    created_at=clock.now(), is_synthetic=is_synthetic)

"""The simulated year of the fund managers (issue 19), as a ``DomainGenerator``.

Calibrated to the seed (at scale 1): 20 fund managers settled in the zone in 2023 (F063), managing 103亿 at the end
of the year (F064). Thirty-five managers settled in the years before give the list its history. Every record goes
through the services (``finance.services``) at the moment it is dated: the manager on its settling day, each fund
after it, the assets under management at each quarter's end (growing towards the year-end figure). The year-end
figures of the new managers are drawn from a lognormal and rounded to 万元, the last one taking the remainder, so
that they add up to the seed's total exactly."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import numpy as np

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import Role
from gaoxin.core import clock
from gaoxin.core.calendar import SHANGHAI
from gaoxin.enterprises.creditcode import credit_code_complete
from gaoxin.finance import services
from gaoxin.finance.models import Fund
from gaoxin.simulation.calibration import scaled

NEW_MANAGERS = 20  # F063
NEW_AUM_WAN = 1_030_000  # F064: 103亿元, in 万元
EARLIER_MANAGERS = 35
NAMES = ("中原", "嵩山", "郑开", "高新", "金水", "商都", "黄河", "天地", "启明", "鼎盛", "汇智", "弘毅", "同创", "深创",
         "科创", "数智", "氢能", "芯源", "华夏", "豫资")
KINDS = ("创业投资基金管理有限公司", "股权投资基金管理有限公司", "私募基金管理有限公司", "资本管理有限公司")
QUARTERS = ((3, 31), (6, 30), (9, 30), (12, 31))


class SimulatedYear(Protocol):
    """What the finance domains' generators read of the simulated year (this module's and ``guidance``,
    ``capital``, ``platform``, ``loans``, ``sme_index``)."""

    year: int
    scale: float

    def rng(self, domain: str) -> np.random.Generator: ...


def officer() -> User:
    """The simulated finance officer of 财政金融局 who keeps the finance ledgers."""
    user, _ = User.objects.get_or_create(username="sim-czj-fund", defaults={
        "role": Role.DATA_OFFICER, "org_unit": OrgUnit.objects.get(code="GX-D12"),
        "display_name": "财政金融局金融服务科（模拟）", "is_synthetic": True})
    return user


def at(day: dt.date, hour: int) -> dt.datetime:
    """``hour`` o'clock of ``day`` in the zone: when a simulated record is written."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def year_end_amounts(rng: np.random.Generator, n: int, total_wan: int) -> list[int]:
    """``n`` amounts in 万元, lognormal, adding up to ``total_wan`` exactly (the largest takes the remainder)."""
    weights = rng.lognormal(0.0, 1.0, size=n)
    amounts = [max(1, int(w)) for w in weights / weights.sum() * total_wan]
    amounts[int(np.argmax(amounts))] += total_wan - sum(amounts)
    return amounts


def _manager(rng: np.random.Generator, officer: User, number: int, settled_on: dt.date, year_end_wan: int,
             year: int) -> None:
    name = f"郑州{NAMES[number % len(NAMES)]}{KINDS[number % len(KINDS)]}（模拟{number:02d}）"
    code = credit_code_complete(f"91410100MA{year % 100:02d}{number:04d}")
    with clock.frozen(at(settled_on, 10)):
        manager = services.manager_register(actor=officer, name=name, credit_code=code,
                                            amac_number=f"P10{year % 100:02d}{number:03d}", settled_on=settled_on,
                                            is_synthetic=True)
        for k in range(int(rng.integers(1, 4))):
            stage = Fund.Stage.values[int(rng.integers(len(Fund.Stage.values)))]
            size = max(1000, int(year_end_wan * rng.uniform(0.2, 0.6)))
            fund_name = f"{name[2:6]}{k + 1}号股权投资合伙企业（有限合伙）"
            services.fund_register(actor=officer, manager=manager, name=fund_name, size_wan=size, stage=stage,
                                   currency=Fund.Currency.CNY, vintage=settled_on.year, is_synthetic=True)
    for month, day in QUARTERS:
        as_of = dt.date(year, month, day)
        if as_of < settled_on:
            continue
        amount = year_end_wan if (month, day) == QUARTERS[-1] else int(year_end_wan * rng.uniform(0.6, 0.95))
        with clock.frozen(at(as_of, 17)):
            services.aum_record(actor=officer, manager=manager, as_of=as_of, amount_wan=amount,
                                source="机构季度报送（模拟）", is_synthetic=True)


def generate(year: SimulatedYear) -> dict[str, int]:
    rng = year.rng("finance")
    writer = officer()
    new = scaled(NEW_MANAGERS, year.scale)
    earlier = scaled(EARLIER_MANAGERS, year.scale)
    amounts = year_end_amounts(rng, new, max(new, round(NEW_AUM_WAN * year.scale)))
    for number, amount in enumerate(amounts, start=1):
        settled = dt.date(year.year, 1, 1) + dt.timedelta(days=int(rng.integers(0, 330)))
        _manager(rng, writer, number, settled, amount, year.year)
    for number in range(new + 1, new + earlier + 1):
        settled = dt.date(year.year - int(rng.integers(1, 8)), 1, 1) + dt.timedelta(days=int(rng.integers(0, 360)))
        _manager(rng, writer, number, settled, int(rng.lognormal(np.log(30_000), 1.0)) + 1_000, year.year)
    return {"fund_managers": new + earlier, "fund_managers_new": new}

"""The simulated year of the government guidance funds (政府引导基金, issue 19), as a ``DomainGenerator``.

Calibrated to the seed (at scale 1): the guidance funds set up in 2023 have 28.5亿 of commitments, not counting the
parent fund's share in its sub-funds (F068), and the guidance funds made 9 investments of 2.3亿 in the year (F069,
F070). The history behind them: the zone's parent fund (母基金, 2019: 20亿 from the zone, 10亿 from the city, room
for several simulated years of sub-funds; a later simulated year reuses it) and three sub-funds of the three years
before with their investments, one of them partly exited.

The 2023 sub-funds are each committed 20 % by the parent fund, 20 % by the zone, 10 % by the city and the rest by
social capital, with a 返投 obligation of 1.5 times the government money; the sizes are drawn lognormal, rounded to
万元 and adjusted so their commitments without the parent's add up to the seed's figure exactly. Half of each
commitment is paid in on the day the fund is set up. The 2023 investments go to enterprises of the registry (in the
zone) and, one in four, to projects outside it, drawn out of the funds' paid-in capital and adjusted to the seed's
total. Everything goes through the services (``finance.services``) at the moment it is dated."""

from __future__ import annotations

import datetime as dt

import numpy as np

from gaoxin.accounts.models import User
from gaoxin.core import clock
from gaoxin.enterprises.models import Enterprise
from gaoxin.finance import services
from gaoxin.finance.models import Commitment, GuidanceFund
from gaoxin.simulation import finance as finance_sim
from gaoxin.simulation.calibration import scaled

NEW_OWN_COMMITTED_WAN = 285_000  # F068: 28.5亿元
INVESTMENTS = 9  # F069
INVESTED_WAN = 23_000  # F070: 2.3亿元
NEW_SUB_FUNDS = 6
PARENT_SHARE, ZONE_SHARE, CITY_SHARE = 0.2, 0.2, 0.1
THEMES = ("智能传感器", "新材料", "网络安全", "北斗应用", "生物医药", "数字经济", "氢能与储能", "高端装备")
PARENT_NAME = "郑州高新区科技创新引导基金（母基金，模拟）"
OUTSIDE = ("洛阳某机器人项目", "开封某新材料项目", "新乡某电池项目", "许昌某装备项目", "南阳某医药项目")
Source = Commitment.Source


def split_exactly(rng: np.random.Generator, n: int, total: int, *, floor: int = 1) -> list[int]:
    """``n`` positive integers (each at least ``floor``), lognormal, adding up to ``total`` exactly."""
    weights = rng.lognormal(0.0, 0.6, size=n)
    parts = [max(floor, int(w)) for w in weights / weights.sum() * total]
    parts[int(np.argmax(parts))] += total - sum(parts)
    return parts


def _fund(officer: User, *, name: str, parent: GuidanceFund | None, day: dt.date, reinvest_pct: str,
          shares: list[tuple[str, str, int]]) -> GuidanceFund:
    """A fund set up on ``day`` with its commitments (source, investor, 万元), half of each paid in the same day."""
    with clock.frozen(finance_sim.at(day, 10)):
        fund = services.guidance_fund_register(actor=officer, name=name, parent=parent, manager=None,
                                               established_on=day, term_years=10 if parent else 15,
                                               reinvest_pct=reinvest_pct, is_synthetic=True)
        for source, investor, wan in shares:
            commitment = services.commitment_add(actor=officer, fund=fund, source=source, investor=investor,
                                                 amount_wan=wan, committed_on=day, is_synthetic=True)
            services.paid_in_record(actor=officer, commitment=commitment, paid_on=day, amount_wan=wan // 2 or wan,
                                    is_synthetic=True)
    return fund


def _sub_fund_shares(size_wan: int, social_wan: int | None = None) -> list[tuple[str, str, int]]:
    parent, zone, city = (round(size_wan * s) for s in (PARENT_SHARE, ZONE_SHARE, CITY_SHARE))
    social = size_wan - parent - zone - city if social_wan is None else social_wan
    return [(Source.PARENT, "", parent), (Source.ZONE, "郑州高新区财政局", zone),
            (Source.CITY, "郑州市财政局", city), (Source.SOCIAL, "社会出资人（模拟）", social)]


def _invest(officer: User, fund: GuidanceFund, *, enterprise: Enterprise | None, target: str, wan: int,
            day: dt.date, funding_round: str) -> None:
    with clock.frozen(finance_sim.at(day, 15)):
        services.investment_record(actor=officer, fund=fund, enterprise_code=enterprise.credit_code if enterprise
                                   else "", target=target, in_zone=False, funding_round=funding_round,
                                   amount_wan=wan, invested_on=day, is_synthetic=True)


def generate(year: finance_sim.SimulatedYear) -> dict[str, int]:
    rng = year.rng("guidance_funds")
    officer = finance_sim.officer()
    y = year.year
    enterprises = list(Enterprise.objects.filter(is_synthetic=True).order_by("pk")[:500])

    def pick() -> Enterprise | None:
        return enterprises[int(rng.integers(len(enterprises)))] if enterprises else None

    rounds = ["angel", "a", "b", "c", "pre_ipo"]

    parent = GuidanceFund.objects.filter(name=PARENT_NAME).first() or _fund(
        officer, name=PARENT_NAME, parent=None, day=dt.date(y - 4, 6, 18), reinvest_pct="100",
        shares=[(Source.ZONE, "郑州高新区财政局", 200_000), (Source.CITY, "郑州市财政局", 100_000)])
    earlier = []
    for k, size in enumerate((30_000, 50_000, 40_000)):
        day = max(dt.date(y - 3 + k, 4 + k, 10 + k), parent.established_on)
        earlier.append(_fund(officer, name=f"郑州高新{THEMES[k]}产业子基金（{day.year}，模拟）", parent=parent,
                             day=day, reinvest_pct="60", shares=_sub_fund_shares(size)))
        for n in range(2):
            target = pick()
            _invest(officer, earlier[-1], enterprise=target, target="" if target else OUTSIDE[n], wan=1_500 + 500 * n,
                    day=day + dt.timedelta(days=60 + 60 * n), funding_round=rounds[n])
    first = earlier[0].investments.order_by("pk").first()
    if first is not None:
        with clock.frozen(finance_sim.at(dt.date(y, 3, 20), 16)):
            services.exit_record(actor=officer, investment=first, kind="transfer", exited_on=dt.date(y, 3, 20),
                                 cost_wan=800, proceeds_wan=1_360, is_synthetic=True)

    n_new = scaled(NEW_SUB_FUNDS, year.scale)
    own_total = max(n_new * 100, round(NEW_OWN_COMMITTED_WAN * year.scale))
    owns = split_exactly(rng, n_new, own_total, floor=100)  # commitments without the parent's, in 万元
    new_funds = []
    for k, own in enumerate(owns):
        size = round(own / (1 - PARENT_SHARE))
        parent_wan, zone, city = (round(size * s) for s in (PARENT_SHARE, ZONE_SHARE, CITY_SHARE))
        shares = _sub_fund_shares(size, social_wan=own - zone - city)
        shares[0] = (Source.PARENT, "", parent_wan)
        day = dt.date(y, 1, 1) + dt.timedelta(days=int(rng.integers(10, 240)))
        new_funds.append(_fund(officer, name=f"郑州高新{THEMES[(k + 3) % len(THEMES)]}创投子基金{y}-{k + 1}号（模拟）",
                               parent=parent, day=day, reinvest_pct="75", shares=shares))

    n_inv = scaled(INVESTMENTS, year.scale)
    amounts = split_exactly(rng, n_inv, max(n_inv * 10, round(INVESTED_WAN * year.scale)), floor=10)
    funds = sorted(earlier + new_funds, key=lambda f: -services.paid_in_fen(f))
    for k, wan in enumerate(sorted(amounts, reverse=True)):
        fund = next(f for f in funds if services.paid_in_fen(f) - services.invested_fen(f) >= wan * 1_000_000)
        start = max(fund.established_on, dt.date(y, 1, 1))
        day = start + dt.timedelta(days=int(rng.integers(15, max(16, (dt.date(y, 12, 20) - start).days))))
        inside = k % 4 != 3
        target = pick() if inside else None
        _invest(officer, fund, enterprise=target, target="" if target else OUTSIDE[k % len(OUTSIDE)], wan=wan,
                day=day, funding_round=rounds[int(rng.integers(len(rounds)))])
    return {"guidance_funds": 1 + len(earlier) + len(new_funds), "guidance_investments_new": n_inv}

"""The simulated year of the capital events and the enterprises' financing (issue 19), as a ``DomainGenerator``.

Calibrated to the seed (at scale 1): the zone's enterprises closed 2.5亿 of equity financing in 2023 (F065), and
the financing attributed to the seven 资本力量1+6 events (one flagship conference and six themed sessions) came to
5亿 (F071, "超5亿"). Fourteen equity rounds are split lognormal to the exact total, nine of them raised by
enterprises after an event they attended; twenty bank loans to attending enterprises make up the rest of the events'
5亿. Every record goes through the services (``finance.services``) at the moment it is dated: the event on its
day, the attendance, the deal on its closing day within the year."""

from __future__ import annotations

import datetime as dt

import numpy as np

from gaoxin.accounts.models import User
from gaoxin.core import clock
from gaoxin.enterprises.models import Enterprise
from gaoxin.finance import services
from gaoxin.finance.models import CapitalEvent
from gaoxin.simulation import finance as finance_sim
from gaoxin.simulation.calibration import scaled
from gaoxin.simulation.guidance import split_exactly

EQUITY_WAN = 25_000  # F065: 2.5亿元
EVENTS_WAN = 50_000  # F071: 5亿元
EQUITY_DEALS, EQUITY_AT_EVENTS, EVENT_LOANS = 14, 9, 20
SESSIONS = (("资本力量1+6·年度资本大会", "matchmaking"), ("资本力量1+6·智能传感器专场路演", "roadshow"),
            ("资本力量1+6·新材料专场路演", "roadshow"), ("资本力量1+6·网络安全专场路演", "roadshow"),
            ("资本力量1+6·北斗应用专场路演", "roadshow"), ("资本力量1+6·科技金融银企对接会", "bank"),
            ("资本力量1+6·生物医药专场路演", "roadshow"))
INVESTORS = ("中原股权投资管理有限公司", "郑州高新投资控股集团", "深创投中原基金", "启明创投", "河南省科技投资有限公司")
BANKS = ("郑州银行高新区支行", "中原银行高新区支行", "中国银行郑州高新区支行", "兴业银行郑州分行")


def _events(rng: np.random.Generator, officer: User, year: int, pool: list[Enterprise]) -> list[CapitalEvent]:
    events = []
    for k, (title, kind) in enumerate(SESSIONS):
        day = dt.date(year, 3 + k, 10 + int(rng.integers(0, 15)))
        with clock.frozen(finance_sim.at(day, 9)):
            event = services.event_create(actor=officer, title=f"{title}（模拟）", series=services.EVENT_SERIES,
                                          kind=kind, held_on=day, location="郑州高新区科技金融广场",
                                          investors="\n".join(INVESTORS if kind != "bank" else BANKS),
                                          is_synthetic=True)
            for enterprise in rng.choice(len(pool), size=min(len(pool), 8 + int(rng.integers(0, 8))), replace=False):
                services.event_attend(actor=officer, event=event, enterprise_code=pool[int(enterprise)].credit_code)
        events.append(event)
    return events


def _deal(rng: np.random.Generator, officer: User, *, event: CapitalEvent | None, pool: list[Enterprise],
          kind: str, wan: int, year: int) -> None:
    if event is not None:
        attending = list(event.enterprises.order_by("pk"))
        enterprise = attending[int(rng.integers(len(attending)))]
        start = event.held_on
    else:
        enterprise, start = pool[int(rng.integers(len(pool)))], dt.date(year, 1, 5)
    day = start + dt.timedelta(days=int(rng.integers(0, max(1, (dt.date(year, 12, 28) - start).days))))
    investor = (INVESTORS if kind == "equity" else BANKS)[int(rng.integers(len(INVESTORS if kind == "equity"
                                                                               else BANKS)))]
    with clock.frozen(finance_sim.at(day, 16)):
        services.deal_record(actor=officer, enterprise_code=enterprise.credit_code, kind=kind, investor=investor,
                             amount_wan=wan, closed_on=day, event=event, is_synthetic=True)


def generate(year: finance_sim.SimulatedYear) -> dict[str, int]:
    rng = year.rng("capital_events")
    pool = list(Enterprise.objects.filter(is_synthetic=True).order_by("pk")[:400])
    if not pool:
        return {"capital_events": 0, "financing_deals": 0}
    officer = finance_sim.officer()
    events = _events(rng, officer, year.year, pool)
    n_equity, n_at_events = scaled(EQUITY_DEALS, year.scale), scaled(EQUITY_AT_EVENTS, year.scale)
    n_equity = max(n_equity, n_at_events + 1)
    equity = split_exactly(rng, n_equity, max(n_equity * 10, round(EQUITY_WAN * year.scale)), floor=10)
    at_events = equity[:n_at_events]
    n_loans = scaled(EVENT_LOANS, year.scale)
    loans_total = round(EVENTS_WAN * year.scale) - sum(at_events)
    if loans_total < n_loans * 10:
        raise ValueError("the events' financing cannot add up: equity at events exceeds it")
    for k, wan in enumerate(equity):
        event = events[int(rng.integers(len(events)))] if k < n_at_events else None
        _deal(rng, officer, event=event, pool=pool, kind="equity", wan=wan, year=year.year)
    for wan in split_exactly(rng, n_loans, loans_total, floor=10):
        _deal(rng, officer, event=events[int(rng.integers(len(events)))], pool=pool, kind="debt", wan=wan,
              year=year.year)
    return {"capital_events": len(events), "financing_deals": n_equity + n_loans}

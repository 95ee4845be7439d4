"""The simulated year of the startup guarantee loans (创业担保贷款, issue 19), as a ``DomainGenerator``.

Calibrated to the seed (at scale 1): 7,647.4万 granted in 2023 (F092) creating 2,100 jobs (F093). 330 individuals
borrow 5–20 万 each (the rule's limit) and create their own job and up to five more; 18 small businesses borrow the
rest of the total, split lognormal under the 300 万 limit, and create the rest of the jobs. Around them: one
application in twelve refused, a few still waiting at the year end, a few loans overdue and one compensated by the
guarantee fund. The borrowers are invented people with valid (check-digit) ID numbers, marked synthetic. Every
record goes through the services (``finance.services``) at the moment it is dated."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import Role
from gaoxin.core import clock
from gaoxin.enterprises.creditcode import credit_code_complete
from gaoxin.finance import services
from gaoxin.finance.models import StartupLoan
from gaoxin.simulation import finance as finance_sim
from gaoxin.simulation.calibration import scaled

GRANTED_TENTH_WAN = 76_474  # F092: 7,647.4 万元, in tenths of 万元
JOBS = 2_100  # F093
INDIVIDUALS, BUSINESSES = 330, 18
REFUSED_SHARE = 1 / 12
BANKS = ("中国银行郑州高新区支行", "中国建设银行郑州高新区支行", "郑州银行高新区支行", "中原银行高新区支行",
         "中国邮政储蓄银行郑州高新区支行")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
PROJECTS = ("餐饮店", "电商工作室", "软件外包工作室", "汽车维修店", "社区便利店", "托育中心", "广告设计工作室",
            "精密零件加工", "农产品直播", "家政服务")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
Kind = StartupLoan.Kind


def _officer() -> User:
    user, _ = User.objects.get_or_create(username="sim-czj-loans", defaults={
        "role": Role.HANDLER, "org_unit": OrgUnit.objects.get(code="GX-D12"),
        "display_name": "财政金融局创业担保贷款专窗（模拟）", "is_synthetic": True})
    return user


def id_number(rng: np.random.Generator) -> str:
    """A resident ID number of Zhengzhou (410100) with a birth date of 1970–2002 and its check character."""
    born = dt.date(1970, 1, 1) + dt.timedelta(days=int(rng.integers(0, 33 * 365)))
    body = f"410100{born:%Y%m%d}{int(rng.integers(0, 1000)):03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def loan_plan(rng: np.random.Generator, n_ind: int, n_bus: int, total_tenth: int,
              jobs: int) -> list[tuple[StartupLoan.Kind, int, int]]:
    """(kind, amount in tenths of 万元, jobs) per granted loan, adding up to ``total_tenth`` and ``jobs`` exactly:
    individuals 5–20 万 in steps of 5 with one to six jobs, businesses the rest (10–300 万 each, one job at least)."""
    ind = [int(rng.choice([50, 100, 150, 200], p=[0.1, 0.3, 0.3, 0.3])) for _ in range(n_ind)]
    while ind and total_tenth - sum(ind) < n_bus * 100 and max(ind) > 50:  # leave each business 10 万 at least
        ind[int(np.argmax(ind))] -= 50
    ind_jobs = [1 + int(rng.integers(0, 6)) for _ in range(n_ind)]
    while ind_jobs and jobs - sum(ind_jobs) < n_bus and max(ind_jobs) > 1:
        ind_jobs[int(np.argmax(ind_jobs))] -= 1
    rest, rest_jobs = total_tenth - sum(ind), jobs - sum(ind_jobs)
    weights = rng.lognormal(0.0, 0.4, size=n_bus)
    bus = [min(3_000, max(100, int(w))) for w in weights / weights.sum() * rest]
    for i in range(n_bus):  # what is left over goes to those with room under the limit
        bus[i] = min(3_000, max(100, bus[i] + rest - sum(bus)))
    bus_jobs = [max(1, int(w)) for w in weights / weights.sum() * rest_jobs]
    if n_bus:
        bus_jobs[int(np.argmax(bus_jobs))] += rest_jobs - sum(bus_jobs)
    if sum(bus) != rest or min(bus_jobs, default=1) < 1 or (not n_bus and (rest or rest_jobs)):
        raise ValueError(f"startup loans cannot add up to {total_tenth} tenths of 万元 and {jobs} jobs")
    return ([(Kind.INDIVIDUAL, a, j) for a, j in zip(ind, ind_jobs, strict=True)]
            + [(Kind.BUSINESS, a, j) for a, j in zip(bus, bus_jobs, strict=True)])


def _apply(rng: np.random.Generator, officer: User, kind: str, number: int, requested_tenth: int,
           day: dt.date, year: int) -> StartupLoan:
    project = PROJECTS[int(rng.integers(len(PROJECTS)))]
    phone = f"13{int(rng.integers(0, 10))}{int(rng.integers(0, 10**8)):08d}"
    if kind == Kind.INDIVIDUAL:
        name = SURNAMES[int(rng.integers(len(SURNAMES)))] + "".join(
            GIVEN[int(rng.integers(len(GIVEN)))] for _ in range(int(rng.integers(1, 3))))
        who = {"applicant_name": name, "id_number": id_number(rng)}
    else:
        who = {"applicant_name": f"郑州高新区{project}有限公司（模拟{number:03d}）",
               "credit_code": credit_code_complete(f"92410100MA{year % 100:02d}{number:04d}")}
    with clock.frozen(finance_sim.at(day, 9)):
        return services.loan_apply(actor=officer, kind=kind, phone=phone, project=f"{project}（模拟）",
                                   requested_wan=Decimal(requested_tenth) / 10, applied_on=day, is_synthetic=True,
                                   **who)


def generate(year: finance_sim.SimulatedYear) -> dict[str, int]:
    rng = year.rng("startup_loans")
    officer = _officer()
    y = year.year
    n_ind, n_bus = scaled(INDIVIDUALS, year.scale), scaled(BUSINESSES, year.scale)
    plan = loan_plan(rng, n_ind, n_bus, max(1, round(GRANTED_TENTH_WAN * year.scale)),
                     max(n_ind + n_bus, round(JOBS * year.scale)))
    granted = []
    for number, (kind, tenth, jobs) in enumerate(plan, start=1):
        applied = dt.date(y, 1, 3) + dt.timedelta(days=int(rng.integers(0, 320)))
        loan = _apply(rng, officer, kind, number, tenth, applied, y)
        decided = applied + dt.timedelta(days=int(rng.integers(3, 12)))
        granted_on = decided + dt.timedelta(days=int(rng.integers(2, 15)))
        with clock.frozen(finance_sim.at(decided, 11)):
            services.loan_decide(actor=officer, loan=loan, approve=True, decided_on=decided)
        with clock.frozen(finance_sim.at(granted_on, 15)):
            term = services.MAX_TERM_MONTHS[Kind(kind)]
            granted.append(services.loan_grant(
                actor=officer, loan=loan, bank=BANKS[int(rng.integers(len(BANKS)))],
                amount_wan=Decimal(tenth) / 10, granted_on=granted_on, term_months=term,
                rate_pct=("3.95", "4.15", "4.35")[int(rng.integers(3))], jobs_created=jobs))
    refused = max(1, round(len(plan) * REFUSED_SHARE))
    for k in range(refused):
        applied = dt.date(y, 2, 1) + dt.timedelta(days=int(rng.integers(0, 300)))
        loan = _apply(rng, officer, Kind.INDIVIDUAL, len(plan) + k + 1, 200, applied, y)
        with clock.frozen(finance_sim.at(applied + dt.timedelta(days=5), 11)):
            services.loan_decide(actor=officer, loan=loan, approve=False, decided_on=applied + dt.timedelta(days=5),
                                 reason=("征信记录不良", "已有其他经营性贷款未结清", "创业项目不符合扶持范围")[k % 3])
    waiting = max(1, len(plan) // 60)
    for k in range(waiting):
        _apply(rng, officer, Kind.INDIVIDUAL, len(plan) + refused + k + 1, 150, dt.date(y, 12, 20 + k % 8), y)
    overdue = granted[: max(1, len(granted) // 40)] if len(granted) > 1 else []
    for k, loan in enumerate(overdue):
        assert loan.granted_on is not None
        day = min(dt.date(y, 12, 15), loan.granted_on + dt.timedelta(days=90))
        with clock.frozen(finance_sim.at(day, 16)):
            services.loan_repayment(actor=officer, loan=loan, status="overdue", on=day)
            if k == 0:
                services.loan_repayment(actor=officer, loan=loan, status="compensated", on=day)
    return {"startup_loans": len(plan) + refused + waiting, "startup_loans_granted": len(plan)}

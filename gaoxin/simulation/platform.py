"""The simulated year of the financing platform (郑好融-style, issue 19), as a ``DomainGenerator``.

Calibrated to the seed (at scale 1): 620 enterprises certified on the platform for the first time in 2023 (F066,
on top of 300 certified the year before) and 5.9亿 of loans granted through it (F067). Five partner banks offer
eleven products with their eligibility rules; one in each bank is a broad 普惠 product, so every demand finds a
product. About 240 certified enterprises post a demand each through their enterprise user: the matching step
proposes products with its reasons; the banks answer, nine in ten within the three working days; 110 demands end
in a loan whose amounts are split to the seed's total exactly, the rest are declined by every bank, withdrawn, or
still open at the year end; most closed demands get a follow-up visit. Every record goes through the services at
the moment it is dated (``clock.frozen``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import Role
from gaoxin.core import clock
from gaoxin.core.calendar import SHANGHAI, add_working_time
from gaoxin.enterprises import services as enterprise_services
from gaoxin.enterprises.models import Enterprise, EnterpriseUser
from gaoxin.finance import services
from gaoxin.finance.models import Bank, FinancingDemand, Proposal
from gaoxin.simulation import finance as finance_sim
from gaoxin.simulation.calibration import scaled
from gaoxin.simulation.guidance import split_exactly

NEW_CERTIFIED = 620  # F066
EARLIER_CERTIFIED = 300
GRANTED_WAN = 59_000  # F067: 5.9亿元
DEMANDS, GRANTED = 240, 110
BANKS = ("郑州银行高新区支行", "中原银行高新区支行", "中国银行郑州高新区支行", "中国建设银行郑州高新区支行",
         "兴业银行郑州分行")
# name, rate range, amount range (万元), longest term, collateral, rules
PRODUCTS: tuple[tuple[str, tuple[str, str], tuple[str, str], int, bool, dict[str, Any]], ...] = (
    ("普惠信用贷", ("3.85", "5.20"), ("10", "5000"), 36, False, {}),
    ("科技贷", ("3.45", "4.35"), ("50", "1000"), 36, False, {"qualifications_any": ["tech_sme", "srdi_prov"]}),
    ("小微快贷", ("3.95", "4.80"), ("10", "300"), 12, False, {"sizes": ["small", "micro"]}),
    ("知识产权质押贷", ("3.65", "4.50"), ("100", "3000"), 36, True, {}),
    ("成长贷", ("3.55", "4.20"), ("200", "5000"), 60, False, {"min_revenue_wan": "1000"}),
)
PURPOSES = ("采购原材料", "研发投入", "扩大产能", "补充流动资金", "设备更新")


def _user(username: str, role: str, unit: str | None, name: str) -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={
        "role": role, "org_unit": OrgUnit.objects.get(code=unit) if unit else None, "display_name": name,
        "is_synthetic": True})
    return user


def _banks(officer: User) -> list[tuple[Bank, User]]:
    out = []
    for k, name in enumerate(BANKS):
        bank = Bank.objects.filter(name=name).first() or services.bank_register(actor=officer, name=name,
                                                                               is_synthetic=True)
        staff = _user(f"sim-bank-{k + 1}", Role.ENTERPRISE, None, f"{name}客户经理（模拟）")
        services.bank_staff_add(actor=officer, bank=bank, user=staff)
        for j, (product, rates, amounts, term, collateral, rules) in enumerate(PRODUCTS):
            if j and (j + k) % 2:  # each bank offers the broad product and about half of the others
                continue
            services.product_save(actor=officer, bank=bank, name=product, rate_min_pct=rates[0],
                                  rate_max_pct=rates[1], amount_min_wan=amounts[0], amount_max_wan=amounts[1],
                                  term_max_months=term, needs_collateral=collateral, rules=rules, is_synthetic=True)
        out.append((bank, staff))
    return out


def _enterprise_user(admin: User, enterprise: Enterprise) -> User:
    link = EnterpriseUser.objects.filter(enterprise=enterprise).select_related("user").first()
    if link is not None:
        return link.user
    user = _user(f"sim-ent-{enterprise.pk}", Role.ENTERPRISE, None, f"{enterprise.name}（模拟）")
    enterprise_services.enterprise_user_link(actor=admin, user=user, enterprise=enterprise)
    return user


def _answer(rng: np.random.Generator, proposal: Proposal, staff: User, *, interested: bool) -> dt.datetime:
    late = rng.random() < 0.1
    hours = float(rng.uniform(22.5, 40)) if late else float(rng.uniform(0.5, 22))  # 3 working days = 22.5 h
    moment = add_working_time(proposal.proposed_at, hours, "hour")
    with clock.frozen(moment):
        services.proposal_answer(actor=staff, proposal=proposal, interested=interested,
                                 note="" if interested else "企业经营数据不满足本行授信要求")
    return moment


def generate(year: finance_sim.SimulatedYear) -> dict[str, int]:
    rng = year.rng("financing_platform")
    y = year.year
    pool = list(Enterprise.objects.filter(is_synthetic=True).order_by("pk"))
    if not pool:
        return {"certified": 0, "demands": 0}
    officer = finance_sim.officer()
    admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first() or _user(
        "sim-admin-finance", Role.ADMIN, "GX", "平台管理员（模拟）")
    with clock.frozen(finance_sim.at(dt.date(y - 1, 12, 1), 9)):
        banks = _banks(officer)
        demo_bank_staff = User.objects.filter(username="yinhang", role=Role.ENTERPRISE).first()
        if demo_bank_staff is not None and not demo_bank_staff.finance_banks.exists():
            services.bank_staff_add(actor=officer, bank=banks[0][0], user=demo_bank_staff)
    staff_of = {bank.pk: staff for bank, staff in banks}
    certified_before = set(services.certified_enterprise_ids())
    fresh = [e for e in pool if e.pk not in certified_before]
    order = [int(i) for i in rng.permutation(len(fresh))]
    n_earlier = min(scaled(EARLIER_CERTIFIED, year.scale), len(fresh) // 3)
    demo = EnterpriseUser.objects.filter(user__username="qiye").values_list("enterprise_id", flat=True).first()
    if demo is not None and any(e.pk == demo for e in fresh):  # the demo enterprise: certified this year
        index = next(i for i, e in enumerate(fresh) if e.pk == demo)
        order.remove(index)
        order.insert(n_earlier, index)
    n_new = min(scaled(NEW_CERTIFIED, year.scale), len(fresh) - n_earlier)
    earlier = [fresh[i] for i in order[:n_earlier]]
    new = [fresh[i] for i in order[n_earlier:n_earlier + n_new]]
    for enterprises, first_day in ((earlier, dt.date(y - 1, 1, 3)), (new, dt.date(y, 1, 3))):
        for enterprise in enterprises:
            day = first_day + dt.timedelta(days=int(rng.integers(0, 340)))
            with clock.frozen(finance_sim.at(day, 10)):
                services.certification_grant(actor=officer, enterprise_code=enterprise.credit_code, certified_on=day,
                                             is_synthetic=True)

    certified = earlier + new
    n_demands = min(scaled(DEMANDS, year.scale), len(certified))
    n_granted = min(scaled(GRANTED, year.scale), n_demands)
    amounts = split_exactly(rng, n_granted, max(n_granted * 10, round(GRANTED_WAN * year.scale)), floor=10)
    amounts += [int(rng.integers(20, 800)) for _ in range(n_demands - n_granted)]
    demanders = [certified[int(i)] for i in rng.choice(len(certified), size=n_demands, replace=False)]
    granted = 0
    for k, (enterprise, wan) in enumerate(zip(demanders, amounts, strict=True)):
        first_cert = enterprise.finance_certifications.order_by("certified_on").values_list(
            "certified_on", flat=True).first()
        start = max(dt.date(y, 1, 5), first_cert or dt.date(y, 1, 5))
        posted = start + dt.timedelta(days=int(rng.integers(0, max(1, (dt.date(y, 11, 30) - start).days))))
        user = _enterprise_user(admin, enterprise)
        with clock.frozen(finance_sim.at(posted, 10)):
            demand = services.demand_post(actor=user, amount_wan=wan, term_months=int(rng.choice([6, 12, 24, 36])),
                                          purpose=PURPOSES[k % len(PURPOSES)], collateral="none", consent=True,
                                          is_synthetic=True)
        proposals = list(demand.proposals.select_related("product").order_by("pk"))
        if not proposals:
            continue
        if k < n_granted:
            taken = proposals[0]
            answered = _answer(rng, taken, staff_of[taken.product.bank_id], interested=True)
            granted_on = min(dt.date(y, 12, 28), answered.astimezone(SHANGHAI).date() + dt.timedelta(
                days=int(rng.integers(3, 20))))
            with clock.frozen(finance_sim.at(granted_on, 16)):
                services.loan_granted(actor=staff_of[taken.product.bank_id], proposal=taken, amount_wan=wan,
                                      granted_on=granted_on)
            granted += 1
            closed = granted_on
        elif k % 3 == 0:
            for p in proposals:
                answered = _answer(rng, p, staff_of[p.product.bank_id], interested=False)
            closed = answered.astimezone(SHANGHAI).date()
        elif k % 3 == 1:
            closed = posted + dt.timedelta(days=int(rng.integers(2, 20)))
            with clock.frozen(finance_sim.at(closed, 15)):
                services.demand_withdraw(actor=user, demand=demand, reason="已通过其他渠道解决资金需求")
        else:
            continue  # still being matched at the year end
        if rng.random() < 0.7:
            visited = min(dt.date(y, 12, 30), closed + dt.timedelta(days=int(rng.integers(5, 30))))
            with clock.frozen(finance_sim.at(visited, 11)):
                services.follow_up_record(actor=officer, demand=FinancingDemand.objects.get(pk=demand.pk),
                                          visited_on=visited, satisfied=bool(rng.random() < 0.9),
                                          note="电话回访，企业反馈对接顺畅", is_synthetic=True)
    if granted != n_granted:
        raise ValueError(f"{n_granted - granted} granted demands found no product: the products cover too little")
    return {"certified": n_earlier + n_new, "demands": n_demands, "demands_granted": granted,
            "granted_wan": int(sum(Decimal(a) for a in amounts[:n_granted]))}

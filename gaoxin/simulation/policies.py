"""The simulated year of the enterprise policies (issue 18), as a ``DomainGenerator``.

Calibrated to the seed (at scale 1): the 36 policies of 2023 (F057) paid 2.3亿 (F058) to 1,857 enterprises (F059).

1. **Facts.** Every enterprise of the registry gets its figures of the two years before (营业收入, 研发费用, 从业人员,
   纳税额; about 85 % report them), by size and chain (``_figures``), written in bulk as ``annual_figures_record``
   would (the checks are the service's; the values are generated within them).
2. **Catalog.** The shipped rules files (``policies/data/catalog``) are loaded and published through the services:
   their YAML rule tests run.
3. **Rules.** Four times a year (``EVALUATIONS``) every benefit item in force is evaluated over the whole registry
   in one OpenFisca simulation each; an (enterprise, item) pair is decided the first time the rules find it
   eligible, with its trace.
4. **Who takes it up.** Every 免申即享 match is recorded (told to the enterprise); the enterprises that confirm
   (and, for 快申快享 items, apply) are chosen so that the year ends at the seed's count of enterprises and the
   seed's amount, every policy paying at least one, no budget exceeded and one item per 不重复享受 group (the
   larger). The others' matches stay unconfirmed.
5. **Workflow.** Each quarter's decisions go to one notice (5 working days for objections), are cleared and paid
   in one batch — written by the bulk path (``policies/bulk.py``, proven equal to the services by its
   differential test). A few cases go through the live services at the end of the year: refused applications,
   and a supplementary notice with one objection upheld and one dismissed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

import numpy as np

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import Role
from gaoxin.core import clock
from gaoxin.core.calendar import SHANGHAI, calendar
from gaoxin.core.db import insert_many
from gaoxin.enterprises.models import AnnualFigures, Enterprise
from gaoxin.policies import bulk, engine, selectors, services
from gaoxin.policies.facts import facts_load
from gaoxin.policies.models import BenefitItem, Budget, Decision
from gaoxin.simulation.calibration import scaled

POLICIES = 36  # F057
PAID_FEN = 23_000_000_000  # F058: 2.3亿元
ENTERPRISES = 1_857  # F059
TAKE_UP = 0.92  # share of the enterprises told of a 免申即享 match that confirm their account within the year
EVALUATIONS = ((3, 15), (6, 15), (9, 15), (12, 1))  # the quarters' matching runs (month, day)
REPORTING = 0.85  # share of the registry that reports its figures
BANKS = ("中原银行郑州高新区支行", "郑州银行高新区支行", "中国工商银行郑州高新区支行", "中国建设银行郑州科学大道支行")
# Revenue (万元) by size: median and spread of a lognormal; employees: range.
REVENUE = {"large": (60_000, 0.6), "medium": (9_000, 0.5), "small": (1_500, 0.6), "micro": (300, 0.6), "": (800, 0.8)}
EMPLOYEES = {"large": (300, 3000), "medium": (100, 300), "small": (20, 100), "micro": (3, 20), "": (5, 60)}


class SimulatedYear(Protocol):
    """What the generator reads of ``simulation.domains.SimulatedYear`` (not imported: ``domains`` lists it)."""

    year: int
    scale: float
    enterprises: list[Enterprise]

    def rng(self, domain: str) -> np.random.Generator: ...


RD_CHAINS = {"sensor", "new_material", "hydrogen_storage", "life_health", "info_security", "equipment"}


def _user(username: str, unit_code: str, name: str) -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={
        "role": Role.DATA_OFFICER, "org_unit": OrgUnit.objects.get(code=unit_code), "display_name": name,
        "is_synthetic": True})
    return user


def _working_day(day: dt.date, after: int) -> dt.date:
    return calendar().nth_workday_after(day, after)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


# --- 1. facts ------------------------------------------------------------------------------------------------

def _figures(rng: np.random.Generator, year: int, enterprises: list[Enterprise], moment: dt.datetime) -> int:
    chains = defaultdict(set)
    for enterprise_id, code in Enterprise.chains.through.objects.values_list("enterprise_id",
                                                                             "industrialchain__code"):
        chains[enterprise_id].add(code)
    rows = []
    for e in enterprises:
        if rng.random() > REPORTING:
            continue
        median, spread = REVENUE.get(e.size, REVENUE[""])
        revenue = float(median * rng.lognormal(0.0, spread))
        research = RD_CHAINS & chains[e.pk]
        rd_share = rng.uniform(0.03, 0.10) if research else rng.uniform(0.002, 0.03)
        low, high = EMPLOYEES.get(e.size, EMPLOYEES[""])
        people = int(rng.integers(low, high))
        growth = float(rng.lognormal(0.1, 0.2))
        for y, factor in ((year - 1, 1.0), (year - 2, 1 / growth)):
            value = revenue * factor
            rows.append({
                "enterprise_id": e.pk, "year": y, "revenue": Decimal(f"{value:.2f}"),
                "rd_spending": Decimal(f"{value * rd_share:.2f}"), "employees": max(1, int(people * factor)),
                "tax_paid": Decimal(f"{value * rng.uniform(0.02, 0.06):.2f}"), "source": "统计联网直报（模拟）",
                "is_synthetic": True, "recorded_at": moment})
    insert_many(AnnualFigures, rows)
    return len(rows)


# --- 3. the rules over the registry --------------------------------------------------------------------------

@dataclass
class Candidate:
    item: BenefitItem
    enterprise_id: int
    on: dt.date
    amount: int
    evaluation: engine.Evaluation
    item_index: int
    row: int

    def trace(self) -> dict[str, Any]:
        """Explained only for the candidates that become decisions."""
        return self.evaluation.explain(self.item_index, self.row)


def _candidates(year: int, ids: list[int]) -> list[Candidate]:
    seen: set[tuple[int, int]] = set()
    out = []
    facts = facts_load(ids, years=[year - 1, year - 2])  # the same facts all year (the figures of the years before)
    for month, day in EVALUATIONS:
        on = dt.date(year, month, day)
        items = selectors.items_in_force(on)
        evaluation = engine.evaluation_run(items, ids, on=on, trace=True, facts=facts)
        for index, (item, outcome) in enumerate(zip(items, evaluation.outcomes, strict=True)):
            for row in np.flatnonzero(outcome.eligible & (outcome.amount > 0)).tolist():
                if (item.pk, ids[row]) not in seen:
                    seen.add((item.pk, ids[row]))
                    out.append(Candidate(item, ids[row], on, int(outcome.amount[row]), evaluation, index, row))
    return out


# --- 4. who takes it up --------------------------------------------------------------------------------------

def _payable(candidates: list[Candidate]) -> dict[int, list[Candidate]]:
    """Per enterprise, what it would be paid if it took everything up: one item per 不重复享受 group (the
    larger amount, then the earlier)."""
    by_enterprise: dict[int, dict[str, Candidate]] = defaultdict(dict)
    for c in candidates:
        key = c.item.exclusive_group or f"item:{c.item.pk}"
        kept = by_enterprise[c.enterprise_id].get(key)
        if kept is None or c.amount > kept.amount:
            by_enterprise[c.enterprise_id][key] = c
    return {e: sorted(kept.values(), key=lambda c: (c.on, c.item.code)) for e, kept in by_enterprise.items()}


def _offer(cs: list[Candidate]) -> list[Candidate]:
    """What an enterprise takes up: its 免申即享 matches when it has any (it confirms them), else the 快申快享 items
    it could apply for."""
    return [c for c in cs if c.item.route == BenefitItem.Route.AUTO] or cs


def _by_policy(cs: list[Candidate]) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for c in cs:
        out[c.item.clause.policy_id] += c.amount
    return out


def _choose(rng: np.random.Generator, payable: dict[int, list[Candidate]], *, count: int, target: int,
            budgets: dict[int, int]) -> dict[int, list[Candidate]]:
    """``count`` enterprises and what each takes up (``_offer``), adding up to about ``target`` fen: every policy
    paying at least one when any enterprise qualifies for it (an enterprise may apply for that one besides
    confirming its matches), no policy-year above its budget, and ``TAKE_UP`` of the enterprises told of a
    免申即享 match confirming it (the rest of the count applies for 快申快享 items)."""
    offers = {e: _offer(cs) for e, cs in payable.items()}
    value = {e: sum(c.amount for c in cs) for e, cs in offers.items()}
    amounts = {e: _by_policy(cs) for e, cs in offers.items()}
    matched = {e for e, cs in offers.items() if cs[0].item.route == BenefitItem.Route.AUTO}
    spent: dict[int, int] = defaultdict(int)
    chosen: dict[int, list[Candidate]] = {}

    def fits(add: int, drop: int | None = None) -> bool:
        for policy_id, amount in amounts[add].items():
            taken = amounts[drop].get(policy_id, 0) if drop is not None else 0
            if spent[policy_id] - taken + amount > budgets.get(policy_id, 0):
                return False
        return True

    def take(e: int, sign: int = 1) -> None:
        for policy_id, amount in amounts[e].items():
            spent[policy_id] += sign * amount
        if sign > 0:
            chosen[e] = offers[e]
        else:
            del chosen[e]

    holders: dict[int, list[int]] = defaultdict(list)
    for e in sorted(payable):
        for policy_id in _by_policy(payable[e]):
            holders[policy_id].append(e)
    locked: set[int] = set()
    for policy_id in sorted(holders, key=lambda p: len(holders[p])):  # the rarest first
        if any(policy_id in amounts[e] for e in chosen) or len(chosen) >= count:
            continue
        for e in sorted(holders[policy_id], key=lambda e: value[e]):  # the smallest, to leave room for the target
            if e in chosen:
                continue
            extra = [c for c in payable[e] if c.item.clause.policy_id == policy_id and c not in offers[e]]
            offers[e], amounts[e] = offers[e] + extra, _by_policy(offers[e] + extra)
            if fits(e):
                value[e] = sum(c.amount for c in offers[e])
                take(e)
                locked.add(e)
                break
            offers[e], amounts[e] = _offer(payable[e]), _by_policy(_offer(payable[e]))
    confirming = min(count, round(TAKE_UP * len(matched)))
    for e in rng.permutation(sorted(matched - set(chosen))).tolist():
        if len(chosen) >= count or len(matched.intersection(chosen)) >= confirming:
            break
        if fits(e):
            take(e)
    pool = [e for e in rng.permutation(sorted(payable)).tolist() if e not in chosen and e not in matched]
    mean = (target - sum(value[e] for e in chosen)) / max(1, count - len(chosen))
    pool.sort(key=lambda e: abs(value[e] - mean) + rng.random())  # near the mean first, at random
    for e in pool:
        if len(chosen) >= count:
            break
        if fits(e):
            take(e)
    # Exchange a chosen enterprise for one left out of the same kind (matched or not) while that brings the total
    # nearer the target, so the count and the take-up stay as they are.
    total = sum(value[e] for e in chosen)
    inside = {kind: [e for e in chosen if e not in locked and (e in matched) == kind] for kind in (True, False)}
    outside = {kind: [e for e in offers if e not in chosen and (e in matched) == kind] for kind in (True, False)}
    for _ in range(40_000):
        if abs(total - target) <= target // 2000:
            break
        kind = bool(rng.integers(2))
        if not inside[kind] or not outside[kind]:
            kind = not kind
            if not inside[kind] or not outside[kind]:
                break
        i, o = int(rng.integers(len(inside[kind]))), int(rng.integers(len(outside[kind])))
        drop, add = inside[kind][i], outside[kind][o]
        delta = value[add] - value[drop]
        if abs(total + delta - target) < abs(total - target) and fits(add, drop):
            take(drop, -1)
            take(add)
            inside[kind][i], outside[kind][o] = add, drop
            total += delta
    return chosen


# --- 5. the workflow -----------------------------------------------------------------------------------------

def _paths(rng: np.random.Generator, year: int, candidates: list[Candidate], chosen: dict[int, list[Candidate]],
           ) -> tuple[list[bulk.DecisionPath], list[bulk.PlannedNotice], list[bulk.PlannedBatch]]:
    taken = {id(c) for cs in chosen.values() for c in cs}
    notices, batches = {}, {}
    for n, (month, day) in enumerate(EVALUATIONS, start=1):
        on = dt.date(year, month, day)
        published = _working_day(on, 10)
        until = _working_day(published, services.NOTICE_WORKING_DAYS)
        cleared = _working_day(until, 1)
        notices[on] = bulk.PlannedNotice(f"{year} 年第 {n} 批惠企政策兑现公示", _at(published, 10), _at(cleared, 9))
        batches[on] = bulk.PlannedBatch(_at(_working_day(cleared, 1), 15))
    paths = []
    for c in candidates:
        auto = c.item.route == BenefitItem.Route.AUTO
        if not auto and id(c) not in taken:
            continue  # 快申快享: only the enterprises that apply have a decision
        created = _at(c.on, 10 if auto else 11)  # a 快申快享 application on the day the rules found it eligible
        path = bulk.DecisionPath(item=c.item, enterprise_id=c.enterprise_id, evaluated_on=c.on,
                                 amount_fen=c.amount, trace=c.trace(), created_at=created)
        if id(c) in taken:
            decided_day = _working_day(created.astimezone(SHANGHAI).date(), int(rng.integers(1, 6)))
            path.decided_at = _at(decided_day, 14)
            path.bank_name = BANKS[c.enterprise_id % len(BANKS)]
            path.bank_account = f"62220{c.enterprise_id:011d}"
            path.notice, path.batch = notices[c.on], batches[c.on]
            if not auto:
                path.materials = list(c.item.materials)
        paths.append(path)
    paths.sort(key=lambda p: (p.created_at, p.item.code, p.enterprise_id))
    used = {id(p.notice) for p in paths if p.notice is not None}
    return (paths, [n for n in notices.values() if id(n) in used],
            [b for b in batches.values() if any(p.batch is b for p in paths)])


def _live_cases(rng: np.random.Generator, year: int, officer: User, candidates: list[Candidate],
                chosen: dict[int, list[Candidate]]) -> int:
    """Through the services at the end of the year: two refused applications, and a supplementary notice of
    three confirmed matches with one objection upheld and one dismissed."""
    done = 0
    last = dt.date(year, *EVALUATIONS[-1])
    applied = {(d.item_id, d.enterprise_id) for d in Decision.objects.filter(year=year)}
    open_apply = [c for c in candidates if c.item.route == BenefitItem.Route.APPLY
                  and c.enterprise_id not in chosen and (c.item.pk, c.enterprise_id) not in applied]
    day = _working_day(last, 2)
    with clock.frozen(_at(day, 10)):
        for c in open_apply[:2]:
            decision = services.application_submit(actor=officer, item=c.item, enterprise=Enterprise.objects.get(
                pk=c.enterprise_id), materials=list(c.item.materials), bank_name=BANKS[0],
                bank_account=f"62220{c.enterprise_id:011d}")
            services.application_decide(actor=officer, decision=decision, approve=False,
                                        reason="经核查，提交的证明材料与部门共享数据不一致")
            done += 1
    matched = list(Decision.objects.filter(year=year, status=Decision.Status.MATCHED).exclude(
        enterprise_id__in=list(chosen)).order_by("number")[:3])
    if len(matched) < 3:
        return done
    with clock.frozen(_at(_working_day(day, 1), 10)):
        for d in matched:
            services.decision_confirm(actor=officer, decision=d, bank_name=BANKS[1],
                                      bank_account=f"62220{d.enterprise_id:011d}")
        notice = services.notice_publish(actor=officer, decisions=matched, title=f"{year} 年惠企政策兑现补充公示",
                                         is_synthetic=True)
    received = _working_day(notice.published_on, 2)
    with clock.frozen(_at(received, 16)):
        upheld = services.objection_record(actor=officer, decision=matched[0], objector="实名举报人（模拟）",
                                           text="该企业上年度研发费用归集不实", received_on=received)
        dismissed = services.objection_record(actor=officer, decision=matched[1], objector="匿名（模拟）",
                                              text="怀疑企业不符合条件", received_on=received)
        services.objection_handle(actor=officer, objection=upheld, upheld=True,
                                  answer="经核查研发费用归集有误，取消兑现资格")
        services.objection_handle(actor=officer, objection=dismissed, upheld=False, answer="经核查企业符合条件")
    close_on = _working_day(notice.objection_until, 1)
    with clock.frozen(_at(close_on, 9)):
        services.notice_close(actor=officer, notice=notice, on=close_on)
    return done + 3


def generate(year: SimulatedYear) -> dict[str, int]:
    rng = year.rng("policies")
    officer = _user("sim-qfw", "GX-D14", "企业服务局政策兑现科（模拟）")
    finance = _user("sim-czj", "GX-D12", "财政金融局（模拟）")
    enterprises = year.enterprises or list(Enterprise.objects.filter(is_synthetic=True).order_by("pk"))
    ids = sorted(e.pk for e in enterprises)
    with clock.frozen(_at(dt.date(year.year, 1, 3), 9)):
        figures = _figures(rng, year.year, enterprises, clock.now())
        services.catalog_load(actor=officer)
    candidates = _candidates(year.year, ids)
    payable = _payable(candidates)
    budgets = dict(Budget.objects.filter(year=year.year).values_list("policy_id", "amount_fen"))
    chosen = _choose(rng, payable, count=min(scaled(ENTERPRISES, year.scale), len(payable)),
                     target=round(PAID_FEN * year.scale), budgets=budgets)
    paths, notices, batches = _paths(rng, year.year, candidates, chosen)
    bulk.notices_create(actor=officer, notices=notices, is_synthetic=True)
    bulk.batches_create(actor=finance, batches=batches, paths=paths, is_synthetic=True)
    written = bulk.decisions_many(officer=officer, finance=finance, paths=paths, year=year.year, is_synthetic=True)
    live = _live_cases(rng, year.year, officer, candidates, chosen)
    return {"annual_figures": figures, "policy_decisions": written + live, "policy_enterprises_paid": len(chosen),
            "policy_notices": len(notices), "policy_batches": len(batches)}

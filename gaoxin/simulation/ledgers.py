"""The ledgers' (台账) side of the year: the shipped ledger definitions loaded, and every ledger filled by its
units through the year through the ledger services — submitted around each period's due day (some late), reviewed
by the owner department (some returned with a reason, corrected and submitted again), approved — so that the
figures computed over the ledgers come out at the seed's values (``SEED``: full-year totals, whatever the scale:
a ledger holds a few hundred rows of totals, not one row per person served)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

import numpy as np

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import Role
from gaoxin.cases.models import Case
from gaoxin.core.calendar import SHANGHAI
from gaoxin.ledgers import bulk, periods, policy, services
from gaoxin.ledgers.models import Ledger, LedgerVersion
from gaoxin.ledgers.shipped import ledgers_load

STREETS = ["GX-S01", "GX-S02", "GX-S03", "GX-S04", "GX-S05", "GX-S06"]
LATE_SHARE = 0.1
RETURNED_SHARE = 0.08
RETURN_REASONS = ["佐证材料不全，请补充后重新报送", "数据与上期口径不一致，请核实", "填报单位与统计期有误，请核对"]

Row = tuple[str, dt.date, dict[str, Any]]


class Year(Protocol):
    """What the generator reads of ``simulation.domains.SimulatedYear`` (not imported: domains lists us)."""

    year: int
    end: dt.datetime

    def rng(self, domain: str) -> np.random.Generator: ...  # filling unit, period start, values as typed


def split(total: int, weights: np.ndarray) -> list[int]:
    """``total`` in whole parts in proportion to ``weights`` (largest remainder): the parts add up exactly."""
    raw = weights / weights.sum() * total
    parts = np.floor(raw).astype(np.int64)
    for i in np.argsort(-(raw - parts), kind="stable")[: total - int(parts.sum())]:
        parts[i] += 1
    return [int(p) for p in parts]


def _yuan(fen: int) -> str:
    return str(Decimal(fen) / 100)


class _Year:
    def __init__(self, year: int, rng: np.random.Generator) -> None:
        self.year = year
        self.rng = rng

    def weights(self, n: int) -> np.ndarray:
        return self.rng.dirichlet(np.full(n, 8.0))

    def cells(self, units: list[str], period: str) -> list[tuple[str, dt.date]]:
        return [(u, s) for u in units for s in periods.starts(period, self.year)]

    def totals(self, units: list[str], period: str, totals: dict[str, int],
               fixed: Callable[[str, dt.date], dict[str, Any]] | None = None,
               money: tuple[str, ...] = ()) -> list[Row]:
        """One row per unit and period, each field of ``totals`` split over them in the same proportions."""
        cells = self.cells(units, period)
        w = self.weights(len(cells))
        parts = {name: split(total, w) for name, total in totals.items()}
        rows = []
        for i, (unit, start) in enumerate(cells):
            values: dict[str, Any] = {n: (_yuan(p[i]) if n in money else p[i]) for n, p in parts.items()}
            rows.append((unit, start, {**values, **(fixed(unit, start) if fixed else {})}))
        return rows

    def day_in(self, start: dt.date, period: str) -> str:
        _, end = periods.bounds(period, start)
        return (start + dt.timedelta(days=int(self.rng.integers((end - start).days)))).isoformat()


def _rows(y: _Year) -> dict[str, list[Row]]:
    """Every shipped ledger's rows for the year (full-year totals of the seed)."""
    year = y.year
    jan = dt.date(year, 1, 1)
    out: dict[str, list[Row]] = {}
    # 21.4亿元 of livelihood spending, 55.1 % of a general budget expenditure of 38.84亿元 (in 分).
    out["livelihood_budget"] = y.totals(["GX-D12"], "quarterly", {
        "general_budget": 388_400_000_000, "livelihood_spending": 214_000_000_000},
        money=("general_budget", "livelihood_spending"))
    # 15 保交楼 projects: 7 with a special loan delivering all their 5,564 units; 3 交房即发证.
    loan_units = split(5_564, y.weights(7))
    projects = []
    for n in range(15):
        special = n < 7
        planned = loan_units[n] if special else int(y.rng.integers(200, 900))
        delivered = planned if special else int(planned * y.rng.uniform(0.4, 0.95))
        projects.append(("GX-D02", jan, {
            "project": f"高新区保交楼项目{n + 1:02d}", "special_loan": "yes" if special else "no",
            "units_planned": planned, "units_delivered": delivered,
            "deed_on_delivery": "yes" if n in (1, 4, 9) else "no",
            "location": f"{34.80 + y.rng.uniform(0, 0.06):.5f} {113.52 + y.rng.uniform(0, 0.06):.5f}"}))
    out["guaranteed_delivery"] = projects
    out["resettlement"] = y.totals(STREETS, "quarterly", {"area": 1_160_000, "residents": 12_000})
    out["utilities"] = y.totals(["GX-D02"], "quarterly", {
        "water_capacity": 40_000, "heating_area": 1_300_000, "gas_users": 28_000})
    out["substations"] = [
        ("GX-D02", jan, {"name": "科学大道110千伏变电站", "voltage": "110kv", "in_service": "yes",
                         "in_service_on": f"{year}-06-28"}),
        ("GX-D02", jan, {"name": "冬青街110千伏变电站", "voltage": "110kv", "in_service": "yes",
                         "in_service_on": f"{year}-11-15"}),
        ("GX-D02", jan, {"name": "枫杨220千伏变电站", "voltage": "220kv", "in_service": "no"}),
    ]
    out["water_switch"] = y.totals(STREETS, "yearly", {"communities": 45, "beneficiaries": 810_000})
    months = sorted(int(m) for m in y.rng.choice(np.arange(1, 13), size=27, replace=True))
    jobs = split(54_000, y.weights(27))
    fairs = split(27 * 40, y.weights(27))
    out["employment_events"] = [
        ("GX-D13", dt.date(year, m, 1), {
            "name": f"“春风行动”等就业服务活动第{i + 1}场", "held_on": y.day_in(dt.date(year, m, 1), "monthly"),
            "enterprises": fairs[i], "jobs_offered": jobs[i]}) for i, m in enumerate(months)]
    out["new_jobs"] = y.totals(STREETS, "monthly", {"new_jobs": 5_573})
    out["skills_training"] = y.totals(["GX-D13"], "quarterly", {"trainees": 40_000, "new_skilled": 25_000})
    places = split(8_400, y.weights(6))
    kinds = [("school", "public")] * 4 + [("kindergarten", "public"), ("kindergarten", "private")]
    names = ["高新区第一实验小学", "枫杨中学", "双桥小学", "须水初级中学", "梧桐公办幼儿园", "沟赵民办幼儿园"]
    out["schools"] = [("GX-D09", jan, {"name": names[i], "category": c, "ownership": o,
                                       "opened_on": f"{year}-09-01", "places": places[i]})
                      for i, (c, o) in enumerate(kinds)]
    out["health_centers"] = [
        ("GX-D09", jan, {"name": "石佛社区卫生服务中心", "government_led": "yes", "opened_on": f"{year}-05-20"}),
        ("GX-D09", jan, {"name": "枫杨社区卫生服务中心", "government_led": "yes", "opened_on": f"{year}-10-08"}),
        ("GX-D09", jan, {"name": "梧桐民营社区诊所", "government_led": "no", "opened_on": f"{year}-07-01"}),
    ]
    out["home_care"] = y.totals(STREETS, "monthly", {"services": 20_000})
    out["elderly_allowance"] = y.totals(STREETS, "quarterly", {"recipients": 4_800 * 4, "amount": 517_400_000},
                                        money=("amount",))
    out["fitness_facilities"] = y.totals(STREETS, "yearly", {"planned": 500, "completed": 493})
    out["party_study"] = y.totals(STREETS, "monthly", {"sessions": 2_055, "attendees": 61_650})
    posts = []
    for kind, total in (("area", 1_480), ("post", 742)):
        posts += [(u, s, {"kind": kind, **v}) for u, s, v in y.totals(STREETS, "yearly", {"count": total})]
    out["party_posts"] = posts
    out["practical_deeds"] = _with_cases(y, y.totals(STREETS, "monthly", {"deeds": 3_130}))
    out["role_models"] = y.totals(STREETS, "yearly", {"people": 483})
    out["lectures"] = y.totals(["GX-D15"], "quarterly", {"cadre_lectures": 33, "party_lectures": 28})
    out["research"] = y.totals(["GX-D15"], "quarterly", {"trips": 80, "reports": 34, "proposals": 90})
    out["guidance_visits"] = y.totals(["GX-D15"], "monthly", {"visits": 457})
    out["hydrogen_facilities"] = [
        ("GX-D10", s, {"facility": "金马氢能加氢站", "daily_capacity": c, "trucks_served": t})
        for s, c, t in zip(periods.starts("quarterly", year), (2000, 3000, 4000, 4000), (45, 70, 100, 100),
                           strict=True)]
    out["industrial_chains"] = [
        ("GX-D10", jan, {"chain": "智能传感器", "first_batch": "yes"}),
        ("GX-D10", jan, {"chain": "新材料", "first_batch": "yes"}),
        ("GX-D10", jan, {"chain": "生物医药", "first_batch": "no"}),
    ]
    return out


def _with_cases(y: _Year, rows: list[Row]) -> list[Row]:
    """Some deeds were cases: a third of the months name up to two cases the street closed that month (the cases
    assigned to it, which its filler may see)."""
    units = {code: list(OrgUnit.objects.filter(path__startswith=path).values_list("pk", flat=True))
             for code, path in OrgUnit.objects.filter(code__in=STREETS).values_list("code", "path")}
    out = []
    for unit, start, values in rows:
        if y.rng.random() < 1 / 3:
            _, end = periods.bounds("monthly", start)
            numbers = list(Case.objects.filter(
                assignee_id__in=units[unit], closed_at__gte=dt.datetime.combine(start, dt.time(), SHANGHAI),
                closed_at__lt=dt.datetime.combine(end, dt.time(), SHANGHAI)).order_by("number").values_list(
                "number", flat=True)[:2])
            if numbers:
                values = {**values, "case_numbers": "、".join(numbers)}
        out.append((unit, start, values))
    return out


class _Users:
    """The synthetic filler of each unit and reviewer of each owner department (``DATA_OFFICER`` accounts without
    a usable password: nobody logs in as them), created once."""

    def __init__(self) -> None:
        self.found = {u.username: u for u in User.objects.filter(username__startswith="ledger_")}

    def get(self, username: str, unit: OrgUnit, display: str) -> User:
        if username not in self.found:
            user = User(username=username, role=Role.DATA_OFFICER, org_unit=unit, display_name=display,
                        is_synthetic=True)
            user.set_unusable_password()
            user.save()
            self.found[username] = user
        return self.found[username]


def _moments(y: _Year, due: dt.date, end: dt.datetime) -> Iterator[dt.datetime]:
    """Submission, then review moments: around the due day (a share late), never after the year's end."""
    late = y.rng.random() < LATE_SHARE
    days = int(y.rng.integers(1, 12)) if late else -int(y.rng.integers(0, 8))
    at = dt.datetime.combine(due + dt.timedelta(days=days), dt.time(9 + int(y.rng.integers(0, 8))),
                             tzinfo=SHANGHAI)
    limit = end - dt.timedelta(hours=30)
    at = min(at, limit - dt.timedelta(hours=int(y.rng.integers(0, 48))))
    while True:
        yield at
        at = min(at + dt.timedelta(hours=int(y.rng.integers(2, 30))), end - dt.timedelta(minutes=5))


@dataclass(frozen=True)
class Planned:
    """One ledger's year: its entries' histories as the units and the owner department lived them (the values
    checked), and the values as the units typed them (for the services, which check them again)."""

    ledger: Ledger
    version: LedgerVersion
    histories: list[bulk.History]
    typed: list[dict[str, Any]]


def plan(year: Year, rng: np.random.Generator) -> list[Planned]:
    """Every shipped ledger's entries of ``year`` with the moves of each (created and submitted around the due day,
    a share returned with a reason, saved and submitted again, approved), the values checked and the fillers
    allowed as the services check them."""
    y = _Year(year.year, rng)
    units = {u.code: u for u in OrgUnit.objects.all()}
    users = _Users()
    out = []
    for code, ledger_rows in _rows(y).items():
        ledger = Ledger.objects.select_related("current_version", "owner").get(code=code)
        version = ledger.current_version
        assert version is not None
        reviewer = users.get(f"ledger_review_{ledger.owner.code}", ledger.owner, f"{ledger.owner.name}台账审核员")
        histories = []
        typed = []
        for unit_code, start, values in ledger_rows:
            unit = units[unit_code]
            filler = users.get(f"ledger_fill_{unit_code}", unit, f"{unit.name}台账填报员")
            policy.check(policy.may_fill(filler, version.fillers, unit), f"{unit.name}不是{ledger.name}的填报单位")
            checked = services.check_entry_values(version, values, actor=filler, complete=True)
            checked.raise_first()
            moments = _moments(y, _due(ledger, start), year.end)
            moves = [bulk.Move("create", at := next(moments), filler), bulk.Move("submit", at, filler)]
            if y.rng.random() < RETURNED_SHARE:
                returned_at = next(moments)  # drawn before the reason, as when this went through the services
                reason = RETURN_REASONS[int(y.rng.integers(len(RETURN_REASONS)))]
                moves.append(bulk.Move("return", returned_at, reviewer, reason))
                moves += [bulk.Move("save", at := next(moments), filler), bulk.Move("submit", at, filler)]
            moves.append(bulk.Move("approve", next(moments), reviewer))
            histories.append(bulk.History(unit, start, checked.values, moves))
            typed.append(values)
        out.append(Planned(ledger, version, histories, typed))
    return out


def generate(year: Year) -> dict[str, int]:
    ledgers_load(synthetic=True)
    planned = plan(year, year.rng("ledgers"))
    counts = {"entries": 0, "returned": 0, "late": 0, "deeds_with_cases": 0}
    for p in planned:
        entries = bulk.entries_write_many(ledger=p.ledger, version=p.version, histories=p.histories,
                                          synthetic=True)
        counts["entries"] += len(entries)
        counts["returned"] += sum(1 for h in p.histories if any(m.action == "return" for m in h.moves))
        counts["late"] += sum(1 for e in entries if e.is_late)
        if p.ledger.code == "practical_deeds":
            counts["deeds_with_cases"] = sum(1 for h in p.histories if h.values.get("case_numbers"))
    return counts


def _due(ledger: Ledger, start: dt.date) -> dt.date:
    version = ledger.current_version
    assert version is not None
    _, end = periods.bounds(version.period, start)
    return periods.due_date(end, version.due_day)

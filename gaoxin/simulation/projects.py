"""The zone's 2023 key projects and land (重大项目, 一码管地), written through the domains' services so that every
identity, gate and topology rule holds, and calibrated so that the figures come out at the seed's values scaled:
F011 signed 434.6亿, F012 new starts' investment 348.2亿, F013 58 key projects with F014 228.1亿 completed
against 222.5亿 of plans (F015 102.5 %), X001 2,640 亩 of industrial land supplied (F061 44 % of the city's
6,000, F062 first), F060 one day from the land contract to the four permits (一天发四证).

Three groups of projects: new starts of the year (each with a 2023 contract, an industrial parcel supplied in
2023, its four permits and its start, then monthly reports from the start), continued projects (contract, land,
permits and start in 2021–2022, reports from January) and projects only signed in 2023. The key projects are
the first of the continued and then of the new starts. Every amount is split in whole cents (万元 × 100), so
the sums are exact."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

import numpy as np
import shapely

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core.calendar import SHANGHAI
from gaoxin.enterprises.models import Enterprise
from gaoxin.grids import geometry
from gaoxin.land import services as land_services
from gaoxin.land import unitcode
from gaoxin.land.models import M2_PER_MU, LandSupply, Parcel, Permit
from gaoxin.projects import bulk, casebridge, identities, policy, services, workflow
from gaoxin.projects.models import Project, ProjectProblem
from gaoxin.simulation.calibration import scaled


class SimulatedYear(Protocol):
    """What the generator reads of ``simulation.domains.SimulatedYear`` (which lists this generator)."""

    year: int
    scale: float
    enterprises: list[Enterprise]

    def rng(self, domain: str) -> np.random.Generator: ...

# Full-year targets (seed/figures.csv), in 万元 and 亩.
SIGNED = 4_346_000  # F011 434.6亿
NEW_START_INVESTMENT = 3_482_000  # F012 348.2亿
KEY_PROJECTS = 58  # F013
KEY_COMPLETED = 2_281_000  # F014 228.1亿
KEY_PLAN = 2_225_000  # F015: 228.1 ÷ 222.5 = 102.5 %
INDUSTRIAL_MU = 2_640  # X001 (F061 44 % of the city's 6,000 亩, F062 first of eight)
ONE_DAY_PARCELS = 8  # 一天发四证 (F060 = 1)
NEW_STARTS, CONTINUED, SIGNED_ONLY = 45, 40, 35
LATE_REPORT_SHARE = 0.06
PROJECT_PROBLEMS = 12  # problems raised by the stewards at the year's end (full scale)
CELL_DEG = 0.008  # the lattice the parcels are laid on (about 730 m × 885 m), one parcel per cell


def split_cents(total_cents: int, weights: np.ndarray) -> list[int]:
    """``total_cents`` in parts proportional to ``weights``, each at least 1 cent when possible, summing
    exactly (largest remainders)."""
    n = len(weights)
    if n == 0:
        return []
    w = np.asarray(weights, dtype=np.float64)
    w = w / w.sum()
    floor_total = max(total_cents - n, 0)
    raw = w * floor_total
    parts = np.floor(raw).astype(np.int64)
    remainder = floor_total - int(parts.sum())
    order = np.argsort(-(raw - parts), kind="stable")
    parts[order[:remainder]] += 1
    parts += 1 if total_cents >= n else 0
    return [int(p) for p in parts]


def money(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@dataclass
class Plan:
    group: str  # new / continued / signed
    key: bool = False
    total: int = 0  # cents of 万元
    plan: int = 0
    ytd: int = 0
    prior: int = 0
    contract: int = 0
    contract_on: dt.date | None = None
    parcel_mu: float = 0.0
    started_on: dt.date | None = None
    one_day: bool = False
    extra: dict[str, object] = field(default_factory=dict)


def _cells(zone: shapely.Geometry, n: int, rng: np.random.Generator) -> list[tuple[float, float]]:
    """``n`` distinct lattice cells lying wholly inside the zone and clear of the parcels on record (another
    simulated year's): their south-west corners."""
    min_x, min_y, max_x, max_y = zone.bounds
    xs = np.arange(min_x, max_x - CELL_DEG, CELL_DEG)
    ys = np.arange(min_y, max_y - CELL_DEG, CELL_DEG)
    mx, my = np.meshgrid(xs, ys)
    gx, gy = mx.ravel(), my.ravel()
    boxes = shapely.box(gx, gy, gx + CELL_DEG, gy + CELL_DEG)
    shapely.prepare(zone)
    free = shapely.covers(zone, boxes)
    taken = [geometry.to_shape(g) for g in Parcel.objects.values_list("geometry", flat=True).iterator()]
    if taken:
        hit = shapely.STRtree(boxes).query(taken, predicate="intersects")[1]
        free[hit] = False
    inside = np.flatnonzero(free)
    if len(inside) < n:
        raise RuntimeError(f"辖区内可布置宗地的网格不足：需要 {n}，只有 {len(inside)}")
    chosen = rng.choice(inside, size=n, replace=False)
    return [(float(gx[i]), float(gy[i])) for i in chosen]


def _square(corner: tuple[float, float], area_m2: float, rng: np.random.Generator) -> dict[str, object]:
    side = math.sqrt(area_m2)
    lat_c = corner[1] + CELL_DEG / 2
    w = side / geometry.metres_per_deg_lon(lat_c)
    h = side / geometry.METRES_PER_DEG_LAT
    if w >= CELL_DEG * 0.95 or h >= CELL_DEG * 0.95:
        raise RuntimeError(f"宗地过大：{area_m2:.0f} 平方米")
    x0 = corner[0] + (CELL_DEG - w) * float(rng.uniform(0.1, 0.9))
    y0 = lat_c - h / 2
    return geometry.to_geojson(shapely.box(x0, y0, x0 + w, y0 + h))


def _day(rng: np.random.Generator, year: int, first_month: int, last_month: int) -> dt.date:
    start = dt.date(year, first_month, 1)
    end = dt.date(year + last_month // 12, last_month % 12 + 1, 1)
    return start + dt.timedelta(days=int(rng.integers(0, (end - start).days)))


def plans_for(year: SimulatedYear, rng: np.random.Generator) -> list[Plan]:
    s, y = year.scale, year.year
    n_new, n_cont, n_signed = scaled(NEW_STARTS, s), scaled(CONTINUED, s), scaled(SIGNED_ONLY, s)
    n_key = min(scaled(KEY_PROJECTS, s), n_new + n_cont)
    plans = ([Plan("continued") for _ in range(n_cont)] + [Plan("new") for _ in range(n_new)]
             + [Plan("signed") for _ in range(n_signed)])
    keys = plans[:n_key]
    for p in keys:
        p.key = True
    weights = rng.uniform(0.6, 1.4, size=n_key)
    for p, ytd, plan in zip(keys, split_cents(round(KEY_COMPLETED * 100 * s), weights),
                            split_cents(round(KEY_PLAN * 100 * s), weights), strict=True):
        p.ytd, p.plan = ytd, plan
    news = [p for p in plans if p.group == "new"]
    # New starts: totals sum to F012, each at least its key year's completion.
    floor = sum(p.ytd for p in news)
    rest = round(NEW_START_INVESTMENT * 100 * s) - floor
    for p, extra in zip(news, split_cents(rest, rng.uniform(0.5, 1.5, size=len(news))), strict=True):
        p.total = p.ytd + extra
        if not p.key:
            p.plan = int(p.total * rng.uniform(0.3, 0.6))
            p.ytd = int(p.plan * rng.uniform(0.6, 1.1))
    for p in plans:
        if p.group == "continued":
            if not p.key:
                p.plan = int(rng.uniform(5_000, 40_000) * 100 * max(s, 0.05))
                p.ytd = int(p.plan * rng.uniform(0.6, 1.1))
            p.prior = int(max(p.plan, p.ytd) * rng.uniform(0.5, 2.0))
            p.total = p.prior + int(max(p.plan, p.ytd) * rng.uniform(1.2, 2.5))
    signers = [p for p in plans if p.group in ("new", "signed")]
    for p, amount in zip(signers, split_cents(round(SIGNED * 100 * s), rng.uniform(0.5, 1.5, size=len(signers))),
                         strict=True):
        p.contract = amount
        if p.group == "signed":
            p.total = amount
    # Dates: new starts sign in January–August, take their land within three weeks, start on the fourth permit.
    fast = set(range(min(scaled(ONE_DAY_PARCELS, s), len(news))))
    area_weights = rng.uniform(0.7, 1.3, size=len(news))
    for i, (p, mu) in enumerate(zip(news, area_weights / area_weights.sum() * INDUSTRIAL_MU * s, strict=True)):
        p.contract_on = _day(rng, y, 1, 8)
        p.parcel_mu = float(mu)
        p.one_day = i in fast
    for p in plans:
        if p.group == "continued":
            p.contract_on = _day(rng, y - 2, 1, 12)
            p.parcel_mu = float(rng.uniform(20, 80))
        elif p.group == "signed":
            p.contract_on = _day(rng, y, 1, 11)
    return plans


def generate(year: SimulatedYear) -> dict[str, int]:
    rng = year.rng("projects")
    y = year.year
    investment = User.objects.get(username="sim_handler_GX-D10_1")
    land = User.objects.get(username="sim_handler_GX-D06_1")
    stewards = list(User.objects.filter(username="steward")) + list(
        User.objects.filter(username__startswith="sim_cadre_GX-D10_").order_by("username"))
    enterprises = year.enterprises or []
    if not enterprises:
        return {}
    plans = plans_for(year, rng)
    zone = land_services.zone_shape()
    with_land = [p for p in plans if p.parcel_mu > 0]
    corners = _cells(zone, len(with_land), rng) if zone is not None and with_land else []
    rows = []
    first = Parcel.objects.count()  # numbers go on after the parcels on record
    for n, (p, corner) in enumerate(zip(with_land, corners, strict=True), start=first + 1):
        code = unitcode.make_unit_code(district=1 + n // 10_000, subdistrict=1 + (n // 1000) % 10,
                                       number=n % 100_000 or 1)
        p.extra["code"] = code
        rows.append(land_services.ParcelInput(code, f"高新区工业用地{n:03d}号", Parcel.UseClass.INDUSTRIAL,
                                              _square(corner, p.parcel_mu * float(M2_PER_MU), rng),
                                              is_synthetic=True))
    land_services.parcels_register(actor=land, rows=rows, at=_moment(dt.date(y - 3, 12, 1)))
    parcels = {p.unit_code: p for p in Parcel.objects.filter(unit_code__in=[r.unit_code for r in rows])}
    counts = {"projects": 0, "contracts": 0, "parcels": len(rows), "supplies": 0, "permits": 0, "reports": 0}
    for n, p in enumerate(plans, start=1):
        investor = enterprises[int(rng.integers(len(enterprises)))]
        steward = stewards[(n - 1) % len(stewards)] if stewards else None  # the demo steward has the first
        level = (Project.Level.PROVINCE if n % 3 == 0 else Project.Level.CITY) if p.key else Project.Level.DISTRICT
        category = {"new": Project.Category.NEW_START, "continued": Project.Category.CONTINUED,
                    "signed": Project.Category.SIGNED}[p.group]
        assert p.contract_on is not None  # noqa: S101 - every plan has a contract date
        registered = p.contract_on - dt.timedelta(days=int(rng.integers(10, 60)))
        project = services.project_register(
            actor=investment, code=f"XM{y}-{n:04d}", name=f"{investor.name[:20]}{category.label}项目{n:03d}",
            investor=investor, chain=investor.chains.order_by("sort_order", "pk").first(), year=y,
            total_investment=money(p.total), annual_plan=money(p.plan),
            prior_cumulative=money(p.prior), level=level, category=category, steward=steward, is_synthetic=True,
            lon=investor.lon, lat=investor.lat, at=_moment(registered))
        counts["projects"] += 1
        amount = p.contract or p.total
        services.contract_sign(actor=investment, project=project, number=f"QY-{project.code}",
                               signed_on=p.contract_on, amount=money(amount), investor=investor, is_synthetic=True,
                               at=_moment(p.contract_on))
        counts["contracts"] += 1
        on = p.contract_on
        project = services.project_advance(actor=investment, project=project, to=workflow.SIGNED, on=on,
                                           at=_moment(on, 11))
        project = services.project_advance(actor=investment, project=project, to=workflow.PREPARATION, on=on,
                                           at=_moment(on, 12))
        if p.group == "signed":
            continue
        parcel = parcels[str(p.extra["code"])]
        services.project_parcels_link(actor=investment, project=project, parcels=[parcel])
        supplied_on = on + dt.timedelta(days=int(rng.integers(3, 21)))
        land_services.supply_record(
            actor=land, parcel=parcel, contract_no=f"TD-{project.code}", contract_date=supplied_on,
            method=LandSupply.Method.AGREEMENT if p.one_day else LandSupply.Method.AUCTION,
            price=money(int(p.parcel_mu * rng.uniform(15, 25) * 100)), land_user=investor, is_custom=p.one_day,
            is_standard=True, is_synthetic=True,
            indicators={"floor_area_ratio": "1.5", "investment_intensity": "300", "output_per_mu": "600",
                        "tax_per_mu": "30"})
        counts["supplies"] += 1
        project = services.project_advance(actor=investment, project=project, to=workflow.LAND, on=supplied_on,
                                           at=_moment(supplied_on, 16))
        day = supplied_on
        permits = []
        for i, kind in enumerate(Permit.Kind.values):
            if not p.one_day and i:
                day = day + dt.timedelta(days=int(rng.integers(1, 15)))
            permits.append((kind, f"{kind[:2].upper()}-{project.code}", day))
        counts["permits"] += len(land_services.permits_issue(actor=land, parcel=parcel, permits=permits,
                                                             is_synthetic=True))
        start = day if p.one_day else day + dt.timedelta(days=int(rng.integers(0, 10)))
        if p.group == "new" and start.year > y:
            start = dt.date(y, 12, 1)
        # The planned start: on time for most, a month or more early (so late) for some.
        late_months = int(rng.choice([0, 0, 0, 0, 1, 2, 3]))
        planned = dt.date(start.year, start.month, 1) - dt.timedelta(days=31 * late_months)
        Project.objects.filter(pk=project.pk).update(planned_start=planned)
        project = services.project_advance(actor=investment, project=project, to=workflow.STARTED, on=start,
                                           at=_moment(start, 17))
        first_month = 1 if start.year < y else start.month
        counts["reports"] += _reports(project, p, year=y, first_month=first_month, rng=rng,
                                      actor=steward or investment)
        project = services.project_advance(actor=investment, project=project, to=workflow.BUILDING,
                                           on=max(start, dt.date(y, first_month, 25)),
                                           at=_moment(max(start, dt.date(y, first_month, 25)), 18))
    for month in range(1, 13):
        month_end = dt.date(y + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        services.lights_compute(year=y, month=month, at=_moment(month_end, 23))
    counts["problems"] = _problems(year, rng)
    return counts


PROBLEMS = {
    ProjectProblem.Kind.LAND: "项目用地尚有部分地上附着物未清表，影响进场施工",
    ProjectProblem.Kind.POWER: "施工用电增容申请尚未批复，需协调供电公司",
    ProjectProblem.Kind.PERMITS: "施工图审查意见反复修改，施工许可办理进度慢",
    ProjectProblem.Kind.FINANCING: "项目贷款审批周期长，需协调银行加快授信",
    ProjectProblem.Kind.FACTORS: "周边市政道路和管网未接通，需协调配套",
}


def _problems(year: SimulatedYear, rng: np.random.Generator) -> int:
    """Problems (要素保障) of some started projects, raised by their stewards as cases (channel ``project``), at the
    year's end: open in the case engine like any new report."""
    categories = casebridge.problem_categories()
    started = list(Project.objects.filter(year=year.year, started_on__isnull=False, is_synthetic=True,
                                          steward__role=Role.SERVICE_CADRE).select_related("steward", "investor")
                   .order_by("code"))
    if not categories or not started:
        return 0
    chosen = rng.choice(len(started), size=min(scaled(PROJECT_PROBLEMS, year.scale), len(started)), replace=False)
    kinds = list(PROBLEMS)
    for i in sorted(int(k) for k in chosen):
        project = started[i]
        kind = kinds[int(rng.integers(len(kinds)))]
        steward = project.steward
        assert steward is not None  # noqa: S101 - filtered above
        services.project_problem_raise(actor=steward, project=project, kind=kind, is_synthetic=True,
                                       category_code=categories[int(rng.integers(len(categories)))].code,
                                       description=PROBLEMS[kind])
    return len(chosen)


def _reports(project: Project, p: Plan, *, year: int, first_month: int, rng: np.random.Generator,
             actor: User) -> int:
    """The project's months from ``first_month``, checked as ``monthly_report_submit`` checks them and written
    through the bulk path (``projects.bulk``)."""
    months = list(range(first_month, 13))
    parts = split_cents(p.ytd, rng.uniform(0.5, 1.5, size=len(months)))
    ytd = 0
    on_record: dict[int, Decimal] = {}
    rows = []
    for month, cents in zip(months, parts, strict=True):
        ytd += cents
        building = ytd * 55 // 100
        installation = ytd * 15 // 100
        equipment = ytd * 20 // 100
        other = ytd - building - installation - equipment
        late = rng.random() < LATE_REPORT_SHARE
        day = int(rng.integers(26, 29)) if late else int(rng.integers(10, 26))
        values = {"this_month": money(cents), "ytd": money(ytd), "since_start": money(p.prior + ytd),
                  "building": money(building), "installation": money(installation),
                  "equipment": money(equipment), "other": money(other)}
        checked = identities.check(values, services.report_context(project, month, on_record))
        checked.raise_first()
        on_record[month] = checked.values["ytd"]
        rows.append(bulk.ReportRow(project=project, year=year, month=month, values=checked.values,
                                   at=_moment(dt.date(year, month, day), 15)))
    policy.check_report(actor, project)
    bulk.monthly_reports_write_many(actor=actor, rows=rows, is_synthetic=True)
    return len(months)

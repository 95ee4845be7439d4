"""The enterprise side of the year: the registry with its qualification awards, 万人助万企 visits, 企业家接待日
sessions, and the problems raised at both (their cases go through the same bulk case path as the grid
events, channels ``enterprise_visit`` / ``reception_day``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db import transaction

from gaoxin.cases.models import Category
from gaoxin.core import calendar
from gaoxin.enterprises.creditcode import credit_code_complete
from gaoxin.enterprises.models import (
    Enterprise,
    EnterpriseNotification,
    EnterpriseProblem,
    IndustrialChain,
    Industry,
    QualificationAward,
    QualificationType,
    ReceptionSession,
    Visit,
)
from gaoxin.enterprises.reference import reference_data_ensure
from gaoxin.grids.basemap import ROADS
from gaoxin.grids.locator import get_locator
from gaoxin.grids.selectors import nearest_road_names
from gaoxin.simulation import calibration as cal
from gaoxin.simulation.intake import names_and_phones
from gaoxin.simulation.lifecycle import KIND_REGISTERED, Intake
from gaoxin.simulation.world import World

NAME_HEADS = list("华中宇新汉威博瑞恒创金天远达科信智安鼎启鸿星光海正云泰明源隆")
NAME_TAILS = ["科技", "电子", "智能", "材料", "生物", "传感", "信息", "能源", "装备", "医疗", "软件", "检测",
              "环保", "数据"]
PROBLEM_TEXT = {
    "EP01": "厂房扩建用地指标不足",
    "EP02": "流动资金贷款审批周期长",
    "EP03": "技术工人招聘困难",
    "EP04": "项目审批手续办理进度慢",
    "EP05": "研发费用补贴尚未兑现",
    "EP06": "园区供电容量不足",
    "EP07": "厂区周边道路通行不便",
    "EP08": "产品市场推广渠道有限",
    "EP09": "科技成果转化缺少对接平台",
    "EP10": "其他经营困难需协调",
}
PROBLEM_WEIGHTS = [0.08, 0.16, 0.14, 0.14, 0.14, 0.08, 0.06, 0.06, 0.08, 0.06]
INDUSTRY_CODES = ["C39", "C40", "C38", "C35", "C34", "C27", "C26", "I65", "I64", "M73", "M75", "F", "L"]
INDUSTRY_WEIGHTS = [0.16, 0.08, 0.08, 0.08, 0.06, 0.06, 0.04, 0.2, 0.06, 0.06, 0.05, 0.04, 0.03]


@dataclass
class EnterpriseYear:
    enterprises: int
    awards: int
    visits: int
    sessions: int
    problems_visit: int
    problems_reception: int


def _working_days(year: int) -> np.ndarray:
    table = calendar.calendar().workday_table(year)
    return np.flatnonzero(table)


@transaction.atomic
def registry_create(rng: np.random.Generator, *, year: int, scale: float, moment: dt.datetime) -> list[Enterprise]:
    """The synthetic registry and its qualification awards (F003 … F038)."""
    reference_data_ensure()
    n = cal.scaled(cal.ENTERPRISES, scale)
    taken = set(Enterprise.objects.values_list("credit_code", flat=True))
    bodies = rng.choice(10**8, size=n + 100, replace=False)
    codes = [credit_code_complete(f"91410100{b:08d}") for b in bodies.tolist()]
    codes = [c for c in codes if c not in taken][:n]
    heads = rng.integers(len(NAME_HEADS), size=(n, 2)).tolist()
    tails = rng.integers(len(NAME_TAILS), size=n).tolist()
    locator = get_locator()
    places_lon = rng.uniform(113.48, 113.62, n * 3)
    places_lat = rng.uniform(34.75, 34.87, n * 3)
    micro = locator.locate_many(places_lon, places_lat)
    inside = np.flatnonzero(micro >= 0)
    if len(inside) < n:
        raise RuntimeError("grid layer too small for the synthetic registry")
    pick = inside[:n]
    names, phones = names_and_phones(rng, n)
    industries = {i.code: i.pk for i in Industry.objects.all()}
    industry = np.asarray(INDUSTRY_CODES)[rng.choice(len(INDUSTRY_CODES), n, p=INDUSTRY_WEIGHTS)]
    sizes = np.asarray(["large", "medium", "small", "micro"])[rng.choice(4, n, p=[0.03, 0.12, 0.45, 0.4])]
    roads = rng.integers(len(ROADS), size=n).tolist()
    road_names = (nearest_road_names(places_lon[pick], places_lat[pick])  # the address agrees with the map
                  or [ROADS[r] for r in roads])
    enterprises = []
    for i in range(n):
        m = int(micro[pick[i]])
        loc = locator.location_of(m)
        words = f"{NAME_HEADS[heads[i][0]]}{NAME_HEADS[heads[i][1]]}{NAME_TAILS[tails[i]]}"
        name = f"郑州{words}有限公司{i + 1:04d}号（模拟）"
        enterprises.append(Enterprise(
            credit_code=codes[i], name=name, address=f"郑州高新区{road_names[i]}{(i % 300) + 1}号",
            lon=round(float(places_lon[pick[i]]), 6), lat=round(float(places_lat[pick[i]]), 6),
            micro_grid_id=m, grid_id=loc.grid_id if loc else None, street_id=loc.street_id if loc else None,
            industry_id=industries.get(str(industry[i])), size=str(sizes[i]), contact_name=names[i],
            contact_phone=phones[i], is_synthetic=True, created_at=moment, updated_at=moment,
        ))
    created = Enterprise.objects.bulk_create(enterprises, batch_size=1000)
    chains = list(IndustrialChain.objects.order_by("sort_order", "code"))
    through = Enterprise.chains.through
    in_chain = np.flatnonzero(rng.random(n) < 0.4)
    through.objects.bulk_create(
        [through(enterprise_id=created[i].pk, industrialchain_id=chains[int(k)].pk)
         for i, k in zip(in_chain.tolist(), rng.integers(len(chains), size=len(in_chain)).tolist(), strict=True)],
        batch_size=2000,
    )
    _awards_create(rng, created, year=year, scale=scale, moment=moment)
    return created


def _awards_create(rng: np.random.Generator, enterprises: list[Enterprise], *, year: int, scale: float,
                   moment: dt.datetime) -> None:
    types = {t.code: t for t in QualificationType.objects.all()}
    missing = sorted({code for code, _, _ in cal.QUALIFICATIONS.values()} - set(types))
    if missing:
        raise RuntimeError(f"qualification types missing from the reference data: {', '.join(missing)}")
    n = len(enterprises)
    awards: list[QualificationAward] = []

    def award(i: int, code: str, y: int, is_new: bool) -> None:
        awards.append(QualificationAward(
            enterprise_id=enterprises[i].pk, qualification_type=types[code], year=y,
            awarded_on=dt.date(y, 1 + (i % 12), 1 + (i % 28)), issuing_body="（模拟）认定机构",
            evidence_ref=f"模拟〔{y}〕{100 + i % 900}号", is_new=is_new, is_synthetic=True, created_at=moment,
        ))

    # 国家科技型中小企业: holders of the previous year, most of them again this year, plus the new ones.
    tech = cal.scaled(cal.QUALIFICATIONS["F025"][1], scale)
    previous = min(cal.scaled(cal.TECH_SME_PREVIOUS, scale), n)
    continuing = min(cal.scaled(cal.TECH_SME_CONTINUING, scale), previous, tech)
    order = rng.permutation(n)
    prev_holders = order[:previous]
    for i in prev_holders.tolist():
        award(i, "tech_sme", year - 1, True)
    cont = prev_holders[:continuing]
    new_holders = order[previous : previous + tech - continuing]
    for i in cont.tolist():
        award(i, "tech_sme", year, False)
    for i in new_holders.tolist():
        award(i, "tech_sme", year, True)
    # 瞪羚: 19 new in the previous year (12 of them recognised again), 27 new this year (F027/F028).
    g_prev = cal.scaled(cal.GAZELLE_PREVIOUS_NEW, scale)
    g_new = cal.scaled(cal.QUALIFICATIONS["F027"][1], scale)
    g_cont = min(cal.scaled(cal.GAZELLE_CONTINUING, scale), g_prev)
    pool = rng.permutation(n)[: g_prev + g_new]
    for i in pool[:g_prev].tolist():
        award(i, "gazelle_prov", year - 1, True)
    for i in pool[:g_cont].tolist():
        award(i, "gazelle_prov", year, False)
    for i in pool[g_prev:].tolist():
        award(i, "gazelle_prov", year, True)
    # Every other figure: that many holders this year, first recognised this year.
    for figure, (code, count, _new) in cal.QUALIFICATIONS.items():
        if figure in ("F025", "F027"):
            continue
        k = cal.scaled(count, scale)
        for i in rng.choice(n, size=k, replace=False).tolist():
            award(i, code, year, True)
    QualificationAward.objects.bulk_create(awards, batch_size=2000)


@dataclass
class Campaign:
    visits: list[Visit]
    sessions: list[ReceptionSession]
    # one row per problem: (enterprise index, source, visit or session index, category id, raised_on)
    problems: list[tuple[int, str, int, int, dt.date]]


@transaction.atomic
def campaign_create(rng: np.random.Generator, world: World, enterprises: list[Enterprise], *, year: int,
                    scale: float, moment: dt.datetime) -> Campaign:
    """9,850 visits and 135 reception days in the year, and the problems raised at them."""
    days = _working_days(year)
    first = dt.date(year, 1, 1)
    n_visits = cal.scaled(cal.VISITS, scale)
    n_ent = len(enterprises)
    visit_days = np.sort(rng.choice(days, size=n_visits))
    visit_ent = rng.integers(n_ent, size=n_visits)
    cadres = np.asarray(world.cadres, dtype=np.int64)
    visit_cadre = cadres[rng.integers(len(cadres), size=n_visits)]
    visits = [
        Visit(enterprise_id=enterprises[e].pk, cadre_id=int(c), department_id=world.cadre_unit[int(c)],
              visited_on=first + dt.timedelta(days=int(d)), participants="助企干部、企业负责人",
              notes="了解企业生产经营情况，宣传惠企政策", is_synthetic=True, created_at=moment)
        for e, c, d in zip(visit_ent.tolist(), visit_cadre.tolist(), visit_days.tolist(), strict=True)
    ]
    visits = Visit.objects.bulk_create(visits, batch_size=2000)
    n_sessions = cal.scaled(cal.RECEPTION_SESSIONS, scale)
    session_days = np.sort(rng.choice(days, size=n_sessions, replace=False))
    departments = [u for u in world.units.values() if u.kind == "department"]
    sessions = ReceptionSession.objects.bulk_create([
        ReceptionSession(held_on=first + dt.timedelta(days=int(d)), title=f"第{k}期企业家接待日",
                         leader_id=world.leader_id, leader_name="区领导（模拟）", location="管委会政务服务中心",
                         created_by_id=int(cadres[k % len(cadres)]), is_synthetic=True, created_at=moment)
        for k, d in enumerate(session_days.tolist(), start=1)
    ])
    categories = {c.code: c.pk for c in Category.objects.filter(kind=Category.Kind.ENTERPRISE)}
    ep_codes = [f"EP{k:02d}" for k in range(1, 11)]
    raised_visits = cal.scaled(cal.VISIT_PROBLEMS_RAISED, scale)
    raised_reception = cal.scaled(cal.RECEPTION_PROBLEMS_RAISED, scale)
    problems: list[tuple[int, str, int, int, dt.date]] = []
    for v in np.sort(rng.choice(n_visits, size=raised_visits, replace=raised_visits > n_visits)).tolist():
        code = ep_codes[int(rng.choice(10, p=PROBLEM_WEIGHTS))]
        problems.append((int(visit_ent[v]), "visit", v, categories[code], visits[v].visited_on))
    dept_through = ReceptionSession.departments.through
    ent_through = ReceptionSession.enterprises.through
    links_d, links_e = [], []
    attendees: dict[int, list[int]] = {}
    for k, session in enumerate(sessions):
        for unit in rng.choice(len(departments), size=4, replace=False).tolist():
            links_d.append(dept_through(receptionsession_id=session.pk, orgunit_id=departments[unit].pk))
        ents = rng.choice(n_ent, size=min(6, n_ent), replace=False).tolist()
        attendees[k] = ents
        links_e += [ent_through(receptionsession_id=session.pk, enterprise_id=enterprises[e].pk) for e in ents]
    dept_through.objects.bulk_create(links_d)
    ent_through.objects.bulk_create(links_e)
    for k in np.sort(rng.choice(n_sessions, size=raised_reception)).tolist():
        code = ep_codes[int(rng.choice(10, p=PROBLEM_WEIGHTS))]
        e = attendees[k][int(rng.integers(len(attendees[k])))]
        problems.append((e, "reception", k, categories[code], sessions[k].held_on))
    return Campaign(visits=visits, sessions=sessions, problems=problems)


def demo_enterprise_link(enterprises: list[Enterprise], campaign: Campaign) -> None:
    """The demo login ``qiye`` (accounts.demo), when it exists, is the account of the enterprise that raises the most
    problems in the year, linked from the start: it follows them on 我的问题 and rates the answers."""
    from gaoxin.accounts.models import User
    from gaoxin.accounts.roles import Role
    from gaoxin.enterprises.models import EnterpriseUser
    from gaoxin.enterprises.services import enterprise_user_link

    qiye = User.objects.filter(username="qiye", role=Role.ENTERPRISE).first()
    admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    if qiye is None or admin is None or not campaign.problems or EnterpriseUser.objects.filter(user=qiye).exists():
        return
    raised = np.bincount([e for e, *_ in campaign.problems], minlength=len(enterprises))
    enterprise_user_link(actor=admin, user=qiye, enterprise=enterprises[int(np.argmax(raised))])


def _reporter_accounts(ents: list[Enterprise]) -> np.ndarray:
    """Each problem's reporter account as ``casebridge.problem_report`` sets it: the enterprise's first linked user
    (-1 for none)."""
    from gaoxin.enterprises.models import EnterpriseUser

    first: dict[int, int] = {}
    for enterprise_id, user_id in EnterpriseUser.objects.order_by("-pk").values_list("enterprise_id", "user_id"):
        first[enterprise_id] = user_id
    return np.array([first.get(e.pk, -1) for e in ents], dtype=np.int64)


def problem_intake(rng: np.random.Generator, world: World, enterprises: list[Enterprise], campaign: Campaign
                   ) -> Intake:
    rows = campaign.problems
    n = len(rows)
    code_of = {c.pk: c.code for c in Category.objects.filter(kind=Category.Kind.ENTERPRISE)}
    group = np.array([1 if src == "visit" else 2 for _, src, _, _, _ in rows], dtype=np.int64)
    day = np.array([calendar.local_midnight(d) for *_, d in rows], dtype=np.int64)
    t_report = day + rng.integers(9 * 3600, 17 * 3600, size=n) if n else day
    actor = np.array([campaign.visits[i].cadre_id if src == "visit" else campaign.sessions[i].created_by_id
                      for _, src, i, _, _ in rows], dtype=np.int64)
    ents = [enterprises[e] for e, *_ in rows]
    category = np.array([c for _, _, _, c, _ in rows], dtype=np.int64)
    micro = np.array([e.micro_grid_id or -1 for e in ents], dtype=np.int64)
    return Intake(
        group=group, kind=np.full(n, KIND_REGISTERED, dtype=np.int64), t_report=t_report,
        channel=np.where(group == 1, "enterprise_visit", "reception_day").astype(object), category=category,
        request_type=np.full(n, -1, dtype=np.int64), urgency=np.full(n, "normal", dtype=object),
        lon=np.array([e.lon if e.lon is not None else np.nan for e in ents], dtype=np.float64),
        lat=np.array([e.lat if e.lat is not None else np.nan for e in ents], dtype=np.float64),
        micro=micro, grid=np.array([e.grid_id or -1 for e in ents], dtype=np.int64),
        street=np.array([e.street_id or -1 for e in ents], dtype=np.int64), reporter_actor=actor,
        reporter_user=_reporter_accounts(ents), master=np.full(n, -1, dtype=np.int64),
        reporter_name=[e.contact_name for e in ents], reporter_phone=[e.contact_phone for e in ents],
        description=[f"【{e.name}】{PROBLEM_TEXT[code_of[int(c)]]}" for e, c in zip(ents, category.tolist(),
                                                                                 strict=True)],
        address=[e.address[:200] for e in ents], external_ref=[""] * n,
    )


def problems_write(world: World, enterprises: list[Enterprise], campaign: Campaign, case_ids: np.ndarray,
                   numbers: list[str], closed: np.ndarray, t_report: np.ndarray, t_closed: np.ndarray,
                   answers: list[str], moment: dt.datetime) -> None:
    """The EnterpriseProblem rows linked to their cases, with the notices the enterprise was sent."""
    problems = []
    for k, (e, src, i, category, raised_on) in enumerate(campaign.problems):
        visit = campaign.visits[i] if src == "visit" else None
        session = campaign.sessions[i] if src == "reception" else None
        problems.append(EnterpriseProblem(
            enterprise_id=enterprises[e].pk, source=src, visit=visit, session=session, category_id=category,
            description=PROBLEM_TEXT[f"EP{category_code(category)}"], raised_on=raised_on,
            case_id=int(case_ids[k]),
            raised_by_id=visit.cadre_id if visit is not None else campaign.sessions[i].created_by_id,
            is_synthetic=True, created_at=_aware(int(t_report[k])),
        ))
    problems = EnterpriseProblem.objects.bulk_create(problems, batch_size=2000)
    notices = []
    for k, problem in enumerate(problems):
        name = _category_names()[problem.category_id]
        notices.append(EnterpriseNotification(
            enterprise_id=problem.enterprise_id, problem=problem, kind=EnterpriseNotification.Kind.RECEIVED,
            title=f"您反映的“{name}”问题已受理", body=f"案件编号 {numbers[k]}：{problem.description}",
            created_at=_aware(int(t_report[k]))))
        if closed[k]:
            notices.append(EnterpriseNotification(
                enterprise_id=problem.enterprise_id, problem=problem, kind=EnterpriseNotification.Kind.RESULT,
                title=f"您反映的“{name}”问题已办结", body=answers[k] or "问题已办结。",
                created_at=_aware(int(t_closed[k]) + 300)))
    EnterpriseNotification.objects.bulk_create(notices, batch_size=2000)


_names: dict[int, str] = {}
_codes: dict[int, str] = {}


def _category_names() -> dict[int, str]:
    if not _names:
        for c in Category.objects.filter(kind=Category.Kind.ENTERPRISE):
            _names[c.pk], _codes[c.pk] = c.name, c.code
    return _names


def category_code(pk: int) -> str:
    _category_names()
    return _codes[pk].removeprefix("EP")


def _aware(unix_seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(unix_seconds, calendar.SHANGHAI)

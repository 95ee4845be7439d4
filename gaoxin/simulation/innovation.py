"""The simulated year of innovation, technology transfer and talent (issue 22), as two ``DomainGenerator``s.

Calibrated to the seed (exact at scale 1, ``calibration.scaled`` below): 10 new R&D institutions (F046) whose
achievements are transferred (148, F047), listed (135, F048) and matched (112, F049); 130 enterprise demands
solved (F044) and 20 cooperation intents at matchmaking events (F045); 136亿 of registered technology contracts
(F043); 14 approved major innovation projects with 7,530万 of funding (F050–F051); 262 urgently needed talents
(F039), 34 innovation teams (F041) and 8,170 young talents (F089) approved.

Everything but the young talents goes through the domain's services, each call at its own moment of the year
(the platform clock frozen there), so the records, limits, numbers and audit chains are the live ones. The
8,170 young-talent applications take a bulk path that reuses the service's rules (numbering, the program's
working-day limits on ``core.calendar``, masking nothing, the audit content hashed by ``core.audit.digest``);
``gaoxin/simulation/tests/test_innovation_year.py`` proves one such row equal to the service's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Protocol

import numpy as np

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import Role
from gaoxin.core import clock
from gaoxin.core.calendar import SHANGHAI, add_working_time
from gaoxin.enterprises.models import Enterprise, IndustrialChain
from gaoxin.innovation import bulk as innovation_bulk
from gaoxin.innovation import policy as innovation_policy
from gaoxin.innovation import services as inv
from gaoxin.innovation.matching.engine import Matcher
from gaoxin.innovation.matching.service import achievement_item, demand_item
from gaoxin.innovation.models import Achievement, Institution, MatchEvent, TechDemand
from gaoxin.innovation.synthetic import TOPICS, achievement_text, demand_text
from gaoxin.simulation.calibration import scaled
from gaoxin.simulation.intake import names_and_phones
from gaoxin.talent import bulk as talent_bulk
from gaoxin.talent import services as tal
from gaoxin.talent.models import TalentProgram

NEW_RD_INSTITUTIONS = 10  # F046
RD_TRANSFERRED = 148  # F047
RD_LISTED = 135  # F048
RD_MATCHED = 112  # F049
RD_ACHIEVEMENTS = 170  # registered by the new R&D institutions (not all transferred / listed)
OTHER_ACHIEVEMENTS = 300  # from universities and institutes
DEMANDS = 180  # posted
DEMANDS_SOLVED = 130  # F044
INTENTS = 20  # F045, at matchmaking events
EVENTS = 6  # 对接会
CONTRACT_TURNOVER_WAN = 1_360_000  # F043, 136亿 in 万元
CONTRACTS = 800  # registered contracts (not a seed figure; 136亿 ÷ 800 ≈ 1,700万 each)
PROJECTS_APPROVED = 14  # F050
PROJECTS_APPLIED = 20
PROJECT_FUNDING_WAN = 7_530  # F051
URGENT_TALENTS = 262  # F039
TEAMS = 34  # F041
YOUNG_TALENTS = 8_170  # F089

UNIVERSITIES = [
    ("ZZU", "郑州大学", "university", ""), ("HAUT", "河南工业大学", "university", ""),
    ("ZZULI", "郑州轻工业大学", "university", ""), ("HNAS", "河南省科学院", "institute", ""),
    ("ZZ-INST", "郑州产业技术研究所", "institute", ""), ("ZUA", "郑州航空工业管理学院", "university", ""),
]
NEW_RD = [
    ("XR01", "郑州智能传感器研究院", "sensor", "中科院微电子所"),
    ("XR02", "河南省超硬材料研究院", "new_material", "郑州磨料磨具磨削研究所"),
    ("XR03", "中原氢能产业研究院", "hydrogen_storage", "清华大学"),
    ("XR04", "嵩山实验室成果转化中心", "digital_economy", "嵩山实验室"),
    ("XR05", "郑州生物医药创新研究院", "life_health", "北京大学"),
    ("XR06", "网络空间安全创新研究院", "info_security", "信息工程大学"),
    ("XR07", "高端装备智能制造研究院", "equipment", "哈尔滨工业大学"),
    ("XR08", "新型储能技术研究院", "hydrogen_storage", "浙江大学"),
    ("XR09", "光电新能源研究院", "pv_energy", "南开大学"),
    ("XR10", "先进功能材料研究院", "new_material", "西北工业大学"),
]


class SimulatedYear(Protocol):
    """What the generators read of ``simulation.domains.SimulatedYear`` (not imported: ``domains`` lists them)."""

    year: int
    scale: float
    start: dt.datetime
    end: dt.datetime
    enterprises: list[Enterprise]

    def rng(self, domain: str) -> np.random.Generator: ...


def _user(username: str, unit_code: str, name: str) -> User:
    unit = OrgUnit.objects.get(code=unit_code)
    user, _ = User.objects.get_or_create(username=username, defaults={
        "role": Role.DATA_OFFICER, "org_unit": unit, "display_name": name, "is_synthetic": True})
    return user


def _moments(rng: np.random.Generator, year: SimulatedYear, n: int, *, start_frac: float = 0.0,
             end_frac: float = 0.97) -> list[dt.datetime]:
    """``n`` sorted working-hour moments in the year's fraction [start_frac, end_frac)."""
    span = (year.end - year.start).total_seconds()
    seconds = np.sort(rng.uniform(span * start_frac, span * end_frac, n))
    out = []
    for s in seconds.tolist():
        moment = (year.start + dt.timedelta(seconds=s)).astimezone(SHANGHAI)
        out.append(moment.replace(hour=9 + int(s) % 8, minute=int(s) % 60, second=0, microsecond=0))
    return out


def _pick_in_order(rng: np.random.Generator, items: list[Any], n: int) -> list[Any]:
    """``n`` distinct items at random (all of them, cycling, when there are fewer), in their order."""
    if n <= len(items):
        return [items[i] for i in sorted(rng.choice(len(items), size=n, replace=False).tolist())]
    return [items[i % len(items)] for i in range(n)]


def _split_amount(rng: np.random.Generator, total: Decimal, n: int) -> list[Decimal]:
    """``n`` positive amounts (two decimals, lognormal shape) that add up to ``total`` exactly."""
    weights = rng.lognormal(0.0, 1.2, n)
    cents = int(total * 100)
    parts = np.maximum(1, np.floor(weights / weights.sum() * cents)).astype(np.int64)
    parts[int(np.argmax(parts))] += cents - int(parts.sum())
    return [Decimal(int(p)) / 100 for p in parts.tolist()]


def _link_demo_users(enterprise: Enterprise | None, institution: Institution | None, officer: User) -> None:
    """The demo logins ``qiye`` and ``yuansuo`` (accounts.demo) act for a simulated enterprise and institution."""
    from gaoxin.enterprises.models import EnterpriseUser
    from gaoxin.enterprises.services import enterprise_user_link
    from gaoxin.innovation.models import InstitutionUser

    admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    qiye = User.objects.filter(username="qiye", role=Role.ENTERPRISE).first()
    if enterprise and admin and qiye and not EnterpriseUser.objects.filter(user=qiye).exists():
        enterprise_user_link(actor=admin, user=qiye, enterprise=enterprise)
    yuansuo = User.objects.filter(username="yuansuo").first()
    if institution and yuansuo and not InstitutionUser.objects.filter(user=yuansuo).exists():
        inv.institution_user_link(actor=officer, user=yuansuo, institution=institution)


def _demo_enterprise(enterprises: list[Enterprise]) -> Enterprise | None:
    """The simulated enterprise the demo login ``qiye`` already acts for (linked with the campaign), if any: it
    posts the first demand, so the same login shows both its problems and its innovation records."""
    from gaoxin.enterprises.models import EnterpriseUser

    linked = EnterpriseUser.objects.filter(user__username="qiye").values_list("enterprise_id", flat=True).first()
    return next((e for e in enterprises if e.pk == linked), None) if linked else None


def generate_innovation(year: SimulatedYear) -> dict[str, int]:
    rng = year.rng("innovation")
    officer = _user("sim-kcj", "GX-D11", "科技创新局（模拟）")
    chains = {c.code: c for c in IndustrialChain.objects.all()}
    enterprises = year.enterprises or list(Enterprise.objects.filter(is_synthetic=True)[:200])
    with clock.frozen(year.start + dt.timedelta(days=1)):
        for c, n, k, _ in UNIVERSITIES:
            if not Institution.objects.filter(code=c).exists():
                inv.institution_create(actor=officer, code=c, name=n, kind=k, is_synthetic=True)
    institutions = list(Institution.objects.exclude(kind=Institution.Kind.NEW_RD).order_by("code"))
    n_rd = scaled(NEW_RD_INSTITUTIONS, year.scale)
    intro = _moments(rng, year, n_rd, end_frac=0.3)
    new_rd = []
    for (code, name, chain, partner), moment in zip(NEW_RD[:n_rd], intro, strict=False):
        existing = Institution.objects.filter(code=code).first()  # introduced in a year simulated before
        if existing is not None:
            new_rd.append(existing)
            continue
        with clock.frozen(moment):
            new_rd.append(inv.institution_create(actor=officer, code=code, name=name, kind="new_rd", chain=chain,
                                                 introduced_on=moment.date(), partner=partner, is_synthetic=True))
    topic_list = [(chain, t[0]) for chain, rows in TOPICS.items() for t in rows]
    forms = ["patent", "software", "process", "product", "variety"]
    methods = ["assign", "license", "equity", "codevelop"]

    def register(institution: Institution, moment: dt.datetime, chain: str, topic: str) -> Achievement:
        text = achievement_text(rng, chain, topic)
        form = forms[int(rng.integers(len(forms)))]
        ip = f"ZL{moment.year - 1}1{int(rng.integers(10**7)):07d}.{int(rng.integers(10))}" if form == "patent" else (
            f"{moment.year}SR{int(rng.integers(10**6)):07d}" if form == "software" else "")
        with clock.frozen(moment):
            return inv.achievement_register(
                actor=officer, institution=institution, name=text.title, text=text.text, field=chains[chain],
                form=form, readiness=int(rng.integers(4, 10)), transfer_method=methods[int(rng.integers(4))],
                keywords=[chains[chain].name], ip_numbers=ip, price=int(rng.integers(20, 800)), is_synthetic=True)

    # Achievements of the new R&D institutions: listed (F048), transferred (F047), matched (F049).
    n_ach = scaled(RD_ACHIEVEMENTS, year.scale)
    rd_achievements = []
    for moment in _moments(rng, year, n_ach, start_frac=0.3, end_frac=0.6):
        inst = new_rd[int(rng.integers(len(new_rd)))]
        chain = inst.chain.code if inst.chain else "sensor"
        topic = TOPICS[chain][int(rng.integers(len(TOPICS[chain])))][0]
        rd_achievements.append(register(inst, moment, chain, topic))
    other = []
    for moment in _moments(rng, year, scaled(OTHER_ACHIEVEMENTS, year.scale), end_frac=0.6):
        chain, topic = topic_list[int(rng.integers(len(topic_list)))]
        other.append(register(institutions[int(rng.integers(len(institutions)))], moment, chain, topic))
    n_list = min(scaled(RD_LISTED, year.scale), n_ach)
    batches = np.array_split(np.arange(n_list), 3)
    for batch, moment in zip(batches, _moments(rng, year, 3, start_frac=0.62, end_frac=0.9), strict=True):
        if len(batch):
            with clock.frozen(moment):
                inv.achievements_list_publish(actor=officer, achievements=[rd_achievements[i] for i in batch.tolist()],
                                              on=moment.date(), note="新型研发机构成果清单")
    for a, moment in zip(rd_achievements[:scaled(RD_TRANSFERRED, year.scale)],
                         _moments(rng, year, scaled(RD_TRANSFERRED, year.scale), start_frac=0.65), strict=False):
        with clock.frozen(moment):
            inv.achievement_transfer(actor=officer, achievement=a, on=moment.date())

    # Demands, solved (F044); intents at events (F045); successful matches of R&D achievements (F049).
    n_dem = scaled(DEMANDS, year.scale)
    demands: list[TechDemand] = []
    demo = _demo_enterprise(enterprises)
    for moment in _moments(rng, year, n_dem, end_frac=0.7):
        chain, topic = topic_list[int(rng.integers(len(topic_list)))]
        text = demand_text(rng, chain, topic)
        poster = enterprises[int(rng.integers(len(enterprises)))]
        with clock.frozen(moment):
            demands.append(inv.demand_post(
                actor=officer, enterprise=demo if demo and not demands else poster, title=text.title,
                text=text.text, field=chains[chain], budget=int(rng.integers(30, 500)),
                required_readiness=int(rng.integers(5, 9)), is_synthetic=True))
    # Who solves what, and which pairs meet at the events, as the platform's matcher proposes them.
    everything = rd_achievements + other
    matcher = Matcher([achievement_item(a) for a in everything])
    other_matcher = Matcher([achievement_item(a) for a in other])
    by_pk = {a.pk: a for a in everything}
    n_solved = min(scaled(DEMANDS_SOLVED, year.scale), n_dem)
    solvers = institutions + new_rd
    for j, moment in enumerate(_moments(rng, year, n_solved, start_frac=0.72)):
        best = matcher.match(demand_item(demands[j]), top=1)
        solver = by_pk[int(best[0].id)].institution if best else solvers[int(rng.integers(len(solvers)))]
        with clock.frozen(moment):
            demands[j] = inv.demand_resolve(actor=officer, demand=demands[j], outcome="solved", institution=solver,
                                            note="产学研对接解决")
    n_events = scaled(EVENTS, year.scale)
    events = []
    for i, moment in enumerate(_moments(rng, year, n_events, start_frac=0.4, end_frac=0.9)):
        with clock.frozen(moment):
            events.append(inv.match_event_create(
                actor=officer, title=f"{moment.year}年高新区产学研对接会（第{i + 1}场）", held_on=moment.date(),
                location="高新区科技大厦", attendance=int(rng.integers(80, 300)), institutions=solvers[:5],
                is_synthetic=True))
    # Intents (F045): at each event, demands posted before it and still open then, with their best
    # university/institute achievement.
    n_intents = scaled(INTENTS, year.scale)
    for n_done, demand in enumerate(_pick_in_order(rng, demands, n_intents)):
        open_until = demand.solved_at or year.end

        def held_while_open(e: MatchEvent, d: TechDemand = demand, until: dt.datetime = open_until) -> bool:
            at = dt.datetime.combine(e.held_on, dt.time(15, 0), SHANGHAI)
            return d.posted_at < at < until

        event = next((e for e in events if held_while_open(e)), None)
        if event is None:  # no event while this demand was open: a small one a week after it was posted
            on = (demand.posted_at + dt.timedelta(days=7)).astimezone(SHANGHAI)
            with clock.frozen(on):
                event = inv.match_event_create(actor=officer, title=f"{on.month}月专题对接会", held_on=on.date(),
                                               location="高新区科技大厦", attendance=int(rng.integers(30, 80)),
                                               is_synthetic=True)
            events.append(event)
        moment = dt.datetime.combine(event.held_on, dt.time(15, 0), SHANGHAI)
        best = other_matcher.match(demand_item(demand), top=1)
        achievement = by_pk[int(best[0].id)] if best else other[n_done % len(other)]
        with clock.frozen(moment):
            inv.match_record(actor=officer, demand=demand, achievement=achievement, outcome="intent", event=event,
                             is_synthetic=True)
    # Successful matches of the new R&D institutions' achievements (F049): each with its best demand.
    n_matched = min(scaled(RD_MATCHED, year.scale), n_ach)
    demand_matcher = Matcher([demand_item(d) for d in demands], query_is_demand=False)
    by_demand = {d.pk: d for d in demands}
    for i, moment in enumerate(_moments(rng, year, n_matched, start_frac=0.7)):
        best = demand_matcher.match(achievement_item(rd_achievements[i]), top=1)
        demand = by_demand[int(best[0].id)] if best else demands[i % len(demands)]
        with clock.frozen(moment):
            inv.match_record(actor=officer, demand=demand, achievement=rd_achievements[i], outcome="succeeded",
                             is_synthetic=True)

    # Technology contracts (F043): registered within the year, the turnover split across them.
    n_contracts = scaled(CONTRACTS, year.scale)
    amounts = _split_amount(rng, Decimal(CONTRACT_TURNOVER_WAN) * Decimal(str(year.scale)), n_contracts)
    kinds = ["development", "transfer", "license", "consulting", "service"]
    contracts = []
    for amount, moment in zip(amounts, _moments(rng, year, n_contracts, end_frac=0.9), strict=True):
        buyer = enterprises[int(rng.integers(len(enterprises)))]
        seller = solvers[int(rng.integers(len(solvers)))]
        kind = kinds[int(rng.integers(5))]
        signed_on = moment.date() - dt.timedelta(days=int(rng.integers(1, 20)))
        checked = inv.contract_checked(kind=kind, title=f"{buyer.name[:12]}技术合同", seller=seller.name,
                                       buyer=buyer.name, amount=amount, signed_on=signed_on, now=moment)
        registered = add_working_time(moment, int(rng.integers(2, 20)), "day") - dt.timedelta(hours=3)
        contracts.append(innovation_bulk.RegisteredContract(
            checked=checked, signed_on=signed_on, submitted_at=moment, registered_at=registered,
            classification=seller.get_kind_display(), seller_institution=seller, buyer_enterprise=buyer,
            tech_income=(amount * Decimal("0.85")).quantize(Decimal("0.01"))))
    innovation_policy.require_officer(officer)
    innovation_bulk.contracts_registered_many(actor=officer, rows=contracts, is_synthetic=True)

    # Major innovation projects (F050–F051).
    n_applied = scaled(PROJECTS_APPLIED, year.scale)
    n_approved = min(scaled(PROJECTS_APPROVED, year.scale), n_applied)
    grants = _split_amount(rng, Decimal(PROJECT_FUNDING_WAN) * Decimal(str(year.scale)), n_approved)
    for i, moment in enumerate(_moments(rng, year, n_applied, end_frac=0.5)):
        chain, topic = topic_list[int(rng.integers(len(topic_list)))]
        requested = (grants[i] * Decimal("1.3")).quantize(Decimal("0.01")) if i < n_approved else Decimal(500)
        with clock.frozen(moment):
            project = inv.project_apply(
                actor=officer, enterprise=enterprises[int(rng.integers(len(enterprises)))],
                title=f"{achievement_text(rng, chain, topic).title}研发及产业化", field=chains[chain],
                level="province" if i % 3 == 0 else "city", funding_requested=requested, applied_on=moment.date(),
                milestones=[("中期检查", moment.date() + dt.timedelta(days=180)),
                            ("完成验收", moment.date() + dt.timedelta(days=540))], is_synthetic=True)
        approve_at = moment + dt.timedelta(days=int(rng.integers(30, 120)))
        with clock.frozen(approve_at):
            inv.project_decide(actor=officer, project=project, approved=i < n_approved, on=approve_at.date(),
                               funding_granted=grants[i] if i < n_approved else None)
            if i < n_approved:
                inv.project_disburse(actor=officer, project=project,
                                     amount=(grants[i] / 2).quantize(Decimal("0.01")))
    _link_demo_users(demands[0].enterprise if demands else None, new_rd[0] if new_rd else None, officer)
    return {"institutions": len(institutions) + len(new_rd), "achievements": len(rd_achievements) + len(other),
            "demands": len(demands), "contracts": n_contracts, "projects": n_applied}


def generate_talent(year: SimulatedYear) -> dict[str, int]:
    """Applications to the talent programs: urgently needed talents and innovation teams reviewed and decided
    within their working-day limits (some rejected), young talents approved — written through the bulk path
    (``talent.bulk``), the applicants checked as ``application_submit`` checks them."""
    rng = year.rng("talent")
    tal.programs_ensure()
    officer = _user("sim-rsj", "GX-D13", "人社局人才科（模拟）")
    programs = {p.code: p for p in TalentProgram.objects.all()}
    enterprises = year.enterprises or list(Enterprise.objects.filter(is_synthetic=True)[:200])
    counts: dict[str, int] = {}
    for code, approved, rejected in (("urgent_talent", URGENT_TALENTS, 40), ("innovation_team", TEAMS, 12)):
        program = programs[code]
        n_ok, n_no = scaled(approved, year.scale), scaled(rejected, year.scale)
        names, phones = names_and_phones(rng, n_ok + n_no)
        rows = []
        for k, moment in enumerate(_moments(rng, year, n_ok + n_no, end_frac=0.8)):
            team = program.kind == TalentProgram.Kind.TEAM
            enterprise = enterprises[int(rng.integers(len(enterprises)))]
            applicant = tal.applicant_checked(
                program=program, person_name=names[k], phone=phones[k],
                team_name=f"{names[k][0]}氏创新团队" if team else "",
                team_size=int(rng.integers(3, 12)) if team else 1, degree="博士", position="研发负责人")
            review_at = add_working_time(moment, int(rng.integers(1, program.review_days)), "day") - dt.timedelta(
                hours=3)
            decide_at = add_working_time(review_at, int(rng.integers(1, program.approve_days)), "day") - dt.timedelta(
                hours=3)
            rows.append(talent_bulk.DecidedApplication(
                enterprise=enterprise, applicant=applicant, submitted_at=moment, reviewed_at=review_at,
                decided_at=decide_at, approved=k < n_ok, note="" if k < n_ok else "不符合申报条件"))
        counts[code] = talent_bulk.applications_decided_many(actor=officer, program=program, rows=rows,
                                                             is_synthetic=True)
    program = programs["youth_talent"]
    moments = _moments(rng, year, scaled(YOUNG_TALENTS, year.scale), end_frac=0.9)
    names, _ = names_and_phones(rng, len(moments))
    rows = []
    for k, moment in enumerate(moments):
        reviewed = add_working_time(moment, 1, "day") - dt.timedelta(hours=2)
        rows.append(talent_bulk.DecidedApplication(
            enterprise=enterprises[int(rng.integers(len(enterprises)))], submitted_at=moment, reviewed_at=reviewed,
            decided_at=add_working_time(reviewed, 1, "day") - dt.timedelta(hours=2), approved=True,
            applicant=tal.applicant_checked(program=program, person_name=names[k], position="研发岗",
                                            degree=["本科", "硕士", "博士"][int(rng.integers(3))])))
    counts["youth_talent"] = talent_bulk.applications_decided_many(actor=officer, program=program, rows=rows,
                                                                  is_synthetic=True)
    return counts

"""``simulate_year``: the zone's synthetic year, written stage by stage (DESIGN §6).

Stages (each one transaction, each with its progress bar):

1. zone — the synthetic administration, the grid layer (``grid_layer_generate`` when none exists), demo logins
   and the synthetic staff;
2. registry — enterprises with their qualification awards;
3. campaign — 万人助万企 visits and 企业家接待日 sessions;
4. plan — every report of the year (grid events, and the enterprise problems), its route and its whole
   lifecycle, drawn with numpy; each distinct event sequence replayed through the live state machine; then
   every step taken with the live transitions, all cases at once (``engine``), supervision included;
5. cases — cases, hash-chained events and supervision notices with ``executemany``, then the enterprise
   problems linked to their cases;
6. the domains — each domain system's generator (``simulation.domains``), one stage each;
7. indicators — approved submissions, marked simulated, for the figures whose systems do not exist yet.

Everything written is ``is_synthetic``; all moments come from the simulated calendar (never the wall clock);
the same seed and scale give the same year.
"""

from __future__ import annotations

import datetime as dt
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection, transaction

from gaoxin.cases import rollup
from gaoxin.cases.models import Case, CaseEvent, Category
from gaoxin.core import clock
from gaoxin.core.calendar import SHANGHAI
from gaoxin.core.db import rollback_journal_for_bulk_load
from gaoxin.core.errors import Conflict
from gaoxin.core.progress import bar
from gaoxin.indicators.services import simulated_submissions_ensure
from gaoxin.simulation import calibration as cal
from gaoxin.simulation import domains, engine, lifecycle, records
from gaoxin.simulation import enterprises as ent
from gaoxin.simulation import intake as intake_mod
from gaoxin.simulation.indexes import secondary_indexes
from gaoxin.simulation.lifecycle import Intake
from gaoxin.simulation.world import world_ensure

GROUP_GRID, GROUP_VISIT, GROUP_RECEPTION = 0, 1, 2


@dataclass
class SimulationResult:
    year: int
    seed: int
    scale: float
    cases: int = 0
    events: int = 0
    notices: int = 0
    enterprises: int = 0
    visits: int = 0
    sessions: int = 0
    problems: int = 0
    submissions: int = 0
    domains: dict[str, dict[str, int]] = field(default_factory=dict)  # per domain generator: what it wrote
    seconds: dict[str, float] = field(default_factory=dict)
    peak_rss_mib: float = 0.0

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def _concat(parts: list[Intake]) -> Intake:
    arrays: dict[str, Any] = {}
    for name in ("group", "kind", "t_report", "channel", "category", "request_type", "urgency", "lon", "lat",
                 "micro", "grid", "street", "reporter_actor", "reporter_user"):
        arrays[name] = np.concatenate([getattr(p, name) for p in parts])
    offset, masters = 0, []
    for p in parts:
        masters.append(np.where(p.master >= 0, p.master + offset, -1))
        offset += len(p)
    lists: dict[str, Any] = {name: [x for p in parts for x in getattr(p, name)]
             for name in ("reporter_name", "reporter_phone", "description", "address", "external_ref")}
    return Intake(**arrays, master=np.concatenate(masters), **lists)


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def simulate_year(*, year: int, seed: int = 2023, scale: float = 1.0, show_progress: bool = False,
                  log: Callable[[str], None] = lambda s: None) -> SimulationResult:
    """Write the synthetic ``year``. Refused (``Conflict``) when the database already holds cases of that year.
    On SQLite, when no other connection has the database open, the load runs with the rollback journal
    (``core.db.rollback_journal_for_bulk_load``)."""
    with rollback_journal_for_bulk_load():
        return _simulate_year(year=year, seed=seed, scale=scale, show_progress=show_progress, log=log)


def _simulate_year(*, year: int, seed: int, scale: float, show_progress: bool,
                   log: Callable[[str], None]) -> SimulationResult:
    if not 0 < scale <= 1:
        raise ValueError("scale must be in (0, 1]")
    year_start, year_end = lifecycle.year_bounds(year)
    start_dt = dt.datetime.fromtimestamp(year_start, SHANGHAI)
    end_dt = dt.datetime.fromtimestamp(year_end, SHANGHAI)
    if Case.objects.filter(reported_at__gte=start_dt, reported_at__lt=end_dt).exists():
        raise Conflict(f"数据库中已有 {year} 年的案件，未做任何修改", code="year_exists")
    streams = np.random.SeedSequence([seed, year]).spawn(8)
    rngs = [np.random.default_rng(s) for s in streams]
    result = SimulationResult(year=year, seed=seed, scale=scale)
    timer = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal timer
        now = time.perf_counter()
        result.seconds[name] = now - timer
        timer = now
        log(f"  {name:<10} {result.seconds[name]:6.1f} s")

    # The platform clock stands at the start of the year while the zone and registry are set up.
    with clock.frozen(start_dt):
        world = world_ensure(seed=seed, show_progress=show_progress)
        stage("zone")
        moment = start_dt
        enterprises = ent.registry_create(rngs[0], year=year, scale=scale, moment=moment)
        result.enterprises = len(enterprises)
        stage("registry")
        campaign = ent.campaign_create(rngs[1], world, enterprises, year=year, scale=scale, moment=moment)
        result.visits, result.sessions = len(campaign.visits), len(campaign.sessions)
        result.problems = len(campaign.problems)
        ent.demo_enterprise_link(enterprises, campaign)
        stage("campaign")

    registered, closed = cal.grid_targets(scale)
    grid = intake_mod.grid_events(rngs[2], world, year=year, registered=registered)
    problems = ent.problem_intake(rngs[3], world, enterprises, campaign)
    intake = _concat([grid, problems])
    categories = {c.pk: c for c in Category.objects.all()}
    cats = lifecycle.category_table(list(categories.values()))
    routing = intake_mod.routing(world, intake, categories)
    raised_v = cal.scaled(cal.VISIT_PROBLEMS_RAISED, scale)
    raised_r = cal.scaled(cal.RECEPTION_PROBLEMS_RAISED, scale)
    open_targets = {  # registered cases still open at year end, per group
        GROUP_GRID: registered - closed,
        GROUP_VISIT: min(raised_v, cal.scaled(cal.VISIT_PROBLEMS_RAISED - cal.VISIT_PROBLEMS_RESOLVED, scale)),
        GROUP_RECEPTION: min(raised_r, cal.scaled(cal.RECEPTION_PROBLEMS_RAISED - cal.RECEPTION_PROBLEMS_RESOLVED,
                                                  scale)),
    }
    life = lifecycle.plan(rngs[4], intake, cats, routing, year_end=year_end, open_targets=open_targets)
    actors = records.actors_assign(rngs[5], intake, life, world)
    for mask in np.unique(life.mask).tolist():  # every distinct history, through the live state machine
        lifecycle.pattern(int(mask))
    numbering = records.number_cases(intake.t_report)
    codes = np.array([""] + [""] * max(world.units), dtype=object)
    for pk, unit in world.units.items():
        codes[pk] = unit.code
    replayed = engine.replay(intake=intake, life=life, cats=cats, year_end=year_end, ids=numbering.ids,
                             numbers=numbering.numbers,
                             unit_code=lambda ids: [codes[i] if i >= 0 else None for i in ids.tolist()])
    stage("plan")

    # The bulk path of loaddata: foreign keys are checked once for the written tables before the commit
    # (SQLite: ``PRAGMA foreign_key_check``) instead of row by row; PostgreSQL checks them at commit as usual.
    # On SQLite the case tables' secondary indexes are built once after the rows are in (``simulation.indexes``).
    with connection.constraint_checks_disabled(), transaction.atomic(), \
            bar(desc="案件 cases", total=len(intake), enabled=show_progress) as progress, \
            bar(desc="索引 indexes", total=len(secondary_indexes(records.deferred_tables())),
                enabled=show_progress) as index_progress:
        written = records.write_cases(intake=intake, life=life, actors=actors, world=world, rng=rngs[6],
                                      replay=replayed, numbering=numbering, progress=progress.update,
                                      index_built=lambda d: index_progress.update(1))
        n_grid = len(grid)
        rows = np.arange(n_grid, len(intake))
        case_ids = written.ids[rows]
        answers = dict(CaseEvent.objects.filter(case_id__in=case_ids.tolist(), action="feedback")
                       .order_by("case_id", "seq").values_list("case_id", "note"))
        ent.problems_write(
            world, enterprises, campaign, case_ids, [written.numbers[i] for i in rows.tolist()],
            life.present[rows, lifecycle.S["verify_pass"]], intake.t_report[rows],
            life.t[rows, lifecycle.S["verify_pass"]], [answers.get(int(i), "") for i in case_ids.tolist()], moment,
        )
        connection.check_constraints(table_names=[m._meta.db_table for m in records.WRITTEN_MODELS])
    result.cases, result.events, result.notices = written.cases, written.events, written.notices
    stage("cases")
    # The dashboard's roll-ups, recomputed from the cases just written (some register early next January).
    rollup.rebuild(start=dt.date(year, 1, 1), end=dt.date(year + 1, 1, 31))
    stage("rollup")
    # Each domain system's own part of the year (``simulation.domains``), clock at the end of the year.
    year_context = domains.SimulatedYear(year=year, seed=seed, scale=scale, world=world, start=start_dt, end=end_dt,
                                         enterprises=enterprises)
    for generator in domains.DOMAINS:
        with clock.frozen(end_dt - dt.timedelta(seconds=1)), transaction.atomic():
            result.domains[generator.name] = generator.generate(year_context)
        stage(generator.name)
    # Figures whose systems do not exist yet (projects, land, finance …) enter as approved submissions marked
    # simulated, dated at the end of the year; the computed ones come from the records just written.
    with clock.frozen(end_dt - dt.timedelta(seconds=1)):
        result.submissions = simulated_submissions_ensure(year=year)
    stage("indicators")
    result.peak_rss_mib = _peak_rss_mib()
    return result

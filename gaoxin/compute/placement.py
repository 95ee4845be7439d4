"""Choosing a pool for each queued job (pure, no database): a job may go to a pool that is online, open long enough,
has the resources and the GPU model, is at an allowed site, is not blocked for the job, finishes before the
deadline and costs no more than the budget; among those the broker places as many jobs as the pools' free
capacity allows, and of those placements the one of least total cost (cost = the pool's hourly price of the
resources × the job's runtime there). Exact by branch and bound while the batch's search space is small
(``EXACT_SEARCH_LIMIT``; checked against brute force in the tests); beyond it a regret-ordered greedy with one
improving pass."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from gaoxin.compute.units import hourly_fen

EXACT_SEARCH_LIMIT = 200_000  # the branch and bound runs when ∏(options + 1) is at most this

# Why a job has no pool now: the first three are final (the job fails), the others pass (the job waits).
NO_POOL, POOLS_FAILED, OVER_BUDGET, PAST_DEADLINE = "no_pool", "pools_failed", "over_budget", "past_deadline"
BUSY, OFFLINE = "busy", "offline"
FINAL_REASONS = (NO_POOL, POOLS_FAILED, OVER_BUDGET, PAST_DEADLINE)
REASON_LABELS = {
    NO_POOL: "没有满足资源、GPU 型号或站点要求的资源池",
    POOLS_FAILED: "能承接的资源池都已拒绝、丢失或失联",
    OVER_BUDGET: "所有可用资源池的预估费用都超出预算",
    PAST_DEADLINE: "任何资源池都无法在截止时间前完成",
    BUSY: "资源池暂无空闲资源，排队等待",
    OFFLINE: "可用资源池暂时失联或不在开放时段",
}


@dataclass(frozen=True)
class PoolView:
    id: int
    site: str
    gpu_model: str
    cpus: int
    gpus: int
    memory_gb: int
    free_cpus: int
    free_gpus: int
    free_memory_gb: int
    price_cpu_fen: int
    price_gpu_fen: int
    price_mem_fen: int
    speed: float = 1.0           # runtime on this pool = expected runtime ÷ speed
    online: bool = True
    open_until: float = math.inf  # epoch seconds: the end of the current availability window


@dataclass(frozen=True)
class JobRequest:
    id: int
    cpus: int
    gpus: int
    gpu_model: str               # "" = any model (or none wanted)
    memory_gb: int
    expected_hours: float        # on a speed-1 pool
    deadline: float              # epoch seconds; math.inf for none
    budget_fen: int              # 0 = no budget
    sites: frozenset[str] = frozenset()  # empty = any site
    blocked: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Option:
    pool: int                    # index into the pools
    cost_fen: int
    runtime_hours: float


def runtime_hours(job: JobRequest, pool: PoolView) -> float:
    return job.expected_hours / pool.speed


def cost_fen(job: JobRequest, pool: PoolView) -> int:
    """The estimate the optimiser compares: the hourly price × the runtime on the pool, rounded up to the fen."""
    hourly = hourly_fen(cpus=job.cpus, gpus=job.gpus, memory_gb=job.memory_gb, price_cpu_fen=pool.price_cpu_fen,
                        price_gpu_fen=pool.price_gpu_fen, price_mem_fen=pool.price_mem_fen)
    return math.ceil(hourly * runtime_hours(job, pool))


def options(job: JobRequest, pools: Sequence[PoolView], now: float) -> tuple[list[Option], str]:
    """The pools the job may go to, cheapest first, and — when there is none — why (``FINAL_REASONS`` or a
    passing one). Free capacity is not looked at here: it is what the batch shares."""
    fitting, in_budget, in_time = False, False, False
    found: list[Option] = []
    any_online = blocked = False
    for index, pool in enumerate(pools):
        if job.sites and pool.site not in job.sites:
            continue
        if pool.id in job.blocked:
            blocked = True
            continue
        if job.cpus > pool.cpus or job.memory_gb > pool.memory_gb or job.gpus > pool.gpus:
            continue
        if job.gpus and job.gpu_model and pool.gpu_model != job.gpu_model:
            continue
        fitting = True
        cost = cost_fen(job, pool)
        if job.budget_fen and cost > job.budget_fen:
            continue
        in_budget = True
        hours = runtime_hours(job, pool)
        end = now + hours * 3600
        if end > job.deadline:
            continue
        in_time = True
        if not pool.online or end > pool.open_until:
            continue
        any_online = True
        found.append(Option(index, cost, hours))
    found.sort(key=lambda o: (o.cost_fen, o.pool))
    if found:
        return found, ""
    if not fitting:
        return [], POOLS_FAILED if blocked else NO_POOL
    if not in_budget:
        return [], OVER_BUDGET
    if not in_time:
        return [], PAST_DEADLINE
    return [], BUSY if any_online else OFFLINE


def _fits(job: JobRequest, free: list[list[int]], pool: int) -> bool:
    room = free[pool]
    return job.cpus <= room[0] and job.gpus <= room[1] and job.memory_gb <= room[2]


def _take(job: JobRequest, free: list[list[int]], pool: int, sign: int) -> None:
    free[pool][0] -= sign * job.cpus
    free[pool][1] -= sign * job.gpus
    free[pool][2] -= sign * job.memory_gb


def _free(pools: Sequence[PoolView]) -> list[list[int]]:
    return [[p.free_cpus, p.free_gpus, p.free_memory_gb] for p in pools]


def score(jobs: Sequence[JobRequest], choice: dict[int, Option]) -> tuple[int, int]:
    """What the optimiser maximises: (jobs placed, −total cost)."""
    return len(choice), -sum(o.cost_fen for o in choice.values())


def assign_exact(jobs: Sequence[JobRequest], opts: Sequence[list[Option]],
                 pools: Sequence[PoolView]) -> dict[int, Option]:
    """The best placement by branch and bound: jobs with fewer options first, each option cheapest first, then
    leaving the job queued; a branch is cut when even placing every remaining job at its cheapest option cannot
    beat the best found."""
    order = sorted((i for i in range(len(jobs)) if opts[i]), key=lambda i: (len(opts[i]), i))
    cheapest_rest = [0] * (len(order) + 1)
    for k in range(len(order) - 1, -1, -1):
        cheapest_rest[k] = cheapest_rest[k + 1] + opts[order[k]][0].cost_fen
    free = _free(pools)
    best: dict[int, Option] = {}
    best_score = (0, 0)
    chosen: dict[int, Option] = {}

    def search(k: int, placed: int, cost: int) -> None:
        nonlocal best, best_score
        if k == len(order):
            if (placed, -cost) > best_score:
                best_score, best = (placed, -cost), dict(chosen)
            return
        upper = placed + len(order) - k
        if upper < best_score[0] or (upper == best_score[0] and -(cost + cheapest_rest[k]) <= best_score[1]):
            return
        index = order[k]
        job = jobs[index]
        for option in opts[index]:
            if _fits(job, free, option.pool):
                _take(job, free, option.pool, 1)
                chosen[index] = option
                search(k + 1, placed + 1, cost + option.cost_fen)
                del chosen[index]
                _take(job, free, option.pool, -1)
        search(k + 1, placed, cost)

    search(0, 0, 0)
    return best


def assign_greedy(jobs: Sequence[JobRequest], opts: Sequence[list[Option]],
                  pools: Sequence[PoolView]) -> dict[int, Option]:
    """Jobs with the most to lose first (regret: second-cheapest minus cheapest option; a job with one option
    first of all), each to its cheapest pool with room; then one pass moving each placed job to a cheaper pool
    that has room for it."""
    free = _free(pools)

    def regret(i: int) -> float:
        o = opts[i]
        return math.inf if len(o) == 1 else o[1].cost_fen - o[0].cost_fen

    order = sorted((i for i in range(len(jobs)) if opts[i]), key=lambda i: (-regret(i), i))
    choice: dict[int, Option] = {}
    for index in order:
        job = jobs[index]
        for option in opts[index]:
            if _fits(job, free, option.pool):
                _take(job, free, option.pool, 1)
                choice[index] = option
                break
    for index, current in list(choice.items()):
        job = jobs[index]
        for option in opts[index]:
            if option.cost_fen >= current.cost_fen:
                break
            if _fits(job, free, option.pool):
                _take(job, free, current.pool, -1)
                _take(job, free, option.pool, 1)
                choice[index] = option
                break
    return choice


@dataclass(frozen=True)
class Plan:
    placements: dict[int, Option]   # job index → option
    waiting: dict[int, str]         # job index → why it has no pool (FINAL_REASONS fail the job)


def plan(jobs: Sequence[JobRequest], pools: Sequence[PoolView], now: float) -> Plan:
    opts, waiting = [], {}
    for index, job in enumerate(jobs):
        found, reason = options(job, pools, now)
        opts.append(found)
        if reason:
            waiting[index] = reason
    space = math.prod(len(o) + 1 for o in opts if o)
    solver = assign_exact if space <= EXACT_SEARCH_LIMIT else assign_greedy
    placements = solver(jobs, opts, pools)
    for index, found in enumerate(opts):
        if found and index not in placements:
            waiting[index] = BUSY
    return Plan(placements, waiting)

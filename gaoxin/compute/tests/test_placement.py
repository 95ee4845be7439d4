"""The placement optimiser: exact (branch and bound) against brute force on random small batches, the greedy
never better than the exact and never placing beyond capacity, and the reasons a job has no pool."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from gaoxin.compute import placement
from gaoxin.compute.placement import JobRequest, Option, PoolView


def pool(i: int, **kw) -> PoolView:
    gpu = bool(i % 2)
    base = {"id": i, "site": f"S{i % 2}", "gpu_model": "A100" if gpu else "", "cpus": 64, "gpus": 8 * gpu,
            "memory_gb": 256, "free_cpus": 64, "free_gpus": 8 * gpu, "free_memory_gb": 256, "price_cpu_fen": 10,
            "price_gpu_fen": 900 * gpu, "price_mem_fen": 1}
    return PoolView(**{**base, **kw})


def job(i: int, **kw) -> JobRequest:
    base = {"id": i, "cpus": 8, "gpus": 0, "gpu_model": "", "memory_gb": 16, "expected_hours": 2.0,
            "deadline": math.inf, "budget_fen": 0}
    return JobRequest(**{**base, **kw})


def brute_force(jobs, opts, pools) -> tuple[int, int]:
    """The best (placed, −cost) over every assignment of every job to one of its options or to none."""
    best = (0, 0)
    for combo in itertools.product(*[[None, *o] for o in opts]):
        free = [[p.free_cpus, p.free_gpus, p.free_memory_gb] for p in pools]
        ok = True
        for j, option in zip(jobs, combo, strict=True):
            if option is None:
                continue
            room = free[option.pool]
            room[0] -= j.cpus
            room[1] -= j.gpus
            room[2] -= j.memory_gb
            if min(room) < 0:
                ok = False
                break
        if ok:
            chosen = [o for o in combo if o is not None]
            best = max(best, (len(chosen), -sum(o.cost_fen for o in chosen)))
    return best


def random_case(rng: random.Random):
    pools = [PoolView(id=i, site=rng.choice("AB"), gpu_model=rng.choice(("A100", "V100")), cpus=rng.choice((16, 32)),
                      gpus=rng.choice((0, 4, 8)), memory_gb=64, free_cpus=rng.choice((8, 16, 32)),
                      free_gpus=rng.choice((0, 2, 4)), free_memory_gb=rng.choice((32, 64)),
                      price_cpu_fen=rng.randint(5, 30), price_gpu_fen=rng.randint(300, 1200),
                      price_mem_fen=rng.randint(0, 3), speed=rng.choice((0.5, 1.0, 1.5)))
             for i in range(rng.randint(1, 4))]
    jobs = [JobRequest(id=n, cpus=rng.choice((2, 4, 8, 16)), gpus=rng.choice((0, 0, 1, 2)),
                       gpu_model=rng.choice(("", "A100", "V100")), memory_gb=rng.choice((8, 16, 32)),
                       expected_hours=rng.choice((0.5, 1.0, 3.0)), deadline=rng.choice((math.inf, 2.5 * 3600)),
                       budget_fen=rng.choice((0, 0, 2000)), sites=rng.choice((frozenset(), frozenset("A"))))
            for n in range(rng.randint(1, 6))]
    return jobs, pools


@pytest.mark.parametrize("seed", range(300))
def test_exact_placement_equals_brute_force(seed):
    rng = random.Random(seed)
    jobs, pools = random_case(rng)
    opts = [placement.options(j, pools, 0.0)[0] for j in jobs]
    exact = placement.assign_exact(jobs, opts, pools)
    assert placement.score(jobs, exact) == brute_force(jobs, opts, pools)
    greedy = placement.assign_greedy(jobs, opts, pools)
    assert placement.score(jobs, greedy) <= placement.score(jobs, exact)
    for choice in (exact, greedy):  # never beyond a pool's free capacity
        for index, p in enumerate(pools):
            on = [jobs[i] for i, o in choice.items() if o.pool == index]
            assert sum(j.cpus for j in on) <= p.free_cpus
            assert sum(j.gpus for j in on) <= p.free_gpus
            assert sum(j.memory_gb for j in on) <= p.free_memory_gb


def test_the_cheapest_pool_is_chosen_with_runtime_counted():
    slow_cheap = pool(0, price_cpu_fen=10, speed=0.5)   # 8 cores × 10 + 16 GB × 1 = 96/h, 4 h → 384
    fast_dear = pool(2, price_cpu_fen=15, speed=2.0)    # 8 × 15 + 16 = 136/h, 1 h → 136
    result = placement.plan([job(1)], [slow_cheap, fast_dear], 0.0)
    assert result.placements == {0: Option(pool=1, cost_fen=136, runtime_hours=1.0)}
    assert result.waiting == {}


def test_capacity_is_shared_within_a_batch():
    small = pool(0, free_cpus=8)
    result = placement.plan([job(1), job(2)], [small], 0.0)
    assert list(result.placements) == [0]
    assert result.waiting == {1: placement.BUSY}


@pytest.mark.parametrize(("request_kw", "pool_kw", "reason"), [
    ({"cpus": 128}, {}, placement.NO_POOL),
    ({"gpus": 1, "gpu_model": "V100"}, {}, placement.NO_POOL),
    ({"sites": frozenset({"S9"})}, {}, placement.NO_POOL),
    ({"budget_fen": 100}, {}, placement.OVER_BUDGET),
    ({"deadline": 3600.0}, {}, placement.PAST_DEADLINE),
    ({}, {"online": False}, placement.OFFLINE),
    ({}, {"open_until": 3600.0}, placement.OFFLINE),
    ({"blocked": frozenset({0})}, {}, placement.POOLS_FAILED),
])
def test_why_a_job_has_no_pool(request_kw, pool_kw, reason):
    result = placement.plan([job(1, **request_kw)], [pool(0, **pool_kw)], 0.0)
    assert result.placements == {}
    assert result.waiting == {0: reason}


def test_a_large_batch_uses_the_greedy_and_fills_capacity():
    pools = [pool(i) for i in range(100)]
    jobs = [job(i, cpus=8) for i in range(1000)]
    result = placement.plan(jobs, pools, 0.0)
    assert len(result.placements) == 800  # 100 pools × 64 cores ÷ 8
    assert set(result.waiting.values()) == {placement.BUSY}

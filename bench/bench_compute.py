"""Bench of the city compute network (issue 21), recorded in docs/PERFORMANCE.md.

1. Placement throughput over 100 pools: ``placement.plan`` on batches of queued jobs (1, 100 and 1,000 at a time)
   against a first-fit baseline measured in the same run (each job to the first pool with room, no costs) —
   jobs placed per second and the cost of first fit over the optimiser's.
2. The broker's whole tick over 100 simulated pools (capacity, placement, the store, the adapters' submits):
   jobs placed per second.
3. The discrete-event simulation of a month of the city network (``compute.simulator``): 6 pools, 6,000 jobs,
   with failures (1 % refused, 0.5 % lost, 1 % failing by themselves, one dark spell of 2–6 h per pool) and without
   — the share of jobs reaching a terminal state, cost against the cheapest-pool lower bound, utilisation, queueing.

    .venv/bin/python bench/bench_compute.py [--jobs 6000 --pools 6 --days 30 --seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import statistics
import time

from gaoxin.compute import placement, simulator
from gaoxin.compute.adapters.simulated import SimulatedAdapter
from gaoxin.compute.broker import PoolSpec, tick
from gaoxin.compute.placement import JobRequest, PoolView


def pools_100(rng: random.Random) -> list[PoolView]:
    out = []
    for i in range(100):
        gpu = rng.choice(("A100", "Ascend910B", "V100", "T4", ""))
        cpus, gpus = rng.choice((256, 512, 1024)), rng.choice((16, 32, 64)) if gpu else 0
        out.append(PoolView(id=i + 1, site=f"S{i % 10}", gpu_model=gpu, cpus=cpus, gpus=gpus, memory_gb=cpus * 4,
                            free_cpus=cpus, free_gpus=gpus, free_memory_gb=cpus * 4,
                            price_cpu_fen=rng.randint(6, 20), price_gpu_fen=rng.randint(300, 1200) if gpu else 0,
                            price_mem_fen=rng.randint(0, 2), speed=rng.choice((0.8, 1.0, 1.2, 1.5))))
    return out


def jobs(rng: random.Random, n: int) -> list[JobRequest]:
    out = []
    for i in range(n):
        gpu = rng.random() < 0.4
        out.append(JobRequest(id=i + 1, cpus=rng.choice((4, 8, 16, 32)), gpus=rng.choice((1, 2, 4)) if gpu else 0,
                              gpu_model=rng.choice(("A100", "V100", "")) if gpu else "",
                              memory_gb=rng.choice((16, 32, 64)), expected_hours=rng.uniform(0.2, 8),
                              deadline=math.inf, budget_fen=0,
                              sites=frozenset({f"S{rng.randrange(10)}"}) if rng.random() < 0.1 else frozenset()))
    return out


def first_fit(batch: list[JobRequest], pools: list[PoolView]) -> tuple[int, int]:
    free = [[p.free_cpus, p.free_gpus, p.free_memory_gb] for p in pools]
    placed = cost = 0
    for job in batch:
        for index, pool in enumerate(pools):
            found, _ = placement.options(job, [pool], 0.0)
            room = free[index]
            if found and job.cpus <= room[0] and job.gpus <= room[1] and job.memory_gb <= room[2]:
                room[0] -= job.cpus
                room[1] -= job.gpus
                room[2] -= job.memory_gb
                placed += 1
                cost += found[0].cost_fen
                break
    return placed, cost


def bench_placement(seed: int) -> None:
    rng = random.Random(seed)
    pools = pools_100(rng)
    queue = jobs(rng, 10_000)
    print("placement over 100 pools (10,000 queued jobs, fresh capacity per batch):")
    for size in (1, 100, 1000):
        batches = [queue[i:i + size] for i in range(0, min(len(queue), 2000 if size == 1 else len(queue)), size)]
        started = time.perf_counter()
        placed = cost = 0
        for batch in batches:
            result = placement.plan(batch, pools, 0.0)
            placed += len(result.placements)
            cost += sum(o.cost_fen for o in result.placements.values())
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        base_placed = base_cost = 0
        for batch in batches:
            p, c = first_fit(batch, pools)
            base_placed, base_cost = base_placed + p, base_cost + c
        base_seconds = time.perf_counter() - started
        print(f"  batch {size:>5}: optimiser {placed / seconds:9,.0f} jobs/s ({placed:,} placed, cost "
              f"{cost / 100:,.0f} 元) · first fit {base_placed / base_seconds:9,.0f} jobs/s ({base_placed:,} placed, "
              f"cost "
              f"{base_cost / 100:,.0f} 元) · first fit costs {base_cost / cost:.2f}× per the same placements"
              if placed == base_placed else
              f"  batch {size:>5}: optimiser {placed / seconds:9,.0f} jobs/s ({placed:,} placed) · first fit "
              f"{base_placed / base_seconds:9,.0f} jobs/s ({base_placed:,} placed)")


def bench_tick(seed: int) -> None:
    rng = random.Random(seed)
    now = dt.datetime(2023, 3, 1, 9, tzinfo=dt.UTC)
    views = pools_100(rng)
    specs = [PoolSpec(id=p.id, code=f"P{p.id}", site=p.site, gpu_model=p.gpu_model, cpus=p.cpus, gpus=p.gpus,
                      memory_gb=p.memory_gb, price_cpu_fen=p.price_cpu_fen, price_gpu_fen=p.price_gpu_fen,
                      price_mem_fen=p.price_mem_fen, speed=p.speed, partition="compute") for p in views]
    adapters = {p.id: SimulatedAdapter(pool_id=p.id, cpus=p.cpus, gpus=p.gpus, memory_gb=p.memory_gb,
                                       clock=lambda: now) for p in specs}
    store = simulator.MemoryStore(specs)
    for job in jobs(rng, 5000):
        store.add(simulator.SimJobRecord(job, f"B{job.id:06d}", now, 1))
    started = time.perf_counter()
    report = tick(store, specs, adapters, now)
    seconds = time.perf_counter() - started
    print(f"broker tick over 100 simulated pools, 5,000 queued: {report.placed:,} placed in {seconds:.2f} s "
          f"({report.placed / seconds:,.0f} jobs/s, store and submits included)")


def bench_simulation(jobs_n: int, pools: int, days: int, seed: int) -> None:
    for failures in (True, False):
        scenario = simulator.city_scenario(pools=pools, jobs=jobs_n, days=days, seed=seed, failures=failures)
        started = time.perf_counter()
        r = simulator.run(scenario)
        seconds = time.perf_counter() - started
        util = statistics.mean(r.utilisation.values())
        print(f"simulation {'with' if failures else 'without'} failures: {r.jobs:,} jobs, {pools} pools, {days} days,"
              f" {r.ticks:,} ticks in {seconds:.1f} s")
        print(f"  terminal {r.terminal_share:.2%} (succeeded {r.succeeded:,}, failed by themselves {r.failed:,}, "
              f"no pool could take {r.expired:,}), fail-overs {r.failovers:,}")
        print(f"  cost {r.cost_fen / 100:,.0f} 元 vs cheapest-pool lower bound {r.optimum_fen / 100:,.0f} 元: "
              f"{r.cost_ratio:.3f}×")
        print(f"  utilisation mean {util:.1%} (" + ", ".join(f"{k} {v:.0%}" for k, v in r.utilisation.items())
              + f"); queueing median {r.median_wait_minutes:.1f} min, p95 {r.p95_wait_minutes:.1f} min")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=6000)
    parser.add_argument("--pools", type=int, default=6)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    bench_placement(args.seed)
    bench_tick(args.seed)
    bench_simulation(args.jobs, args.pools, args.days, args.seed)


if __name__ == "__main__":
    main()

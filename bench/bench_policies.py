"""Enterprise policies benchmark (issue 18): every enterprise of the registry × every benefit item, evaluated with
traces, and one enterprise re-evaluated after its qualification changes.

    .venv/bin/python bench/bench_policies.py [--scale 1.0] [--repeat 20]

Sets Django up on a throw-away SQLite database in a temporary directory (GAOXIN_DATA_DIR), creates the simulated
registry of ``--scale`` (6,000 enterprises at 1: qualifications as the simulated year has them), their annual
figures and the 36 published policies of the 2023 catalog, then measures on 2023-06-15:

- facts: reading the registry's facts for the rules (``policies.facts.facts_load``), the database floor;
- plain: every item over every enterprise in one OpenFisca simulation, without trace;
- traced: the same with the tracer on, and every eligible pair explained (its trace as a decision keeps it) —
  the issue asks < 5 s on 2 cores;
- one: an enterprise's qualification changes (a new award) and it is evaluated again, every item with its
  explanation (``services.evaluate_one``: what the calculator does) — median and worst of ``--repeat``; the issue
  asks < 50 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def setup_django(data_dir: str) -> None:
    os.environ["GAOXIN_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "gaoxin.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        setup_django(data_dir)
        import numpy as np

        from gaoxin.core import clock
        from gaoxin.core.calendar import SHANGHAI
        from gaoxin.enterprises.models import Enterprise, QualificationAward, QualificationType
        from gaoxin.policies import engine, selectors, services
        from gaoxin.policies.facts import facts_load
        from gaoxin.simulation import enterprises as registry
        from gaoxin.simulation import policies as simulated
        from gaoxin.simulation.world import world_ensure

        start = dt.datetime(2023, 1, 3, 9, tzinfo=SHANGHAI)
        with clock.frozen(start):
            world_ensure(seed=2023, show_progress=False)
            rng = np.random.default_rng(2023)
            enterprises = registry.registry_create(rng, year=2023, scale=args.scale, moment=start)
            simulated._figures(rng, 2023, enterprises, start)
            officer = simulated._user("bench-qfw", "GX-D14", "企业服务局（基准）")
            services.catalog_load(actor=officer)
        on = dt.date(2023, 6, 15)
        items = selectors.items_in_force(on)
        ids = sorted(e.pk for e in enterprises)
        print(f"registry: {len(ids):,} enterprises, {QualificationAward.objects.count():,} qualifications; "
              f"{len(items)} benefit items of {len({i.clause.policy_id for i in items})} policies")

        t = time.perf_counter()
        facts = facts_load(ids, years=[2022, 2021])
        t_facts = time.perf_counter() - t
        engine.evaluation_run(items, ids[:10], on=on)  # warm: the system of these rules built once
        t = time.perf_counter()
        plain = engine.evaluation_run(items, ids, on=on, facts=facts)
        t_plain = time.perf_counter() - t
        t = time.perf_counter()
        traced = engine.evaluation_run(items, ids, on=on, trace=True, facts=facts)
        pairs = 0
        for index, outcome in enumerate(traced.outcomes):
            for row in np.flatnonzero(outcome.eligible).tolist():
                traced.explain(index, row)
                pairs += 1
        t_traced = time.perf_counter() - t
        eligible = sum(int(o.eligible.sum()) for o in plain.outcomes)
        assert eligible == pairs
        t_all = t_facts + t_traced
        print(f"facts of {len(ids):,} enterprises: {t_facts:.2f} s")
        print(f"{len(items)} items × {len(ids):,} enterprises, no trace: {t_plain:.2f} s")
        print(f"the same with traces, {pairs:,} eligible pairs explained: {t_traced:.2f} s; with the facts "
              f"{t_all:.2f} s (target < 5 s); ratio traced ÷ plain {t_traced / t_plain:.2f}")

        # A web process answering the calculator does not hold a registry-wide trace: drop it, so that the garbage
        # collector's full passes in the loop below do not walk its millions of objects (they cost 80–100 ms).
        del plain, traced
        gc.collect()
        enterprise = Enterprise.objects.get(pk=ids[len(ids) // 2])
        qtype = QualificationType.objects.get(code="gazelle_prov")
        times = []
        for n in range(args.repeat):
            with clock.frozen(dt.datetime(2023, 6, 15, 10, tzinfo=SHANGHAI)):
                QualificationAward.objects.update_or_create(
                    enterprise=enterprise, qualification_type=qtype, year=2023,
                    defaults={"awarded_on": dt.date(2023, 6, 1 + n % 10), "created_at": clock.now()})
                t = time.perf_counter()
                traces = services.evaluate_one(enterprise=enterprise, items=items, on=on)
                times.append(time.perf_counter() - t)
        assert len(traces) == len(items)
        gazelle = next(tr for tr in traces if tr["item"] == "gx2023_gazelle_award")
        assert gazelle["eligible"] is True
        worst = max(times)
        print(f"one enterprise re-evaluated after a new qualification, {len(items)} items explained: median "
              f"{statistics.median(times) * 1000:.1f} ms, worst {worst * 1000:.1f} ms (call {times.index(worst) + 1} "
              f"of {len(times)}; target < 50 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Financing platform benchmark (issue 19): every open demand matched against every bank product, with reasons.

    .venv/bin/python bench/bench_finance.py [--scale 1.0] [--products 100]

Sets Django up on a throw-away SQLite database in a temporary directory (GAOXIN_DATA_DIR), creates the simulated
registry of ``--scale`` (6,000 enterprises at 1, with their qualifications and annual figures), ``--products``
credit products with eligibility rules drawn over sizes, chains, qualifications, employees and revenue, and one
open demand per enterprise (amount, term, collateral drawn), then measures:

- facts: the registry's facts for every demanding enterprise (``matching.facts_for``, four queries), the
  database floor;
- match: every demand × every product tested, the best three ranked and explained with their reasons
  (``matching.proposals_for``, what posting a demand does, for all of them at once);
- baseline, in the same run: the same pairs with only the amount test and no reasons, the floor of visiting the
  pairs in Python; the ratio says what the explanations cost.

and the SME growth index of the registry's SMEs for 2022 (``finance.sme_index``):

- raw: reading the figures, qualifications and financing of every SME (``services.index.raw_data``);
- baseline: the index without its sensitivity analysis;
- full: with the 24 scenarios of the sensitivity analysis (ratio to the baseline);
- stored: the whole service (``index_compute``: read, compute, store the run and every score).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from decimal import Decimal
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
    parser.add_argument("--products", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        setup_django(data_dir)
        import numpy as np

        from gaoxin.core import clock
        from gaoxin.core.calendar import SHANGHAI
        from gaoxin.enterprises.models import IndustrialChain, QualificationType
        from gaoxin.finance import matching
        from gaoxin.finance.models import Bank, FinancingDemand, LoanProduct
        from gaoxin.simulation import enterprises as registry
        from gaoxin.simulation import policies as simulated
        from gaoxin.simulation.world import world_ensure

        start = dt.datetime(2023, 1, 3, 9, tzinfo=SHANGHAI)
        with clock.frozen(start):
            world_ensure(seed=2023, show_progress=False)
            rng = np.random.default_rng(2023)
            enterprises = registry.registry_create(rng, year=2023, scale=args.scale, moment=start)
            simulated._figures(rng, 2023, enterprises, start)
        chains = list(IndustrialChain.objects.values_list("code", flat=True))
        qualifications = list(QualificationType.objects.values_list("code", flat=True))
        products = []
        for n in range(args.products):
            rules: dict[str, object] = {}
            if rng.random() < 0.4:
                rules["sizes"] = sorted(rng.choice(["large", "medium", "small", "micro"], size=2, replace=False))
            if rng.random() < 0.3:
                rules["chains_any"] = sorted(rng.choice(chains, size=min(3, len(chains)), replace=False))
            if rng.random() < 0.3:
                rules["qualifications_any"] = sorted(rng.choice(qualifications, size=2, replace=False))
            if rng.random() < 0.3:
                rules["min_employees"] = int(rng.integers(5, 100))
            if rng.random() < 0.3:
                rules["min_revenue_wan"] = str(int(rng.integers(100, 5000)))
            low = int(rng.choice([10, 50, 100, 200]))
            products.append(LoanProduct(pk=n + 1, bank=Bank(pk=n % 10 + 1, name=f"银行{n % 10}"), name=f"产品{n}",
                                        rate_min_pct=Decimal(str(round(float(rng.uniform(3.2, 4.5)), 2))),
                                        rate_max_pct=Decimal("6"), amount_min_fen=low * 10**6,
                                        amount_max_fen=int(rng.choice([300, 1000, 5000])) * 10**6,
                                        term_max_months=int(rng.choice([12, 36, 60])),
                                        needs_collateral=bool(rng.random() < 0.2), rules=rules))
        demands = [FinancingDemand(enterprise_id=e.pk, amount_fen=int(rng.integers(10, 3000)) * 10**6,
                                   term_months=int(rng.choice([6, 12, 24, 36])),
                                   collateral=str(rng.choice(["none", "none", "property", "ip"])))
                   for e in enterprises]
        print(f"{len(demands):,} open demands × {len(products)} products = {len(demands) * len(products):,} pairs")

        t = time.perf_counter()
        facts = matching.facts_for([d.enterprise_id for d in demands], year=2023)
        names = matching.labels()
        t_facts = time.perf_counter() - t
        t = time.perf_counter()
        proposed = [matching.proposals_for(d, products, facts[d.enterprise_id], names) for d in demands]
        t_match = time.perf_counter() - t
        t = time.perf_counter()
        floor = sum(1 for d in demands for p in products if p.amount_min_fen <= d.amount_fen <= p.amount_max_fen)
        t_floor = time.perf_counter() - t
        pairs = len(demands) * len(products)
        matched = sum(1 for p in proposed if p)
        print(f"facts of {len(facts):,} enterprises: {t_facts:.2f} s")
        print(f"match with reasons: {t_match:.2f} s, {pairs / t_match:,.0f} pairs/s, "
              f"{t_match / len(demands) * 1000:.2f} ms per demand; {matched:,} demands with at least one proposal, "
              f"{sum(len(p) for p in proposed):,} proposals")
        print(f"baseline (amount test only, {floor:,} pairs in range): {t_floor:.2f} s; "
              f"ratio match ÷ baseline {t_match / t_floor:.1f}")

        from gaoxin.finance import services, sme_index
        from gaoxin.simulation.platform import _user

        cfg = sme_index.config()
        t = time.perf_counter()
        ids, raw, sizes = services.index.raw_data(2022, cfg)
        t_raw = time.perf_counter() - t
        t = time.perf_counter()
        sme_index.compute(ids, raw, sizes, cfg, sensitivity=False)
        t_base = time.perf_counter() - t
        t = time.perf_counter()
        result = sme_index.compute(ids, raw, sizes, cfg)
        t_full = time.perf_counter() - t
        officer = _user("bench-czj", "data_officer", "GX-D12", "财政金融局（基准）")
        with clock.frozen(dt.datetime(2023, 6, 30, 17, tzinfo=SHANGHAI)):
            t = time.perf_counter()
            services.index_compute(actor=officer, year=2022)
            t_stored = time.perf_counter() - t
        print(f"SME growth index 2022: {ids.size:,} SMEs, {len(result.scenarios)} sensitivity scenarios")
        print(f"raw data: {t_raw:.2f} s; index without sensitivity: {t_base:.3f} s; with it: {t_full:.3f} s "
              f"(ratio {t_full / t_base:.1f}); the service, stored: {t_stored:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

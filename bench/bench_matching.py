"""Bench of demand → achievement matching (issue 22), recorded in docs/PERFORMANCE.md.

1. Quality on the hand-labelled set (gaoxin/innovation/data/labelled_*.jsonl: 40 demands, each with the one
   achievement that solves it, in a pool of 60 achievements — the 40 answers and 20 same-field distractors):
   Recall@10 and MRR of the platform's matcher and of a plain BM25 baseline (jieba's own dictionary, words only,
   no re-ranking).
2. Scale: index build and top-10 for N demands against M synthetic achievements (gaoxin.innovation.synthetic,
   default 10,000 × 50,000), with Recall@10 where "relevant" is an achievement of the demand's topic.

    .venv/bin/python bench/bench_matching.py [--demands 10000 --achievements 50000 --seed 1]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from gaoxin.innovation.matching.engine import Item, Matcher
from gaoxin.innovation.synthetic import achievement_text, demand_text, topics

DATA = Path(__file__).resolve().parent.parent / "gaoxin" / "innovation" / "data"


def labelled() -> tuple[list[Item], list[set[str]], list[Item]]:
    demands, relevant = [], []
    for line in (DATA / "labelled_demands.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        demands.append(Item(row["id"], row["title"], row["text"], row["field"]))
        relevant.append(set(row["relevant"]))
    achievements = [Item(r["id"], r["title"], r["text"], r["field"]) for r in
                    map(json.loads, (DATA / "labelled_achievements.jsonl").read_text(encoding="utf-8").splitlines())]
    return demands, relevant, achievements


def evaluate(matcher: Matcher, demands: list[Item], relevant: list[set[str]], k: int = 10) -> tuple[float, float]:
    hits, reciprocal = 0, 0.0
    for demand, wanted in zip(demands, relevant, strict=True):
        ranked = [p.id for p in matcher.match(demand, top=k)]
        found = [i for i, r in enumerate(ranked) if r in wanted]
        if found:
            hits += 1
            reciprocal += 1 / (found[0] + 1)
    return hits / len(demands), reciprocal / len(demands)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--demands", type=int, default=10_000)
    parser.add_argument("--achievements", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    demands, relevant, pool = labelled()
    for name, matcher in (("baseline (plain BM25)", Matcher(pool, domain=False)), ("platform", Matcher(pool))):
        recall, mrr = evaluate(matcher, demands, relevant)
        print(f"labelled set, {name:<22} Recall@10 {recall:.3f}  MRR {mrr:.3f}")

    rng = np.random.default_rng(args.seed)
    pairs = topics()
    t0 = time.perf_counter()
    targets, target_topic = [], []
    for i in range(args.achievements):
        chain, topic = pairs[int(rng.integers(len(pairs)))]
        text = achievement_text(rng, chain, topic)
        targets.append(Item(f"A{i}", text.title, text.text, chain))
        target_topic.append(topic)
    queries, query_topic = [], []
    for i in range(args.demands):
        chain, topic = pairs[int(rng.integers(len(pairs)))]
        text = demand_text(rng, chain, topic)
        queries.append(Item(f"D{i}", text.title, text.text, chain))
        query_topic.append(topic)
    print(f"generated {args.demands:,} demands and {args.achievements:,} achievements in "
          f"{time.perf_counter() - t0:.1f} s")
    topic_of = dict(zip((t.id for t in targets), target_topic, strict=True))
    for name, kwargs in (("baseline (plain BM25)", {"domain": False}), ("platform", {})):
        t0 = time.perf_counter()
        matcher = Matcher(targets, **kwargs)
        built = time.perf_counter() - t0
        t0 = time.perf_counter()
        hits, reciprocal = 0, 0.0
        for query, topic in zip(queries, query_topic, strict=True):
            ranked = [topic_of[p.id] for p in matcher.match(query, top=10)]
            if topic in ranked:
                hits += 1
                reciprocal += 1 / (ranked.index(topic) + 1)
        elapsed = time.perf_counter() - t0
        print(f"scale, {name:<22} index {built:6.1f} s   top-10 of {args.demands:,}: {elapsed:6.1f} s "
              f"({elapsed / args.demands * 1000:.1f} ms each)   Recall@10 {hits / args.demands:.3f}  "
              f"MRR {reciprocal / args.demands:.3f}")


if __name__ == "__main__":
    main()

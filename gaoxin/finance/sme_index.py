"""The SME growth index (中原中小企业成长指数): a composite indicator of the registry's small and medium
enterprises, built by the steps of the JRC/OECD *Handbook on Constructing Composite Indicators* (2008), with the
choices of one versioned configuration (``data/sme_index.yaml``). Pure numpy over a raw matrix, so a run is
reproduced bit for bit from the same data and configuration (the run stores both digests).

1. **Indicators** (selection): seven, in four pillars — growth (revenue, employment), innovation (R&D intensity,
   qualification points), efficiency (tax and revenue per employee), financing (financing closed ÷ revenue) —
   read from the registry's annual figures, qualifications and the finance records (``RAW``).
2. **Imputation**: a missing value (no figures for the year before, no employees) takes the median of the
   enterprises of the same size; the count per indicator is kept.
3. **Outliers**: where |skewness| > 2 and kurtosis > 3.5 (sample statistics, as Excel's SKEW and KURT), the
   values of the skewed tail are winsorised one at a time, up to 5; if that does not bring both under the
   thresholds, the indicator is log-transformed instead (ln(1 + x − min)). Which treatment each got is kept.
4. **Normalisation**: min–max onto [0, 100] (baseline); z-scores or percentile ranks as alternatives.
5. **Weights**: equal within a pillar; the pillars' weights from the configuration, divided by their sum.
6. **Aggregation**: the weighted arithmetic mean of the pillars (baseline), or the weighted geometric mean (on the
   pillars rescaled onto [1, 100], as a geometric mean needs positive values).
7. **Sensitivity**: every combination of the alternative normalisations, weights and aggregations is computed; for
   each, the Spearman correlation of its ranks with the baseline's and the mean and largest rank shift; for each
   enterprise, its median rank and the 5th–95th percentile range of its ranks over the scenarios.

Ranks: 1 is the highest score; ties are broken by the enterprise's id, so a rank is always the same for the same
data."""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

CONFIG = Path(__file__).resolve().parent / "data" / "sme_index.yaml"
RAW = ("revenue", "revenue_before", "employees", "employees_before", "rd_spending", "tax_paid",
       "qualification_points", "financing")  # the raw columns, in 万元 and counts
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Config:
    version: str
    sizes: tuple[str, ...]
    pillars: dict[str, float]
    indicators: dict[str, dict[str, Any]]
    qualification_points: dict[str, int]
    skewness: float
    kurtosis: float
    max_winsorised: int
    normalisation: str
    aggregation: str
    sensitivity: dict[str, Any]
    digest: str

    @property
    def names(self) -> list[str]:
        return list(self.indicators)


def config_from(data: dict[str, Any]) -> Config:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    out = data["outliers"]
    return Config(version=str(data["version"]), sizes=tuple(data["population"]["sizes"]),
                  pillars={k: float(v) for k, v in data["pillars"].items()}, indicators=data["indicators"],
                  qualification_points=data["qualification_points"], skewness=float(out["skewness"]),
                  kurtosis=float(out["kurtosis"]), max_winsorised=int(out["max_winsorised"]),
                  normalisation=data["normalisation"], aggregation=data["aggregation"],
                  sensitivity=data["sensitivity"], digest=hashlib.sha256(canonical.encode()).hexdigest())


@cache
def config() -> Config:
    return config_from(yaml.safe_load(CONFIG.read_text(encoding="utf-8")))


def indicators_from(raw: Floats) -> Floats:
    """The seven indicators from the raw columns (``RAW``), NaN where they cannot be computed."""
    col = {name: raw[:, i] for i, name in enumerate(RAW)}
    with np.errstate(divide="ignore", invalid="ignore"):
        def ratio(a: Floats, b: Floats) -> Floats:
            return np.where(b > 0, a / b, np.nan)
        return np.column_stack([
            ratio(col["revenue"], col["revenue_before"]) - 1, ratio(col["employees"], col["employees_before"]) - 1,
            ratio(col["rd_spending"], col["revenue"]), col["qualification_points"],
            ratio(col["tax_paid"], col["employees"]), ratio(col["revenue"], col["employees"]),
            ratio(col["financing"], col["revenue"])])


def impute(values: Floats, groups: npt.NDArray[np.int64]) -> tuple[Floats, list[int]]:
    """Each column's NaNs replaced by the median of their group (all rows when the group has none)."""
    out = values.copy()
    counts = []
    for j in range(values.shape[1]):
        column, missing = out[:, j], np.isnan(out[:, j])
        counts.append(int(missing.sum()))
        overall = np.nanmedian(column) if (~missing).any() else 0.0
        for g in np.unique(groups[missing]):
            known = column[(groups == g) & ~missing]
            column[(groups == g) & missing] = np.median(known) if known.size else overall
    return out, counts


def skewness(x: Floats) -> float:
    """Sample skewness, bias-corrected (Excel's SKEW)."""
    n, sd = x.size, x.std(ddof=1)
    if n < 3 or sd == 0:
        return 0.0
    return float(n / ((n - 1) * (n - 2)) * np.sum(((x - x.mean()) / sd) ** 3))


def kurtosis(x: Floats) -> float:
    """Sample excess kurtosis, bias-corrected (Excel's KURT)."""
    n, sd = x.size, x.std(ddof=1)
    if n < 4 or sd == 0:
        return 0.0
    m4 = np.sum(((x - x.mean()) / sd) ** 4)
    return float(n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * m4 - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3)))


def treat_outliers(x: Floats, cfg: Config) -> tuple[Floats, str]:
    """The column after the JRC rule, and what was done: "" (nothing), "winsorised:k" or "log"."""
    def fine(v: Floats) -> bool:
        return not (abs(skewness(v)) > cfg.skewness and kurtosis(v) > cfg.kurtosis)

    if fine(x):
        return x, ""
    upper = skewness(x) > 0
    order = np.argsort(x, kind="stable")
    for k in range(1, cfg.max_winsorised + 1):
        v = x.copy()
        if upper:
            v[order[-k:]] = x[order[-k - 1]]
        else:
            v[order[:k]] = x[order[k]]
        if fine(v):
            return v, f"winsorised:{k}"
    shifted = x - x.min() if upper else x.max() - x
    logged = np.log1p(shifted)
    return (logged if upper else -logged), "log"


def normalise(x: Floats, method: str) -> Floats:
    if method == "minmax":
        span = x.max() - x.min()
        return np.full_like(x, 50.0) if span == 0 else (x - x.min()) / span * 100
    if method == "zscore":
        sd = x.std(ddof=1) if x.size > 1 else 0.0
        return np.zeros_like(x) if sd == 0 else (x - x.mean()) / sd
    if method == "rank":  # percentile rank, ties given the mean of their positions
        _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
        starts = np.cumsum(counts) - counts
        ranks = (starts + (counts - 1) / 2)[inverse]
        return np.asarray(ranks / max(1, x.size - 1) * 100, dtype=np.float64)
    raise ValueError(f"unknown normalisation {method!r}")


def ranks_of(scores: Floats, ids: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """1 for the highest score; ties broken by the smaller id."""
    order = np.lexsort((ids, -scores))
    ranks = np.empty(scores.size, dtype=np.int64)
    ranks[order] = np.arange(1, scores.size + 1)
    return ranks


@dataclass
class Scenario:
    normalisation: str
    weights: str
    aggregation: str
    spearman: float
    mean_shift: float
    max_shift: int


@dataclass
class Result:
    ids: npt.NDArray[np.int64]
    indicators: Floats  # after imputation and outlier treatment, before normalisation
    normalised: Floats
    pillars: Floats  # per pillar, on the baseline normalisation
    scores: Floats
    ranks: npt.NDArray[np.int64]
    imputed: dict[str, int]
    treatment: dict[str, str]
    input_digest: str
    scenarios: list[Scenario] = field(default_factory=list)
    # over the scenarios of the sensitivity analysis (the baseline's rank when it is not run)
    rank_median: Floats = field(default_factory=lambda: np.zeros(0))
    rank_p05: Floats = field(default_factory=lambda: np.zeros(0))
    rank_p95: Floats = field(default_factory=lambda: np.zeros(0))


def _pillars(normalised: Floats, cfg: Config) -> Floats:
    members = [[j for j, (_, spec) in enumerate(cfg.indicators.items()) if spec["pillar"] == p] for p in cfg.pillars]
    return np.column_stack([normalised[:, m].mean(axis=1) for m in members])


def _aggregate(pillars: Floats, weights: Floats, method: str) -> Floats:
    w = weights / weights.sum()
    if method == "arithmetic":
        return np.asarray(pillars @ w, dtype=np.float64)
    if method == "geometric":
        low, high = pillars.min(axis=0), pillars.max(axis=0)
        span = np.where(high > low, high - low, 1.0)
        positive = 1 + (pillars - low) / span * 99  # onto [1, 100]
        return np.asarray(np.exp(np.log(positive) @ w), dtype=np.float64)
    raise ValueError(f"unknown aggregation {method!r}")


def _composite(treated: Floats, cfg: Config, normalisation: str, weights: dict[str, float],
               aggregation: str) -> tuple[Floats, Floats, Floats]:
    directed = treated * np.array([float(spec["direction"]) for spec in cfg.indicators.values()])
    normalised = np.column_stack([normalise(directed[:, j], normalisation) for j in range(directed.shape[1])])
    pillars = _pillars(normalised, cfg)
    w = np.array([float(weights.get(p, 0.0)) for p in cfg.pillars])
    return normalised, pillars, _aggregate(pillars, w, aggregation)


def spearman(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> float:
    """Spearman's correlation of two rankings without ties."""
    n = a.size
    if n < 2:
        return 1.0
    return float(1 - 6 * np.sum((a - b).astype(np.float64) ** 2) / (n * (n * n - 1)))


def compute(ids: npt.NDArray[np.int64], raw: Floats, sizes: npt.NDArray[np.int64], cfg: Config,
            *, sensitivity: bool = True) -> Result:
    """The index of the enterprises ``ids`` from their raw columns (``RAW``, one row each) and size classes."""
    order = np.argsort(ids, kind="stable")  # one canonical order: the result does not depend on the input's
    ids, raw, sizes = ids[order], raw[order], sizes[order]
    digest = hashlib.sha256(ids.astype("<i8").tobytes() + raw.astype("<f8").tobytes() +
                            sizes.astype("<i8").tobytes()).hexdigest()
    values, missing = impute(indicators_from(raw), sizes)
    treated = np.empty_like(values)
    treatment = {}
    for j, name in enumerate(cfg.names):
        treated[:, j], treatment[name] = treat_outliers(values[:, j], cfg)
    normalised, pillars, scores = _composite(treated, cfg, cfg.normalisation, cfg.pillars, cfg.aggregation)
    ranks = ranks_of(scores, ids)
    result = Result(ids=ids, indicators=treated, normalised=normalised, pillars=pillars, scores=scores, ranks=ranks,
                    imputed=dict(zip(cfg.names, missing, strict=True)), treatment=treatment, input_digest=digest,
                    rank_median=ranks.astype(np.float64), rank_p05=ranks.astype(np.float64),
                    rank_p95=ranks.astype(np.float64))
    if sensitivity and ids.size:
        weight_sets = {"baseline": cfg.pillars, **cfg.sensitivity["weights"]}
        all_ranks = []
        for norm, (wname, weights), agg in itertools.product(
                cfg.sensitivity["normalisations"], weight_sets.items(), cfg.sensitivity["aggregations"]):
            _, _, s = _composite(treated, cfg, norm, {k: float(v) for k, v in weights.items()}, agg)
            r = ranks_of(s, ids)
            all_ranks.append(r)
            shift = np.abs(r - ranks)
            result.scenarios.append(Scenario(norm, wname, agg, round(spearman(r, ranks), 6),
                                             round(float(shift.mean()), 3), int(shift.max())))
        stacked = np.vstack(all_ranks)
        result.rank_median = np.median(stacked, axis=0)
        result.rank_p05 = np.percentile(stacked, 5, axis=0)
        result.rank_p95 = np.percentile(stacked, 95, axis=0)
    return result

"""The SME growth index's method on small hand-computed cases: the sample statistics against Excel's documented
values, the JRC outlier rule, imputation by size, the baseline scores and ranks of four enterprises computed by
hand, three scenarios of the sensitivity analysis computed by hand, and the run reproduced bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from gaoxin.finance import sme_index

CFG = sme_index.config()


def test_sample_statistics_match_excel():
    # Microsoft's documentation of SKEW and KURT uses these ten values: 0.359543 and −0.151799637.
    data = np.array([3, 4, 5, 2, 3, 4, 5, 6, 4, 7], dtype=float)
    assert sme_index.skewness(data) == pytest.approx(0.359543, abs=1e-6)
    assert sme_index.kurtosis(data) == pytest.approx(-0.151799637, abs=1e-9)


def test_the_jrc_rule_winsorises_or_else_logs():
    one_spike = np.array([1.0] * 19 + [100.0])
    treated, how = sme_index.treat_outliers(one_spike, CFG)
    assert (how, treated.max()) == ("winsorised:1", 1.0)
    six_spikes = np.array([1.0] * 60 + [1000.0] * 6)  # winsorising five leaves the sixth: logged
    assert sme_index.treat_outliers(six_spikes, CFG)[1] == "log"
    assert sme_index.treat_outliers(np.arange(10.0), CFG) == (pytest.approx(np.arange(10.0)), "")


def test_missing_values_take_their_size_class_median():
    values = np.array([[1.0], [3.0], [np.nan], [10.0], [np.nan]])
    filled, counts = sme_index.impute(values, np.array([0, 0, 0, 1, 2]))
    assert (filled[:, 0].tolist(), counts) == ([1.0, 3.0, 2.0, 10.0, 3.0], [2])  # class 2 has none: all rows (1, 3, 10)


def _four() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Four enterprises whose only differences are revenue growth (0, 0.2, 0.5, 2.0: revenue 1,200 on 1,200,
    1,000, 800, 400) and R&D intensity (0.1, 0.06, 0, 0.02: R&D 120, 72, 0, 24 of 1,200); every other indicator
    is equal (normalised to 50 on min–max)."""
    ids = np.array([1, 2, 3, 4])
    before = [1200, 1000, 800, 400]
    rd = [120, 72, 0, 24]
    raw = np.array([[1200, b, 10, 10, r, 30, 0, 0] for b, r in zip(before, rd, strict=True)], dtype=float)
    return ids, raw, np.zeros(4, dtype=np.int64)


def test_four_enterprises_by_hand():
    # Growth pillar = mean(revenue growth on min–max: 0, 10, 25, 100; employment growth: 50) = 25, 30, 37.5, 75.
    # Innovation = mean(R&D: 100, 60, 0, 20; qualifications: 50) = 75, 55, 25, 35. Efficiency, financing: 50.
    # Baseline (equal weights, arithmetic): 50, 46.25, 40.625, 52.5 → ranks 2, 3, 4, 1.
    ids, raw, sizes = _four()
    result = sme_index.compute(ids, raw, sizes, CFG)
    assert result.pillars[:, 0] == pytest.approx([25, 30, 37.5, 75])
    assert result.pillars[:, 1] == pytest.approx([75, 55, 25, 35])
    assert result.scores == pytest.approx([50, 46.25, 40.625, 52.5])
    assert result.ranks.tolist() == [2, 3, 4, 1]
    scenarios = {(s.normalisation, s.weights, s.aggregation): (s.spearman, s.mean_shift, s.max_shift)
                 for s in result.scenarios}
    assert len(scenarios) == 3 * 4 * 2
    # growth first (0.4, 0.3, 0.2, 0.1): 47.5, 43.5, 37.5, 55.5 — the same order.
    assert scenarios[("minmax", "growth_first", "arithmetic")] == (1.0, 0.0, 0)
    # innovation first (0.2, 0.4, 0.2, 0.2): 55, 48, 37.5, 49 → ranks 1, 3, 4, 2: two shifts of one;
    # Spearman 1 − 6 × 2 / (4 × 15) = 0.8.
    assert scenarios[("minmax", "innovation_first", "arithmetic")] == (0.8, 0.5, 1)
    # Geometric: pillars onto [1, 100] (growth 1, 10.9, 25.75, 100; innovation 100, 60.4, 1, 20.8; the equal
    # pillars 1), the fourth root of their product: 3.16, 5.07, 2.25, 6.75 → ranks 3, 2, 4, 1.
    assert scenarios[("minmax", "baseline", "geometric")] == (0.8, 0.5, 1)


def test_reproduced_bit_for_bit_whatever_the_input_order():
    rng = np.random.default_rng(7)
    n = 300
    raw = np.column_stack([rng.lognormal(7, 1, n), rng.lognormal(7, 1, n), rng.integers(1, 200, n),
                           rng.integers(1, 200, n), rng.lognormal(4, 1, n), rng.lognormal(3, 1, n),
                           rng.integers(0, 8, n), np.where(rng.random(n) < 0.1, rng.lognormal(5, 1, n), 0.0)])
    raw[rng.random(n) < 0.1, 1] = np.nan  # no figures the year before
    ids, sizes = np.arange(1000, 1000 + n), rng.integers(0, 3, n)
    first = sme_index.compute(ids, raw, sizes, CFG)
    again = sme_index.compute(ids, raw.copy(), sizes, CFG)
    order = rng.permutation(n)
    shuffled = sme_index.compute(ids[order], raw[order], sizes[order], CFG)
    for other in (again, shuffled):
        assert other.input_digest == first.input_digest
        assert other.scores.tobytes() == first.scores.tobytes()
        assert np.array_equal(other.ranks, first.ranks)
        assert [vars(s) for s in other.scenarios] == [vars(s) for s in first.scenarios]
    assert first.imputed["revenue_growth"] == int(np.isnan(raw[:, 1]).sum())


def test_the_configuration_is_versioned_by_its_digest():
    import yaml

    data = yaml.safe_load(sme_index.CONFIG.read_text(encoding="utf-8"))
    assert sme_index.config_from(data).digest == CFG.digest
    data["pillars"]["financing"] = 0.2
    assert sme_index.config_from(data).digest != CFG.digest


def test_percentile_ranks_average_their_ties():
    assert sme_index.normalise(np.array([5.0, 1.0, 5.0, 3.0, 9.0]), "rank").tolist() == [62.5, 0.0, 62.5, 25.0, 100.0]

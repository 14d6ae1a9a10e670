"""Hodges-Lehmann and the one-sided Mann-Whitney tests, against brute force, published tables and scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest

from perfgate import stats
from perfgate.stats import shift


def test_hodges_lehmann_is_the_median_of_pairwise_differences() -> None:
    rng = np.random.default_rng(1)
    x, y = rng.normal(0, 1, 13), rng.normal(0.5, 1, 17)
    brute = float(np.median([b - a for a in x for b in y]))
    assert stats.hodges_lehmann(x, y).estimate == pytest.approx(brute)


@pytest.mark.parametrize(("n", "m", "k"), [(5, 5, 5), (8, 8, 16), (10, 10, 28), (6, 9, 13)])
def test_exact_interval_rank_matches_the_mann_whitney_table(n: int, m: int, k: int) -> None:
    # Critical values of U for a two-sided test at 0.10 (one-sided 0.05): k = U_crit + 1.
    assert shift._interval_rank(n, m, 0.90) == k


def test_exact_null_distribution_counts_all_arrangements() -> None:
    counts = shift._u_null_counts(4, 6)
    assert counts.sum() == math.comb(10, 4)
    assert counts.tolist() == counts[::-1].tolist()  # symmetric


def test_too_few_samples_give_an_unbounded_interval() -> None:
    interval = stats.hodges_lehmann(np.array([1.0, 2.0]), np.array([1.5, 2.5]))
    assert interval.low == -math.inf and interval.high == math.inf


def test_interval_covers_the_true_shift_about_as_often_as_promised() -> None:
    rng = np.random.default_rng(7)
    shift, hits, trials = 0.1, 0, 400
    for _ in range(trials):
        x = rng.lognormal(0, 0.05, 12)
        y = rng.lognormal(0, 0.05, 12) * math.exp(shift)
        interval = stats.hodges_lehmann(np.log(x), np.log(y), 0.90)
        hits += interval.low <= shift <= interval.high
    assert 0.86 <= hits / trials <= 0.95


def test_shift_test_detects_a_shift_beyond_the_margin_only() -> None:
    rng = np.random.default_rng(3)
    x = np.log(rng.lognormal(0, 0.02, 30))
    far = stats.shift_test(x, np.log(rng.lognormal(math.log(1.20), 0.02, 30)), math.log(1.05))
    near = stats.shift_test(x, np.log(rng.lognormal(math.log(1.01), 0.02, 30)), math.log(1.05))
    assert far.p_greater < 1e-6
    assert near.p_greater > 0.5
    assert far.method == "exact"


def test_better_by_more_than_the_margin() -> None:
    rng = np.random.default_rng(4)
    x = np.log(rng.lognormal(0, 0.02, 40))
    y = np.log(rng.lognormal(math.log(0.8), 0.02, 40))
    result = stats.shift_test(x, y, math.log(1.05))
    assert result.p_less < 1e-6 and result.p_greater > 0.99


def test_method_follows_sample_size_and_ties() -> None:
    rng = np.random.default_rng(5)
    small = rng.normal(0, 1, 20)
    assert stats.shift_test(small, small + 0.3, 0.05).method == "exact"
    quantised = np.round(rng.normal(10, 1, 20))  # a coarse timer: many ties
    assert stats.shift_test(quantised, quantised + 1, 0.05).method == "permutation"
    large = rng.normal(0, 1, 500)
    assert stats.shift_test(large, large + 0.1, 0.05).method == "normal"


def test_permutation_p_values_are_reproducible() -> None:
    quantised = np.round(np.random.default_rng(6).normal(10, 1, 25))
    first = stats.shift_test(quantised, quantised + 0.7, 0.05)
    second = stats.shift_test(quantised, quantised + 0.7, 0.05)
    assert first == second


def test_a_over_a_rarely_crosses_the_margin() -> None:
    rng = np.random.default_rng(8)
    alarms = sum(
        stats.shift_test(
            np.log(rng.lognormal(0, 0.05, 20)), np.log(rng.lognormal(0, 0.05, 20)), math.log(1.05)
        ).p_greater
        < 0.05
        for _ in range(300)
    )
    assert alarms / 300 <= 0.02


def test_large_samples_are_thinned_for_the_estimate_only() -> None:
    rng = np.random.default_rng(9)
    x, y = rng.normal(0, 1, 5000), rng.normal(0.2, 1, 5000)
    assert stats.hodges_lehmann(x, y).estimate == pytest.approx(0.2, abs=0.05)


@pytest.mark.parametrize(("n", "m"), [(5, 5), (8, 12), (20, 20), (50, 30)])
def test_exact_p_values_agree_with_scipy(n: int, m: int) -> None:
    from scipy import stats as scipy_stats

    rng = np.random.default_rng(n * 100 + m)
    x, y = rng.normal(0, 1, n), rng.normal(0.4, 1, m)
    ours = stats.shift_test(x, y, 0.1)
    assert ours.method == "exact"
    assert ours.p_greater == pytest.approx(
        scipy_stats.mannwhitneyu(y - 0.1, x, alternative="greater", method="exact").pvalue
    )
    assert ours.p_less == pytest.approx(scipy_stats.mannwhitneyu(y + 0.1, x, alternative="less", method="exact").pvalue)


def test_permutation_p_values_agree_with_scipy_within_monte_carlo_error() -> None:
    from scipy import stats as scipy_stats

    rng = np.random.default_rng(31)
    x, y = np.round(rng.normal(10, 1, 20)), np.round(rng.normal(10.5, 1, 25))
    ours = stats.shift_test(x, y, 0.05).p_greater
    method = scipy_stats.PermutationMethod(n_resamples=99_999, rng=np.random.default_rng(2))
    reference = scipy_stats.mannwhitneyu(y - 0.05, x, alternative="greater", method=method).pvalue
    assert abs(ours - reference) < 4 * math.sqrt(reference * (1 - reference) / stats.PERMUTATIONS) + 1e-4


# --- the light entry points equal scipy.stats (a compare must not import scipy.stats: issue of start-up) ---


@pytest.mark.parametrize("seed", range(6))
def test_mann_whitney_normal_equals_scipy(seed: int) -> None:
    from scipy import stats as sps

    rng = np.random.default_rng(seed)
    x = np.round(rng.lognormal(0, 0.3, 80 + seed * 7), 1 + seed % 3)  # rounded: ties, as timers make them
    y = np.round(rng.lognormal(0.05 * seed, 0.3, 60), 1 + seed % 3)
    expected = sps.mannwhitneyu(y, x, alternative="greater", method="asymptotic").pvalue
    assert stats.mann_whitney_normal(x, y) == pytest.approx(expected, rel=1e-9, abs=1e-15)

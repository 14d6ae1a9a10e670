"""The statistics, checked against brute force, published tables and simulation with fixed seeds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from perfgate import stats


def test_hodges_lehmann_is_the_median_of_pairwise_differences() -> None:
    rng = np.random.default_rng(1)
    x, y = rng.normal(0, 1, 13), rng.normal(0.5, 1, 17)
    brute = float(np.median([b - a for a in x for b in y]))
    assert stats.hodges_lehmann(x, y).estimate == pytest.approx(brute)


def _samples(kind: str, size: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "continuous":
        return rng.lognormal(0, 0.3, size)
    if kind == "timer ticks":  # quantised: many ties, and differences that round
        return np.log(np.round(rng.lognormal(3, 0.2, size)) * 1e-7)
    if kind == "few values":
        return rng.choice([-1.5, 0.1, 0.1 + 2**-40, 3.0], size)
    if kind == "mixed magnitudes":  # where y_j <= x_i + v and y_j - x_i <= v disagree, by rounding
        magnitudes: np.ndarray = rng.choice([1e-17, 0.1, 0.2, 0.3, 1.0, 3.0, 1e16, 1e16 + 2], size)
        shifted: np.ndarray = magnitudes + rng.integers(0, 3, size) * 0.1
        return shifted
    return np.full(size, 0.25)  # all the same


@pytest.mark.parametrize("kind", ["continuous", "timer ticks", "few values", "mixed magnitudes", "constant"])
@pytest.mark.parametrize(("n", "m"), [(300, 300), (2000, 1999), (1, 70_000), (70_000, 1), (257, 1801)])
def test_pairwise_order_statistics_are_those_of_every_difference(kind: str, n: int, m: int) -> None:
    """Selected without forming every difference, yet the very values partitioning all of them gives."""
    rng = np.random.default_rng(n * m)
    x, y = _samples(kind, n, rng), _samples(kind, m, rng) + (0.05 if kind == "continuous" else 0.0)
    every = np.sort(np.subtract.outer(y, x).ravel())
    size = n * m
    ranks = sorted({0, 1, (size - 1) // 2, size // 2, size - 1, *rng.integers(size, size=6).tolist()})
    found = stats.pairwise_order_statistics(x, y, ranks)
    assert {r: float(v) for r, v in found.items()} == {r: float(every[r]) for r in ranks}
    # Hodges-Lehmann: over evenly spaced quantiles of a side with more than 2,000 samples.
    x, y = stats._thin(x), stats._thin(y)
    every, size = np.sort(np.subtract.outer(y, x).ravel()), x.size * y.size
    interval = stats.hodges_lehmann(x, y)
    k = stats._interval_rank(x.size, y.size, 0.90)
    assert interval.estimate == float((every[(size - 1) // 2] + every[size // 2]) / 2)
    if k >= 1:
        assert (interval.low, interval.high) == (float(every[k - 1]), float(every[size - k]))


def test_differences_counted_as_computed_not_as_the_sum_would_round() -> None:
    """How many differences fall at or below a value, per x_i, counts y_j - x_i as float64 computes it; where
    the first guess (y_j <= x_i + value) rounds the other way, the count is corrected."""
    rng = np.random.default_rng(0)
    x, y = np.sort(_samples("mixed magnitudes", 50, rng)), np.sort(_samples("mixed magnitudes", 60, rng))
    differences = np.subtract.outer(y, x)
    pairs = stats._SortedPairs(x, y)
    corrected = 0
    for value in differences.ravel()[::7]:
        for strict in (False, True):
            expected = (differences < value if strict else differences <= value).sum(axis=0)
            assert pairs._counts(value, strict).tolist() == expected.tolist()
            guess = np.searchsorted(y, x + value, side="left" if strict else "right")
            corrected += int((guess != expected).sum())
    assert corrected > 0  # the correction was needed, and made


@pytest.mark.parametrize(("n", "m", "k"), [(5, 5, 5), (8, 8, 16), (10, 10, 28), (6, 9, 13)])
def test_exact_interval_rank_matches_the_mann_whitney_table(n: int, m: int, k: int) -> None:
    # Critical values of U for a two-sided test at 0.10 (one-sided 0.05): k = U_crit + 1.
    assert stats._interval_rank(n, m, 0.90) == k


def test_exact_null_distribution_counts_all_arrangements() -> None:
    counts = stats._u_null_counts(4, 6)
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


def test_benjamini_hochberg_matches_the_textbook_example() -> None:
    q = stats.benjamini_hochberg([0.01, 0.04, 0.03, 0.005])
    assert q == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert stats.benjamini_hochberg([]) == []


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
    assert stats.rank_average(np.concatenate([x, y])) == pytest.approx(sps.rankdata(np.concatenate([x, y])))


def test_benjamini_hochberg_equals_scipy() -> None:
    from scipy import stats as sps

    p = np.random.default_rng(1).uniform(0, 0.2, 40) ** 2
    assert stats.benjamini_hochberg(list(p)) == pytest.approx(list(sps.false_discovery_control(p, method="bh")))


@pytest.mark.parametrize(("n", "q"), [(5, 0.5), (20, 0.95), (200, 0.99), (1000, 0.9), (37, 0.5)])
def test_binomial_quantile_equals_scipy(n: int, q: float) -> None:
    from scipy import stats as sps

    for level in (0.05, 0.5, 0.95, 0.99):
        assert stats.binomial_quantile(level, n, q) == int(sps.binom.ppf(level, n, q))


def test_t_and_beta_bounds_equal_scipy() -> None:
    from scipy import stats as sps

    values = np.random.default_rng(2).normal(10, 2, 12)
    half = sps.t.ppf(0.95, 11) * values.std(ddof=1) / math.sqrt(12)
    assert stats.mean_bounds(values).upper == pytest.approx(values.mean() + half)
    bounds = stats.proportion_bounds(7, 500)
    assert bounds.lower == pytest.approx(sps.beta.ppf(0.05, 7, 494))
    assert bounds.upper == pytest.approx(sps.beta.ppf(0.95, 8, 493))
    noise = stats.between_run_p(np.array([0.0, 0.02, -0.01]), np.array([0.08]), 0.05, 0.05, 2.0)
    assert noise is not None
    assert noise.p == pytest.approx(sps.t.sf((noise.estimate - 0.05) / noise.se, noise.df))
    assert noise.p_better(0.05) == pytest.approx(sps.t.cdf((noise.estimate + 0.05) / noise.se, noise.df))


# --- budgets: a bound on a quantile ------------------------------------------------------------------------


def test_quantile_bounds_cover_the_true_quantile() -> None:
    rng = np.random.default_rng(2)
    true_p95 = math.exp(1.6449 * 0.1)
    misses = sum(stats.quantile_bounds(rng.lognormal(0, 0.1, 60), 0.95).lower > true_p95 for _ in range(400))
    assert misses / 400 <= 0.07  # a one-sided 95 % lower bound is above the truth at most ~5 % of the time


# --- within one run: the trend over time windows -------------------------------------------------------------


def test_window_trend_sees_a_slope_beyond_the_margin_and_not_noise() -> None:
    rng = np.random.default_rng(3)
    noise = rng.normal(0, 0.05, 30)
    ramp = np.linspace(0, 0.3, 30)
    flat = stats.window_trend(noise, math.log1p(0.05))
    rising = stats.window_trend(noise + ramp, math.log1p(0.05))
    within = stats.window_trend(noise + ramp, 0.6)  # rises 0.3, 0.6 allowed
    assert flat is not None and rising is not None and within is not None
    assert flat.p > 0.2
    assert rising.p < 0.001
    assert within.p > 0.5
    assert rising.total == pytest.approx(0.3, abs=0.08)
    assert stats.window_trend(noise[:7], 0.0) is None  # too few windows to speak of a trend


def test_autocorrelated_windows_need_more_evidence() -> None:
    """A random walk wanders; its windows are correlated, and the test must not read the wander as a trend."""
    rng = np.random.default_rng(11)
    alarms = 0
    for _ in range(200):
        walk = np.cumsum(rng.normal(0, 0.01, 30)) * 0.5 + rng.normal(0, 0.02, 30)
        trend = stats.window_trend(walk, math.log1p(0.05))
        assert trend is not None
        alarms += trend.p <= 0.05
    assert alarms <= 12  # about 5 % or fewer at the 5 % level


# --- over runs: level changes and trends of per-run medians, and how many samples or runs it takes ---------


def test_level_change_p_is_students_t_test() -> None:
    from scipy import stats as scipy_stats

    rng = np.random.default_rng(2)
    a, b = rng.normal(0, 1, 12), rng.normal(0.8, 1, 9)
    assert stats.level_change_p(a, b) == pytest.approx(scipy_stats.ttest_ind(a, b).pvalue, rel=1e-9)
    assert stats.level_change_p(np.ones(4), np.ones(4)) == 1.0
    assert stats.level_change_p(np.ones(4), np.full(4, 2.0)) == 0.0


def test_monotonic_trend_matches_theil_sen_and_kendall() -> None:
    from scipy import stats as scipy_stats

    rng = np.random.default_rng(4)
    values = np.arange(20) * 0.1 + rng.normal(0, 0.3, 20)
    found = stats.monotonic_trend(values)
    assert found.slope == pytest.approx(scipy_stats.theilslopes(values).slope)
    assert found.p_value == pytest.approx(scipy_stats.kendalltau(np.arange(20), values).pvalue)
    assert stats.monotonic_trend(np.ones(10)) == stats.Trend(0.0, 1.0)


def test_samples_to_detect_follows_the_normal_power_formula() -> None:
    # n = 2 (z_0.95 + z_0.8)^2 (s/d)^2 / (3/pi): s = d gives 2 * 6.18 / 0.955 = 12.95, so 13.
    assert stats.samples_to_detect(0.05, 0.05) == 13
    assert stats.samples_to_detect(0.10, 0.05) == 52
    assert stats.samples_to_detect(0.001, 0.05) == 2


def test_runs_to_detect_grows_with_noise_and_has_a_limit() -> None:
    small, large = stats.runs_to_detect(0.01, 0.05), stats.runs_to_detect(0.018, 0.05)
    assert small is not None and large is not None and small < large
    # The candidate is one run: its own τ cannot be averaged away, so τ near Δ/2.5 needs ever more runs.
    assert stats.runs_to_detect(0.03, 0.05) is None

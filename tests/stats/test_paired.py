"""The paired test on interleaved rounds: exact against enumeration, calibrated where the per-sample test is not."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from perfgate import stats
from perfgate.model import FloatArray
from perfgate.stats import paired

DELTA = math.log1p(0.02)


def _brute_force_sf(values: FloatArray) -> float:
    """P(W+ >= observed) over all 2^n signs of the nonzero values, W+ the sum of mid-ranks of |value| given +."""
    nonzero = values[values != 0]
    if nonzero.size == 0:
        return 1.0
    ranks = stats.rank_average(np.abs(nonzero))
    observed = ranks[nonzero > 0].sum()
    sums = [
        sum(r for r, plus in zip(ranks, signs, strict=True) if plus)
        for signs in itertools.product((0, 1), repeat=nonzero.size)
    ]
    return float(sum(s >= observed - 1e-9 for s in sums) / len(sums))


@pytest.mark.parametrize(
    "values",
    [
        [0.031, -0.012, 0.044, 0.006, -0.003, 0.027, 0.015],  # no ties
        [0.01, 0.01, -0.01, 0.02, 0.02, 0.02, -0.03, 0.0, 0.01],  # ties and a zero (a coarse timer)
        [0.02, -0.02, 0.02, -0.02, 0.02, 0.02],  # one size: every rank tied
        [0.5, 0.001, 0.002, -0.003, 0.004, -0.0001, 0.002, 0.003, -0.002, 0.001],  # one outlier round
    ],
)
def test_p_values_are_exact_given_the_ties(values: list[float]) -> None:
    d = np.array(values)
    test = paired.paired_test(d, 0.0)
    assert test.method == "paired-exact"
    assert test.p_worse == pytest.approx(_brute_force_sf(d), abs=1e-12)
    assert test.p_better == pytest.approx(_brute_force_sf(-d), abs=1e-12)


@pytest.mark.parametrize("n", [5, 9, 16, 30])
def test_untied_p_values_equal_scipy_and_the_margin_shifts_the_test(n: int) -> None:
    from scipy import stats as sps

    d = np.random.default_rng(n).normal(0.03, 0.02, n)
    test = paired.paired_test(d, DELTA)
    assert test.p_worse == pytest.approx(sps.wilcoxon(d - DELTA, alternative="greater", method="exact").pvalue)
    assert test.p_better == pytest.approx(sps.wilcoxon(d + DELTA, alternative="less", method="exact").pvalue)


def test_many_rounds_use_the_tie_corrected_normal_law() -> None:
    from scipy import stats as sps

    d = np.round(np.random.default_rng(3).normal(0.003, 0.02, paired.EXACT_MAX_ROUNDS + 60), 3)  # ties and zeros
    test = paired.paired_test(d, 0.0)
    assert test.method == "paired-normal"
    expected = sps.wilcoxon(d, alternative="greater", method="asymptotic", correction=True).pvalue
    assert test.p_worse == pytest.approx(expected, rel=1e-9)
    at_the_limit = d[: paired.EXACT_MAX_ROUNDS]  # exact there, and close to the normal law
    assert paired.paired_test(at_the_limit, 0.0).method == "paired-exact"


def test_the_estimate_and_interval_are_order_statistics_of_the_walsh_averages() -> None:
    d = np.array([0.031, -0.012, 0.044, 0.006, -0.003, 0.027, 0.015, 0.022, 0.009, 0.018])
    walsh = sorted((a + b) / 2 for a, b in itertools.combinations_with_replacement(d, 2))
    # The exact null of W+ for 10 untied ranks, by enumeration: k is the largest with P(W+ <= k - 1) <= 0.05.
    null = [
        sum(r for r, plus in zip(range(1, 11), s, strict=True) if plus) for s in itertools.product((0, 1), repeat=10)
    ]
    k = max(k for k in range(1, 30) if sum(w <= k - 1 for w in null) / len(null) <= 0.05)
    test = paired.paired_test(d, DELTA, confidence=0.90)
    assert test.estimate == pytest.approx(float(np.median(walsh)))
    assert test.low == pytest.approx(walsh[k - 1]) and test.high == pytest.approx(walsh[len(walsh) - k])
    assert test.interval == stats.ShiftInterval(test.estimate, test.low, test.high, 0.90)


def test_the_interval_covers_the_true_change_as_often_as_promised() -> None:
    rng = np.random.default_rng(21)
    true, trials = math.log(1.04), 1000
    hits = 0
    for _ in range(trials):
        d = true + 0.02 * rng.standard_t(3, 12)  # heavy-tailed, symmetric
        test = paired.paired_test(d, DELTA, confidence=0.90)
        hits += test.low <= true <= test.high
    assert 0.88 <= hits / trials <= 0.95  # exact order statistics: at least 90 %, by little more


# --- calibration: a change of exactly δ fails at most alpha of the time, where the test on the samples does not ----


def _jobs(rng: np.random.Generator, jobs: int, rounds: int, change: float) -> tuple[FloatArray, FloatArray]:
    """Log samples [job, round, sample] of base and head interleaved on a shared runner: each job its level, each
    round a level both sides share (drift), and now and then a burst that slows one side's whole round."""
    shape = (jobs, rounds, 10)
    shared = rng.normal(0, 0.05, (jobs, 1, 1)) + np.cumsum(rng.normal(0, 0.01, (jobs, rounds, 1)), axis=1)

    def side() -> FloatArray:
        burst = (rng.random((jobs, rounds, 1)) < 0.3) * rng.uniform(0, 0.10, (jobs, rounds, 1))
        values: FloatArray = shared + burst + rng.normal(0, 0.01, shape)
        return values

    return side(), side() + change


def _false_alarms(base: FloatArray, head: FloatArray) -> tuple[float, float]:
    """Share of jobs failed at alpha = 0.05 by the paired test, and by Mann-Whitney on all samples pooled."""
    d = np.median(head, axis=2) - np.median(base, axis=2)
    by_pairs = np.mean([paired.paired_test(row, DELTA).p_worse <= 0.05 for row in d])
    by_samples = np.mean(
        [stats.shift_test(b.ravel(), h.ravel(), DELTA).p_greater <= 0.05 for b, h in zip(base, head, strict=True)]
    )
    return float(by_pairs), float(by_samples)


@pytest.mark.parametrize("rounds", [6, 12, 25])
def test_a_change_of_exactly_delta_fails_at_most_alpha_of_the_time(rounds: int) -> None:
    rng = np.random.default_rng(rounds)
    jobs = 1500
    by_pairs, by_samples = _false_alarms(*_jobs(rng, jobs, rounds, DELTA))
    bound = 0.05 + 2 * math.sqrt(0.05 * 0.95 / jobs)  # alpha and two standard errors of the simulation
    assert by_pairs <= bound
    assert by_samples > bound  # the bound is not lax: the test on the samples breaks it


def test_no_change_never_fails_and_a_large_one_is_found() -> None:
    rng = np.random.default_rng(5)
    assert _false_alarms(*_jobs(rng, 500, 12, 0.0))[0] <= 0.005
    found = _jobs(rng, 300, 12, math.log(1.10))
    d = np.median(found[1], axis=2) - np.median(found[0], axis=2)
    assert np.mean([paired.paired_test(row, DELTA).p_worse <= 0.05 for row in d]) >= 0.9


# --- edge cases ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("values", [[], [0.1], [0.1, 0.2]])
def test_fewer_than_three_rounds_get_no_test_and_say_so(values: list[float]) -> None:
    test = paired.paired_test(np.array(values), DELTA)
    assert test.method == "none" and test.p_worse == 1.0 and test.p_better == 1.0
    assert f"{len(values)} round(s)" in test.note and "at least 3" in test.note
    assert test.low == -math.inf and test.high == math.inf


def test_identical_ratios_give_the_smallest_p_the_rounds_allow() -> None:
    test = paired.paired_test(np.full(8, 0.05), DELTA)
    assert test.p_worse == pytest.approx(2.0**-8) and test.p_better == 1.0
    assert (test.estimate, test.low, test.high) == (0.05, 0.05, 0.05)
    on_the_margin = paired.paired_test(np.full(8, DELTA), DELTA)  # every round exactly δ: evidence for neither
    assert on_the_margin.p_worse == 1.0


def test_rounds_without_a_finite_ratio_are_left_out() -> None:
    d = np.array([0.05, np.nan, 0.06, np.inf, 0.07, 0.04, -np.inf, 0.05])
    test = paired.paired_test(d, DELTA)
    assert test.rounds == 5
    assert test.p_worse == paired.paired_test(d[np.isfinite(d)], DELTA).p_worse


def test_rounds_needed_is_where_every_round_worse_reaches_alpha() -> None:
    for alpha in (0.05, 0.0125, 0.001):
        n = paired.rounds_needed(alpha)
        assert paired.paired_test(np.full(n, 0.1), 0.0).p_worse <= alpha
        assert paired.paired_test(np.full(n - 1, 0.1), 0.0).p_worse > alpha or n - 1 < paired.MIN_ROUNDS


def test_round_ratios_are_differences_of_medians_or_the_within_round_shift() -> None:
    rng = np.random.default_rng(9)
    base = [rng.normal(0, 0.01, 9) for _ in range(4)]
    head = [b + 0.03 + rng.normal(0, 0.01, 9) for b in base]
    medians = paired.round_log_ratios(base, head)
    assert medians.tolist() == [float(np.median(h)) - float(np.median(b)) for b, h in zip(base, head, strict=True)]
    shifts = paired.round_log_ratios(base, head, "hodges-lehmann")
    assert shifts.tolist() == [stats.hodges_lehmann(b, h).estimate for b, h in zip(base, head, strict=True)]
    with pytest.raises(ValueError, match="rounds come in pairs"):
        paired.round_log_ratios(base, head[:3])
    with pytest.raises(ValueError, match="without samples"):
        paired.round_log_ratios([*base[:3], np.array([])], head)

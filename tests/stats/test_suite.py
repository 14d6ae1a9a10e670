"""The suite's noise model (perfgate.stats.suite): the empirical Bayes prior, the fitted tails, the groups of
series that move together, on simulated suites whose truth is known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from perfgate.stats import suite


def test_the_prior_recovers_the_suites_spread_and_weight() -> None:
    # 3,000 series whose true variances are scaled inverse chi-squared around 0.02² with 8 degrees of freedom,
    # each observed with 9: limma's moments give back both.
    rng = np.random.default_rng(1)
    true = 0.02**2 * 8 / rng.chisquare(8, 3000)
    observed = true * rng.chisquare(9, 3000) / 9
    variance, weight = suite.prior(observed, np.full(3000, 9.0))
    assert math.sqrt(variance) == pytest.approx(0.02, rel=0.1)
    assert 5 < weight < 13


def test_equal_true_variances_give_an_infinite_prior_weight() -> None:
    rng = np.random.default_rng(2)
    observed = 0.01**2 * rng.chisquare(9, 3000) / 9
    variance, weight = suite.prior(observed, np.full(3000, 9.0))
    assert math.sqrt(variance) == pytest.approx(0.01, rel=0.05)
    assert weight > 50


@pytest.mark.parametrize(("df", "low", "high"), [(3.0, 2.5, 4.5), (30.0, 12.0, 30.0)])
def test_the_tails_are_fitted(df: float, low: float, high: float) -> None:
    rng = np.random.default_rng(3)
    fitted, scale = suite.tail_fit(rng.standard_t(df, 20_000) * 1.7)
    assert low <= fitted <= high
    assert scale == pytest.approx(1.7, rel=0.1)


def test_too_few_values_give_the_heaviest_tails() -> None:
    assert suite.tail_fit(np.ones(10)) == (suite.MIN_TAIL_DF, 1.0)


def _window(rng: np.random.Generator, runs: int = 30, series: int = 120, group: int = 30) -> np.ndarray:
    """Log medians: each series its level and 1 % noise; the first ``group`` series +40 % together on a quarter
    of the runs (a runner they do not like), the rest untouched."""
    levels = rng.normal(0, 2, series)
    window = levels + rng.normal(0, 0.01, (runs, series))
    slow = rng.random(runs) < 0.25
    slow[-5:] = False  # the baseline runs are quiet
    window[np.ix_(slow, np.arange(group))] += math.log(1.4)
    return window


def test_a_group_that_moves_together_is_found_and_taken_out_of_the_candidate() -> None:
    rng = np.random.default_rng(4)
    window = _window(rng)
    fitted = suite.fit(window, level_runs=5)
    candidate = window[-1] + rng.normal(0, 0.01, window.shape[1])
    candidate[:30] += math.log(1.4)  # the group on its slow runner again
    candidate[100] += math.log(1.3)  # and one series that really got slower
    cleaned, taken = fitted.cleaned(candidate)
    change = cleaned - fitted.level
    assert np.all(np.abs(change[:30]) < 0.05)  # the group's move is taken out ...
    assert change[100] == pytest.approx(math.log(1.3), abs=0.03)  # ... the code change is not
    # Outside the group, what is taken out stays within the noise (the second component fits some of it).
    assert np.all(np.abs(taken[30:]) < 0.025)


def test_without_a_group_nothing_is_taken_out_and_the_scale_is_the_noise() -> None:
    rng = np.random.default_rng(5)
    window = rng.normal(0, 2, 80) + rng.normal(0, 0.01, (30, 80))
    fitted = suite.fit(window, level_runs=5)
    _, taken = fitted.cleaned(window[-1] + rng.normal(0, 0.01, 80))
    assert np.all(np.abs(taken) < 0.01)
    assert float(np.median(fitted.scale)) == pytest.approx(0.01, rel=0.35)
    assert fitted.df >= 8  # normal noise: light tails


def test_a_narrow_or_short_window_looks_for_no_group() -> None:
    rng = np.random.default_rng(6)
    fitted = suite.fit(rng.normal(0, 0.01, (8, 200)), level_runs=5)
    assert not fitted.loadings.size
    fitted = suite.fit(rng.normal(0, 0.01, (30, 20)), level_runs=5)
    assert not fitted.loadings.size


def test_huber_scores_ignore_the_few_series_a_change_moved() -> None:
    rng = np.random.default_rng(7)
    loadings = np.zeros((1, 200))
    loadings[0, :50] = 1 / math.sqrt(50)
    deviations = 0.3 * loadings[0] + rng.normal(0, 0.005, 200)
    deviations[:5] += 1.0  # five series of the group moved by far more: a code change, not the runner
    scores = suite.huber_scores(deviations[None, :], loadings)
    assert scores[0, 0] == pytest.approx(0.3, abs=0.03)


def test_cell_variances_split_each_series_spread_as_the_between_run_test_does() -> None:
    nan = math.nan
    own = np.array([[0.5, nan, 1.0], [1.5, nan, nan], [nan, 2.0, 3.0]])
    variance = np.array([4.0, 4.0, 1.0])
    cells = suite.cell_variances(variance, own)
    # series 0: typical 1.0, between 3.0; its unknown run counts as typical
    assert cells[:, 0].tolist() == pytest.approx([3.0 + 0.75, 3.0 + 1.25, 3.0 + 1.0])
    assert cells[:, 1].tolist() == pytest.approx([4.0] * 3)  # one run of known variance: nothing to split
    # series 2: typical 2.0 is more than its spread, so a tenth of it stays the runner's
    assert cells[:, 2].tolist() == pytest.approx([0.1 + 1.5, 0.1 + 2.0, 0.1 + 2.5])


def test_runs_the_tool_measured_as_unstable_are_not_taken_for_heavy_tails() -> None:
    """One run in eight six times noisier, and the tool saying so: with its intervals the fitted tails are
    lighter than without them, where only heavy tails explain those runs."""
    rng = np.random.default_rng(8)
    sd = np.where(rng.random((30, 200)) < 1 / 8, 0.06, 0.01)
    window = rng.normal(0, 0.005, (30, 200)) + rng.normal(0, sd)
    assert suite.fit(window, 5, sd**2).df > suite.fit(window, 5).df + 2

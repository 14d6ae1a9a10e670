"""perfgate.stats.trends: trends over time windows, level changes, Theil-Sen and Kendall."""

from __future__ import annotations

import math

import numpy as np
import pytest

from perfgate import stats


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


@pytest.mark.parametrize("n", [34, 114, 300])
@pytest.mark.parametrize("shape", ["noise", "ties", "sorted", "one out of order"])
def test_monotonic_trend_p_is_scipys_kendalltau_on_every_path(n: int, shape: str) -> None:
    """The asymptotic p-value worked out from the Theil-Sen pairs is scipy's to the last bit, and scipy's exact
    distribution still answers where kendalltau takes it (no ties, at most one pair out of order)."""
    from scipy import stats as scipy_stats

    rng = np.random.default_rng(n)
    values = np.arange(n) * 0.002 + rng.normal(0, 0.3, n)
    if shape == "ties":
        values = np.round(values, 1)
    elif shape == "sorted":
        values = np.sort(values)
    elif shape == "one out of order":
        values = np.sort(values)
        values[[3, 4]] = values[[4, 3]]
    assert stats.monotonic_trend(values).p_value == float(scipy_stats.kendalltau(np.arange(n), values).pvalue)

"""perfgate.stats.power: how many samples or runs it takes to see a change."""

from __future__ import annotations

import numpy as np

from perfgate import stats
from perfgate.stats import power


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


def test_quantiles_are_scipy_stats_own() -> None:
    """scipy.special's quantiles, taken so that the digest need not import scipy.stats, are its numbers."""
    from scipy import stats as scipy_stats

    assert power._z_sum(0.05, 0.8) == float(scipy_stats.norm.ppf(0.95)) + float(scipy_stats.norm.ppf(0.8))
    t, _ = power._t_factors(0.05, 0.8, 100)
    runs = np.arange(2, 101)
    assert np.array_equal(t, scipy_stats.t.ppf(0.95, runs - 1) + scipy_stats.t.ppf(0.8, runs - 1))

"""One-sided bounds for budgets, equal to what scipy.stats gives."""

from __future__ import annotations

import math

import numpy as np
import pytest

from perfgate import stats


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


def test_quantile_bounds_cover_the_true_quantile() -> None:
    rng = np.random.default_rng(2)
    true_p95 = math.exp(1.6449 * 0.1)
    misses = sum(stats.quantile_bounds(rng.lognormal(0, 0.1, 60), 0.95).lower > true_p95 for _ in range(400))
    assert misses / 400 <= 0.07  # a one-sided 95 % lower bound is above the truth at most ~5 % of the time


# --- within one run: the trend over time windows -------------------------------------------------------------

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

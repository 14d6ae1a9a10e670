"""One-sided bounds of a statistic (a quantile, a mean, a rate), for budgets: absolute limits."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from perfgate.model import FloatArray


@dataclass(frozen=True)
class Bounds:
    """A point estimate with one-sided bounds at the same level; an unknown bound is infinite."""

    estimate: float
    lower: float
    upper: float


def quantile_bounds(values: FloatArray, quantile: float, level: float = 0.95) -> Bounds:
    """Distribution-free one-sided bounds for a quantile, from order statistics (binomial counts)."""
    ordered = np.sort(values)
    n = ordered.size
    estimate = float(np.quantile(ordered, quantile))
    # Upper: the smallest order statistic x(k) with P(Binomial(n, q) <= k - 1) >= level.
    k_upper = binomial_quantile(level, n, quantile) + 1
    # Lower: the largest x(j) with P(Binomial(n, q) >= j) >= level.
    j_lower = binomial_quantile(1 - level, n, quantile)
    upper = float(ordered[k_upper - 1]) if 1 <= k_upper <= n else math.inf
    lower = float(ordered[j_lower - 1]) if 1 <= j_lower <= n else -math.inf
    return Bounds(estimate, min(lower, estimate), max(upper, estimate))


def binomial_quantile(level: float, n: int, p: float) -> int:
    """The smallest k with P(Binomial(n, p) <= k) >= level (``scipy.stats.binom.ppf``)."""
    from scipy import special

    cdf = special.bdtr(np.arange(n + 1), n, p)
    # A relative tolerance as scipy's ppf uses, so a cdf a rounding error below the level still counts.
    return min(int(np.searchsorted(cdf, level * (1 - 1e-10), side="left")), n)


def mean_bounds(values: FloatArray, level: float = 0.95) -> Bounds:
    """Student-t one-sided bounds for the mean (the samples are themselves averages, so nearly normal)."""
    from scipy import special

    mean = float(np.mean(values))
    if values.size < 2:
        return Bounds(mean, -math.inf, math.inf)
    half = float(special.stdtrit(values.size - 1, level)) * float(np.std(values, ddof=1)) / math.sqrt(values.size)
    return Bounds(mean, mean - half, mean + half)


def proportion_bounds(events: int, trials: int, level: float = 0.95) -> Bounds:
    """Clopper-Pearson one-sided bounds for a rate such as errors / requests."""
    from scipy import special

    rate = events / trials
    lower = float(special.betaincinv(events, trials - events + 1, 1 - level)) if events > 0 else 0.0
    upper = float(special.betaincinv(events + 1, trials - events, level)) if events < trials else 1.0
    return Bounds(rate, lower, upper)

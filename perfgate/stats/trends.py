"""Trends in values taken in order: drift within a run (windows), level changes and monotonic trends across runs."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from perfgate.model import FloatArray

MIN_TREND_WINDOWS = 8  # fewer windows say too little about a trend within a run


@dataclass(frozen=True)
class WindowTrend:
    """A straight-line trend through values in time order (one per window of a run)."""

    slope: float  # Theil-Sen estimate, per window
    p: float  # one-sided p-value of "the slope exceeds the margin per window"
    windows: int
    autocorrelation: float  # lag-1, of the noise around the trend: neighbouring windows are not independent

    @property
    def total(self) -> float:
        """The change from the first window to the last along the fitted line."""
        return self.slope * (self.windows - 1)


def window_trend(values: FloatArray, margin: float) -> WindowTrend | None:
    """Whether values rise by more than ``margin`` from the first window to the last: a Mann-Kendall test of
    the values minus the allowed line, with the variance inflated for lag-1 autocorrelation (windows of a
    load test are correlated: a queue that builds up takes some windows to drain). None below
    MIN_TREND_WINDOWS windows."""
    from scipy import stats

    n = values.size
    if n < MIN_TREND_WINDOWS:
        return None
    x = np.arange(n, dtype=np.float64)
    fit = stats.theilslopes(values, x)
    rho = _noise_autocorrelation(values, x)
    allowed_per_window = margin / (n - 1)
    kendall = stats.kendalltau(x, values - allowed_per_window * x, alternative="greater", method="asymptotic")
    p = float(kendall.pvalue)
    if not math.isfinite(p):
        return WindowTrend(float(fit.slope), 1.0, n, rho)
    z = float(stats.norm.isf(p)) / math.sqrt((1 + rho) / (1 - rho))
    return WindowTrend(float(fit.slope), float(stats.norm.sf(z)), n, rho)


def _noise_autocorrelation(values: FloatArray, x: FloatArray) -> float:
    """Lag-1 autocorrelation of the noise around the trend, in [0, 0.9]. The trend is taken as a parabola, not the
    straight line the test measures: a leak is rarely straight on the log scale (+100 % at a steady pace is a
    logarithm there), and the bend left around a line looks like correlated windows. Counted as correlation, it
    divided a clean leak's evidence by up to 4.4: the cleaner the leak, the less it was seen."""
    smooth = np.polynomial.polynomial.Polynomial.fit(x, values, 2)
    residuals = values - smooth(x)
    if float(np.std(residuals[:-1])) <= 0 or float(np.std(residuals[1:])) <= 0:
        return 0.0
    rho = float(np.corrcoef(residuals[:-1], residuals[1:])[0, 1])
    return min(max(rho if math.isfinite(rho) else 0.0, 0.0), 0.9)


def level_change_p(left: FloatArray, right: FloatArray) -> float:
    """Two-sided p-value of Student's t-test (pooled variance) that two segments have the same mean.

    Pooled, not Welch: a short segment's own variance is too unstable to choose split points by. Two
    constant segments give 0 when their values differ and 1 when they do not (quantised timers make such
    segments, and scipy would answer NaN).
    """
    from scipy import special  # Student's t tail directly: the same number as scipy.stats.t.sf, without its import

    n, m = left.size, right.size
    left_mean, right_mean = float(left.sum()) / n, float(right.sum()) / m  # np.mean's figures, without its dispatch
    diff = right_mean - left_mean
    pooled = (float(((left - left_mean) ** 2).sum()) + float(((right - right_mean) ** 2).sum())) / max(n + m - 2, 1)
    if pooled == 0.0:
        return 0.0 if diff != 0.0 else 1.0
    t = abs(diff) / math.sqrt(pooled * (1 / n + 1 / m))
    return float(2 * special.stdtr(n + m - 2, -t))


@dataclass(frozen=True)
class Trend:
    """A monotonic trend: Theil-Sen slope per step and the two-sided p-value of Kendall's tau."""

    slope: float
    p_value: float


def monotonic_trend(values: FloatArray) -> Trend:
    """Theil-Sen slope of ``values`` against their position, and Kendall's test that there is no trend."""
    positions = np.arange(values.size, dtype=np.float64)
    if values.size < 3 or float(np.ptp(values)) == 0.0:
        return Trend(0.0, 1.0)
    # Theil-Sen: the median of every pair's slope, as scipy's theilslopes computes it, without the intercept and
    # confidence interval it also works out (half the digest's time in creep, over thousands of series).
    later, earlier = np.triu_indices(values.size, 1)[::-1]
    rises = values[later] - values[earlier]
    slope = float(np.median(rises / (positions[later] - positions[earlier])))
    p = _kendall_p(values, rises)
    if p is None:
        from scipy import stats  # only here: importing scipy.stats costs a second, more than the digest's creep

        p = float(stats.kendalltau(positions, values).pvalue)
    return Trend(slope, p if math.isfinite(p) else 1.0)


def _kendall_p(values: FloatArray, rises: FloatArray) -> float | None:
    """Kendall's two-sided p-value of values against their (distinct) positions, from every pair's rise, as
    scipy's kendalltau works it out asymptotically: the same number without its argument checks, ranking and
    sorting (most of the digest's time in creep, over thousands of series). None where scipy would take the
    exact distribution (no tied values, and 33 or fewer, or at most one pair out of order either way)."""
    from scipy import special

    n = values.size
    pairs = n * (n - 1) // 2
    _, counts = np.unique(values, return_counts=True)
    counts = counts[counts > 1].astype(np.float64)
    out_of_order = int(np.count_nonzero(rises < 0))
    if not counts.size and (n <= 33 or min(out_of_order, pairs - out_of_order) <= 1):
        return None
    ties = int((counts * (counts - 1) // 2).sum())
    if ties == pairs:
        return math.nan
    score = pairs - ties - 2 * out_of_order  # concordant minus discordant pairs
    m = n * (n - 1.0)
    variance = (m * (2 * n + 5) - float((counts * (counts - 1.0) * (2 * counts + 5)).sum())) / 18
    return float(2 * special.ndtr(-abs(score / math.sqrt(variance))))

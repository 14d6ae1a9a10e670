"""How many samples or runs a test needs: to pass at all, or to see a given shift with a given power."""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from perfgate.model import FloatArray


def samples_needed(fdr: float, series: int) -> int:
    """The fewest samples per side for which an exact one-sided rank test can reach p <= fdr / series.

    With n samples per side the smallest p-value possible is 1 / C(2n, n); below this n no difference, however
    large, can pass Benjamini-Hochberg for one regression among ``series``.
    """
    threshold = fdr / max(series, 1)
    n = 1
    while 1 / math.comb(2 * n, n) > threshold:
        n += 1
    return n


_RANK_EFFICIENCY = 3 / math.pi


def samples_to_detect(spread: float, shift: float, *, alpha: float = 0.05, power: float = 0.8) -> int:
    """Samples per side for a one-sided rank test to see a shift with the given power.

    ``spread`` and ``shift`` are on the log scale (a coefficient of variation and a log-ratio).
    """
    z = _z_sum(alpha, power)
    return max(2, math.ceil(2 * (z * spread / shift) ** 2 / _RANK_EFFICIENCY))


@cache
def _z_sum(alpha: float, power: float) -> float:
    """z(1 - alpha) + z(power): the same for every series of a digest, so computed once. scipy.special's
    quantile is the one scipy.stats.norm.ppf returns, without the second that importing scipy.stats takes."""
    from scipy import special

    return float(special.ndtri(1 - alpha)) + float(special.ndtri(power))


def runs_to_detect(
    spread: float, shift: float, *, alpha: float = 0.05, power: float = 0.8, most: int = 100
) -> int | None:
    """Baseline runs for the run-to-run t-test to see a shift, given the spread τ of run medians.

    None when even ``most`` runs are not enough: the candidate's own run varies by τ, which no number of
    baseline runs averages away.
    """
    t, roots = _t_factors(alpha, power, most)
    needed = t * spread * roots  # in the order the loop over n multiplied: the same floats, the same answer
    enough = np.flatnonzero(needed <= shift)
    return int(enough[0]) + 2 if enough.size else None


@cache
def _t_factors(alpha: float, power: float, most: int) -> tuple[FloatArray, FloatArray]:
    """t(1 - alpha) + t(power) and √(1 + 1/n) for n = 2 … most baseline runs: the same for every series, so computed once
    (the digest asks for thousands of series, and scipy's t.ppf was 57,164 calls, 3.5 s, at 2,000). scipy.special's
    stdtrit is what scipy.stats.t.ppf computes, without importing scipy.stats."""
    from scipy import special

    runs = np.arange(2, most + 1)
    t: FloatArray = special.stdtrit(runs - 1, 1 - alpha) + special.stdtrit(runs - 1, power)
    roots: FloatArray = np.array([math.sqrt(1 + 1 / n) for n in range(2, most + 1)])
    t.setflags(write=False)
    roots.setflags(write=False)
    return t, roots

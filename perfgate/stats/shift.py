"""The shift of one sample against another: Hodges-Lehmann with its interval, and one-sided Mann-Whitney tests."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from perfgate.model import FloatArray
from perfgate.stats.pairwise import pairwise_order_statistics
from perfgate.stats.ranks import SEED, rank_average, ranks_and_ties

MAX_PAIRS = 4_000_000
# Exact p-values for small untied samples, seeded permutations for small tied ones, normal beyond
# (at 50 per side the tie-corrected normal approximation is accurate to well under 0.01 in p).
EXACT_MAX_N = 50
PERMUTATIONS = 9_999

TestMethod = Literal[
    "exact",
    "permutation",
    "normal",
    "run-medians",
    "counts",
    "deterministic",
    "paired-exact",
    "paired-normal",
    "summary-runs",
]


@dataclass(frozen=True)
class ShiftInterval:
    """Hodges-Lehmann shift of y relative to x with a distribution-free confidence interval."""

    estimate: float
    low: float
    high: float
    confidence: float


@dataclass(frozen=True)
class ShiftTest:
    """One-sided rank tests of "y exceeds x by more than margin" and "y falls below x by more than margin"."""

    p_greater: float
    p_less: float
    method: TestMethod


def hodges_lehmann(x: FloatArray, y: FloatArray, confidence: float = 0.90) -> ShiftInterval:
    """Median of all pairwise differences y_j - x_i, with the interval from inverting Mann-Whitney.

    The interval's ends are order statistics of the differences; with too few samples for the level
    they are infinite, which callers must read as "no interval".
    """
    x, y = _thin(x), _thin(y)
    n, m = x.size, y.size
    size = n * m
    middle = ((size - 1) // 2, size // 2)  # the median: the mean of these two order statistics
    k = _interval_rank(n, m, confidence)
    ends = [k - 1, size - k] if k >= 1 else []
    found = pairwise_order_statistics(x, y, sorted({*middle, *ends}))
    estimate = float((found[middle[0]] + found[middle[1]]) / 2)
    if not ends:
        return ShiftInterval(estimate, -math.inf, math.inf, confidence)
    return ShiftInterval(estimate, float(found[ends[0]]), float(found[ends[1]]), confidence)


def _interval_rank(n: int, m: int, confidence: float) -> int:
    """The k for which [D(k), D(nm+1-k)] covers the shift with the requested confidence."""
    from scipy import special

    alpha = 1.0 - confidence
    if n * m <= 400:
        # Exact null distribution of U: the largest k with P(U <= k - 1) <= alpha / 2.
        counts = _u_null_counts(n, m)
        cdf = np.cumsum(counts) / counts.sum()
        return int(np.searchsorted(cdf, alpha / 2, side="right"))
    z = float(special.ndtri(1 - alpha / 2))
    return math.floor(n * m / 2 - z * math.sqrt(n * m * (n + m + 1) / 12))


@functools.lru_cache(maxsize=256)
def _u_null_counts(n: int, m: int) -> FloatArray:
    """Number of arrangements giving each value of U = 0..nm (no ties), by the standard recurrence."""
    # table[i][j] holds the counts for sample sizes (i, j); built up with polynomial shifts.
    table: dict[tuple[int, int], FloatArray] = {}
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 or j == 0:
                table[(i, j)] = np.ones(1)
                continue
            a = np.zeros(i * j + 1)
            prev_i = table[(i - 1, j)]  # last element from x: contributes j to U
            prev_j = table[(i, j - 1)]
            a[j : j + prev_i.size] += prev_i
            a[: prev_j.size] += prev_j
            table[(i, j)] = a
    return table[(n, m)]


def shift_test(x: FloatArray, y: FloatArray, margin: float) -> ShiftTest:
    """Mann-Whitney p-values for H1: shift > margin and H1: shift < -margin.

    Exact for small untied samples, seeded permutations for small tied ones (quantised timers),
    scipy's tie-corrected normal approximation otherwise. The exact and permutation paths reuse a cached
    null distribution and permutation matrix, so thousands of small series stay fast.
    """
    method = _test_method(x, y, margin)
    if method == "normal":
        return ShiftTest(mann_whitney_normal(x, y - margin), mann_whitney_normal(-x, -(y + margin)), method)
    if method == "exact":
        return ShiftTest(_exact_sf(x, y - margin), _exact_sf(-x, -(y + margin)), method)
    return ShiftTest(_permutation_sf(x, y - margin), _permutation_sf(-x, -(y + margin)), method)


def mann_whitney_normal(x: FloatArray, y: FloatArray) -> float:
    """One-sided p of "y tends to be larger than x": the tie-corrected normal approximation with continuity
    correction (what ``scipy.stats.mannwhitneyu(y, x, alternative="greater", method="asymptotic")`` gives)."""
    from scipy import special

    n, m = y.size, x.size
    ranks, ties = ranks_and_ties(np.concatenate([y, x]))
    u = float(ranks[:n].sum()) - n * (n + 1) / 2
    total = n + m
    tie_term = float(np.sum(ties.astype(np.float64) ** 3 - ties)) / (total * (total - 1))
    variance = n * m / 12 * ((total + 1) - tie_term)
    if variance <= 0:
        return 1.0
    z = (u - n * m / 2 - 0.5) / math.sqrt(variance)
    return float(special.ndtr(-z))


def _test_method(x: FloatArray, y: FloatArray, margin: float) -> TestMethod:
    largest = max(x.size, y.size)
    if largest > EXACT_MAX_N:
        return "normal"
    expected = x.size + y.size
    tied = any(np.unique(np.concatenate([x, y + shift])).size < expected for shift in (-margin, margin))
    return "permutation" if tied else "exact"


def _exact_sf(x: FloatArray, y: FloatArray) -> float:
    """P(U >= observed) under the null, for U = #pairs with y > x (untied samples)."""
    u = int(np.searchsorted(np.sort(x), y, side="left").sum())
    counts = _u_null_counts(x.size, y.size)
    return min(1.0, float(counts[u:].sum() / counts.sum()))  # summation order can overshoot 1 by an ulp


def _permutation_sf(x: FloatArray, y: FloatArray) -> float:
    """Permutation p-value of the rank sum of y (mid-ranks for ties), with a fixed seed."""
    ranks = rank_average(np.concatenate([x, y]))
    observed = ranks[x.size :].sum()
    sums = ranks[_permutations(x.size + y.size, y.size)].sum(axis=1)
    # The observed arrangement counts as one of the permutations: p is never 0.
    return float((1 + np.count_nonzero(sums >= observed - 1e-9)) / (PERMUTATIONS + 1))


@functools.lru_cache(maxsize=64)
def _permutations(total: int, chosen: int) -> npt.NDArray[np.intp]:
    """PERMUTATIONS random draws of ``chosen`` positions out of ``total``, the same for every call."""
    rng = np.random.default_rng(SEED)
    matrix = rng.permuted(np.tile(np.arange(total), (PERMUTATIONS, 1)), axis=1)[:, :chosen]
    matrix.setflags(write=False)
    return matrix


def _thin(values: FloatArray) -> FloatArray:
    limit = int(math.sqrt(MAX_PAIRS))
    if values.size <= limit:
        return values
    return np.quantile(values, np.linspace(0.0, 1.0, limit))

"""Order statistics of pairwise differences: the very values that forming and partitioning every one gives."""

from __future__ import annotations

import numpy as np
import pytest

from perfgate import stats
from perfgate.stats import pairwise, shift


def _samples(kind: str, size: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "continuous":
        return rng.lognormal(0, 0.3, size)
    if kind == "timer ticks":  # quantised: many ties, and differences that round
        return np.log(np.round(rng.lognormal(3, 0.2, size)) * 1e-7)
    if kind == "few values":
        return rng.choice([-1.5, 0.1, 0.1 + 2**-40, 3.0], size)
    if kind == "mixed magnitudes":  # where y_j <= x_i + v and y_j - x_i <= v disagree, by rounding
        magnitudes: np.ndarray = rng.choice([1e-17, 0.1, 0.2, 0.3, 1.0, 3.0, 1e16, 1e16 + 2], size)
        shifted: np.ndarray = magnitudes + rng.integers(0, 3, size) * 0.1
        return shifted
    return np.full(size, 0.25)  # all the same


@pytest.mark.parametrize("kind", ["continuous", "timer ticks", "few values", "mixed magnitudes", "constant"])
@pytest.mark.parametrize(("n", "m"), [(300, 300), (2000, 1999), (1, 70_000), (70_000, 1), (257, 1801)])
def test_pairwise_order_statistics_are_those_of_every_difference(kind: str, n: int, m: int) -> None:
    """Selected without forming every difference, yet the very values partitioning all of them gives."""
    rng = np.random.default_rng(n * m)
    x, y = _samples(kind, n, rng), _samples(kind, m, rng) + (0.05 if kind == "continuous" else 0.0)
    every = np.sort(np.subtract.outer(y, x).ravel())
    size = n * m
    ranks = sorted({0, 1, (size - 1) // 2, size // 2, size - 1, *rng.integers(size, size=6).tolist()})
    found = stats.pairwise_order_statistics(x, y, ranks)
    assert {r: float(v) for r, v in found.items()} == {r: float(every[r]) for r in ranks}
    # Hodges-Lehmann: over evenly spaced quantiles of a side with more than 2,000 samples.
    x, y = shift._thin(x), shift._thin(y)
    every, size = np.sort(np.subtract.outer(y, x).ravel()), x.size * y.size
    interval = stats.hodges_lehmann(x, y)
    k = shift._interval_rank(x.size, y.size, 0.90)
    assert interval.estimate == float((every[(size - 1) // 2] + every[size // 2]) / 2)
    if k >= 1:
        assert (interval.low, interval.high) == (float(every[k - 1]), float(every[size - k]))


def test_differences_counted_as_computed_not_as_the_sum_would_round() -> None:
    """How many differences fall at or below a value, per x_i, counts y_j - x_i as float64 computes it; where
    the first guess (y_j <= x_i + value) rounds the other way, the count is corrected."""
    rng = np.random.default_rng(0)
    x, y = np.sort(_samples("mixed magnitudes", 50, rng)), np.sort(_samples("mixed magnitudes", 60, rng))
    differences = np.subtract.outer(y, x)
    pairs = pairwise._SortedPairs(x, y)
    corrected = 0
    for value in differences.ravel()[::7]:
        for strict in (False, True):
            expected = (differences < value if strict else differences <= value).sum(axis=0)
            assert pairs._counts(value, strict).tolist() == expected.tolist()
            guess = np.searchsorted(y, x + value, side="left" if strict else "right")
            corrected += int((guess != expected).sum())
    assert corrected > 0  # the correction was needed, and made

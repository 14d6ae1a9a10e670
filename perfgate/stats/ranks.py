"""Ranks with ties: the shared ground of the rank tests (Mann-Whitney for shifts, signed ranks for pairs)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from perfgate.model import FloatArray

# One seed for every seeded draw in the statistics: the same input always gives the same p-value.
SEED = 20_261_123


def rank_average(values: FloatArray) -> FloatArray:
    """Ranks from 1, ties given the mean of their ranks (``scipy.stats.rankdata``'s default)."""
    return ranks_and_ties(values)[0]


def ranks_and_ties(values: FloatArray) -> tuple[FloatArray, npt.NDArray[np.intp]]:
    """Average ranks, and the size of every group of equal values (one sort for both)."""
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    ends = np.concatenate([starts[1:], [values.size]])
    mean_rank = (starts + ends + 1) / 2.0  # ranks starts+1 .. ends, averaged
    ranks = np.empty(values.size, dtype=np.float64)
    ranks[order] = np.repeat(mean_rank, ends - starts)
    return ranks, ends - starts

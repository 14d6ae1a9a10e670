"""Order statistics of all pairwise differences y_j - x_i, without forming them all when there are millions."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from perfgate.model import FloatArray
from perfgate.stats.ranks import SEED


def pairwise_order_statistics(x: FloatArray, y: FloatArray, ranks: list[int]) -> dict[int, np.float64]:
    """The order statistics of given 0-based ranks among all differences y_j - x_i, as float64 computes them.

    Few pairs: all differences, partitioned (linear time). Many: without forming them all. With x and y sorted,
    each x_i's differences are sorted too (rounding keeps order), so how many fall below a value is one binary
    search per x_i; values sampled from the differences still in play bracket the ranks sought, which leaves
    about a tenth of them a round, until few enough remain to form and partition. Either way the same values,
    bit for bit (tested).
    """
    if x.size * y.size <= _FORM_PAIRS or not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        diffs = np.subtract.outer(y, x).ravel()
        # In place: the differences are this function's own, and a copy of a million of them costs as much.
        diffs.partition(ranks)
        return {r: diffs[r] for r in ranks}
    x, y = np.sort(x), np.sort(y)
    groups: list[list[int]] = []  # ranks close together (the middle two) share the work
    for rank in sorted(ranks):
        if groups and rank - groups[-1][0] <= _FORM_PAIRS // 2:
            groups[-1].append(rank)
        else:
            groups.append([rank])
    return {rank: value for group in groups for rank, value in _SortedPairs(x, y).select(group).items()}


_FORM_PAIRS = 1 << 16  # differences formed and partitioned at once, below which selection costs more
_SAMPLE = 1024  # differences sampled per round to bracket the ranks sought


class _SortedPairs:
    """The differences y_j - x_i of sorted x and y, those still in play per x_i from low[i] to high[i]."""

    def __init__(self, x: FloatArray, y: FloatArray) -> None:
        self.x, self.y = x, y
        self.low = np.zeros(x.size, dtype=np.intp)  # differences before it in each row are below the ranks sought
        self.high = np.full(x.size, y.size, dtype=np.intp)  # those from it on are above them
        self.rng = np.random.default_rng(SEED)

    def select(self, ranks: list[int]) -> dict[int, np.float64]:
        first, last = ranks[0], ranks[-1]
        while (left := int((self.high - self.low).sum())) > _FORM_PAIRS:
            below = int(self.low.sum())
            sample = np.sort(self._sample(left))
            spread = 3 * math.sqrt(_SAMPLE)  # three standard deviations of a sample rank, at most
            low_value = sample[max(0, math.floor((first - below) / left * _SAMPLE - spread))]
            high_value = sample[min(_SAMPLE - 1, math.ceil((last - below) / left * _SAMPLE + spread))]
            under = self._counts(low_value, strict=True)
            if int(under.sum()) <= first:
                self.low = np.maximum(self.low, under)
            at_most = self._counts(high_value, strict=False)
            if int(at_most.sum()) > last:
                self.high = np.minimum(self.high, at_most)
            if int((self.high - self.low).sum()) == left:  # no progress: the rest are ties
                break
        width = self.high - self.low
        starts = np.cumsum(width) - width
        rows = np.repeat(np.arange(self.x.size), width)
        columns = np.arange(int(width.sum())) - np.repeat(starts - self.low, width)
        rest = self.y[columns] - self.x[rows]
        below = int(self.low.sum())
        rest.partition([r - below for r in ranks])
        return {r: rest[r - below] for r in ranks}

    def _sample(self, left: int) -> FloatArray:
        width = self.high - self.low
        ends = np.cumsum(width)
        picks = self.rng.integers(left, size=_SAMPLE)
        rows = np.searchsorted(ends, picks, side="right")
        columns = self.low[rows] + picks - (ends[rows] - width[rows])
        sample: FloatArray = self.y[columns] - self.x[rows]
        return sample

    def _counts(self, value: np.float64, strict: bool) -> npt.NDArray[np.intp]:
        """Per x_i, how many y_j have y_j - x_i (as computed) below ``value``, or at most ``value``."""
        x, y = self.x, self.y

        def holds(j: npt.NDArray[np.intp], rows: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
            d = y[j] - x[rows]
            holding: npt.NDArray[np.bool_] = d < value if strict else d <= value
            return holding

        # y_j <= x_i + value is the same test but for rounding: right nearly always; checked at its boundary.
        counts: npt.NDArray[np.intp] = np.searchsorted(y, x + value, side="left" if strict else "right")
        rows = np.arange(x.size)
        before = counts > 0
        wrong = np.zeros(x.size, dtype=np.bool_)
        wrong[before] = ~holds(counts[before] - 1, rows[before])
        after = counts < y.size
        wrong[after] |= holds(counts[after], rows[after])
        if bool(wrong.any()):  # a binary search of their own for those rows
            rows = np.flatnonzero(wrong)
            low, high = np.zeros(rows.size, dtype=np.intp), np.full(rows.size, y.size, dtype=np.intp)
            while bool((open_ := low < high).any()):
                middle = (low + high) // 2
                inside = holds(np.minimum(middle, y.size - 1), rows)
                low = np.where(open_ & inside, middle + 1, low)
                high = np.where(open_ & ~inside, middle, high)
            counts[rows] = low
        return counts

"""The shift that many series of one run share: a robust location of their log changes, and whether it is zero."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from perfgate.model import FloatArray

MAD_TO_SD = 1.4826  # the MAD of a normal distribution, scaled to its standard deviation
MEDIAN_EFFICIENCY = math.sqrt(math.pi / 2)  # se(median) = 1.2533 sd / sqrt(n) for normal samples
# The MAD of a few values is itself uncertain, so the ratio has heavier tails than a normal: a t distribution with
# (n - 1) / 3 degrees of freedom keeps the test at or below its level from 8 values on (tests/stats/test_common.py).
DF_PER_VALUE = 1 / 3


@dataclass(frozen=True)
class CommonShift:
    """The median of the series' log changes, its standard error and the two-sided p of "it is zero"."""

    estimate: float
    se: float
    p_value: float
    series: int

    @property
    def df(self) -> float:
        return max(self.series - 1, 1) * DF_PER_VALUE

    def interval(self, confidence: float) -> tuple[float, float]:
        from scipy import special

        half = float(special.stdtrit(self.df, (1 + confidence) / 2)) * self.se
        return self.estimate - half, self.estimate + half


def common_shift(changes: FloatArray) -> CommonShift:
    """The median of ``changes`` (one log change per series) with a MAD-based standard error, and the two-sided
    p-value of "the median is zero" from a t distribution with (n - 1) / 3 degrees of freedom.

    Robust on purpose: the few series a code change moves are outliers to it, so they neither move the estimate
    much nor widen its error. When the series vary by nothing at all (MAD 0), the error is taken from a floor of
    1e-6 on the log scale, so identical changes are a shift, identical values none."""
    n = changes.size
    centre = float(np.median(changes))
    spread = MAD_TO_SD * float(np.median(np.abs(changes - centre)))
    se = max(MEDIAN_EFFICIENCY * spread / math.sqrt(n), 1e-6)
    from scipy import special

    unknown = CommonShift(centre, se, math.nan, n)
    return replace(unknown, p_value=float(2 * special.stdtr(unknown.df, -abs(centre) / se)))

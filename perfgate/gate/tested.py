"""What a test found for one series (the rank test, the run-level test or the counts), before the verdict."""

from __future__ import annotations

import math
from dataclasses import dataclass

from perfgate import stats
from perfgate.gate.noise import SeriesNoise
from perfgate.gate.pooling import Pooled


@dataclass(frozen=True)
class Tested:
    """What a test found for one series, before Benjamini-Hochberg across the series decides."""

    base: Pooled
    cand: Pooled
    delta: float
    interval: stats.ShiftInterval
    test: stats.ShiftTest
    p_worse: float
    runs: stats.RunNoise | None
    counted: Counted | None = None
    pairs: int = 0  # interleaved rounds judged as pairs (perfgate run); 0 when the samples were pooled
    # The whole run's shift (log scale, + is worse) taken out of the regression test (> 0) or the improvement
    # test (< 0) by `perfgate.gate.run_shift`; ``interval`` stays as measured.
    common: float = 0.0
    noise: SeriesNoise | None = None  # the suite's noise model's part, when it decided the between-run test


@dataclass(frozen=True)
class Counted:
    """A counted rate on both sides (errors, failed checks), pooled over runs."""

    bad_base: int
    n_base: int
    bad_cand: int
    n_cand: int
    margin: float  # percentage points allowed, as a fraction; 0 when the baseline had no bad outcomes
    run_spread: float  # how much the rate varies between runs of the same code (standard deviation)
    max_ratio: float = math.inf  # max_error_ratio: the factor the rate may grow by
    by_ratio: bool = False  # the factor's test gave p_worse (a smaller p than the points' margin)

    @property
    def rates(self) -> tuple[float, float]:
        return self.bad_base / self.n_base, self.bad_cand / self.n_cand

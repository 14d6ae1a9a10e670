"""Noise between runs: a change must stand out from how much the per-run medians of the same code differ."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from perfgate.model import FloatArray
from perfgate.stats.shift import ShiftInterval


@dataclass(frozen=True)
class RunNoise:
    """The test of a change against the spread of per-run medians (log space)."""

    p: float  # of "worse by more than the margin"
    spread: float  # the run-to-run standard deviation used: the prior combined with the observed runs
    runs: int  # baseline runs observed
    estimate: float  # mean candidate run median minus mean baseline run median
    se: float  # standard error of the estimate
    df: float  # degrees of freedom of the t distribution

    def interval(self, confidence: float) -> ShiftInterval:
        from scipy import special

        half = float(special.stdtrit(self.df, (1 + confidence) / 2)) * self.se
        return ShiftInterval(self.estimate, self.estimate - half, self.estimate + half, confidence)

    def p_better(self, margin: float) -> float:
        """p-value of "better by more than margin" (the mirror of ``p``)."""
        from scipy import special

        return float(special.stdtr(self.df, (self.estimate + margin) / self.se))


def between_run_p(
    base_medians: FloatArray, candidate_medians: FloatArray, margin: float, prior: float, prior_runs: float
) -> RunNoise | None:
    """p-value of "worse by more than margin" against the run-to-run spread τ of the baseline.

    A one-sided t-test on run medians whose variance combines a prior (``prior``: the spread between CI runs
    that is assumed before any is seen, worth w = ``prior_runs`` runs) with the spread the baseline's runs show
    (the conjugate, "moderated" estimate: (w·τ0² + (k-1)·s²) / (w + k - 1) with w + k - 1 degrees of
    freedom). So one recorded run is enough to test, the uncertainty shrinks as history grows, and it never
    vanishes: identical run medians do not make a zero spread. None when there is nothing to test.
    """
    from scipy import special

    k, m = base_medians.size, candidate_medians.size
    if k == 0 or m == 0:
        return None
    variance, df = moderated_variance(base_medians, prior, prior_runs)
    if df <= 0 or variance <= 0.0:
        return None
    spread = math.sqrt(variance)
    se = spread * math.sqrt(1 / k + 1 / m)
    estimate = float(np.mean(candidate_medians)) - float(np.mean(base_medians))
    return RunNoise(float(special.stdtr(df, -(estimate - margin) / se)), spread, k, estimate, se, df)


def moderated_variance(values: FloatArray | list[float], prior: float, prior_runs: float) -> tuple[float, float]:
    """The variance between runs and its degrees of freedom: a prior standard deviation ``prior`` worth
    ``prior_runs`` runs, combined with the spread of the runs seen, (w·prior² + (k-1)·s²) / (w + k - 1)."""
    k = len(values)
    observed = float(np.var(values, ddof=1)) if k >= 2 else 0.0
    df = prior_runs + k - 1
    return ((prior_runs * prior**2 + (k - 1) * observed) / df if df > 0 else 0.0), df

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
    own: float = 0.0  # the candidate runs' own standard deviation by the tool's interval, when it weighed them

    def interval(self, confidence: float) -> ShiftInterval:
        from scipy import special

        half = float(special.stdtrit(self.df, (1 + confidence) / 2)) * self.se
        return ShiftInterval(self.estimate, self.estimate - half, self.estimate + half, confidence)

    def p_better(self, margin: float) -> float:
        """p-value of "better by more than margin" (the mirror of ``p``)."""
        from scipy import special

        return float(special.stdtr(self.df, (self.estimate + margin) / self.se))


# How much of a series' run-to-run variance the runs' own intervals may explain at most: the rest (the runner,
# the process) is never taken to be smaller than this share of it (docs/statistics.md, A run's own uncertainty).
MIN_BETWEEN_SHARE = 0.1


@dataclass(frozen=True)
class OwnVariances:
    """Each run's own variance of its (log) median, from the tool's interval: baseline runs and candidate runs,
    in the order of their medians. A run without one counts as a typical baseline run."""

    base: FloatArray
    candidate: FloatArray

    @classmethod
    def of(cls, base: FloatArray, candidate: FloatArray) -> OwnVariances | None:
        """Each run's variance, shrunk halfway towards the baseline's typical one, or None when the candidate's
        are not all known or fewer than two baseline runs have one: nothing to weigh by. A tool estimates its
        interval from a few repeats, so one narrow interval is no proof of a precise run: the shrinking keeps a
        run that happened to look precise from counting as if it were."""
        known = base[np.isfinite(base)]
        if known.size < 2 or not candidate.size or not np.all(np.isfinite(candidate)):
            return None
        typical = float(np.mean(known))
        if not typical > 0:
            return None
        return cls(shrunk(base, typical), shrunk(candidate, typical))

    @property
    def typical(self) -> float:
        return float(np.mean(self.base))

    def split(self, variance: float) -> tuple[float, FloatArray, FloatArray]:
        """A run-to-run ``variance`` split into the runner's part τ² and each baseline and candidate run's own
        part. τ² is what a typical run's own variance leaves of it, at least MIN_BETWEEN_SHARE of it: where the
        tool's intervals are wider than the runs differ, they are taken at their word (as a random-effects model
        truncates τ² at zero), and the test is wider than the unweighted one."""
        return float(unexplained(variance, self.typical)), self.base, self.candidate


def shrunk(variances: FloatArray, typical: FloatArray | float) -> FloatArray:
    """Runs' own variances halfway towards the typical one; an unknown one (NaN) is the typical one."""
    return (np.where(np.isfinite(variances), variances, typical) + typical) / 2


def unexplained(variance: FloatArray | float, typical: FloatArray | float) -> FloatArray:
    """What of a run-to-run ``variance`` a typical run's own variance leaves: the runner's part, at least
    MIN_BETWEEN_SHARE of it."""
    return np.maximum(np.subtract(variance, typical), np.multiply(MIN_BETWEEN_SHARE, variance))


def between_run_p(
    base_medians: FloatArray,
    candidate_medians: FloatArray,
    margin: float,
    prior: float,
    prior_runs: float,
    own: OwnVariances | None = None,
) -> RunNoise | None:
    """p-value of "worse by more than margin" against the run-to-run spread τ of the baseline.

    A one-sided t-test on run medians whose variance combines a prior (``prior``: the spread between CI runs
    that is assumed before any is seen, worth w = ``prior_runs`` runs) with the spread the baseline's runs show
    (the conjugate, "moderated" estimate: (w·τ0² + (k-1)·s²) / (w + k - 1) with w + k - 1 degrees of
    freedom). So one recorded run is enough to test, the uncertainty shrinks as history grows, and it never
    vanishes: identical run medians do not make a zero spread. None when there is nothing to test.

    ``own``: each run's own variance, from the tool's interval of its median. The run-to-run variance is then
    split into what the runs' own intervals explain and the rest τ² (the runner), and each run weighs
    1 / (τ² + its own variance): a random-effects mean, as in a meta-analysis of studies of known precision. A
    run the tool measured as unstable counts for less in the baseline and, as the candidate, tests with its wider
    uncertainty. With every run equally sure the test is the unweighted one, unless the intervals are wider than
    the runs differ: then it is wider (`OwnVariances.split`).
    """
    from scipy import special

    k, m = base_medians.size, candidate_medians.size
    if k == 0 or m == 0:
        return None
    variance, df = moderated_variance(base_medians, prior, prior_runs)
    if df <= 0 or variance <= 0.0:
        return None
    if own is not None:
        tau2, base_own, candidate_own = own.split(variance)
        weights = 1 / (tau2 + base_own)
        level = float(np.sum(weights * base_medians) / np.sum(weights))
        candidate = tau2 + candidate_own  # each candidate run's variance
        se = math.sqrt(1 / float(np.sum(weights)) + float(np.sum(candidate)) / m**2)
        estimate = float(np.mean(candidate_medians)) - level
        p = float(special.stdtr(df, -(estimate - margin) / se))
        return RunNoise(p, math.sqrt(variance), k, estimate, se, df, math.sqrt(float(np.mean(candidate_own))))
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

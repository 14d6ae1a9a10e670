"""Interleaved rounds judged as pairs: a signed-rank test and interval on the per-round log ratios of head to base.

Base and head ran side by side in each round, under the same neighbours, so each round's log ratio d_r cancels
what the runner did to both; what is left varies far less than the runs themselves. The test asks whether the
typical d_r (their centre of symmetry: with the sides' order random, noise that may hit either side alike
makes d_r symmetric) is worse than a margin.

Why Wilcoxon's signed-rank test, exact given the ties, and not the paired t-test (benchmarks/paired_choice.py):
both keep their false alarms at alpha when the noise is symmetric, but the t-test loses power to outlier rounds
(a co-tenant's burst in one side's half of a round): at 20 rounds on a noisy runner it finds +5 % (δ = 2 %) in
about 40 % of jobs where the signed-rank test finds it in 70 %; and below 2^-N (the p of N rounds all worse,
which Benjamini-Hochberg can ask for) its tail is borrowed from the normal law, not from the rounds. The
signed-rank test's p-values are exact for any symmetric noise; the price is that N rounds cannot give p below
2^-N (``rounds_needed``).

The interleaving must keep the noise symmetric: sides in a random order per round (or balanced at random),
not ABBA, whose same-side neighbours across rounds (…B|B…) share a burst and make neighbouring ratios agree.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from perfgate.model import FloatArray
from perfgate.stats.ranks import rank_average
from perfgate.stats.shift import ShiftInterval, hodges_lehmann

MIN_ROUNDS = 3  # fewer pairs say nothing about their spread: no test
# Exact null distributions (given the ties) up to this many rounds, the tie-corrected normal beyond.
EXACT_MAX_ROUNDS = 200
# Beyond this many rounds the estimate and interval use evenly spaced quantiles of the ratios (Walsh averages
# grow as N²); the test still sees every round.
MAX_WALSH_ROUNDS = 2000

PairedMethod = Literal["paired-exact", "paired-normal", "none"]
RoundStatistic = Literal["median", "hodges-lehmann"]


@dataclass(frozen=True)
class PairedTest:
    """One-sided signed-rank tests of the per-round log ratios against a margin, and their Hodges-Lehmann centre.

    ``estimate``, ``low`` and ``high`` are log ratios (positive: worse); an end is infinite when the rounds are
    too few for the level. ``note`` says why there is no test when ``method`` is "none".
    """

    p_worse: float  # of "the typical ratio is worse than the margin"
    p_better: float  # of "it is better than minus the margin"
    estimate: float
    low: float
    high: float
    confidence: float
    rounds: int  # pairs with a finite ratio
    method: PairedMethod
    note: str = ""

    @property
    def interval(self) -> ShiftInterval:
        return ShiftInterval(self.estimate, self.low, self.high, self.confidence)


def round_log_ratios(
    base: Sequence[FloatArray], head: Sequence[FloatArray], statistic: RoundStatistic = "median"
) -> FloatArray:
    """Per round, head's value minus base's, from each round's log samples (direction-normalised): the difference
    of their medians, or the within-round Hodges-Lehmann shift (every sample weighs in, more precise when the
    round has no burst)."""
    if len(base) != len(head):
        raise ValueError(f"{len(base)} base rounds and {len(head)} head rounds: rounds come in pairs")
    if any(b.size == 0 or h.size == 0 for b, h in zip(base, head, strict=True)):
        raise ValueError("a round without samples has no value")
    if statistic == "median":
        ratios = [float(np.median(h)) - float(np.median(b)) for b, h in zip(base, head, strict=True)]
    else:
        ratios = [hodges_lehmann(b, h).estimate for b, h in zip(base, head, strict=True)]
    return np.asarray(ratios, dtype=np.float64)


def paired_test(ratios: FloatArray, margin: float, confidence: float = 0.90) -> PairedTest:
    """p-values of "the typical per-round log ratio exceeds ``margin``" and "falls below ``-margin``", with the
    median of the Walsh averages (the one-sample Hodges-Lehmann estimate) and its interval by inverting the
    signed-rank test. Rounds whose ratio is not finite are left out; a ratio exactly on a margin is evidence for
    neither side and is left out of that side's test (Wilcoxon's convention). Fewer than MIN_ROUNDS: no test."""
    d = ratios[np.isfinite(ratios)]
    n = int(d.size)
    if n < MIN_ROUNDS:
        estimate = float(np.median(d)) if n else math.nan
        note = f"{n} round(s) with a ratio: a paired test needs at least {MIN_ROUNDS}"
        return PairedTest(1.0, 1.0, estimate, -math.inf, math.inf, confidence, n, "none", note)
    estimate, low, high = _walsh_interval(d, confidence)
    method: PairedMethod = "paired-exact" if n <= EXACT_MAX_ROUNDS else "paired-normal"
    p_worse, p_better = _signed_rank_sf(d - margin), _signed_rank_sf(-(d + margin))
    return PairedTest(p_worse, p_better, estimate, low, high, confidence, n, method)


def rounds_needed(alpha: float) -> int:
    """The fewest rounds for which the signed-rank test can reach p <= alpha at all (every ratio worse: 2^-N)."""
    return max(MIN_ROUNDS, math.ceil(math.log2(1 / alpha) - 1e-12)) if 0 < alpha < 1 else MIN_ROUNDS


def _signed_rank_sf(values: FloatArray) -> float:
    """P(W+ >= observed) when each nonzero value's sign is a fair coin, W+ the sum of the ranks of |value| (mid-ranks
    for ties) of the positive ones: exact given the ties, by counting sums of doubled mid-ranks (integers)."""
    values = values[values != 0]
    n = values.size
    if n == 0:
        return 1.0
    ranks = rank_average(np.abs(values))
    if n > EXACT_MAX_ROUNDS:
        return _signed_rank_normal(ranks, values > 0)
    doubled = np.rint(2 * ranks).astype(np.int64)
    observed = int(doubled[values > 0].sum())
    probabilities = _sign_flip_probabilities(tuple(sorted(doubled.tolist())))
    return min(1.0, float(probabilities[observed:].sum()))


def _signed_rank_normal(ranks: FloatArray, positive: npt.NDArray[np.bool_]) -> float:
    from scipy import special

    w = float(ranks[positive].sum())
    mean, sd = float(ranks.sum()) / 2, math.sqrt(float(np.sum(ranks**2)) / 4)
    return float(special.ndtr(-(w - mean - 0.5) / sd))


@functools.lru_cache(maxsize=256)
def _sign_flip_probabilities(weights: tuple[int, ...]) -> FloatArray:
    """P(sum of the weights given a + sign = s) for s = 0..sum, each sign a fair coin (one convolution per weight)."""
    probabilities = np.ones(1)
    for w in weights:
        grown = np.zeros(probabilities.size + w)
        grown[: probabilities.size] += probabilities
        grown[w:] += probabilities
        probabilities = grown * 0.5
    probabilities.setflags(write=False)
    return probabilities


def _walsh_interval(d: FloatArray, confidence: float) -> tuple[float, float, float]:
    """Median of the Walsh averages (d_i + d_j) / 2, i <= j, and the order statistics that bound it: the k-th from
    either end, k from the signed-rank null distribution (Tukey's interval)."""
    if d.size > MAX_WALSH_ROUNDS:
        d = np.quantile(d, np.linspace(0.0, 1.0, MAX_WALSH_ROUNDS))
    n = d.size
    i, j = _pairs(n)
    walsh = (d[i] + d[j]) / 2
    size = walsh.size
    middle = ((size - 1) // 2, size // 2)
    k = _walsh_rank(n, confidence)
    ends = (k - 1, size - k) if k >= 1 else ()
    walsh.partition(sorted({*middle, *ends}))
    estimate = float((walsh[middle[0]] + walsh[middle[1]]) / 2)
    if not ends:
        return estimate, -math.inf, math.inf
    return estimate, float(walsh[ends[0]]), float(walsh[ends[1]])


@functools.lru_cache(maxsize=32)
def _pairs(n: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    i, j = np.triu_indices(n)
    return i, j


@functools.lru_cache(maxsize=256)
def _walsh_rank(n: int, confidence: float) -> int:
    """The largest k with P(W+ <= k - 1) <= (1 - confidence) / 2 for untied ranks."""
    from scipy import special

    tail = (1.0 - confidence) / 2
    if n > EXACT_MAX_ROUNDS:
        z = float(special.ndtri(1 - tail))
        return math.floor(n * (n + 1) / 4 - z * math.sqrt(n * (n + 1) * (2 * n + 1) / 24))
    null = _sign_flip_probabilities(tuple(range(2, 2 * n + 1, 2)))[::2]  # untied doubled ranks: even sums only
    return int(np.searchsorted(np.cumsum(null), tail * (1 + 1e-12), side="right"))

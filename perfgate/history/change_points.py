"""Change points, creep and noise on one series' history of per-run medians. Pure: numbers in, findings out.

Change points follow the t-test variant of E-divisive used by Hunter (Apache Otava): split where the
two sides differ most, keep a split only when a t-test between its neighbouring segments says the
levels differ (p < max_p), then re-test every kept split against its final neighbours and drop the
weakest until all stand. Working on per-run medians, not samples, is what keeps it honest: the samples
of one run share that run's machine, so only runs are independent observations of a commit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from perfgate import stats
from perfgate.model import FloatArray

MIN_SEGMENT = 3  # runs on each side of a change point: one slow run is not a step
MAX_P = 1e-5  # per split, after choosing the best of many splits: calibrated on noise by tests/history/test_change_points.py
MIN_DRIFT_RUNS = 5


@dataclass(frozen=True)
class Step:
    """A change of level starting at run ``index`` (0-based into the history)."""

    index: int
    before: float  # median of the runs between the previous change point (or the start) and this one
    after: float  # median of the runs from this one to the next change point (or the end)
    p_value: float
    start: int  # the first run of the level before: the previous change point's index, or 0
    end: int  # one past the last run of the level after: the next change point's index, or the series' length

    @property
    def ratio(self) -> float:
        return self.after / self.before if self.before else math.inf


@dataclass(frozen=True)
class Creep:
    """A steady move over a window of runs, without a step (across runs; drift within one run is the gate's)."""

    ratio: float  # the fitted level at the last run over the fitted level at the first
    p_value: float
    runs: int


@dataclass(frozen=True)
class Noise:
    """How much a series moves between runs and within a run, as fractions (≈ coefficients of variation)."""

    between_runs: float  # τ, robust to steps: from the spread of consecutive differences
    within_run: float | None  # median of the runs' own spread; None when runs carry no samples


def change_points(
    values: FloatArray, *, min_step: float, max_p: float = MAX_P, min_segment: int = MIN_SEGMENT
) -> list[Step]:
    """Steps in a positive series (oldest first) of at least ``min_step`` (a fraction) in either direction."""
    if values.size < 2 * min_segment or np.any(values <= 0):
        return []
    logs = np.log(values)
    # The tests see runs beyond 5 MADs of the median pulled in to that distance: one run on a bad machine
    # should not look like a short segment at a new level. Step sizes come from the values themselves.
    centre = float(np.median(logs))
    reach = 5 * stats.MAD_TO_SD * float(np.median(np.abs(logs - centre)))
    tested = np.clip(logs, centre - reach, centre + reach) if reach > 0 else logs
    cuts = sorted(_split(tested, 0, logs.size, max_p, min_segment))
    # Otava's second pass: a split that stood within a large segment may not stand between its final
    # neighbours; drop the weakest one at a time until every step is significant and large enough.
    while True:
        bounds = [0, *cuts, logs.size]
        scored = [
            (stats.level_change_p(tested[bounds[i - 1] : bounds[i]], tested[bounds[i] : bounds[i + 1]]), i - 1)
            for i in range(1, len(bounds) - 1)
        ]
        weak = [
            (p, j)
            for p, j in scored
            if p >= max_p or abs(_step(logs, bounds[j], bounds[j + 1], bounds[j + 2])) < math.log1p(min_step)
        ]
        if not weak:
            break
        cuts.pop(max(weak)[1])
    bounds = [0, *cuts, logs.size]
    return [
        Step(
            index=bounds[i],
            before=float(np.exp(np.median(logs[bounds[i - 1] : bounds[i]]))),
            after=float(np.exp(np.median(logs[bounds[i] : bounds[i + 1]]))),
            p_value=p,
            start=bounds[i - 1],
            end=bounds[i + 1],
        )
        for i, (p, _) in enumerate(scored, start=1)
    ]


def steps(values: FloatArray, *, min_step: float) -> list[Step]:
    """The steps of a series' run medians that a slow creep does not explain better: what the digest reports,
    the site marks and an alert is about. None when a run has no median."""
    if not np.all(np.isfinite(values)):
        return []
    found = change_points(values, min_step=min_step)
    bounds = [0, *(s.index for s in found), values.size]
    return [
        step for i, step in enumerate(found, start=1) if not looks_like_ramp(values, step, bounds[i - 1], bounds[i + 1])
    ]


STEP_CONFIDENCE = 0.90  # of a step's interval, wherever a step is reported (digest, issue, site)


def step_interval(values: FloatArray, step: Step) -> tuple[float, float] | None:
    """The STEP_CONFIDENCE interval of a step's ratio (after / before): Hodges-Lehmann between the runs of its
    two levels, as ``change_points`` bounded them (``values`` positive, as it requires); None with too few runs."""
    interval = stats.hodges_lehmann(
        np.log(values[step.start : step.index]), np.log(values[step.index : step.end]), STEP_CONFIDENCE
    )
    if not (math.isfinite(interval.low) and math.isfinite(interval.high)):
        return None
    return math.exp(interval.low), math.exp(interval.high)


def _split(logs: FloatArray, lo: int, hi: int, max_p: float, min_segment: int) -> list[int]:
    """Binary segmentation: the split of [lo, hi) with the largest t, if significant, then recurse."""
    if hi - lo < 2 * min_segment:
        return []
    cut = _best_split(logs[lo:hi], min_segment) + lo
    if stats.level_change_p(logs[lo:cut], logs[cut:hi]) >= max_p:
        return []
    return [*_split(logs, lo, cut, max_p, min_segment), cut, *_split(logs, cut, hi, max_p, min_segment)]


def _best_split(segment: FloatArray, min_segment: int) -> int:
    """The split with the largest pooled t statistic, from running sums (one pass, not one test per split)."""
    n = segment.size
    left_n = np.arange(min_segment, n - min_segment + 1, dtype=np.float64)
    right_n = n - left_n
    sums, squares = np.cumsum(segment), np.cumsum(segment**2)
    idx = left_n.astype(np.intp) - 1
    left_sum, left_sq = sums[idx], squares[idx]
    right_sum, right_sq = sums[-1] - left_sum, squares[-1] - left_sq
    within = np.maximum(left_sq - left_sum**2 / left_n + right_sq - right_sum**2 / right_n, 0.0) / (n - 2)
    diff = np.abs(right_sum / right_n - left_sum / left_n)
    se = np.sqrt(within * (1 / left_n + 1 / right_n))
    # A floor on the error keeps constant segments (quantised timers) comparable instead of dividing by 0.
    t = diff / np.maximum(se, 1e-12 + 1e-9 * np.abs(segment).mean())
    return int(left_n[int(np.argmax(t))])


def _step(logs: FloatArray, lo: int, cut: int, hi: int) -> float:
    return float(np.median(logs[cut:hi]) - np.median(logs[lo:cut]))


def looks_like_ramp(values: FloatArray, step: Step, lo: int = 0, hi: int | None = None) -> bool:
    """Whether a steady slope explains values[lo:hi] at least as well as the step found in it.

    A slow creep, cut in two, looks like a step to a step detector. Both models get a level, a change and
    a place: the step model two flat segments split at the step, the ramp model a flat start that bends
    into a straight line at the best place. The one with the smaller squared error wins.
    """
    logs = np.log(values[lo:hi])
    cut = step.index - lo
    if not 0 < cut < logs.size:
        return False
    step_error = float(np.sum((logs[:cut] - logs[:cut].mean()) ** 2) + np.sum((logs[cut:] - logs[cut:].mean()) ** 2))
    return _best_hinge_error(logs) <= step_error


def _best_hinge_error(logs: FloatArray) -> float:
    """The smallest squared error of a flat start bending into a straight line, over every bend 0 … n-3.

    Each bend's least-squares fit of ``[1, max(x - bend, 0)]`` needs only sums over the runs after the bend,
    so suffix sums give all of them in one pass: linear in the runs, where one solve per bend was quadratic
    (a 10,000-run creep took seconds per step)."""
    n = logs.size
    if n < 3:
        return 0.0
    y = logs - logs.mean()  # centred: the sums below stay small, and so do their rounding errors
    x = np.arange(n, dtype=np.float64)

    def after(values: FloatArray) -> FloatArray:  # sums over the runs after each bend 0 … n-3
        return np.cumsum(values[::-1])[::-1][1 : n - 1]

    bends = np.arange(n - 2, dtype=np.float64)
    count, sum_x, sum_xx = after(np.ones(n)), after(x), after(x * x)
    sum_y, sum_xy = after(y), after(x * y)
    sum_h = sum_x - bends * count  # h = x - bend after the bend, 0 before it
    sum_hh = sum_xx - 2 * bends * sum_x + bends**2 * count
    sum_hy = sum_xy - bends * sum_y  # the sum of y over all runs is 0 (centred)
    spread_h = sum_hh - sum_h**2 / n
    total = float(np.sum(y * y))
    explained = np.divide(sum_hy**2, spread_h, out=np.zeros_like(spread_h), where=spread_h > 0)
    return max(total - float(np.max(explained)), 0.0)


def creep(values: FloatArray) -> Creep | None:
    """The steady trend of a positive series (oldest first) on the log scale; None with too few runs."""
    if values.size < MIN_DRIFT_RUNS or np.any(values <= 0):
        return None
    trend = stats.monotonic_trend(np.log(values))
    return Creep(float(np.exp(trend.slope * (values.size - 1))), trend.p_value, int(values.size))


def noise(medians: FloatArray, spreads: FloatArray) -> Noise | None:
    """Run-to-run and within-run noise of a positive series; None with fewer than four runs.

    τ comes from consecutive differences (MAD-scaled, over √2), so a real step or a slow drift does not
    count as noise. ``spreads`` are the runs' own coefficients of variation (NaN where unknown).
    """
    if medians.size < 4 or np.any(medians <= 0):
        return None
    diffs = np.diff(np.log(medians))
    mad = float(np.median(np.abs(diffs - np.median(diffs))))
    known = spreads[np.isfinite(spreads)]
    return Noise(stats.MAD_TO_SD * mad / math.sqrt(2), float(np.median(known)) if known.size else None)

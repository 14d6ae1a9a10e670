"""The runs on each side of a comparison, pooled per series, and the log scale the tests work on."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np

from perfgate.gate.policy import COUNTED_RATES
from perfgate.gate.report import Comparison, Verdict
from perfgate.model import MEDIAN_INTERVAL_LEVEL, Direction, FloatArray, RunRef, SampleKind, Series, Summary, as_samples

MAX_WINDOWS = 30  # per run, for load-test requests
MIN_WINDOW = 30  # requests per window at least
_MAX_LOG_SHIFT = 700.0  # exp(700) is still a float: a shift from a zero value must not overflow


@dataclass(frozen=True)
class Side:
    """The runs on one side of a comparison; their samples are pooled per series."""

    refs: tuple[RunRef, ...]
    runs: tuple[tuple[Series, ...], ...]


@dataclass(frozen=True)
class Pooled:
    """One series of one side, its runs pooled."""

    series: Series  # the first run's series: name, unit, direction, kind
    values: FloatArray  # what the rank test compares (window medians for load-test requests)
    raw: FloatArray  # every value, for budgets
    summary: Summary
    run_medians: FloatArray  # one per run: the run-to-run spread τ is estimated from these
    # One per run, as run_medians: the variance of its log median by the tool's own interval (NaN: unknown).
    run_variances: FloatArray = field(default_factory=lambda: as_samples([]))
    counts: tuple[tuple[int, int], ...] = ()  # counted rates: (bad outcomes, total) per run

    @property
    def requests(self) -> int:
        return sum(total for _, total in self.counts)


@dataclass
class Notes:
    """The report's notes, each said once, in the order first met."""

    items: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        if text not in self.items:
            self.items.append(text)


def pool(side: Side) -> dict[tuple[str, str], Pooled]:
    grouped: dict[tuple[str, str], list[Series]] = {}
    for run in side.runs:
        for series in run:
            grouped.setdefault(series.key, []).append(series)
    pooled = {}
    for key, members in grouped.items():
        raw = as_samples(np.concatenate([s.values() for s in members]))
        values = as_samples(np.concatenate([comparable(s) for s in members]))
        measured = [s for s in members if s.values().size]
        medians = as_samples([float(np.median(s.values())) for s in measured])
        variances = as_samples([own_variance(s.summary) for s in measured])
        counts = tuple((s.summary.errors, s.summary.count) for s in members if s.summary.errors is not None)
        complete = counts if len(counts) == len(members) else ()
        # One run keeps the tool's own statistics; several are summarised from what was pooled: a counted
        # rate from its pooled counts (the rate the counts test judges), anything else from its values.
        if len(members) == 1:
            summary = members[0].summary
        elif complete and key[1] in COUNTED_RATES:
            summary = counted_summary(members[0], complete)
        else:
            summary = Summary.of(raw)
        pooled[key] = Pooled(members[0], values, raw, summary, medians, variances, complete)
    return pooled


_Z = NormalDist().inv_cdf((1 + MEDIAN_INTERVAL_LEVEL) / 2)  # 2.576: the interval's half is _Z standard errors


def own_variance(summary: Summary) -> float:
    """The variance of a run's log median by the tool's own interval of it (MEDIAN_INTERVAL_LEVEL), NaN when
    the tool gave none: half the interval's width on the log scale is z standard errors."""
    return interval_variance(summary.median_low, summary.median_high)


def interval_variance(low: float | None, high: float | None) -> float:
    """``own_variance`` of an interval's two ends as stored."""
    if low is None or high is None or not 0 < low <= high:
        return math.nan
    return ((math.log(high) - math.log(low)) / (2 * _Z)) ** 2


def counted_summary(series: Series, counts: tuple[tuple[int, int], ...]) -> Summary:
    """A counted rate over several runs: all bad outcomes over all requests, as one run's reader gives it (not
    the median of per-window rates, which is 0 % for errors that come in bursts)."""
    bad, total = sum(e for e, _ in counts), sum(n for _, n in counts)
    rate = bad / total if total else 0.0
    if series.direction is Direction.HIGHER_IS_BETTER:  # checks passed: the bad outcomes are the failed checks
        rate = 1.0 - rate
    return Summary(count=total, mean=rate, median=rate, errors=bad)


def comparable(series: Series) -> FloatArray:
    """The values the rank test may treat as independent.

    Load-test requests are correlated in time (a GC pause slows a burst of them), so they are never
    compared one by one: a run's requests, in order, are cut into at most MAX_WINDOWS consecutive windows
    of at least MIN_WINDOW requests, and the window medians are compared instead.
    """
    values = series.values()
    if series.kind is not SampleKind.REQUEST or values.size < 2 * MIN_WINDOW:
        return values
    windows = min(MAX_WINDOWS, values.size // MIN_WINDOW)
    return as_samples([float(np.median(chunk)) for chunk in np.array_split(values, windows)])


def normalised_log(values: FloatArray, direction: Direction) -> FloatArray:
    """Log values, negated for higher-is-better metrics, so a positive shift always means worse."""
    logs = np.log(np.maximum(values, np.finfo(np.float64).tiny))
    return logs if direction is Direction.LOWER_IS_BETTER else -logs


def natural_ratio(shift: float, direction: Direction) -> float:
    """A shift on the normalised log scale back to a ratio in the metric's own direction."""
    shift = max(-_MAX_LOG_SHIFT, min(_MAX_LOG_SHIFT, shift))
    return math.exp(shift if direction is Direction.LOWER_IS_BETTER else -shift)


def compared(b: Pooled | None, c: Pooled | None, verdict: Verdict, reason: str, **tested: Any) -> Comparison:
    """A verdict on a pair of pooled series (one side missing for new and missing series): their name, metric,
    unit, direction, summaries and sample counts, and what the test found (``tested``: change, ci, p_value, …;
    n_baseline/n_candidate to override)."""
    present = b or c
    assert present is not None
    s = present.series
    sizes = {"n_baseline": int(b.values.size) if b else 0, "n_candidate": int(c.values.size) if c else 0}
    return Comparison(
        name=s.name,
        metric=s.metric,
        unit=s.unit,
        direction=s.direction,
        verdict=verdict,
        reason=reason,
        baseline=b.summary if b else None,
        candidate=c.summary if c else None,
        **{**sizes, **tested},
    )

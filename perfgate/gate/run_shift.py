"""Whole-run shifts: when the series of the candidate's run move together, the machine moved, or a change that
slows everything. The run's common shift is estimated robustly (the median of the series' log changes, tested
against zero with a MAD-based error), and each series is judged on what is left (docs/statistics.md).

A slower run is taken out of the regression test only, a faster one out of the improvement test only: a slower
runner cannot fail a series and a faster one cannot make it an improvement, while a series that changed on top
of the run's shift still does. That is an intersection-union test: a series regresses when it is worse by more
than δ both as measured and beyond the run's shift (the larger p counts), so no A/A comparison can fail more
often than before.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from perfgate import stats
from perfgate.gate import shift
from perfgate.gate.phrases import format_change
from perfgate.gate.policy import Policy
from perfgate.gate.pooling import Notes, natural_ratio
from perfgate.gate.report import RunShift
from perfgate.gate.settings import Settings
from perfgate.gate.tested import Tested
from perfgate.model import as_samples
from perfgate.units import RUNNER_UNITS

MIN_SERIES = 8  # benchmarks: with fewer, one real change is too large a part of the median
MAX_P = 0.001  # two-sided: a run's series must share a shift beyond doubt before it is taken out


def estimate(tested: Sequence[Tested], settings: Settings) -> RunShift | None:
    """The shift the run's series share, or None when there are too few of them or it may be zero.

    One value per benchmark (the median of its timing metrics' changes: wall and CPU time, throughput), so a
    benchmark reported in several units counts once."""
    by_name: dict[str, list[float]] = {}
    for t in tested:
        if _eligible(t):
            by_name.setdefault(t.base.series.name, []).append(t.interval.estimate)
    if len(by_name) < MIN_SERIES:
        return None
    found = stats.common_shift(as_samples([float(np.median(v)) for v in by_name.values()]))
    if found.p_value >= MAX_P:
        return None
    low, high = found.interval(settings.confidence)
    return RunShift(
        math.exp(found.estimate),
        (math.exp(low), math.exp(high)),
        found.p_value,
        found.series,
        settings.max_regression,
    )


def judged_apart(t: Tested, run: RunShift, settings: Settings, policy: Policy) -> Tested:
    """``t`` with the run's shift taken out of the side it would otherwise decide: the regression test when the
    run is slower, the improvement test when it is faster. Series the shift was not estimated from stay as
    they are."""
    if not _eligible(t):
        return t
    common = math.log(run.ratio)
    scale = natural_ratio(-common, t.cand.series.direction)
    cand = replace(t.cand, values=t.cand.values * scale, run_medians=t.cand.run_medians * scale)
    notes = Notes()  # the first pass has said whatever these would
    if t.test.method == "run-medians":
        again = shift.by_run_medians(t.base, cand, settings, policy, notes, t.noise)
    else:
        again = shift.test(t.base, cand, settings, policy, notes, t.noise)
    if again is None:
        return t
    if common > 0:
        tested = stats.ShiftTest(again.test.p_greater, t.test.p_less, t.test.method)
        return replace(t, test=tested, p_worse=again.p_worse, runs=again.runs, common=common)
    return replace(t, test=stats.ShiftTest(t.test.p_greater, again.test.p_less, t.test.method), common=common)


def note(run: RunShift, confidence: float) -> str | None:
    """What the report says about a shift beyond the allowance (smaller ones are taken out without a word)."""
    if not (run.slower or run.faster):
        return None
    size = f"{abs(run.ratio - 1) * 100:.1f}%"
    ci = f"{confidence:.0%} CI [{format_change(run.ci[0])}, {format_change(run.ci[1])}]"
    basis = f"the median change of {run.series:,} benchmarks, {ci}"
    if run.slower:
        return (
            f"the whole run is {size} slower ({basis}): a slower runner or a change that slows everything — "
            "confirm with `perfgate run`; each series was judged on its change beyond the run's"
        )
    return (
        f"the whole run is {size} faster ({basis}): a faster runner or a change that speeds everything up; "
        "each series was judged on its change beyond the run's"
    )


def _eligible(t: Tested) -> bool:
    """A timing or rate compared by samples or run medians, not as pairs (pairs cancel the runner) or counts."""
    return (
        t.pairs == 0 and t.counted is None and t.base.series.unit in RUNNER_UNITS and math.isfinite(t.interval.estimate)
    )

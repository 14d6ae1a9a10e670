"""The shift test: is the candidate worse than the baseline by more than δ — and, when the baseline ran in other
CI jobs, by more than δ beyond the run-to-run spread of main? Testing "worse by more than δ" rather than
"different" keeps small, real but harmless machine-to-machine shifts from failing the gate (docs/statistics.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from perfgate import stats
from perfgate.gate.noise import SeriesNoise
from perfgate.gate.phrases import format_change, format_ends, format_percent, p_phrase
from perfgate.gate.policy import Policy
from perfgate.gate.pooling import Notes, Pooled, compared, natural_ratio, normalised_log
from perfgate.gate.report import Comparison, Verdict
from perfgate.gate.settings import Settings
from perfgate.gate.tested import Tested
from perfgate.model import Direction
from perfgate.units import count, format_value

# A series is `suspected` when its estimate is beyond the allowance and its q is at most this: Benjamini-Hochberg
# at 10 %. On pandas' replay (1,471 series, 164 commits) the warnings at 0.1 < q <= 0.5 held up 8 times in 148 (5 %),
# as often as any noise, those at q <= 0.1 as often as the failures (18 % and 21 %); at 50 % they were 1.3 a commit
# (docs/statistics.md, On real histories). Interleaved rounds judged as pairs keep every estimate beyond the
# allowance: `perfgate run --confirm` gives exactly those more rounds.
SUSPECT_Q = 0.1
MIN_RUNS_FOR_TAU = 5  # files compared from one job: with fewer, the files are taken to share one runner
PRIOR_RUNS = 2.0  # the run_noise prior weighs as much as two observed baseline runs (docs/statistics.md)


def test(
    b: Pooled, c: Pooled, settings: Settings, policy: Policy, notes: Notes, noise: SeriesNoise | None = None
) -> Tested:
    direction = b.series.direction
    delta = policy.allowance(b.series.name, settings)
    x, y = normalised_log(b.values, direction), normalised_log(c.values, direction)
    interval = stats.hodges_lehmann(x, y, settings.confidence)
    test = stats.shift_test(x, y, math.log1p(delta))
    between = _run_noise(b, c, delta, settings, notes, noise) if settings.between_runs else None
    runs = between.deciding if between is not None else None
    p_worse = max(test.p_greater, runs.p) if runs is not None else test.p_greater
    return Tested(b, c, delta, interval, test, p_worse, runs, noise=noise if runs is not None else None)


def by_run_medians(
    b: Pooled, c: Pooled, settings: Settings, policy: Policy, notes: Notes, noise: SeriesNoise | None = None
) -> Tested | None:
    """Summary-only results (one statistic per run) against history: the run-level test alone decides.

    With a baseline from other jobs, a run's median against main's run medians is exactly the between-run
    test, so one k6 summary or Locust stats file per side is enough (no samples to rank)."""
    if not settings.between_runs or not b.run_medians.size or not c.run_medians.size:
        return None
    delta = policy.allowance(b.series.name, settings)
    between = _run_noise(b, c, delta, settings, notes, noise)
    if between is None:
        return None
    runs = between.deciding
    test = stats.ShiftTest(runs.p, between.p_better(math.log1p(delta)), "run-medians")
    # The change is shown as measured against the baseline's runs, whichever test decided.
    return Tested(b, c, delta, between.own.interval(settings.confidence), test, runs.p, runs, noise=noise)


@dataclass(frozen=True)
class _Between:
    """The between-run tests of one series: against its own baseline runs, and against the suite's model."""

    own: stats.RunNoise
    modelled: stats.RunNoise | None

    @property
    def deciding(self) -> stats.RunNoise:
        """The test with the larger p of "worse by more than the allowance"."""
        return self.modelled if self.modelled is not None and self.modelled.p > self.own.p else self.own

    def p_better(self, margin: float) -> float:
        return max(self.own.p_better(margin), self.modelled.p_better(margin) if self.modelled else 0.0)


def _run_noise(
    b: Pooled, c: Pooled, delta: float, settings: Settings, notes: Notes, noise: SeriesNoise | None
) -> _Between | None:
    """The between-run test of the run medians against the series' own baseline runs with the run_noise prior
    (a note while history is short) and, when the suite's noise model covers the series, against the model too:
    the larger p counts (an intersection-union test), so the model can hold a verdict back — a group of series
    that moved as they do on some runners, tails heavier than a t with few degrees of freedom — but never adds
    one, and the A/A guarantees stay as they were."""
    variances = stats.OwnVariances.of(b.run_variances, c.run_variances)
    own = _own_runs(b, c, delta, settings, notes, variances)
    if own is None:
        return None
    return _Between(own, noise.test(c, math.log1p(delta), variances) if noise is not None else None)


def _own_runs(
    b: Pooled, c: Pooled, delta: float, settings: Settings, notes: Notes, variances: stats.OwnVariances | None
) -> stats.RunNoise | None:
    if b.run_medians.size < MIN_RUNS_FOR_TAU:
        notes.add(_short_history_note(b.run_medians.size, settings))
    direction = b.series.direction
    return stats.between_run_p(
        normalised_log(b.run_medians, direction),
        normalised_log(c.run_medians, direction),
        math.log1p(delta),
        math.log1p(settings.run_noise),
        PRIOR_RUNS,
        variances,
    )


def _short_history_note(runs: int, settings: Settings) -> str:
    return (
        f"short history ({count(runs, 'baseline run')}): CI runs are taken to differ by "
        f"{format_percent(settings.run_noise)} (run_noise) until more main-branch runs show how much they "
        "really do, so only large changes can fail for now"
    )


def decide(t: Tested, q_worse: float, q_better: float, settings: Settings, level: float | None = None) -> Comparison:
    """The verdict of one tested series. ``level``: the q at or below which it is a regression, in place of the fdr
    (a confirming look's group-sequential threshold, `perfgate.gate.confirm`); improvements stay judged at the fdr."""
    b, c, interval, test = t.base, t.cand, t.interval, t.test
    direction = b.series.direction
    ratio = natural_ratio(interval.estimate, direction)
    change: float | None = ratio
    ends = sorted((natural_ratio(interval.low, direction), natural_ratio(interval.high, direction)))
    # Too few samples for the confidence level leave the interval unbounded: report none.
    bounded = math.isfinite(interval.low) and math.isfinite(interval.high)
    ci = (ends[0], ends[1]) if bounded else None
    n = f"{t.pairs} rounds, paired" if t.pairs else f"n = {b.values.size} + {c.values.size}"
    evidence = f"{p_phrase('p', t.p_worse)}, {p_phrase('q', q_worse)}, {n}"
    spread = f"±{math.expm1(t.runs.spread) * 100:.1f}%" if t.runs is not None else ""
    # With the runs weighed by the tool's intervals, this run's own uncertainty is said beside main's spread.
    own = f" and this run's own ±{math.expm1(t.runs.own) * 100:.1f}%" if t.runs is not None and t.runs.own else ""
    runs_decide = t.runs is not None and t.runs.p >= test.p_greater
    weighed = f"{evidence}; p from run-to-run noise of {spread}{own}" if runs_decide else evidence
    effect = _effect(interval, direction, bounded, t.common if t.common > 0 else 0.0)
    better_effect = _effect(interval, direction, bounded, t.common if t.common < 0 else 0.0)
    from_zero = not np.any(b.values) and bool(np.any(c.values))  # e.g. 0 B/op before, 16 B/op now
    if from_zero:
        # A ratio to zero means nothing: say what happened, and let the rank test say whether it is chance.
        change, ci = None, None
        effect = f"from 0 to {format_value(float(np.median(c.raw)), b.series.unit)}"
        allowed = "any allowance (the baseline is exactly 0)"
    else:
        allowed = f"the {format_percent(t.delta)} allowed"
    beyond = interval.estimate - max(t.common, 0.0) > math.log1p(t.delta)  # the estimate, past the whole run's
    if q_worse <= (settings.fdr if level is None else level):
        verdict, reason = Verdict.REGRESSION, f"{effect} is beyond {allowed} ({weighed})"
    elif q_better <= settings.fdr:
        better = f"{p_phrase('p', test.p_less)}, {p_phrase('q', q_better)}, {n}"
        threshold = format_change(natural_ratio(-math.log1p(t.delta), direction))  # mirrored: -4.8% for 5%
        verdict, reason = Verdict.IMPROVEMENT, f"{better_effect} is better than {threshold} ({better})"
    elif beyond and (t.pairs > 0 or q_worse <= SUSPECT_Q):
        verdict = Verdict.SUSPECTED
        uncertain = f"CI runs of main differ by {spread}{own}" if runs_decide else "the samples vary too much to tell"
        if t.pairs:
            uncertain = "the rounds' ratios vary too much to tell"
        reason = f"{effect} may be beyond {allowed}, but not for certain: {uncertain} ({evidence})"
    elif beyond:
        # Beyond the allowance, but no more than chance would put there in a suite this size: said, not warned.
        verdict, reason = (
            Verdict.UNCHANGED,
            f"{effect} is not shown beyond {allowed}: noise alone moves it this far too often to warn ({weighed})",
        )
    else:
        verdict, reason = Verdict.UNCHANGED, f"{effect} is within {allowed} ({weighed})"
    return compared(
        b,
        c,
        verdict,
        reason,
        change=change,
        ci=ci,
        p_value=test.p_less if verdict is Verdict.IMPROVEMENT else t.p_worse,  # the p of the verdict given
        q_value=q_better if verdict is Verdict.IMPROVEMENT else q_worse,
        test=test.method,
        max_regression=t.delta,
    )


def _effect(interval: stats.ShiftInterval, direction: Direction, bounded: bool, common: float) -> str:
    """'+7.3% [+6.1%, +8.6%]', or with the whole run's shift taken out: '+7.3% [...] beyond the whole run's +40.0%'."""
    ratio = natural_ratio(interval.estimate - common, direction)
    text = format_change(ratio)
    if bounded:
        ends = sorted(
            (natural_ratio(interval.low - common, direction), natural_ratio(interval.high - common, direction))
        )
        text += f" {format_ends(*ends)}"
    if common:
        text += f" beyond the whole run's {format_change(natural_ratio(common, direction))}"
    return text

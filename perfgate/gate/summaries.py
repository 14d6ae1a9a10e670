"""Summary-only series compared file to file (one summary a side, no history): a k6 or JMeter run's latency, a
pytest-benchmark save without its rounds.

One summary a side is one run a side, so it is judged as one recorded run of history is: the between-run test
of the run medians with the ``run_noise`` prior (runs are taken to differ by 5 %, worth two runs), which can
fail a large change (+114 %) and calls a change beyond δ that it cannot show `suspected`. Files from one job
share a runner, so the prior asks more than they need: a conservative test. Within δ, or better, the verdict
stays `insufficient-data`: one summary a side is too little to call a series unchanged.

Not the tool's own spread: pytest-benchmark keeps the mean, standard deviation and quartiles of its rounds, but
the rounds of one run share that run's machine. On a real A/A pair (tests/data/pytest-benchmark, the same code
saved twice on a busy 2-core VM) the means of one benchmark differed by +59 % — contended rounds ten times
slower, in different numbers in each run — and Welch's t on the means and standard deviations failed it
(p = 0.002), where the medians differed by 1.3 %. A run's rounds say how precise its median is, not how much the
next run will differ.

These tests form a Benjamini-Hochberg family of their own: they are weak (a prior, one value a side), a
report of a k6 summary has 15 of them, and in the family of the error counts they would bury those (0.23 % →
1.73 % errors at q = 0.15 instead of 0.009). They seldom reject by chance (the prior asks more than files from
one job need), so the two families together stay near q.

A `suspected` from one summary a side leaves the check neutral, not green (`Report.undecided`): nothing tested
it against the noise between runs that is actually there.
"""

from __future__ import annotations

import math

from perfgate import stats
from perfgate.gate.phrases import format_change, format_percent, p_phrase
from perfgate.gate.policy import Policy
from perfgate.gate.pooling import Pooled, compared, natural_ratio, normalised_log
from perfgate.gate.report import SUMMARY_TEST, Comparison, Verdict
from perfgate.gate.settings import Settings
from perfgate.gate.shift import PRIOR_RUNS
from perfgate.gate.tested import Tested


def test(b: Pooled, c: Pooled, settings: Settings, policy: Policy) -> Tested | None:
    """The between-run test of each side's summary median, or None when a side has none."""
    if settings.between_runs or not b.run_medians.size or not c.run_medians.size:
        return None  # with history, `shift.by_run_medians` weighs main's own runs
    if min(b.run_medians.min(), c.run_medians.min()) <= 0:
        return None  # from or to zero (0 ns connecting): no ratio to test
    delta = policy.allowance(b.series.name, settings)
    direction = b.series.direction
    runs = stats.between_run_p(
        normalised_log(b.run_medians, direction),
        normalised_log(c.run_medians, direction),
        math.log1p(delta),
        math.log1p(settings.run_noise),
        PRIOR_RUNS,
    )
    if runs is None:
        return None
    test = stats.ShiftTest(runs.p, runs.p_better(math.log1p(delta)), SUMMARY_TEST)
    return Tested(b, c, delta, runs.interval(settings.confidence), test, runs.p, runs)


def family_q(tested: list[Tested]) -> list[float]:
    """The q-values of these tests among themselves (Benjamini-Hochberg)."""
    return stats.benjamini_hochberg([t.p_worse for t in tested]) if tested else []


def decide(t: Tested, q_worse: float, settings: Settings) -> Comparison | None:
    """`regression` when the change is beyond δ and the noise between runs, `suspected` when only its estimate
    is; None otherwise (`insufficient-data`, as before): one summary a side says nothing finer."""
    b, c, interval = t.base, t.cand, t.interval
    direction = b.series.direction
    ratio = natural_ratio(interval.estimate, direction)
    ends = sorted((natural_ratio(interval.low, direction), natural_ratio(interval.high, direction)))
    effect = f"{format_change(ratio)} [{format_change(ends[0])}, {format_change(ends[1])}]"
    noise = f"one summary a side: runs taken to differ by {format_percent(settings.run_noise)} (run_noise)"
    evidence = f"{p_phrase('p', t.p_worse)}, {p_phrase('q', q_worse)}; {noise}"
    allowed = f"the {format_percent(t.delta)} allowed"
    if q_worse <= settings.fdr:
        verdict, reason = Verdict.REGRESSION, f"{effect} is beyond {allowed} ({evidence})"
    elif interval.estimate > math.log1p(t.delta):
        verdict = Verdict.SUSPECTED  # the check is neutral: `Report.undecided`
        reason = (
            f"{effect} may be beyond {allowed}, but one summary a side cannot tell it from the noise between runs "
            f"({evidence}): compare against main's history (--against main), or keep the samples"
        )
    else:
        return None
    return compared(
        b,
        c,
        verdict,
        reason,
        change=ratio,
        ci=(ends[0], ends[1]),
        p_value=t.p_worse,
        q_value=q_worse,
        test=SUMMARY_TEST,
        max_regression=t.delta,
    )

"""Counted rates (errors, failed checks): more bad outcomes than allowed, beyond chance and the bursts of runs.

Two allowances, either of which fails: a rise beyond ``max_error_increase`` percentage points, and a rate beyond
``max_error_ratio`` times the baseline's (2 by default), each shown beyond its boundary — the null hypothesis is
p_c <= min(p_b + margin, factor · p_b), tested by its two score tests (the smaller p counts: the two tests are
of nearly the same boundary where they cross, so the size stays near the fdr, and unchanged code is far from
both). One point is a lot at low rates, and a factor means little at high ones; from no errors at all only the
points decide (docs/statistics.md, "Load tests").
"""

from __future__ import annotations

import math

from perfgate import stats
from perfgate.gate.phrases import p_phrase
from perfgate.gate.policy import Policy
from perfgate.gate.pooling import Pooled, compared
from perfgate.gate.report import Comparison, Verdict
from perfgate.gate.settings import Settings
from perfgate.gate.shift import PRIOR_RUNS
from perfgate.gate.tested import Counted, Tested
from perfgate.units import format_rate

ERROR_RATE_NOISE = 0.5  # error rates vary between runs by about half the rate (bursts), until runs show otherwise


def test(b: Pooled, c: Pooled, settings: Settings, policy: Policy) -> Tested:
    """Error (or failed-check) rates from counts: more bad outcomes than allowed, beyond chance and bursts."""
    allowed = policy.allowance(b.series.name, settings, "max_error_increase")
    bad_b, n_b = sum(e for e, _ in b.counts), b.requests
    bad_c, n_c = sum(e for e, _ in c.counts), c.requests
    margin = allowed if bad_b else 0.0  # errors where there were none fail when they cannot be chance
    tau2 = stats.rate_run_variance([e / n for e, n in b.counts if n], ERROR_RATE_NOISE, PRIOR_RUNS)
    run_variance = tau2 * (1 / len(b.counts) + 1 / len(c.counts))  # both sides' runs drift, as for medians
    p_worse = stats.rate_increase_p(bad_b, n_b, bad_c, n_c, margin, run_variance)
    factor = policy.allowance(b.series.name, settings, "max_error_ratio")
    by_ratio = False
    if bad_b and math.isfinite(factor):  # from no errors a factor means nothing: the points decide
        p_ratio = stats.rate_ratio_p(bad_b, n_b, bad_c, n_c, factor, run_variance)
        by_ratio, p_worse = p_ratio < p_worse, min(p_worse, p_ratio)
    counted = Counted(bad_b, n_b, bad_c, n_c, margin, math.sqrt(tau2), factor, by_ratio)
    p_better = stats.rate_increase_p(bad_c, n_c, bad_b, n_b, allowed if bad_c else 0.0, run_variance)
    diff = bad_c / n_c - bad_b / n_b
    interval = stats.ShiftInterval(diff, math.nan, math.nan, settings.confidence)
    test = stats.ShiftTest(p_worse, p_better, "counts")
    return Tested(b, c, allowed, interval, test, p_worse, None, counted)


def decide(t: Tested, q_worse: float, q_better: float, settings: Settings) -> Comparison:
    b, c, counted = t.base, t.cand, t.counted
    assert counted is not None, "a counted rate's test carries its counts"
    rate_b, rate_c = counted.rates
    what = "failed checks" if b.series.metric == "pass_rate" else "errors"
    effect = f"{what} {format_rate(rate_b)} → {format_rate(rate_c)} ({(rate_c - rate_b) * 100:+.2f} pp)"
    n = f"{counted.bad_base}/{counted.n_base} vs {counted.bad_cand}/{counted.n_cand}"
    if counted.run_spread > 0:
        n += f"; runs of main vary by ±{counted.run_spread * 100:.2f} pp"
    allowed = f"the {t.delta * 100:g} pp allowed" if counted.margin else "none before (any increase that is not chance)"
    evidence = f"{p_phrase('p', t.p_worse)}, {p_phrase('q', q_worse)}, {n}"
    if counted.by_ratio:  # the factor's test decided: say the factor
        effect = f"{effect[:-1]}, {rate_c / rate_b:.1f}x)"
        allowed = f"the {counted.max_ratio:g}x allowed"
    if q_worse <= settings.fdr:
        verdict, reason, p, q = Verdict.REGRESSION, f"{effect} is beyond {allowed} ({evidence})", t.p_worse, q_worse
    elif not counted.bad_base and not counted.bad_cand:
        verdict, reason, p, q = Verdict.UNCHANGED, f"no {what} on either side ({n})", t.p_worse, q_worse
    elif q_better <= settings.fdr:
        better = f"{p_phrase('p', t.test.p_less)}, {p_phrase('q', q_better)}, {n}"
        verdict, p, q = Verdict.IMPROVEMENT, t.test.p_less, q_better
        reason = f"{effect}: fewer by more than {t.delta * 100:g} pp ({better})"
    elif rate_c - rate_b > t.delta:  # the factor alone makes no `suspected`: 1 vs 3 errors is common
        verdict, p, q = Verdict.SUSPECTED, t.p_worse, q_worse
        reason = f"{effect} may be beyond {allowed}, but not for certain: too few requests to tell ({evidence})"
    elif counted.by_ratio and rate_c > counted.max_ratio * rate_b:
        verdict, p, q = Verdict.UNCHANGED, t.p_worse, q_worse
        reason = f"{effect} is not surely beyond {allowed} ({evidence})"
    else:
        verdict, reason, p, q = Verdict.UNCHANGED, f"{effect} is within {allowed} ({evidence})", t.p_worse, q_worse
    return compared(
        b,
        c,
        verdict,
        reason,
        n_baseline=counted.n_base,
        n_candidate=counted.n_cand,
        change=None,  # a ratio of rates means little (0 % → 1 %); the reason gives percentage points
        p_value=p,
        q_value=q,
        test="counts",
        max_regression=t.delta,
    )

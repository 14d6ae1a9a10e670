"""Counted rates (errors, failed checks): more bad outcomes than allowed, beyond chance and the bursts of runs.

Two allowances, either of which fails: a rise beyond ``max_error_increase`` percentage points, shown beyond the
margin; and a rate that reached ``max_error_ratio`` times the baseline's (3 by default) with a rise that cannot be
chance. The second is tested against "no change" rather than against the factor: with one run a side, errors'
bursts (half the rate, run to run) leave a 7x rise from 5 errors indistinguishable from a 3x one, though not
from none; the test keeps unchanged code quiet at the fdr all the same, and the factor keeps small real rises
within their allowance (docs/statistics.md, "Error rates"). From no errors at all, the absolute rule decides.
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

ERROR_RATE_NOISE = 0.5  # error rates vary between runs by about half the rate (bursts), until runs show otherwise


def test(b: Pooled, c: Pooled, settings: Settings, policy: Policy) -> Tested:
    """Error (or failed-check) rates from counts: more bad outcomes than allowed, beyond chance and bursts."""
    allowed = policy.allowance(b.series.name, settings, "max_error_increase")
    bad_b, n_b = sum(e for e, _ in b.counts), b.requests
    bad_c, n_c = sum(e for e, _ in c.counts), c.requests
    margin = allowed if bad_b else 0.0  # errors where there were none fail when they cannot be chance
    tau2, tau_df = stats.rate_run_noise([e / n for e, n in b.counts if n], ERROR_RATE_NOISE, PRIOR_RUNS)
    run_variance = tau2 * (1 / len(b.counts) + 1 / len(c.counts))  # both sides' runs drift, as for medians
    p_worse = stats.rate_increase_p(bad_b, n_b, bad_c, n_c, margin, run_variance)
    factor = policy.allowance(b.series.name, settings, "max_error_ratio")
    by_ratio = 0.0
    if bad_b and bad_c / n_c >= factor * (bad_b / n_b):
        by_ratio = (bad_c / n_c) / (bad_b / n_b)
        # The margin's test asks more, so its p is never the smaller but where the rise test is more cautious
        p_worse = min(p_worse, _rise_p(bad_b, n_b, bad_c, n_c, run_variance, tau_df))
    counted = Counted(bad_b, n_b, bad_c, n_c, margin, math.sqrt(tau2), by_ratio, factor)
    p_better = stats.rate_increase_p(bad_c, n_c, bad_b, n_b, allowed if bad_c else 0.0, run_variance)
    diff = bad_c / n_c - bad_b / n_b
    interval = stats.ShiftInterval(diff, math.nan, math.nan, settings.confidence)
    test = stats.ShiftTest(p_worse, p_better, "counts")
    return Tested(b, c, allowed, interval, test, p_worse, None, counted)


def _rise_p(bad_b: int, n_b: int, bad_c: int, n_c: int, run_variance: float, run_df: float) -> float:
    """One-sided p of "more bad outcomes than the baseline's rate", with no margin, where both tests must reject:
    Fisher's exact test, since with no margin the score test's normal tail is too thin for a handful of
    errors (2 vs 6 is not 3x beyond chance), and the score test with the runs' bursts, since Fisher's knows
    none; their spread, when main's runs show it, weighed by its degrees of freedom (Student's t), since a
    rise tested against no margin has only the bursts between a noisy endpoint and a false alarm."""
    exact = stats.rate_increase_p(bad_b, n_b, bad_c, n_c, 0.0)
    return max(exact, stats.rate_increase_p(bad_b, n_b, bad_c, n_c, 0.0, run_variance, run_df))


def decide(t: Tested, q_worse: float, q_better: float, settings: Settings) -> Comparison:
    b, c, counted = t.base, t.cand, t.counted
    assert counted is not None, "a counted rate's test carries its counts"
    rate_b, rate_c = counted.rates
    what = "failed checks" if b.series.metric == "pass_rate" else "errors"
    effect = f"{what} {rate_b:.2%} → {rate_c:.2%} ({(rate_c - rate_b) * 100:+.2f} pp)"
    n = f"{counted.bad_base}/{counted.n_base} vs {counted.bad_cand}/{counted.n_cand}"
    if counted.run_spread > 0:
        n += f"; runs of main vary by ±{counted.run_spread * 100:.2f} pp"
    allowed = f"the {t.delta * 100:g} pp allowed" if counted.margin else "none before (any increase that is not chance)"
    evidence = f"{p_phrase('p', t.p_worse)}, {p_phrase('q', q_worse)}, {n}"
    if counted.by_ratio:
        effect = f"{effect[:-1]}, {counted.by_ratio:.1f}x)"
        factor = f"the {counted.max_ratio:g}x allowed"
    if q_worse <= settings.fdr and counted.by_ratio:
        verdict, p, q = Verdict.REGRESSION, t.p_worse, q_worse
        reason = f"{effect} is past {factor}, and the rise is not chance ({evidence})"
    elif counted.by_ratio and rate_c - rate_b <= t.delta:
        verdict, p, q = Verdict.UNCHANGED, t.p_worse, q_worse
        reason = f"{effect} is past {factor}, but so few {what} could be chance ({evidence})"
    elif q_worse <= settings.fdr:
        verdict, reason, p, q = Verdict.REGRESSION, f"{effect} is beyond {allowed} ({evidence})", t.p_worse, q_worse
    elif not counted.bad_base and not counted.bad_cand:
        verdict, reason, p, q = Verdict.UNCHANGED, f"no {what} on either side ({n})", t.p_worse, q_worse
    elif q_better <= settings.fdr:
        better = f"{p_phrase('p', t.test.p_less)}, {p_phrase('q', q_better)}, {n}"
        verdict, p, q = Verdict.IMPROVEMENT, t.test.p_less, q_better
        reason = f"{effect}: fewer by more than {t.delta * 100:g} pp ({better})"
    elif rate_c - rate_b > t.delta:
        verdict, p, q = Verdict.SUSPECTED, t.p_worse, q_worse
        reason = f"{effect} may be beyond {allowed}, but not for certain: too few requests to tell ({evidence})"
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

"""The gate: pooled baseline and candidate series → one verdict per series → a Report.

The rule (docs/statistics.md): a series regressed when a one-sided Mann-Whitney test shows its candidate
worse than the baseline by more than the allowed regression δ — and, when the baseline comes from other CI
jobs, worse by more than δ beyond the baseline's own run-to-run spread — after Benjamini-Hochberg across
the series. Budgets are absolute limits, judged on one-sided 95 % bounds. Testing "worse by more than δ"
rather than "different" keeps small, real but harmless machine-to-machine shifts from failing the gate.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

import numpy as np

from perfgate import stats
from perfgate.config import Budget, Limit, Waiver, first_match
from perfgate.model import Direction, FloatArray, Origin, RunRef, SampleKind, Series, Summary, as_samples
from perfgate.units import HIGHER_IS_BETTER_UNITS, PER_SECOND, RATIO, SECONDS, format_value

BUDGET_LEVEL = 0.95
MIN_RUNS_FOR_TAU = 5  # files compared from one job: with fewer, the files are taken to share one runner
PRIOR_RUNS = 2.0  # the run_noise prior weighs as much as two observed baseline runs (docs/statistics.md)
ERROR_RATE_NOISE = 0.5  # error rates vary between runs by about half the rate (bursts), until runs show otherwise
MAX_WINDOWS = 30  # per run, for load-test requests
MIN_WINDOW = 30  # requests per window at least


class Verdict(enum.StrEnum):
    BUDGET_EXCEEDED = "budget-exceeded"
    REGRESSION = "regression"
    AT_RISK = "at-risk"
    SUSPECTED = "suspected"
    DRIFTING = "drifting"
    WAIVED = "waived"
    IMPROVEMENT = "improvement"
    UNCHANGED = "unchanged"
    INSUFFICIENT_DATA = "insufficient-data"
    NEW = "new"
    MISSING = "missing"


FAILING = frozenset({Verdict.BUDGET_EXCEEDED, Verdict.REGRESSION})
WARNING = frozenset({Verdict.AT_RISK, Verdict.SUSPECTED, Verdict.DRIFTING})
# Most severe first: a series shows the worst of its regression test and its budget checks.
SEVERITY = tuple(Verdict)


@dataclass(frozen=True)
class Settings:
    """The knobs of the decision rule; every report states them."""

    max_regression: float = 0.05  # δ, as a fraction
    fdr: float = 0.05  # q for Benjamini-Hochberg
    confidence: float = 0.90  # of the Hodges-Lehmann interval
    min_samples: int = 5
    between_runs: bool = False  # the baseline ran in other jobs: test against its run-to-run spread too
    run_noise: float = 0.05  # the spread between CI runs assumed before history shows it (a fraction)
    max_error_increase: float = 0.01  # error rate increase allowed, in percentage points (a fraction)


@dataclass(frozen=True)
class Policy:
    """What the repository's perfgate.toml says about particular series."""

    budgets: tuple[Budget, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    today: date | None = None  # waivers expire; the caller knows the date

    def budget_for(self, name: str) -> Budget | None:
        return first_match(self.budgets, name)

    def waiver_for(self, name: str) -> Waiver | None:
        return first_match(self.waivers, name)


@dataclass(frozen=True)
class Side:
    """The runs on one side of a comparison; their samples are pooled per series."""

    refs: tuple[RunRef, ...]
    runs: tuple[tuple[Series, ...], ...]


@dataclass(frozen=True)
class BudgetCheck:
    """One limit of a budget, judged on the candidate."""

    limit: Limit
    status: str  # "ok", "at-risk", "exceeded" or "unknown"
    estimate: float | None
    bound: float | None  # the one-sided 95 % bound on the side that matters
    reason: str


@dataclass(frozen=True)
class Drift:
    """How a series changed during the candidate's run (a soak test): a trend over its time windows."""

    change: float  # first window to last: a ratio for latency or throughput, a difference of rates for errors
    allowed: float  # a fraction, or percentage points for rates
    p_value: float
    q_value: float
    windows: int
    status: str  # "ok", "drifting" (a warning) or "exceeded" (beyond a budget's max_drift)
    reason: str


@dataclass(frozen=True)
class Comparison:
    """The verdict on one series. Ratios are candidate/baseline in the metric's own direction."""

    name: str
    metric: str
    unit: str
    direction: Direction
    verdict: Verdict
    reason: str
    baseline: Summary | None
    candidate: Summary | None
    n_baseline: int
    n_candidate: int
    change: float | None = None
    ci: tuple[float, float] | None = None
    p_value: float | None = None
    q_value: float | None = None
    test: str | None = None
    max_regression: float | None = None
    budget: tuple[BudgetCheck, ...] = ()
    drift: Drift | None = None


@dataclass(frozen=True)
class Report:
    comparisons: tuple[Comparison, ...]
    settings: Settings
    baseline: tuple[RunRef, ...]
    candidate: tuple[RunRef, ...]
    notes: tuple[str, ...] = ()
    geomean: float | None = None  # geometric mean of the changes, oriented so that > 1 is worse
    origin: Origin | None = None
    history: tuple[tuple[str, str, tuple[float, ...]], ...] = ()  # (name, metric, recent main medians)
    site_url: str | None = None  # the published history site (perfgate site)
    pages: tuple[tuple[str, str, str], ...] = ()  # (name, metric, its page on the site)

    @property
    def failed(self) -> bool:
        return any(c.verdict in FAILING for c in self.comparisons)

    @property
    def verdict(self) -> str:
        return "fail" if self.failed else "pass"

    def count(self, verdict: Verdict) -> int:
        return sum(1 for c in self.comparisons if c.verdict is verdict)


@dataclass(frozen=True)
class _Pooled:
    series: Series  # the first run's series: name, unit, direction, kind
    values: FloatArray  # what the rank test compares (window medians for load-test requests)
    raw: FloatArray  # every value, for budgets
    summary: Summary
    run_medians: FloatArray  # one per run: the run-to-run spread τ is estimated from these
    counts: tuple[tuple[int, int], ...] = ()  # counted rates: (bad outcomes, total) per run


@dataclass(frozen=True)
class _Counted:
    """A counted rate on both sides (errors, failed checks), pooled over runs."""

    bad_base: int
    n_base: int
    bad_cand: int
    n_cand: int
    margin: float  # percentage points allowed, as a fraction; 0 when the baseline had no bad outcomes
    run_spread: float  # how much the rate varies between runs of the same code (standard deviation)

    @property
    def rates(self) -> tuple[float, float]:
        return self.bad_base / self.n_base, self.bad_cand / self.n_cand


@dataclass(frozen=True)
class _Tested:
    base: _Pooled
    cand: _Pooled
    delta: float
    interval: stats.ShiftInterval
    test: stats.ShiftTest
    p_worse: float
    runs: stats.RunNoise | None
    counted: _Counted | None = None


@dataclass
class _Notes:
    items: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        if text not in self.items:
            self.items.append(text)


def evaluate(baseline: Side, candidate: Side, settings: Settings, policy: Policy = Policy()) -> Report:
    """Compare every series of the candidate with the baseline, check budgets and waivers, and decide."""
    base, cand = _pool(baseline), _pool(candidate)
    keys = [*cand, *(k for k in base if k not in cand)]
    notes = _Notes()
    tested: list[_Tested] = []
    first: dict[tuple[str, str], Comparison] = {}
    gated = sum(1 for k in keys if k in base and k in cand)
    for key in keys:
        b, c = base.get(key), cand.get(key)
        if b is None or c is None:
            first[key] = _unpaired(b, c)
        elif b.series.metric in COUNTED_RATES and b.counts and c.counts and _requests(b) and _requests(c):
            tested.append(_test_counts(b, c, settings, policy))
        elif (exact := _deterministic(b, c, settings, policy)) is not None:
            first[key] = exact
        elif min(b.values.size, c.values.size) < settings.min_samples:
            by_runs = _by_run_medians(b, c, settings, policy, notes) if _summaries(b, c) else None
            if by_runs is not None:
                tested.append(by_runs)
            else:
                first[key] = _insufficient(b, c, settings, gated)
        else:
            tested.append(_test(b, c, settings, policy, notes))
    families = _one_measurement_families(tested)
    q_worse = _family_q([t.p_worse for t in tested], families)
    q_better = _family_q([t.test.p_less for t in tested], families)
    for t, qw, qb in zip(tested, q_worse, q_better, strict=True):
        first[t.base.series.key] = _decide(t, qw, qb, settings)
    drifts = _drifts(candidate, settings, policy)
    rated = {name for name, metric in cand if metric in COUNTED_RATES}
    comparisons = tuple(_finish(first[k], cand.get(k), drifts.get(k), policy, notes, rated) for k in keys)
    names = {name for name, _ in keys}
    for kind, rules in (("budget", policy.budgets), ("waiver", policy.waivers)):
        for rule in rules:
            if names and not any(rule.applies_to(name) for name in names):
                notes.add(f"{kind} match {rule.match!r} fits no series here: check the name (or the glob's * and ?)")
    return Report(comparisons, settings, baseline.refs, candidate.refs, tuple(notes.items), _geomean(comparisons))


# Metrics that are one measurement of a benchmark's iterations in other units (time per op, ops or bytes per
# second, wall and CPU time): tested once in the Benjamini-Hochberg family, so units do not dilute its power.
ONE_MEASUREMENT = frozenset(
    {"time", "real_time", "cpu_time", "throughput", "bytes_per_second", "items_per_second", "bits_per_second"}
)


def _one_measurement_families(tested: list[_Tested]) -> list[list[int]]:
    """Indexes of ``tested`` grouped so that one benchmark's timing metrics form one family member."""
    families: dict[tuple[str, str], list[int]] = {}
    for i, t in enumerate(tested):
        s = t.base.series
        timing = s.kind is SampleKind.REPETITION and s.metric in ONE_MEASUREMENT
        families.setdefault((s.name, "timing" if timing else s.metric), []).append(i)
    return list(families.values())


def _family_q(p_values: list[float], families: list[list[int]]) -> list[float]:
    """Benjamini-Hochberg over families (each counted once, at its smallest p); a member's q is never below its p."""
    family_q = stats.benjamini_hochberg([min(p_values[i] for i in members) for members in families])
    q = [1.0] * len(p_values)
    for members, fq in zip(families, family_q, strict=True):
        for i in members:
            q[i] = max(fq, p_values[i])
    return q


def _pool(side: Side) -> dict[tuple[str, str], _Pooled]:
    grouped: dict[tuple[str, str], list[Series]] = {}
    for run in side.runs:
        for series in run:
            grouped.setdefault(series.key, []).append(series)
    pooled = {}
    for key, members in grouped.items():
        raw = as_samples(np.concatenate([s.values() for s in members]))
        values = as_samples(np.concatenate([comparable(s) for s in members]))
        # One run keeps the tool's own statistics; several are summarised from what was pooled.
        summary = members[0].summary if len(members) == 1 else Summary.of(raw)
        medians = as_samples([float(np.median(s.values())) for s in members if s.values().size])
        counts = tuple((s.summary.errors, s.summary.count) for s in members if s.summary.errors is not None)
        pooled[key] = _Pooled(members[0], values, raw, summary, medians, counts if len(counts) == len(members) else ())
    return pooled


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


def _normalised_log(values: FloatArray, direction: Direction) -> FloatArray:
    """Log values, negated for higher-is-better metrics, so a positive shift always means worse."""
    logs = np.log(np.maximum(values, np.finfo(np.float64).tiny))
    return logs if direction is Direction.LOWER_IS_BETTER else -logs


_MAX_LOG_SHIFT = 700.0  # exp(700) is still a float: a shift from a zero value must not overflow


def _natural_ratio(shift: float, direction: Direction) -> float:
    shift = max(-_MAX_LOG_SHIFT, min(_MAX_LOG_SHIFT, shift))
    return math.exp(shift if direction is Direction.LOWER_IS_BETTER else -shift)


def _test(b: _Pooled, c: _Pooled, settings: Settings, policy: Policy, notes: _Notes) -> _Tested:
    direction = b.series.direction
    delta = _allowance(b.series.name, settings, policy)
    x, y = _normalised_log(b.values, direction), _normalised_log(c.values, direction)
    interval = stats.hodges_lehmann(x, y, settings.confidence)
    test = stats.shift_test(x, y, math.log1p(delta))
    runs = _run_noise(b, c, delta, settings, notes) if settings.between_runs else None
    p_worse = max(test.p_greater, runs.p) if runs is not None else test.p_greater
    return _Tested(b, c, delta, interval, test, p_worse, runs)


# Rates counted over requests: their run-to-run spread is not a few percent of the rate (1 % of errors may be
# 3 % in the next run of the same code), so they are not judged by run medians on the log scale.
COUNTED_RATES = frozenset({"error_rate", "pass_rate"})


def _requests(side: _Pooled) -> int:
    return sum(total for _, total in side.counts)


def _test_counts(b: _Pooled, c: _Pooled, settings: Settings, policy: Policy) -> _Tested:
    """Error (or failed-check) rates from counts: more bad outcomes than allowed, beyond chance and bursts."""
    allowed = _allowance(b.series.name, settings, policy, "max_error_increase")
    bad_b, n_b = sum(e for e, _ in b.counts), _requests(b)
    bad_c, n_c = sum(e for e, _ in c.counts), _requests(c)
    margin = allowed if bad_b else 0.0  # errors where there were none fail when they cannot be chance
    tau2 = stats.rate_run_variance([e / n for e, n in b.counts if n], ERROR_RATE_NOISE, PRIOR_RUNS)
    run_variance = tau2 * (1 / len(b.counts) + 1 / len(c.counts))  # both sides' runs drift, as for medians
    counted = _Counted(bad_b, n_b, bad_c, n_c, margin, math.sqrt(tau2))
    p_worse = stats.rate_increase_p(bad_b, n_b, bad_c, n_c, margin, run_variance)
    p_better = stats.rate_increase_p(bad_c, n_c, bad_b, n_b, allowed if bad_c else 0.0, run_variance)
    diff = bad_c / n_c - bad_b / n_b
    interval = stats.ShiftInterval(diff, math.nan, math.nan, settings.confidence)
    test = stats.ShiftTest(p_worse, p_better, "counts")
    return _Tested(b, c, allowed, interval, test, p_worse, None, counted)


def _decide_counts(t: _Tested, counted: _Counted, q_worse: float, q_better: float, settings: Settings) -> Comparison:
    b, c = t.base, t.cand
    rate_b, rate_c = counted.rates
    what = "failed checks" if b.series.metric == "pass_rate" else "errors"
    effect = f"{what} {rate_b:.2%} → {rate_c:.2%} ({(rate_c - rate_b) * 100:+.2f} pp)"
    n = f"{counted.bad_base}/{counted.n_base} vs {counted.bad_cand}/{counted.n_cand}"
    if counted.run_spread > 0:
        n += f"; runs of main vary by ±{counted.run_spread * 100:.2f} pp"
    allowed = f"the {t.delta * 100:g} pp allowed" if counted.margin else "none before (any increase that is not chance)"
    evidence = f"{p_phrase('p', t.p_worse)}, {p_phrase('q', q_worse)}, {n}"
    if q_worse <= settings.fdr:
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
    return _compared(
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


def _deterministic(b: _Pooled, c: _Pooled, settings: Settings, policy: Policy) -> Comparison | None:
    """A count or size whose values do not vary at all on either side (instruction counts, allocations, B/op),
    seen at least twice per side, has no noise to test against: a change beyond the allowance is a regression
    (or an improvement) as it stands, and anything less is no change. None for every other series."""
    if b.series.unit == SECONDS or b.series.unit in HIGHER_IS_BETTER_UNITS:
        return None  # times and rates: a timer's resolution can hide noise, and another runner shifts them
    exact = b.series.kind is SampleKind.EXACT and c.series.kind is SampleKind.EXACT
    fewest = 1 if exact else 2  # a tool that counts without noise needs no second run to show it
    if b.values.size < fewest or c.values.size < fewest or np.ptp(b.values) != 0 or np.ptp(c.values) != 0:
        return None
    before, after = float(b.values[0]), float(c.values[0])
    delta = _allowance(b.series.name, settings, policy)
    unit, direction = b.series.unit, b.series.direction
    shown = f"{format_value(before, unit)} → {format_value(after, unit)} in every run"
    n = f"n = {b.values.size} + {c.values.size}, " + ("counted exactly" if exact else "no variation")
    change: float | None = after / before if before > 0 else None
    worse = (after > before) if direction is Direction.LOWER_IS_BETTER else (after < before)
    if before == after:
        verdict, reason = Verdict.UNCHANGED, f"{shown}: unchanged ({n})"
    elif change is None:
        verdict, reason = Verdict.REGRESSION if worse else Verdict.IMPROVEMENT, f"{shown}: from 0 ({n})"
    else:
        beyond = abs(math.log(change)) > math.log1p(delta)
        what = format_change(change)
        if beyond:
            verdict = Verdict.REGRESSION if worse else Verdict.IMPROVEMENT
            reason = f"{shown} ({what}) is beyond the {format_percent(delta)} allowed: exact values ({n})"
        else:
            verdict, reason = Verdict.UNCHANGED, f"{shown} ({what}) is within the {format_percent(delta)} allowed ({n})"
    return _compared(b, c, verdict, reason, change=change, p_value=None, test="deterministic", max_regression=delta)


def _compared(b: _Pooled | None, c: _Pooled | None, verdict: Verdict, reason: str, **tested: Any) -> Comparison:
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


def _summaries(b: _Pooled, c: _Pooled) -> bool:
    counted = b.series.metric in COUNTED_RATES
    return SampleKind.SUMMARY_ONLY in (b.series.kind, c.series.kind) and not counted


def _by_run_medians(b: _Pooled, c: _Pooled, settings: Settings, policy: Policy, notes: _Notes) -> _Tested | None:
    """Summary-only results (one statistic per run) against history: the run-level test alone decides.

    With a baseline from other jobs, a run's median against main's run medians is exactly the between-run
    test, so one k6 summary or Locust stats file per side is enough (no samples to rank)."""
    if not settings.between_runs or not b.run_medians.size or not c.run_medians.size:
        return None
    delta = _allowance(b.series.name, settings, policy)
    runs = _run_noise(b, c, delta, settings, notes)
    if runs is None:
        return None
    test = stats.ShiftTest(runs.p, runs.p_better(math.log1p(delta)), "run-medians")
    return _Tested(b, c, delta, runs.interval(settings.confidence), test, runs.p, runs)


def _allowance(
    name: str,
    settings: Settings,
    policy: Policy,
    key: Literal["max_regression", "max_error_increase"] = "max_regression",
) -> float:
    """An allowance for the series of this name (δ by default): its budget's, else the settings'."""
    budget = policy.budget_for(name)
    value: float | None = getattr(budget, key) if budget is not None else None
    return value if value is not None else float(getattr(settings, key))


def _run_noise(b: _Pooled, c: _Pooled, delta: float, settings: Settings, notes: _Notes) -> stats.RunNoise | None:
    """The between-run test of the run medians, with the run_noise prior; a note while history is short."""
    if b.run_medians.size < MIN_RUNS_FOR_TAU:
        notes.add(_short_history_note(b.run_medians.size, settings))
    direction = b.series.direction
    return stats.between_run_p(
        _normalised_log(b.run_medians, direction),
        _normalised_log(c.run_medians, direction),
        math.log1p(delta),
        math.log1p(settings.run_noise),
        PRIOR_RUNS,
    )


def _short_history_note(runs: int, settings: Settings) -> str:
    return (
        f"short history ({runs} baseline run(s)): CI runs are taken to differ by "
        f"{format_percent(settings.run_noise)} (run_noise) until more main-branch runs show how much they "
        "really do, so only large changes can fail for now"
    )


def _decide(t: _Tested, q_worse: float, q_better: float, settings: Settings) -> Comparison:
    if t.counted is not None:
        return _decide_counts(t, t.counted, q_worse, q_better, settings)
    b, c, interval, test = t.base, t.cand, t.interval, t.test
    direction = b.series.direction
    ratio = _natural_ratio(interval.estimate, direction)
    change: float | None = ratio
    ends = sorted((_natural_ratio(interval.low, direction), _natural_ratio(interval.high, direction)))
    # Too few samples for the confidence level leave the interval unbounded: report none.
    bounded = math.isfinite(interval.low) and math.isfinite(interval.high)
    ci = (ends[0], ends[1]) if bounded else None
    n = f"n = {b.values.size} + {c.values.size}"
    evidence = f"{p_phrase('p', t.p_worse)}, {p_phrase('q', q_worse)}, {n}"
    spread = f"±{math.expm1(t.runs.spread) * 100:.1f}%" if t.runs is not None else ""
    runs_decide = t.runs is not None and t.runs.p >= test.p_greater
    weighed = f"{evidence}; p from run-to-run noise of {spread}" if runs_decide else evidence
    effect = format_change(ratio)
    if ci is not None:
        effect += f" [{format_change(ci[0])}, {format_change(ci[1])}]"
    from_zero = not np.any(b.values) and bool(np.any(c.values))  # e.g. 0 B/op before, 16 B/op now
    if from_zero:
        # A ratio to zero means nothing: say what happened, and let the rank test say whether it is chance.
        change, ci = None, None
        effect = f"from 0 to {format_value(float(np.median(c.raw)), b.series.unit)}"
        allowed = "any allowance (the baseline is exactly 0)"
    else:
        allowed = f"the {format_percent(t.delta)} allowed"
    if q_worse <= settings.fdr:
        verdict, reason = Verdict.REGRESSION, f"{effect} is beyond {allowed} ({weighed})"
    elif q_better <= settings.fdr:
        better = f"{p_phrase('p', test.p_less)}, {p_phrase('q', q_better)}, {n}"
        threshold = format_change(_natural_ratio(-math.log1p(t.delta), direction))  # mirrored: -4.8% for 5%
        verdict, reason = Verdict.IMPROVEMENT, f"{effect} is better than {threshold} ({better})"
    elif interval.estimate > math.log1p(t.delta):
        verdict = Verdict.SUSPECTED
        uncertain = f"CI runs of main differ by {spread}" if runs_decide else "the samples vary too much to tell"
        reason = f"{effect} may be beyond {allowed}, but not for certain: {uncertain} ({evidence})"
    else:
        verdict, reason = Verdict.UNCHANGED, f"{effect} is within {allowed} ({weighed})"
    return _compared(
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


def _insufficient(b: _Pooled, c: _Pooled, settings: Settings, gated: int) -> Comparison:
    needed = max(settings.min_samples, stats.samples_needed(settings.fdr, gated))
    have = f"have {b.values.size} + {c.values.size}"
    reason = f"need >= {needed} samples on each side to detect a change at q = {settings.fdr:g} across {gated} series, {have}"
    if b.series.kind is SampleKind.SUMMARY_ONLY or c.series.kind is SampleKind.SUMMARY_ONLY:
        # The same words for every such series, so that a report says it once (renderers share a footnote).
        reason = (
            "these results carry one summary per run, not samples: compare against main's history "
            f"(--against main) or pool >= {needed} runs per side"
        )
    change = None
    before = b.summary.median if b.summary.median is not None else b.summary.mean
    after = c.summary.median if c.summary.median is not None else c.summary.mean
    if before and after is not None:
        change = after / before
    return _compared(b, c, Verdict.INSUFFICIENT_DATA, reason, change=change)


def _unpaired(b: _Pooled | None, c: _Pooled | None) -> Comparison:
    if c is not None:
        return _compared(b, c, Verdict.NEW, "not in the baseline: nothing to compare with yet")
    reason = "in the baseline but not in the candidate (did the benchmark fail or get renamed?)"
    return _compared(b, c, Verdict.MISSING, reason)


# --- drift within a run ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Trend:
    series: Series
    trend: stats.WindowTrend
    allowed: float
    failing: bool  # a budget set max_drift
    p: float  # the trend's, times the candidate runs it was the strongest of


def _drifts(candidate: Side, settings: Settings, policy: Policy) -> dict[tuple[str, str], Drift]:
    """A trend test on every time-ordered candidate series (load-test requests and windows), Benjamini-Hochberg
    across them. Several candidate runs: the run with the strongest trend, its p multiplied by the runs."""
    found: dict[tuple[str, str], _Trend] = {}
    runs = max(len(candidate.runs), 1)
    for run in candidate.runs:
        for series in run:
            if (t := _trend(series, settings, policy)) is None:
                continue
            t = replace(t, p=min(1.0, t.p * runs))
            if series.key not in found or t.p < found[series.key].p:
                found[series.key] = t
    trends = list(found.values())
    q_values = stats.benjamini_hochberg([t.p for t in trends])
    return {t.series.key: _drift(t, max(q, t.p), settings) for t, q in zip(trends, q_values, strict=True)}


def _trend(series: Series, settings: Settings, policy: Policy) -> _Trend | None:
    if series.kind is SampleKind.REQUEST:
        if series.samples.size < stats.MIN_TREND_WINDOWS * MIN_WINDOW:
            return None  # a trend of single requests would be a trend of noise
    elif series.kind is not SampleKind.WINDOW:
        return None
    counted = series.metric in COUNTED_RATES
    budget = policy.budget_for(series.name)
    max_drift = budget.max_drift if budget is not None else None
    key: Literal["max_regression", "max_error_increase"] = "max_error_increase" if counted else "max_regression"
    allowed = max_drift if max_drift is not None else _allowance(series.name, settings, policy, key)
    windows = comparable(series)
    if counted:
        values, margin = windows, allowed  # rates: worse is up, in percentage points
        if series.direction is Direction.HIGHER_IS_BETTER:
            values = -values
    else:
        values, margin = _normalised_log(windows, series.direction), math.log1p(allowed)
    trend = stats.window_trend(values, margin)
    if trend is None:
        return None
    return _Trend(series, trend, allowed, max_drift is not None, trend.p)


def _drift(t: _Trend, q: float, settings: Settings) -> Drift:
    s, trend = t.series, t.trend
    counted = s.metric in COUNTED_RATES
    if counted:
        change = trend.total if s.direction is Direction.LOWER_IS_BETTER else -trend.total
        shown = f"{change * 100:+.2f} pp"
        allowed = f"{t.allowed * 100:g} pp"
    else:
        change = _natural_ratio(trend.total, s.direction)
        shown = format_change(change)
        allowed = format_percent(t.allowed)
    what = s.metric.replace("_", " ")
    evidence = f"{p_phrase('p', t.p)}, {p_phrase('q', q)}, {trend.windows} windows"
    beyond = q <= settings.fdr
    status = ("exceeded" if t.failing else "drifting") if beyond else "ok"
    limit = f"the max_drift of {allowed}" if t.failing else f"the {allowed} allowed"
    if beyond:
        reason = f"{what} drifted {shown} during the run, first window to last, beyond {limit} ({evidence})"
    else:
        reason = f"{what} during the run: {shown} first window to last, within {limit} ({evidence})"
    return Drift(change, t.allowed, t.p, q, trend.windows, status, reason)


# --- budgets and waivers --------------------------------------------------------------------


def _finish(
    comparison: Comparison,
    cand: _Pooled | None,
    drift: Drift | None,
    policy: Policy,
    notes: _Notes,
    rated: set[str],
) -> Comparison:
    """Add the budget checks and the drift of the candidate, take the worst verdict, then apply a waiver.

    ``rated``: names with an error-rate series of their own, where an error_rate limit is judged (once)."""
    checks: tuple[BudgetCheck, ...] = ()
    budget = policy.budget_for(comparison.name)
    if budget is not None and cand is not None:
        limits = [
            limit
            for limit in budget.limits
            if limit_judges(limit, comparison.metric, has_rate_series=comparison.name in rated)
        ]
        checks = tuple(check for limit in limits if (check := check_limit(limit, cand.series, cand.raw, cand.summary)))
    promotes = {"exceeded": Verdict.BUDGET_EXCEEDED, "at-risk": Verdict.AT_RISK}
    findings = [(promotes.get(check.status), check.reason) for check in checks if check.status != "ok"]
    if drift is not None and drift.status != "ok":
        findings.append((Verdict.BUDGET_EXCEEDED if drift.status == "exceeded" else Verdict.DRIFTING, drift.reason))
    verdict, reasons = comparison.verdict, [comparison.reason]
    for worse, why in findings:
        reasons.append(why)
        if worse is not None and SEVERITY.index(worse) < SEVERITY.index(verdict):
            verdict = worse
            reasons.insert(0, reasons.pop())  # the reason for the verdict comes first
    reason = "; ".join(reasons)
    waiver = policy.waiver_for(comparison.name) if verdict in FAILING or verdict in WARNING else None
    if waiver is not None and policy.today is not None:
        if waiver.active(policy.today):
            if verdict in FAILING:
                reason = f"{verdict.value} waived until {waiver.until:%Y-%m-%d} ({waiver.reason}): {reason}"
                verdict = Verdict.WAIVED
        else:
            notes.add(
                f"the waiver for {waiver.match!r} (line {waiver.line}) expired on {waiver.until:%Y-%m-%d} "
                "and no longer waives anything; remove it or extend it"
            )
            reason += f" (the waiver for {waiver.match!r} expired on {waiver.until:%Y-%m-%d})"
    return Comparison(**{**vars(comparison), "verdict": verdict, "reason": reason, "budget": checks, "drift": drift})


def limit_judges(limit: Limit, metric: str, *, has_rate_series: bool) -> bool:
    """Whether a budget's limit may judge a series of this metric (its unit is checked later): an error_rate
    limit judges the error-rate series of a name, or the error counts of another series when there is none
    (hyperfine's failed runs); throughput limits judge throughput; the others everything but rates."""
    if limit.statistic == "error_rate":
        return metric in COUNTED_RATES or (not has_rate_series and metric != "throughput")
    if limit.statistic == "throughput":
        return metric == "throughput"
    return metric not in COUNTED_RATES and metric != "throughput"


def check_limit(limit: Limit, series: Series, values: FloatArray, summary: Summary) -> BudgetCheck | None:
    """Judge one limit on a candidate series, or None when the limit is about another kind of metric."""
    bounds, source = _statistic(limit, series, values, summary)
    if source == "not-applicable":
        return None
    if bounds is None:
        return BudgetCheck(limit, "unknown", None, None, f"{limit.statistic} {limit.text} cannot be checked: {source}")
    # The bound that must clear the limit: the lower one for "<" limits, the upper one for ">" limits.
    bound = bounds.lower if limit.op == "<" else bounds.upper
    shown = _format(bounds.estimate, limit.unit)
    level = f"{BUDGET_LEVEL:.0%} bound {_format(bound, limit.unit)}" if math.isfinite(bound) else "no bound"
    where = f"{limit.statistic} {shown} ({level}{source})"
    if math.isfinite(bound) and limit.beyond(bound):
        return BudgetCheck(limit, "exceeded", bounds.estimate, bound, f"{where} breaks the budget {limit.text}")
    if limit.beyond(bounds.estimate):
        reason = f"{where} is past the budget {limit.text}, not yet surely"
        return BudgetCheck(limit, "at-risk", bounds.estimate, bound, reason)
    return BudgetCheck(limit, "ok", bounds.estimate, bound, f"{where} is within {limit.text}")


_QUANTILES = {"p50": 0.5, "median": 0.5, "p90": 0.9, "p95": 0.95, "p99": 0.99}


def _statistic(limit: Limit, series: Series, values: FloatArray, summary: Summary) -> tuple[stats.Bounds | None, str]:
    statistic = limit.statistic
    if statistic == "error_rate":
        if summary.errors is not None and summary.count > 0:
            return stats.proportion_bounds(summary.errors, summary.count, BUDGET_LEVEL), ""
        if series.unit == RATIO and series.metric in ("error_rate", "errors"):
            return _sampled_or_summary(values, summary, series, "mean")
        return None, "not-applicable"
    if statistic == "throughput":
        if series.unit != PER_SECOND:
            return None, "not-applicable"
        return _sampled_or_summary(values, summary, series, "mean")
    if series.unit != limit.unit or series.metric == "throughput":
        return None, "not-applicable"
    return _sampled_or_summary(values, summary, series, statistic)


def _sampled_or_summary(
    values: FloatArray, summary: Summary, series: Series, statistic: str
) -> tuple[stats.Bounds | None, str]:
    if series.kind is not SampleKind.SUMMARY_ONLY and values.size >= 2:
        if statistic in _QUANTILES:
            return stats.quantile_bounds(values, _QUANTILES[statistic], BUDGET_LEVEL), ""
        if statistic == "mean":
            return stats.mean_bounds(values, BUDGET_LEVEL), ""
        observed = float(np.max(values))  # an observed maximum is a sure lower bound of the maximum
        return stats.Bounds(observed, observed, math.inf), ""
    value = getattr(summary, "median" if statistic in ("p50", "median") else statistic, None)
    if value is None:
        return None, f"the results give no {statistic} and no samples"
    return stats.Bounds(value, value, value), ", from the tool's summary"


def _format(value: float, unit: str) -> str:
    return format_value(value, unit)


def _geomean(comparisons: tuple[Comparison, ...]) -> float | None:
    """Geometric mean of the tested changes, each oriented so that > 1 is worse."""
    logs = [
        math.log(c.change) if c.direction is Direction.LOWER_IS_BETTER else -math.log(c.change)
        for c in comparisons
        if c.change and c.p_value is not None
    ]
    return math.exp(sum(logs) / len(logs)) if logs else None


def format_change(ratio: float) -> str:
    """A ratio as a signed percentage change: 1.073 → '+7.3%'."""
    if math.isinf(ratio) or ratio <= 0:
        return "-100%" if ratio <= 0 else "+inf"
    pct = (ratio - 1) * 100
    text = f"{pct:+.1f}%" if abs(pct) < 1000 else f"x{ratio:.3g}"
    return "+0.0%" if text == "-0.0%" else text


def format_percent(fraction: float) -> str:
    return f"{fraction * 100:g}%"


def format_p(p: float) -> str:
    """A p-value as people read it: two significant digits, and '<0.0001' for the tiny ones."""
    if p < 1e-4:
        return "<0.0001"
    return f"{p:.2g}" if p < 0.01 else f"{p:.3f}".rstrip("0").rstrip(".")


def p_phrase(label: str, p: float) -> str:
    text = format_p(p)
    return f"{label} {text[0]} {text[1:]}" if text.startswith("<") else f"{label} = {text}"

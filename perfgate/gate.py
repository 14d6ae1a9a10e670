"""The gate: pooled baseline and candidate series → one verdict per series → a Report.

The decision rule: a series regressed when the one-sided Mann-Whitney test says its candidate is worse
than the baseline by more than the allowed regression δ, after Benjamini-Hochberg across all series of
the comparison. Testing "worse by more than δ" rather than "different" keeps tiny, real but harmless
machine-to-machine shifts from failing the gate.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import numpy as np

from perfgate import stats
from perfgate.model import Direction, FloatArray, RunRef, SampleKind, Series, Summary, as_samples


class Verdict(enum.StrEnum):
    REGRESSION = "regression"
    SUSPECTED = "suspected"
    IMPROVEMENT = "improvement"
    UNCHANGED = "unchanged"
    INSUFFICIENT_DATA = "insufficient-data"
    NEW = "new"
    MISSING = "missing"


FAILING = frozenset({Verdict.REGRESSION})
WARNING = frozenset({Verdict.SUSPECTED})


@dataclass(frozen=True)
class Settings:
    """The knobs of the decision rule; every report states them."""

    max_regression: float = 0.05  # δ, as a fraction
    fdr: float = 0.05  # q for Benjamini-Hochberg
    confidence: float = 0.90  # of the Hodges-Lehmann interval
    min_samples: int = 5


@dataclass(frozen=True)
class Side:
    """The runs on one side of a comparison; their samples are pooled per series."""

    refs: tuple[RunRef, ...]
    runs: tuple[tuple[Series, ...], ...]


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


@dataclass(frozen=True)
class Report:
    comparisons: tuple[Comparison, ...]
    settings: Settings
    baseline: tuple[RunRef, ...]
    candidate: tuple[RunRef, ...]
    notes: tuple[str, ...] = ()

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
    values: FloatArray
    summary: Summary


def evaluate(baseline: Side, candidate: Side, settings: Settings) -> Report:
    """Compare every series of the candidate with the baseline and decide."""
    base = _pool(baseline)
    cand = _pool(candidate)
    tested: list[tuple[_Pooled, _Pooled, stats.ShiftInterval, stats.ShiftTest]] = []
    comparisons: dict[tuple[str, str], Comparison] = {}
    for key in [*cand, *(k for k in base if k not in cand)]:
        b, c = base.get(key), cand.get(key)
        if b is None or c is None:
            comparisons[key] = _unpaired(b, c)
        elif min(b.values.size, c.values.size) < settings.min_samples:
            comparisons[key] = _insufficient(b, c, settings)
        else:
            x, y = _normalised_log(b), _normalised_log(c)
            interval = stats.hodges_lehmann(x, y, settings.confidence)
            test = stats.shift_test(x, y, math.log1p(settings.max_regression))
            tested.append((b, c, interval, test))
    q_worse = stats.benjamini_hochberg([t.p_greater for *_, t in tested])
    q_better = stats.benjamini_hochberg([t.p_less for *_, t in tested])
    for (b, c, interval, test), qw, qb in zip(tested, q_worse, q_better, strict=True):
        comparisons[b.series.key] = _decide(b, c, interval, test, qw, qb, settings)
    ordered = tuple(comparisons[k] for k in [*cand, *(k for k in base if k not in cand)])
    return Report(ordered, settings, baseline.refs, candidate.refs)


def _pool(side: Side) -> dict[tuple[str, str], _Pooled]:
    grouped: dict[tuple[str, str], list[Series]] = {}
    for run in side.runs:
        for series in run:
            grouped.setdefault(series.key, []).append(series)
    pooled = {}
    for key, members in grouped.items():
        values = as_samples(np.concatenate([s.values() for s in members]))
        # One run keeps the tool's own statistics; several are summarised from what was pooled.
        summary = members[0].summary if len(members) == 1 else Summary.of(values)
        pooled[key] = _Pooled(members[0], values, summary)
    return pooled


def _normalised_log(pooled: _Pooled) -> FloatArray:
    """Log values, negated for higher-is-better metrics, so a positive shift always means worse."""
    with np.errstate(divide="ignore"):
        logs = np.log(np.maximum(pooled.values, np.finfo(np.float64).tiny))
    return logs if pooled.series.direction is Direction.LOWER_IS_BETTER else -logs


def _natural_ratio(shift: float, direction: Direction) -> float:
    return math.exp(shift if direction is Direction.LOWER_IS_BETTER else -shift)


def _decide(
    b: _Pooled,
    c: _Pooled,
    interval: stats.ShiftInterval,
    test: stats.ShiftTest,
    q_worse: float,
    q_better: float,
    settings: Settings,
) -> Comparison:
    direction = b.series.direction
    change = _natural_ratio(interval.estimate, direction)
    ends = sorted((_natural_ratio(interval.low, direction), _natural_ratio(interval.high, direction)))
    # Too few samples for the confidence level leave the interval unbounded: report none.
    bounded = math.isfinite(interval.low) and math.isfinite(interval.high)
    ci = (ends[0], ends[1]) if bounded else None
    delta = settings.max_regression
    n = f"n = {b.values.size} + {c.values.size}"
    evidence = f"{p_phrase('p', test.p_greater)}, {p_phrase('q', q_worse)}, {n}"
    worse_by = interval.estimate - math.log1p(delta)
    effect = format_change(change)
    if ci is not None:
        effect += f" [{format_change(ci[0])}, {format_change(ci[1])}]"
    allowed = f"the {format_percent(delta)} allowed"
    if q_worse <= settings.fdr:
        verdict, reason = Verdict.REGRESSION, f"{effect} is beyond {allowed} ({evidence})"
    elif q_better <= settings.fdr:
        better = f"{p_phrase('p', test.p_less)}, {p_phrase('q', q_better)}, {n}"
        verdict, reason = (
            Verdict.IMPROVEMENT,
            f"{effect} is better by more than {format_percent(delta)} ({better})",
        )
    elif worse_by > 0:
        verdict = Verdict.SUSPECTED
        reason = f"{effect} may be beyond {allowed}, but the evidence is too weak to fail ({evidence})"
    else:
        verdict, reason = Verdict.UNCHANGED, f"{effect} is within {allowed} ({evidence})"
    return Comparison(
        name=b.series.name,
        metric=b.series.metric,
        unit=b.series.unit,
        direction=direction,
        verdict=verdict,
        reason=reason,
        baseline=b.summary,
        candidate=c.summary,
        n_baseline=int(b.values.size),
        n_candidate=int(c.values.size),
        change=change,
        ci=ci,
        p_value=test.p_greater,
        q_value=q_worse,
        test=test.method,
    )


def _insufficient(b: _Pooled, c: _Pooled, settings: Settings) -> Comparison:
    have = f"have {b.values.size} + {c.values.size}"
    if b.series.kind is SampleKind.SUMMARY_ONLY or c.series.kind is SampleKind.SUMMARY_ONLY:
        reason = (
            f"need >= {settings.min_samples} samples on each side, {have}: these results carry "
            f"one summary per run, so pool >= {settings.min_samples} runs per side or export raw samples"
        )
    else:
        reason = f"need >= {settings.min_samples} samples on each side, {have}"
    change = None
    if b.summary.median and c.summary.median:
        change = c.summary.median / b.summary.median
    return Comparison(
        name=b.series.name,
        metric=b.series.metric,
        unit=b.series.unit,
        direction=b.series.direction,
        verdict=Verdict.INSUFFICIENT_DATA,
        reason=reason,
        baseline=b.summary,
        candidate=c.summary,
        n_baseline=int(b.values.size),
        n_candidate=int(c.values.size),
        change=change,
    )


def _unpaired(b: _Pooled | None, c: _Pooled | None) -> Comparison:
    present = c or b
    assert present is not None
    s = present.series
    if c is not None:
        verdict, reason = Verdict.NEW, "not in the baseline: nothing to compare with yet"
    else:
        verdict = Verdict.MISSING
        reason = "in the baseline but not in the candidate (did the benchmark fail or get renamed?)"
    return Comparison(
        name=s.name,
        metric=s.metric,
        unit=s.unit,
        direction=s.direction,
        verdict=verdict,
        reason=reason,
        baseline=b.summary if b else None,
        candidate=c.summary if c else None,
        n_baseline=int(b.values.size) if b else 0,
        n_candidate=int(c.values.size) if c else 0,
    )


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

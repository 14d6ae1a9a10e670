"""`evaluate`: every series of the candidate against the baseline, then Benjamini-Hochberg across them, then the
policy's budgets and waivers. The rule is in docs/statistics.md; the tests it picks from are its neighbours."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace

from perfgate import stats
from perfgate.gate import (
    closed_loop,
    contention,
    counts,
    exact,
    run_shift,
    shift,
    summaries,
    unit_changes,
    unstable,
    within_run,
)
from perfgate.gate.noise import SuiteNoise
from perfgate.gate.policy import COUNTED_RATES, Policy, check_limit
from perfgate.gate.pooling import Notes, Pooled, Side, compared, pool
from perfgate.gate.report import BudgetCheck, Comparison, Report, Verdict, WithinRunDrift
from perfgate.gate.settings import Settings
from perfgate.gate.tested import Tested
from perfgate.model import Direction, SampleKind


def evaluate(
    baseline: Side,
    candidate: Side,
    settings: Settings,
    policy: Policy = Policy(),
    paired: Mapping[tuple[str, str], Tested] | None = None,
    paired_level: float | None = None,
    noise: SuiteNoise | None = None,
) -> Report:
    """Compare every series of the candidate with the baseline, check budgets and waivers, and decide.

    ``paired``: the series whose rounds were judged as pairs (`perfgate.gate.paired`), decided by that test;
    ``paired_level``: the q at or below which one of them is a regression, in place of the fdr (a confirming
    look's threshold); ``noise``: the suite's noise model over main's recent runs (`perfgate.gate.noise`), for
    the between-run test of the series it covers."""
    notes = Notes()
    baseline, unit_changed = unit_changes.split(baseline, candidate, notes)
    base, cand = pool(baseline), pool(candidate)
    keys = [*cand, *(k for k in base if k not in cand)]
    tested: list[Tested] = []
    by_summaries: list[Tested] = []  # one summary a side, file to file: a family of their own (gate/summaries)
    first: dict[tuple[str, str], Comparison] = {}
    gated = sum(1 for k in keys if k in base and k in cand)
    modelled = noise.for_candidate(cand) if noise is not None and settings.between_runs else {}
    # A benchmark whose main measure has samples (hyperfine's time) keeps its summary-only side measures (the
    # means of user and system time) shown, not judged from one value a side: they are the noisiest part.
    sampled = {name for (name, _), p in cand.items() if p.series.kind is not SampleKind.SUMMARY_ONLY}
    for key in keys:
        b, c = base.get(key), cand.get(key)
        if b is None or c is None:
            first[key] = _unpaired(b, c)
        elif key in unit_changed:  # the candidate's values, in its own unit, are in the reason
            first[key] = replace(compared(b, c, Verdict.UNIT_CHANGED, unit_changed[key]), candidate=None)
        elif b.series.metric in COUNTED_RATES and b.counts and c.counts and b.requests and c.requests:
            tested.append(counts.test(b, c, settings, policy))
        elif (judged := exact.judge(b, c, settings, policy)) is not None:
            first[key] = judged
        elif paired is not None and key in paired:
            tested.append(paired[key])
        elif min(b.values.size, c.values.size) < settings.min_samples:
            by_runs = (
                shift.by_run_medians(b, c, settings, policy, notes, modelled.get(key)) if _summaries(b, c) else None
            )
            if by_runs is not None:
                tested.append(by_runs)
            elif (
                _summaries(b, c)
                and key[0] not in sampled
                and (runs := summaries.test(b, c, settings, policy)) is not None
            ):
                by_summaries.append(runs)
            else:
                first[key] = _insufficient(b, c, settings, gated)
        else:
            tested.append(shift.test(b, c, settings, policy, notes, modelled.get(key)))
    whole_run = run_shift.estimate(tested, settings)
    if whole_run is not None:
        tested = [run_shift.judged_apart(t, whole_run, settings, policy) for t in tested]
    families = _one_measurement_families(tested)
    q_worse = _family_q([t.p_worse for t in tested], families)
    q_better = _family_q([t.test.p_less for t in tested], families)
    for t, qw, qb in zip(tested, q_worse, q_better, strict=True):
        if t.counted is not None:
            first[t.base.series.key] = counts.decide(t, qw, qb, settings)
        else:
            level = paired_level if t.pairs else None
            first[t.base.series.key] = shift.decide(t, qw, qb, settings, level)
    for t, qw in zip(by_summaries, summaries.family_q(by_summaries), strict=True):
        first[t.base.series.key] = summaries.decide(t, qw, settings) or _insufficient(t.base, t.cand, settings, gated)
    contention.wall_only(first)
    unstable.hold_back(first, base, cand)
    closed_loop.throughput(first, cand, policy, settings)
    drifts = within_run.drifts(candidate, settings, policy)
    rated = {name for name, metric in cand if metric in COUNTED_RATES}
    comparisons = tuple(_finish(first[k], cand.get(k), drifts.get(k), policy, notes, rated) for k in keys)
    for note in policy.unmatched({name for name, _ in keys}):
        notes.add(note)
    if modelled:
        assert noise is not None
        notes.add(noise.note())
    said = run_shift.note(whole_run, settings.confidence) if whole_run is not None else None
    return Report(
        comparisons,
        settings,
        baseline.refs,
        candidate.refs,
        (*([said] if said else []), *notes.items),
        _geomean(comparisons),
        run_shift=whole_run,
    )


def _finish(
    comparison: Comparison,
    cand: Pooled | None,
    drift: WithinRunDrift | None,
    policy: Policy,
    notes: Notes,
    rated: set[str],
) -> Comparison:
    """The budget checks of the candidate, its drift and any waiver, by the policy.

    ``rated``: names with an error-rate series of their own, where an error_rate limit is judged (once)."""
    checks: tuple[BudgetCheck, ...] = ()
    if cand is not None:
        limits = policy.limits_judging(comparison.name, comparison.metric, has_rate_series=comparison.name in rated)
        checks = tuple(check for limit in limits if (check := check_limit(limit, cand.series, cand.raw, cand.summary)))
    expired: list[str] = []
    finished = policy.finish(comparison, checks, drift, expired)
    for note in expired:
        notes.add(note)
    return finished


# Metrics that are one measurement of a benchmark's iterations in other units (time per op, ops or bytes per
# second, wall and CPU time): tested once in the Benjamini-Hochberg family, so units do not dilute its power.
ONE_MEASUREMENT = frozenset(
    {"time", "real_time", "cpu_time", "throughput", "bytes_per_second", "items_per_second", "bits_per_second"}
)


def _one_measurement_families(tested: list[Tested]) -> list[list[int]]:
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


def _insufficient(b: Pooled, c: Pooled, settings: Settings, gated: int) -> Comparison:
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
    return compared(b, c, Verdict.INSUFFICIENT_DATA, reason, change=change)


def _unpaired(b: Pooled | None, c: Pooled | None) -> Comparison:
    if c is not None:
        return compared(b, c, Verdict.NEW, "not in the baseline: nothing to compare with yet")
    reason = "in the baseline but not in the candidate (did the benchmark fail or get renamed?)"
    return compared(b, c, Verdict.MISSING, reason)


def _summaries(b: Pooled, c: Pooled) -> bool:
    counted = b.series.metric in COUNTED_RATES
    return SampleKind.SUMMARY_ONLY in (b.series.kind, c.series.kind) and not counted


def _geomean(comparisons: tuple[Comparison, ...]) -> float | None:
    """Geometric mean of the tested changes, each oriented so that > 1 is worse."""
    logs = [
        math.log(c.change) if c.direction is Direction.LOWER_IS_BETTER else -math.log(c.change)
        for c in comparisons
        if c.change and c.p_value is not None
    ]
    return math.exp(sum(logs) / len(logs)) if logs else None

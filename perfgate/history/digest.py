"""The weekly digest's findings: what changed on main, what creeps, what is near its budget, what is too
noisy to gate, and what the gate decided for pull requests. Pure: histories in, a `Digest` out.

Findings are about the period [start, end); the runs before it are context, so a step on the first day
of the week is seen against the weeks before.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import numpy as np

from perfgate import stats
from perfgate.config import Config
from perfgate.gate.policy import Policy, summary_value
from perfgate.gate.rules import Limit
from perfgate.gate.settings import Settings
from perfgate.history import change_points
from perfgate.history.series import History, Point
from perfgate.model import GateDecision, SampleKind, Series, Summary
from perfgate.units import count

HEADROOM = 0.10  # budgets whose latest value is within this fraction of the limit are listed
MIN_NOISE_RUNS = 8  # runs of history before a series' noise is judged
JUDGE_RUNS = 5  # main runs of a series before it can be called steady (steps and drift need some history)
MAX_CHARTS = 12  # charts in one mail: enough for the highlights, small enough for a mailbox
NOISE_RUNS = 30  # the latest runs a series' noise is judged on
MEDIAN_ERROR = math.sqrt(math.pi / 2)  # a median's standard error, in units of sd/sqrt(n), for normal samples


@dataclass(frozen=True)
class StepFinding:
    history: History
    step: change_points.Step
    before: Point  # the last run at the old level
    at: Point  # the first run at the new level
    interval: tuple[float, float] | None  # of the step's ratio (change_points.step_interval); None: too few runs

    @property
    def regression(self) -> bool:
        return self.history.worse(self.step.ratio)


@dataclass(frozen=True)
class DriftFinding:
    history: History
    drift: change_points.Creep
    q_value: float

    @property
    def regression(self) -> bool:
        return self.history.worse(self.drift.ratio)


@dataclass(frozen=True)
class HeadroomFinding:
    history: History
    limit: Limit
    value: float
    headroom: float  # fraction of the limit still free; negative when past it
    at: Point


@dataclass(frozen=True)
class NoiseFinding:
    history: History
    noise: change_points.Noise
    samples: int | None  # typical samples per run
    samples_needed: int | None  # per run, for the rank test to see a change of 2δ; None if within-run is fine
    runs_needed: int | None  # baseline runs for the run-to-run test; None if no number is enough
    runs_fixable: bool


@dataclass(frozen=True)
class PullRequest:
    """The gate's decisions for one pull request (or one commit, when no PR number was known)."""

    pr_number: int | None
    decisions: tuple[GateDecision, ...]  # oldest first

    @property
    def latest(self) -> GateDecision:
        return self.decisions[-1]

    @property
    def blocked(self) -> bool:
        return any(d.verdict == "fail" for d in self.decisions)


@dataclass(frozen=True)
class Chart:
    """What one inline chart shows: a statistic over runs, the period shaded, steps marked."""

    cid: str
    title: str
    unit: str
    statistic: str
    values: tuple[float, ...]
    period_start: int  # index of the first run in the period
    marks: tuple[int, ...] = ()  # indices of change points
    limit: float | None = None
    limit_label: str | None = None


@dataclass(frozen=True)
class Options:
    max_regression: float = Settings.max_regression  # δ: steps smaller than this are not reported
    fdr: float = Settings.fdr  # across series, for creep
    baseline_runs: int = Config.baseline_runs  # what the gate pools: noise is judged against it


@dataclass(frozen=True)
class Digest:
    start: datetime
    end: datetime
    suites: tuple[str, ...]
    runs: int  # main-branch runs in the period
    series: int  # series seen in the period
    steps: tuple[StepFinding, ...] = ()
    drifts: tuple[DriftFinding, ...] = ()
    headroom: tuple[HeadroomFinding, ...] = ()
    noisy: tuple[NoiseFinding, ...] = ()
    pulls: tuple[PullRequest, ...] = ()
    new: tuple[History, ...] = ()
    removed: tuple[History, ...] = ()
    steady: int = 0
    too_short: int = 0  # series with fewer than JUDGE_RUNS main runs: neither steady nor anything else yet
    latest_run: datetime | None = None  # the newest main run before the period's end, in the period or not
    charts: tuple[tuple[Chart, History], ...] = ()
    options: Options = field(default_factory=Options)

    @property
    def regressions(self) -> tuple[StepFinding, ...]:
        return tuple(s for s in self.steps if s.regression)

    @property
    def improvements(self) -> tuple[StepFinding, ...]:
        return tuple(s for s in self.steps if not s.regression)

    @property
    def blocked(self) -> tuple[PullRequest, ...]:
        return tuple(p for p in self.pulls if p.blocked)

    @property
    def waived(self) -> tuple[PullRequest, ...]:
        return tuple(p for p in self.pulls if not p.blocked and any(d.waived for d in p.decisions))

    @property
    def empty(self) -> bool:
        """Nothing worth a look: no runs, or only steady series and passing pull requests."""
        findings = (self.steps, self.drifts, self.headroom, self.noisy, self.blocked, self.waived)
        return not any(findings) and not (self.new or self.removed)

    @property
    def summary(self) -> str:
        """The sentence at the top of the mail."""
        if self.runs == 0:
            if self.latest_run is not None:  # e.g. runs ingested from files that carry their own (older) date
                day = self.latest_run.date()
                return (
                    f"No runs were recorded on main in this period: nothing to compare. The latest is from {day} "
                    f"(runs are dated when the tool ran them); --until {day + timedelta(days=1)} shows its week."
                )
            return "No runs were recorded on main in this period: nothing to compare."
        parts: list[str] = []
        regressions, improvements = len(self.regressions), len(self.improvements)
        if regressions:
            commits = len({f.at.commit for f in self.regressions})
            among = f" in {count(commits, 'commit')}" if commits < regressions else ""
            parts.append(f"{count(regressions, 'regression')} landed on main{among}")
        if improvements:
            parts.append(count(improvements, "improvement"))
        drifting = sum(1 for d in self.drifts if d.regression)
        if drifting:
            parts.append(f"{count(drifting, 'series', 'series')} crept worse")
        exceeded = sum(1 for h in self.headroom if h.headroom <= 0)
        close = len(self.headroom) - exceeded
        if exceeded:
            parts.append(f"{count(exceeded, 'budget')} {'is' if exceeded == 1 else 'are'} past the limit")
        if close:
            parts.append(f"{count(close, 'budget')} {'is' if close == 1 else 'are'} within {HEADROOM:.0%} of the limit")
        if self.noisy:
            parts.append(f"{count(len(self.noisy), 'series', 'series')} too noisy to gate")
        if self.blocked:
            parts.append(f"{count(len(self.blocked), 'pull request')} blocked")
        short = f"{count(self.too_short, 'series', 'series')} with fewer than {JUDGE_RUNS} runs on main, too few to judge yet"
        if not parts and not self.too_short:
            return f"All {count(self.series, 'series', 'series')} steady on main: no steps, no drift, every budget has room."
        if not parts:
            judged = f"no steps or drift in the other {self.steady}; " if self.steady else ""
            return f"Nothing to flag: {judged}{short}."
        parts.append(f"{self.steady} steady")
        if self.too_short:
            parts.append(short)
        return _sentence(parts)


def _sentence(parts: list[str]) -> str:
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return text[0].upper() + text[1:] + "."


def build(
    histories: Sequence[History],
    decisions: Sequence[GateDecision],
    policy: Policy,
    *,
    start: datetime,
    end: datetime,
    options: Options = Options(),
) -> Digest:
    """Every finding of the period, sorted most important first."""
    in_period = [h for h in histories if any(start <= p.recorded_at < end for p in h.points)]
    suites_with_runs = {h.suite for h in in_period}
    suites_with_context = {h.suite for h in histories if any(p.recorded_at < start for p in h.points)}
    runs = len({(h.suite, p.commit, p.recorded_at) for h in in_period for p in h.points if p.recorded_at >= start})

    steps = sorted(
        (f for h in in_period for f in _steps(h, start, options)),
        key=lambda f: (not f.regression, -abs(math.log(f.step.ratio))),
    )
    stepped = {id(f.history) for f in steps}
    drifts = _drifts([h for h in in_period if id(h) not in stepped], start, options)
    headroom = sorted((r for h in in_period if (r := _headroom(h, policy)) is not None), key=lambda r: r.headroom)
    noisy = sorted((n for h in in_period if (n := _noise(h, options)) is not None), key=lambda n: -n.noise.between_runs)
    new = tuple(
        h for h in in_period if h.suite in suites_with_context and all(p.recorded_at >= start for p in h.points)
    )
    # By identity: `h not in in_period` compared histories field by field, O(series²) (2 million at 2,000 series).
    shown = {id(h) for h in in_period}
    removed = tuple(
        h
        for h in histories
        if h.suite in suites_with_runs and id(h) not in shown and any(p.recorded_at < start for p in h.points)
    )
    flagged = {id(f.history) for group in (steps, drifts, headroom, noisy) for f in group} | {id(h) for h in new}
    digest = Digest(
        start=start,
        end=end,
        suites=tuple(sorted({h.suite for h in histories})),
        runs=runs,
        series=len(in_period),
        steps=tuple(steps),
        drifts=tuple(drifts),
        headroom=tuple(headroom),
        noisy=tuple(noisy),
        pulls=_pulls(decisions),
        new=new,
        removed=removed,
        steady=sum(1 for h in in_period if id(h) not in flagged and len(h.points) >= JUDGE_RUNS),
        too_short=sum(1 for h in in_period if id(h) not in flagged and len(h.points) < JUDGE_RUNS),
        latest_run=max((p.recorded_at for h in histories for p in h.points if p.recorded_at < end), default=None),
        options=options,
    )
    return _with_charts(digest, start, policy)


def _first_in_period(history: History, start: datetime) -> int:
    return next(i for i, p in enumerate(history.points) if p.recorded_at >= start)


def _steps(history: History, start: datetime, options: Options) -> list[StepFinding]:
    first = _first_in_period(history, start)
    return [
        StepFinding(
            history,
            step,
            history.points[step.index - 1],
            history.points[step.index],
            change_points.step_interval(history.medians, step),
        )
        for step in change_points.steps(history.medians, min_step=options.max_regression)
        if step.index >= first
    ]


def _drifts(histories: Sequence[History], start: datetime, options: Options) -> list[DriftFinding]:
    found: list[tuple[History, change_points.Creep]] = []
    for history in histories:
        values = history.medians[_first_in_period(history, start) :]
        if np.all(np.isfinite(values)) and (d := change_points.creep(values)) is not None:
            found.append((history, d))
    if not found:
        return []
    # Every series is tested, so Benjamini-Hochberg across them keeps false drifts rare in a large suite.
    q_values = stats.benjamini_hochberg([d.p_value for _, d in found])
    drifts = [
        DriftFinding(h, d, q)
        for (h, d), q in zip(found, q_values, strict=True)
        if q <= options.fdr and abs(math.log(d.ratio)) >= math.log1p(options.max_regression / 2)
    ]
    return sorted(drifts, key=lambda f: (not f.regression, -abs(math.log(f.drift.ratio))))


def _headroom(history: History, policy: Policy) -> HeadroomFinding | None:
    budget = policy.budget_for(history.name)
    if budget is None:
        return None
    latest = history.points[-1]
    closest: HeadroomFinding | None = None
    for limit in budget.limits:
        value = _estimate(history, limit, latest)
        room = limit.headroom(value)
        if not math.isfinite(room):
            continue
        if room < HEADROOM and (closest is None or room < closest.headroom):
            closest = HeadroomFinding(history, limit, value, room, latest)
    return closest


def _estimate(history: History, limit: Limit, point: Point) -> float:
    """The run's value of a budgeted statistic, as the gate reads it from a run's summary (NaN if none)."""
    series = Series(
        history.name, history.metric, history.unit, history.direction, SampleKind.SUMMARY_ONLY, point.summary
    )
    return summary_value(limit, series)


def _noise(history: History, options: Options) -> NoiseFinding | None:
    recent = history.points[-NOISE_RUNS:]
    if len(recent) < MIN_NOISE_RUNS:
        return None
    medians = history.medians[-NOISE_RUNS:]
    spreads = np.array([_spread(p.summary, history.kind) for p in recent], dtype=np.float64)
    if not np.all(np.isfinite(medians)):
        return None
    noise = change_points.noise(medians, spreads)
    if noise is None:
        return None
    delta = math.log1p(options.max_regression)
    samples = int(np.median([p.summary.count for p in recent]))
    # Part of τ is only the sampling error of each run's median (MEDIAN_ERROR·cv/√n): more samples shrink that
    # part; the rest is the runners' own variation, which only pooling baseline runs averages out.
    within = noise.within_run if noise.within_run is not None and noise.within_run > 0 else None
    sampling = MEDIAN_ERROR * within / math.sqrt(samples) if within is not None and samples > 0 else 0.0
    runner = math.sqrt(max(noise.between_runs**2 - sampling**2, 0.0))
    # The gate flags a change beyond δ; to catch one of 2δ with 80 % power, noise may take up at most δ.
    samples_needed = None
    if within is not None:
        needed = stats.samples_to_detect(within, delta)
        if needed > samples:
            samples_needed = needed
            sampling = MEDIAN_ERROR * within / math.sqrt(needed)
    spread = math.sqrt(runner**2 + sampling**2)
    runs_needed = stats.runs_to_detect(spread, delta) if spread > 0 else 2
    runs_fixable = runs_needed is not None
    if runs_needed is not None and runs_needed <= options.baseline_runs:
        runs_needed = None
    if samples_needed is None and runs_needed is None and runs_fixable:
        return None
    return NoiseFinding(history, noise, samples, samples_needed, runs_needed, runs_fixable)


def _spread(summary: Summary, kind: SampleKind) -> float:
    """A run's own coefficient of variation, where its samples are repetitions the rank test sees."""
    if kind is not SampleKind.REPETITION or not summary.mean or summary.stddev is None or summary.count < 2:
        return math.nan
    return summary.stddev / summary.mean


def _pulls(decisions: Sequence[GateDecision]) -> tuple[PullRequest, ...]:
    grouped: dict[tuple[str, int | str], list[GateDecision]] = {}
    for decision in decisions:
        key = decision.pr_number if decision.pr_number is not None else decision.head_commit
        grouped.setdefault((decision.suite, key), []).append(decision)
    pulls = [PullRequest(group[0].pr_number, tuple(group)) for group in grouped.values()]
    return tuple(sorted(pulls, key=lambda p: (not p.blocked, p.latest.recorded_at)))


def _with_charts(digest: Digest, start: datetime, policy: Policy) -> Digest:
    """One chart per highlighted series, most important first, at most MAX_CHARTS: each commit's largest step
    before a commit's further ones, so that a change that moved 100 series does not take every chart."""
    chosen: list[tuple[Chart, History]] = []
    seen: set[int] = set()
    marks: dict[int, list[int]] = {}
    for f in digest.steps:
        marks.setdefault(id(f.history), []).append(f.step.index)

    def add(history: History, limit: Limit | None = None) -> None:
        if id(history) in seen or len(chosen) >= MAX_CHARTS:
            return
        seen.add(id(history))
        if limit is None:
            limit = _median_limit(history, policy)
        chart = _chart(history, start, f"chart{len(chosen) + 1}", tuple(marks.get(id(history), ())), limit)
        chosen.append((chart, history))

    leaders: dict[tuple[bool, str], StepFinding] = {}  # each commit's largest step first: one chart each
    for f in digest.steps:
        leaders.setdefault((f.regression, f.at.commit), f)
    for f in (*leaders.values(), *digest.steps):
        add(f.history)
    for h in digest.headroom:
        add(h.history, h.limit)
    for d in digest.drifts:
        add(d.history)
    for n in digest.noisy:
        add(n.history)
    return replace(digest, charts=tuple(chosen))


def _median_limit(history: History, policy: Policy) -> Limit | None:
    """A budget on the median, which a chart of medians can show as a line."""
    budget = policy.budget_for(history.name)
    if budget is None:
        return None
    return next((lim for lim in budget.limits if lim.statistic in ("p50", "median") and lim.unit == history.unit), None)


def _chart(history: History, start: datetime, cid: str, marks: tuple[int, ...], limit: Limit | None) -> Chart:
    """Per-run medians, or per-run values of the budgeted statistic when a budget is what the chart shows."""
    if limit is None or limit.statistic in ("p50", "median"):
        statistic, values = "median", tuple(float(v) for v in history.medians)
    else:
        statistic = limit.statistic
        values = tuple(_estimate(history, limit, p) for p in history.points)
    return Chart(
        cid=cid,
        title=history.label,
        unit=limit.unit if limit is not None else history.unit,
        statistic=statistic,
        values=values,
        period_start=_first_in_period(history, start),
        marks=marks,
        limit=limit.value if limit is not None else None,
        limit_label=f"budget: {limit.statistic} {limit.text}" if limit is not None else None,
    )

"""The history site's content: one page per series of main's runs, and an index with the period's findings.

Pure: histories, gate decisions and budgets in, `SeriesPage`s (made one series at a time, so a big history is
never all in memory) and a `Site` for the index out; `render/site.py` writes them as files. A series
page's address (`site_address`) depends only on (suite, name, metric), so the PR comment and the digest can
link to it without reading the site.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from perfgate.gate.policy import Policy
from perfgate.gate.rules import Limit
from perfgate.history import change_points
from perfgate.history.digest import Digest
from perfgate.history.series import History, SeriesColumns
from perfgate.model import GateDecision, RunHeader, SeriesDecision
from perfgate.site_address import series_path

# Budget statistics a series page can draw: the median line, and p95 when every run has it (load tests).
DRAWN_STATISTICS = {"median": "median", "p50": "median", "mean": "median", "p95": "p95"}


@dataclass(frozen=True)
class PullMark:
    """A gate decision on a pull request that blocked a series or passed it with a waiver, drawn on its chart at
    the time it was made. Decisions that passed it are the suite's others (`SuiteRuns.decisions`)."""

    decision: int  # its index into the suite's decisions
    pr_number: int | None
    commit: str
    recorded_at: datetime
    outcome: str  # "fail" or "waived", for this series
    reason: str | None  # why it failed or was waived
    run_url: str | None


@dataclass(frozen=True)
class SuiteRuns:
    """What every series page of a suite shares, written once: its runs in the window, oldest first, and the
    gate's decisions on pull requests in it, oldest first."""

    suite: str
    runs: tuple[RunHeader, ...]
    decisions: tuple[GateDecision, ...]

    @cached_property
    def positions(self) -> dict[int, int]:
        """A run's index into ``runs``, by its id."""
        return {run.id: i for i, run in enumerate(self.runs)}

    @cached_property
    def _times(self) -> list[datetime]:
        return [d.recorded_at for d in self.decisions]

    @cached_property
    def _said(self) -> dict[str, list[tuple[int, SeriesDecision]]]:
        """What each decision said, by series name: a page looks up its own instead of reading every decision."""
        said: dict[str, list[tuple[int, SeriesDecision]]] = {}
        for i, decision in enumerate(self.decisions):
            for s in decision.decided:
                said.setdefault(s.name, []).append((i, s))
        return said

    def judged_since(self, at: datetime) -> int:
        """How many decisions were made at or after ``at``."""
        return len(self._times) - bisect_left(self._times, at)

    def first_run(self, series: SeriesColumns) -> RunHeader:
        return self.runs[int(series.positions[0])]

    def latest_run(self, series: SeriesColumns) -> RunHeader:
        return self.runs[int(series.positions[-1])]

    def marks(self, series: SeriesColumns) -> list[PullMark]:
        """The decisions since the series' first run that blocked it or passed it with a waiver, oldest first."""
        first = self.first_run(series).recorded_at
        marks: dict[int, PullMark] = {}
        for i, said in self._said.get(series.name, ()):
            d = self.decisions[i]
            if i in marks or d.recorded_at < first or not said.about(series.name, series.metric):
                continue
            outcome = "waived" if said.waived else "fail"
            marks[i] = PullMark(i, d.pr_number, d.head_commit, d.recorded_at, outcome, said.reason, d.run_url)
        return [marks[i] for i in sorted(marks)]


def suite_runs(suite: str, runs: Sequence[RunHeader], decisions: Sequence[GateDecision]) -> SuiteRuns:
    """A suite's runs and decisions, each sorted oldest first."""
    ordered = sorted(runs, key=lambda r: (r.recorded_at, r.id))
    return SuiteRuns(suite, tuple(ordered), tuple(sorted(decisions, key=lambda d: d.recorded_at)))


@dataclass(frozen=True)
class SeriesPage:
    series: SeriesColumns
    path: str
    steps: tuple[change_points.Step, ...]
    intervals: tuple[tuple[float, float] | None, ...]  # each step's (change_points.step_interval)
    limits: tuple[Limit, ...]  # the budget's limits the page can draw
    pulls: tuple[PullMark, ...]  # the decisions that blocked or waived it, oldest first
    judged: int  # the suite's decisions since the series' first run shown, passes included
    status: str  # the week's finding, or "steady" / "new" / "too few runs"


@dataclass(frozen=True)
class Site:
    """The index's facts: the period's findings and a row per series page (the pages are written as they are
    made, one series at a time, and not kept)."""

    digest: Digest  # the period's findings (the weekly digest's facts)
    pages: tuple[PageRow, ...]  # sorted by suite, then label
    generated_at: datetime
    days: int  # the history each chart covers
    branch: str = "main"

    @property
    def suites(self) -> tuple[str, ...]:
        return tuple(sorted({p.suite for p in self.pages}))

    def page_of(self, history: History) -> str | None:
        """The path of the series' page, if it has one."""
        return self._by_key.get(history.key)

    @cached_property
    def _by_key(self) -> dict[tuple[str, str, str], str]:
        return {p.key: p.path for p in self.pages}


@dataclass(frozen=True)
class PageRow:
    """What the index says of one series page."""

    suite: str
    name: str
    metric: str
    label: str
    path: str
    unit: str
    first: float  # the first and latest run's median (NaN where a run has none)
    latest: float
    runs: int
    status: str
    latest_at: datetime

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.suite, self.name, self.metric)

    @classmethod
    def of(cls, page: SeriesPage, suite: SuiteRuns) -> PageRow:
        s = page.series
        return cls(
            s.suite,
            s.name,
            s.metric,
            s.label,
            page.path,
            s.unit,
            float(s.medians[0]),
            float(s.medians[-1]),
            s.runs,
            page.status,
            suite.latest_run(s).recorded_at,
        )


class Pages:
    """Series pages made one series at a time: each from its series' runs, the suite's decisions, the budgets and
    the period's findings."""

    def __init__(self, policy: Policy, found: Digest, *, max_regression: float) -> None:
        self.policy = policy
        self.status = statuses(found)
        self.max_regression = max_regression

    def page(self, series: SeriesColumns, suite: SuiteRuns) -> SeriesPage | None:
        """The series' page; None when it has no run to show."""
        if not series.runs:
            return None
        fallback = "too few runs" if series.runs < 5 else "steady"
        steps = tuple(change_points.steps(series.medians, min_step=self.max_regression))
        return SeriesPage(
            series=series,
            path=series_path(*series.key),
            steps=steps,
            intervals=tuple(change_points.step_interval(series.medians, step) for step in steps),
            limits=_drawn_limits(series, self.policy),
            pulls=tuple(suite.marks(series)),
            judged=suite.judged_since(suite.first_run(series).recorded_at),
            status=self.status.get(series.key, fallback),
        )


def site(found: Digest, rows: Sequence[PageRow], *, generated_at: datetime, days: int, branch: str = "main") -> Site:
    """The index's facts, its rows sorted by suite, then label."""
    ordered = sorted(rows, key=lambda r: (r.suite, r.label.casefold()))
    return Site(found, tuple(ordered), generated_at, days, branch)


def statuses(found: Digest) -> dict[tuple[str, str, str], str]:
    """The most important finding of each series (the digest sorts each kind most important first)."""
    status: dict[tuple[str, str, str], str] = {}

    def mark(history: History, text: str) -> None:
        status.setdefault((history.suite, history.name, history.metric), text)

    for f in found.steps:
        mark(f.history, "regressed" if f.regression else "improved")
    for h in found.headroom:
        mark(h.history, "over budget" if h.headroom <= 0 else "near budget")
    for d in found.drifts:
        mark(d.history, "creeping worse" if d.regression else "creeping better")
    for n in found.noisy:
        mark(n.history, "noisy")
    for history in found.new:
        mark(history, "new")
    for history in found.removed:
        mark(history, "no longer reported")
    return status


def _drawn_limits(series: SeriesColumns, policy: Policy) -> tuple[Limit, ...]:
    budget = policy.budget_for(series.name)
    if budget is None:
        return ()
    has_p95 = series.p95 is not None
    return tuple(
        limit
        for limit in budget.limits
        if limit.unit == series.unit
        and limit.statistic in DRAWN_STATISTICS
        and (DRAWN_STATISTICS[limit.statistic] != "p95" or has_p95)
        and math.isfinite(limit.value)
    )

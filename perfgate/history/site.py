"""The history site's content: one page per series of main's runs, and an index with the period's findings.

Pure: histories, gate decisions and budgets in, `Site` out; `render/site.py` writes it as files. A series
page's address (`site_address`) depends only on (suite, name, metric), so the PR comment and the digest can
link to it without reading the site.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from perfgate.gate.policy import Policy
from perfgate.gate.rules import Limit
from perfgate.history import change_points
from perfgate.history.digest import Digest
from perfgate.history.series import History, Point
from perfgate.model import GateDecision
from perfgate.site_address import series_path

# Budget statistics a series page can draw: the median line, and p95 when every run has it (load tests).
DRAWN_STATISTICS = {"median": "median", "p50": "median", "mean": "median", "p95": "p95"}


@dataclass(frozen=True)
class PullMark:
    """A gate decision on a pull request, drawn on a series' chart at the time it was made."""

    pr_number: int | None
    commit: str
    recorded_at: datetime
    outcome: str  # "fail", "waived" or "pass", for this series
    reason: str | None  # why it failed or was waived
    run_url: str | None


@dataclass(frozen=True)
class SeriesPage:
    history: History
    path: str
    steps: tuple[change_points.Step, ...]
    limits: tuple[Limit, ...]  # the budget's limits the page can draw
    pulls: tuple[PullMark, ...]
    status: str  # the week's finding, or "steady" / "new" / "too few runs"

    @property
    def latest(self) -> Point:
        return self.history.points[-1]


@dataclass(frozen=True)
class Site:
    digest: Digest  # the period's findings (the weekly digest's facts)
    pages: tuple[SeriesPage, ...]  # sorted by suite, then label
    generated_at: datetime
    days: int  # the history each chart covers
    branch: str = "main"

    @property
    def suites(self) -> tuple[str, ...]:
        return tuple(sorted({p.history.suite for p in self.pages}))

    def page_of(self, history: History) -> SeriesPage | None:
        return self._by_key.get((history.suite, history.name, history.metric))

    @cached_property
    def _by_key(self) -> dict[tuple[str, str, str], SeriesPage]:
        return {(p.history.suite, p.history.name, p.history.metric): p for p in self.pages}


def build(
    histories: Sequence[History],
    decisions: Sequence[GateDecision],
    policy: Policy,
    found: Digest,
    *,
    generated_at: datetime,
    days: int,
    max_regression: float,
    branch: str = "main",
) -> Site:
    """A page per series with at least one run, its status taken from the period's findings."""
    status = _statuses(found)
    pages = []
    for history in histories:
        if not history.points:
            continue
        key = (history.suite, history.name, history.metric)
        runs = len(history.points)
        fallback = "too few runs" if runs < 5 else "steady"
        pages.append(
            SeriesPage(
                history=history,
                path=series_path(*key),
                steps=tuple(change_points.steps(history.medians, min_step=max_regression)),
                limits=_drawn_limits(history, policy),
                pulls=tuple(_pull_marks(history, decisions)),
                status=status.get(key, fallback),
            )
        )
    pages.sort(key=lambda p: (p.history.suite, p.history.label.casefold()))
    return Site(found, tuple(pages), generated_at, days, branch)


def _statuses(found: Digest) -> dict[tuple[str, str, str], str]:
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


def _drawn_limits(history: History, policy: Policy) -> tuple[Limit, ...]:
    budget = policy.budget_for(history.name)
    if budget is None:
        return ()
    has_p95 = all(p.summary.p95 is not None for p in history.points)
    return tuple(
        limit
        for limit in budget.limits
        if limit.unit == history.unit
        and limit.statistic in DRAWN_STATISTICS
        and (DRAWN_STATISTICS[limit.statistic] != "p95" or has_p95)
        and math.isfinite(limit.value)
    )


def _pull_marks(history: History, decisions: Sequence[GateDecision]) -> list[PullMark]:
    """Decisions of the series' suite, with what each said about this series (its name and metric)."""
    first = history.points[0].recorded_at
    marks = []
    for d in decisions:
        if d.suite != history.suite or d.recorded_at < first:
            continue
        said = next((s for s in d.decided if s.about(history.name, history.metric)), None)
        outcome = "pass" if said is None else "waived" if said.waived else "fail"
        marks.append(
            PullMark(d.pr_number, d.head_commit, d.recorded_at, outcome, said.reason if said else None, d.run_url)
        )
    return marks

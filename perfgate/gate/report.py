"""The report's vocabulary: verdicts, one `Comparison` per series, the `Report`. What every renderer reads.

Light on purpose: it imports no engine and no numerical code, so the PR comment, the JSON reader and the
digest load it without the statistics.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

from perfgate.gate.rules import Acceptance, Limit
from perfgate.gate.settings import Settings
from perfgate.model import Direction, Origin, RunRef, Summary


class Verdict(enum.StrEnum):
    BUDGET_EXCEEDED = "budget-exceeded"
    REGRESSION = "regression"
    UNIT_CHANGED = "unit-changed"  # measured in units perfgate cannot convert: not compared
    AT_RISK = "at-risk"
    SUSPECTED = "suspected"
    DRIFTING = "drifting"
    WAIVED = "waived"
    IMPROVEMENT = "improvement"
    UNCHANGED = "unchanged"
    INSUFFICIENT_DATA = "insufficient-data"
    NEW = "new"
    MISSING = "missing"


FAILING = frozenset({Verdict.BUDGET_EXCEEDED, Verdict.REGRESSION, Verdict.UNIT_CHANGED})
WARNING = frozenset({Verdict.AT_RISK, Verdict.SUSPECTED, Verdict.DRIFTING})
# The test of a series compared by one summary a side (`perfgate.gate.summaries`): its `suspected` is undecided.
SUMMARY_TEST: Final = "summary-runs"
# How a throughput drop that other endpoints explain begins its reason (`perfgate.gate.closed_loop`).
CLOSED_LOOP = "closed loop:"
# Most severe first: a series shows the worst of its regression test and its budget checks.
SEVERITY = tuple(Verdict)


@dataclass(frozen=True)
class BudgetCheck:
    """One limit of a budget, judged on the candidate."""

    limit: Limit
    status: str  # "ok", "at-risk", "exceeded" or "unknown"
    estimate: float | None
    bound: float | None  # the one-sided 95 % bound on the side that matters
    reason: str


@dataclass(frozen=True)
class WithinRunDrift:
    """How a series changed during the candidate's run (a soak test): a trend over its time windows.

    Not a trend across runs (that is `perfgate.history`'s creep): this one is inside one run."""

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
    drift: WithinRunDrift | None = None
    # mode = "warn" for this series: a failing verdict is judged and shown, and does not fail the check.
    warn_only: bool = False
    waived_by: str | None = None  # a waived verdict's waiver: "waiver" (a [[waiver]]) or "label" (the accept label)

    @property
    def fails(self) -> bool:
        """This series fails the gate: a failing verdict, not warn-only."""
        return self.verdict in FAILING and not self.warn_only


@dataclass(frozen=True)
class RunShift:
    """What many series of the candidate's run share: the whole run slower or faster than the baseline.

    A slower runner moves every series; so does a change that slows everything. Each series was judged on what
    is left once this shift is taken out (docs/statistics.md, "Whole-run shifts")."""

    ratio: float  # the run's common change, oriented so that > 1 is worse (slower)
    ci: tuple[float, float]  # at the report's confidence, oriented the same way
    p_value: float  # two-sided, of "the run shares no shift"
    series: int  # the series (benchmarks) it was estimated from
    allowed: float  # δ: a run worse than 1 + δ is a warning

    @property
    def slower(self) -> bool:
        """Worse by more than the allowance: a warning of its own, which the check does not show as a pass."""
        return self.ratio > 1 + self.allowed

    @property
    def faster(self) -> bool:
        return self.ratio < 1 / (1 + self.allowed)


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
    run_shift: RunShift | None = None  # the shift the candidate's series share, when there is one
    accepted: Acceptance | None = None  # the pull request's accept label, when it has it

    @property
    def failed(self) -> bool:
        return any(c.fails for c in self.comparisons)

    @property
    def warn_only(self) -> tuple[Comparison, ...]:
        """The series with a failing verdict under mode = "warn": shown as such, never failing the check."""
        return tuple(c for c in self.comparisons if c.verdict in FAILING and c.warn_only)

    @property
    def label_waived(self) -> tuple[Comparison, ...]:
        """The series the accept label waived."""
        return tuple(c for c in self.comparisons if c.waived_by == "label")

    @property
    def undecided(self) -> tuple[Comparison, ...]:
        """The series that moved beyond their allowance where one summary a side could not tell it from noise."""
        return tuple(
            c
            for c in self.comparisons
            if c.verdict is Verdict.SUSPECTED and c.test == SUMMARY_TEST and not c.reason.startswith(CLOSED_LOOP)
        )

    @property
    def warned(self) -> bool:
        """Passed, but not cleanly: a warn-only series failed, the whole run is slower than the allowance (see
        ``run_shift``), or a series moved beyond its allowance untested (``undecided``). The check is neutral
        then, never a green tick."""
        slower = self.run_shift is not None and self.run_shift.slower
        return not self.failed and (slower or bool(self.warn_only) or bool(self.undecided))

    @property
    def verdict(self) -> str:
        """The report's verdict: fail, neutral (passed, not cleanly: ``warned``, as the check says) or pass."""
        return "fail" if self.failed else "neutral" if self.warned else "pass"

    def count(self, verdict: Verdict, *, failing: bool = False) -> int:
        """The series of this verdict; ``failing``: only those that fail the gate (not warn-only)."""
        return sum(1 for c in self.comparisons if c.verdict is verdict and (c.fails or not failing))

"""What `perfgate alert` is about: the steps on main that made a series worse beyond its allowance, which of them
are new, which were announced before and still hold, and which have recovered. Pure: histories in, findings out.

The step detector is the digest's and the site's (``change_points.steps``): a step needs MIN_SEGMENT runs at its
new level, so an alert waits for three runs of main and one slow run never opens an issue. A step is identified
by its first bad commit; the detector may move it by a run or two as runs arrive, so an announced step matches a
step found within ``SAME_STEP_RUNS`` runs of it, and is never announced twice.

The steps of one first bad commit are one issue: a change that slows 60 series is one thing to look at, not 60
issues (``by_commit``); each step is still remembered, recovers and is waived on its own, and the issue closes
when the last of its series is back.

A series has recovered when its latest runs are back within half its allowance of the level before the step
(halfway, so a series hovering at the threshold does not open and close issues on alternate days), or when a
waiver in perfgate.toml now covers it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from perfgate.gate.policy import Policy
from perfgate.gate.rules import Waiver
from perfgate.gate.settings import Settings
from perfgate.history import change_points
from perfgate.history.series import History, Point
from perfgate.model import Direction

MAX_NEW_ISSUES = 10  # first bad commits announced a run, the largest step's first; the rest the next run
SAME_STEP_RUNS = 2  # an announced step and a step found this many runs apart are the same step


@dataclass(frozen=True)
class Announced:
    """A step announced before: remembered by the store and written into its issue's hidden marker."""

    suite: str
    name: str
    metric: str
    first_bad: str  # the commit of the first run at the worse level
    before: float  # the level before the step, in the series' unit
    recovered: bool = False
    issue: int | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.suite, self.name, self.metric)


@dataclass(frozen=True)
class Regression:
    """A step that made a series worse beyond its allowance, still in effect at the latest run."""

    history: History
    step: change_points.Step
    last_good: Point
    first_bad: Point
    low: float | None  # the step's ratio (after / before), its interval (change_points.step_interval); None
    high: float | None
    allowance: float
    runs_after: int  # runs at the new level, the first bad one included

    @property
    def key(self) -> tuple[str, str, str]:
        return self.history.key

    @property
    def ratio(self) -> float:
        return self.step.ratio

    @property
    def size(self) -> float:
        """How far the step moved, whichever the direction: what orders steps, the largest first."""
        return abs(math.log(self.step.ratio))


@dataclass(frozen=True)
class Recovery:
    announced: Announced
    why: str  # "recovered" or "waived"
    level: float | None  # the latest runs' level (recovered)
    since: Point | None  # the first of the runs back at the old level (recovered)
    waiver: Waiver | None = None


@dataclass(frozen=True)
class Findings:
    new: tuple[Regression, ...]  # steps not announced before: open an issue, post to the webhooks
    ongoing: tuple[tuple[Announced, Regression], ...]  # announced and still in effect: keep the issue up to date
    recovered: tuple[Recovery, ...]  # announced, open, now back (or waived): comment and close

    @property
    def empty(self) -> bool:
        return not (self.new or self.ongoing or self.recovered)


def find(
    histories: Sequence[History], announced: Sequence[Announced], policy: Policy, settings: Settings, *, today: date
) -> Findings:
    """Every series' step in effect, matched against what was announced before."""
    by_key: dict[tuple[str, str, str], list[Announced]] = {}
    for item in announced:
        by_key.setdefault(item.key, []).append(item)
    new: list[Regression] = []
    ongoing: list[tuple[Announced, Regression]] = []
    recovered: list[Recovery] = []
    for history in histories:
        allowance = allowance_for(history, policy, settings)
        if allowance is None:
            continue
        waiver = policy.waiver_for(history.name)
        waived = waiver is not None and waiver.active(today)
        earlier = by_key.get(history.key, [])
        for item in earlier:
            if item.recovered:
                continue
            if waived:
                recovered.append(Recovery(item, "waived", None, None, waiver))
            elif (back := _back(history, item, allowance)) is not None:
                recovered.append(back)
        found = latest_regression(history, allowance)
        if found is None or waived:
            continue
        same = next((item for item in earlier if _same_step(history, item, found)), None)
        if same is None:
            new.append(found)
        elif not same.recovered and not any(r.announced is same for r in recovered):
            ongoing.append((same, found))
    new.sort(key=lambda r: -r.size)
    return Findings(tuple(new), tuple(ongoing), tuple(recovered))


def by_commit(steps: Sequence[Regression]) -> list[list[Regression]]:
    """The steps grouped by their first bad commit, each group in the order given (largest first, as ``find``
    orders them), the groups in the order of their first step."""
    groups: dict[str, list[Regression]] = {}
    for step in steps:
        groups.setdefault(step.first_bad.commit, []).append(step)
    return list(groups.values())


def this_run(steps: Sequence[Regression], most: int = MAX_NEW_ISSUES) -> tuple[list[list[Regression]], int]:
    """The new steps one alert run announces: every step of the first ``most`` commits (by their largest step), so
    a suite-wide step is one issue at once and cannot use up a token's requests; and how many steps wait."""
    groups = by_commit(steps)
    return groups[:most], sum(len(group) for group in groups[most:])


def allowance_for(history: History, policy: Policy, settings: Settings) -> float | None:
    """The step a series may take (its budget's max_regression, else the settings'); None for counted error rates,
    whose allowance is in percentage points and whose steps are the gate's to judge."""
    # ``rated`` only decides which budget limits judge the series; the allowance is the same either way.
    return policy.resolve(history.name, history.metric, settings, rated=False).terms.max_regression


def latest_regression(history: History, allowance: float) -> Regression | None:
    """The series' latest step, when it made the series worse by at least ``allowance``."""
    values = history.medians
    found = change_points.steps(values, min_step=allowance)
    if not found:
        return None
    step = found[-1]
    if not history.worse(step.ratio) or abs(math.log(step.ratio)) < math.log1p(allowance):
        return None
    low, high = change_points.step_interval(values, step) or (None, None)
    # As the gate: worse by more than the allowance with confidence, not merely a step of about its size. With too
    # few runs for an interval (three either side), only a step of twice the allowance counts until more arrive.
    near = low if history.direction is Direction.LOWER_IS_BETTER else high
    if not (_beyond(history, near, allowance) if near is not None else _beyond(history, step.ratio, 2 * allowance)):
        return None
    return Regression(
        history,
        step,
        history.points[step.index - 1],
        history.points[step.index],
        low,
        high,
        allowance,
        values.size - step.index,
    )


def _same_step(history: History, announced: Announced, found: Regression) -> bool:
    """The detector moves a step as runs arrive (by a run or two, on a noisy series by many): the same commit or
    a commit within SAME_STEP_RUNS runs is the same step; so is, while the announced step is open, a step up from
    the same old level (a second step, on top of the first, starts from a level worse by the allowance)."""
    if announced.first_bad == found.first_bad.commit:
        return True
    at = [i for i, p in enumerate(history.points) if p.commit == announced.first_bad]
    if any(abs(i - found.step.index) <= SAME_STEP_RUNS for i in at):
        return True
    if announced.recovered or announced.before <= 0 or found.step.before <= 0:
        return False
    return _worse_by(history, found.step.before, announced.before) < 1 + found.allowance


def _back(history: History, announced: Announced, allowance: float) -> Recovery | None:
    """The announced step's series back within half its allowance of the old level, over its latest runs."""
    at = next((i for i, p in enumerate(history.points) if p.commit == announced.first_bad), None)
    values = history.medians
    if at is None:  # the step is older than the runs looked at, or its run was deleted: judge the latest runs
        at = 0
    if values.size - at < 2 * change_points.MIN_SEGMENT or announced.before <= 0:
        return None  # too few runs since the step to tell
    if not np.all(np.isfinite(values[at:])) or np.any(values[at:] <= 0):
        return None
    threshold = 1 + allowance / 2
    level = float(np.median(values[-change_points.MIN_SEGMENT :]))
    if _worse_by(history, level, announced.before) >= threshold:
        return None
    # Where it came back: the start of the latest stretch of runs that are each back (else the latest three).
    back = [_worse_by(history, float(v), announced.before) < threshold for v in values[at:]]
    stretch = next((i for i, ok in enumerate(reversed(back)) if not ok), len(back))
    first = values.size - max(stretch, change_points.MIN_SEGMENT)
    return Recovery(announced, "recovered", level, history.points[first])


def _beyond(history: History, ratio: float, allowance: float) -> bool:
    """Whether a ratio (after / before) is worse than the allowance."""
    return _worse_by(history, ratio, 1.0) >= 1 + allowance


def _worse_by(history: History, value: float, before: float) -> float:
    """How many times worse ``value`` is than ``before`` (below 1: better)."""
    return value / before if history.worse(2.0) else before / value

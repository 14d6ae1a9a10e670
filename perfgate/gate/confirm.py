"""Confirm before failing (``perfgate run --confirm``): a series in doubt after the first rounds gets more rounds,
judged at looks fixed in advance with group-sequential thresholds (`perfgate.stats.sequential`).

Each look judges every series on its own rounds: a series decided at an earlier look keeps that look's rounds and
verdict, and its p stays in the Benjamini-Hochberg family; one still in doubt (``suspected``: worse than the
allowance, but not for certain) is judged on all its rounds against the look's threshold, the q that the plan's
alpha spending allows there, below the fdr. Testing again at the fdr after every batch ("rerun until red") would
fail far more often than q when nothing changed; spent across the looks, the false-alarm rate stays at q.
Stopping as fine (the estimate within the allowance) is allowed at any look. At the last look, or when the caller
stops adding rounds, a series still in doubt stays ``suspected``.

    look = judge(base, head, settings, policy, plan)            # after the first rounds
    while look.doubtful and not look.last:
        ... run look.next_rounds more rounds of look.doubtful ...
        look = judge(base, head, settings, policy, plan, look)   # base/head: every round so far
    report = finished(look)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from perfgate.gate.paired import evaluate_paired
from perfgate.gate.policy import Policy
from perfgate.gate.pooling import Side
from perfgate.gate.report import Comparison, Report, Verdict
from perfgate.gate.settings import Settings
from perfgate.model import Direction, Series
from perfgate.stats import sequential

Key = tuple[str, str]  # (name, metric)


@dataclass(frozen=True)
class Look:
    """The verdicts after one look of a plan: the series decided so far and those still in doubt."""

    plan: sequential.Plan
    index: int  # which look: 0 after the first rounds
    report: Report  # every series as it stands (one in doubt is `suspected`), without the confirmation's notes
    stopped: tuple[tuple[Key, int, Comparison], ...]  # decided series: the rounds they got and their verdict
    going: tuple[Key, ...]  # series in doubt: to be given the next batch of rounds, or (at the end) suspected

    @property
    def rounds(self) -> int:
        return self.plan.rounds[self.index]

    @property
    def last(self) -> bool:
        return self.index >= len(self.plan.rounds) - 1

    @property
    def doubtful(self) -> tuple[str, ...]:
        """The names of the series in doubt, in the report's order: what the next batch runs."""
        return tuple(dict.fromkeys(name for name, _ in self.going))

    @property
    def next_rounds(self) -> int:
        """The rounds of the next batch (0 after the last look)."""
        return 0 if self.last else self.plan.rounds[self.index + 1] - self.rounds


def judge(
    base: Side, head: Side, settings: Settings, policy: Policy, plan: sequential.Plan, before: Look | None = None
) -> Look:
    """The look after ``len(base.runs)`` rounds, which must be the plan's next look. ``base`` and ``head`` hold every
    round so far; in the rounds after the first look only the series that were in doubt count (a tool whose filter
    ran others too, or a command without a filter, printed those: they are left out)."""
    index = 0 if before is None else before.index + 1
    rounds = len(base.runs)
    if index >= len(plan.rounds) or plan.rounds[index] != rounds:
        raise ValueError(f"{rounds} rounds is not the next look of {plan.rounds}")
    stopped = {key: (n, c) for key, n, c in before.stopped} if before is not None else {}
    going = set(before.going) if before is not None else set()

    def limit(key: Key) -> int:
        """The rounds that count for ``key``: those up to its stop, all of them while in doubt."""
        if key in stopped:
            return stopped[key][0]
        return rounds if key in going or before is None else plan.rounds[0]

    report = evaluate_paired(
        _view(base, limit), _view(head, limit), settings, policy, level=plan.thresholds[index], sparse=True
    )
    decided: list[tuple[Key, int, Comparison]] = []
    still: list[Key] = []
    comparisons: list[Comparison] = []
    for c in report.comparisons:
        key = (c.name, c.metric)
        if key in stopped:
            comparisons.append(stopped[key][1])
            continue
        comparisons.append(c)
        if _in_doubt(c, plan, index):
            still.append(key)
        else:
            decided.append((key, limit(key), c))
    kept = tuple((key, n, c) for key, (n, c) in stopped.items())
    return Look(plan, index, replace(report, comparisons=tuple(comparisons)), (*kept, *decided), tuple(still))


def finished(look: Look) -> Report:
    """The report of the last look judged, with notes on what the confirmation did and the thresholds it used."""
    plan = look.plan
    given: dict[str, int] = {}
    for (name, _), n, _ in look.stopped:
        if n > plan.rounds[0]:
            given[name] = max(given.get(name, 0), n)
    for name, _ in look.going:
        if look.rounds > plan.rounds[0]:
            given[name] = max(given.get(name, 0), look.rounds)
    design = f"looks at {'/'.join(map(str, plan.rounds))}, {_spending(plan.spending)} spending"
    levels = ", ".join(f"{t:.3g}" for t in plan.thresholds)
    notes = [
        f"confirm: a series fails at a look when its q is at most that look's threshold ({levels}): "
        f"q = {plan.alpha:g} spent across the looks, not at each"
    ]
    if not given and not look.going:
        notes.append(f"confirmed: no series was in doubt after {plan.rounds[0]} rounds ({design})")
    elif given:
        extra = {n - plan.rounds[0] for n in given.values()}
        names = (
            ", ".join(given) if len(extra) == 1 else ", ".join(f"{k} +{n - plan.rounds[0]}" for k, n in given.items())
        )
        more = f"{extra.pop()} more rounds" if len(extra) == 1 else "more rounds"
        notes.append(f"confirmed: {len(given)} series got {more} ({design}): {names}")
    if look.going:
        said = "the last look" if look.last else f"look {look.index + 1} of {len(plan.rounds)}"
        n = len(look.doubtful)
        notes.append(
            f"confirm: {n} series still in doubt after {look.rounds} rounds ({said}) stay{'s' if n == 1 else ''} suspected"
        )
    report = look.report
    return replace(report, notes=(*report.notes, *notes))


def _in_doubt(c: Comparison, plan: sequential.Plan, index: int) -> bool:
    """Whether a series needs more rounds: paired, ``suspected``, and `sequential.next_step` says go on."""
    if c.verdict is not Verdict.SUSPECTED or not (c.test or "").startswith("paired"):
        return False
    if c.change is None or c.change <= 0 or c.q_value is None or c.max_regression is None:
        return False
    worse = math.log(c.change) if c.direction is Direction.LOWER_IS_BETTER else -math.log(c.change)
    step = sequential.next_step(c.q_value, worse, math.log1p(c.max_regression), index, plan.thresholds)
    # At the last look the rule stops, and a series still worse than allowed stays suspected: in doubt.
    return step is sequential.Step.CONTINUE or (
        index == len(plan.rounds) - 1 and step is not sequential.Step.REGRESSION
    )


def _view(side: Side, limit: Callable[[Key], int]) -> Side:
    """``side`` with each series only in the rounds that count for it (``limit(key)`` rounds)."""
    runs: list[tuple[Series, ...]] = [tuple(s for s in run if r < limit(s.key)) for r, run in enumerate(side.runs)]
    return Side(side.refs, tuple(runs))


def _spending(spending: sequential.Spending) -> str:
    return "Pocock" if spending == "pocock" else "O'Brien-Fleming"

"""Which stored runs are the baseline for a candidate, and why — in words the report can print.

For a pull request the right baseline is the main branch at the PR's merge-base, not the tip of main
(which moved since the branch was cut) nor the previous commit. Runs are found by commit ancestry when
git history is at hand, by recording time otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from perfgate.model import Environment, Run, RunHeader, Series
from perfgate.units import SECONDS, count


@dataclass(frozen=True)
class BaselineChoice:
    run_ids: tuple[int, ...]
    reason: str
    warnings: tuple[str, ...] = ()


def choose(
    headers: Sequence[RunHeader],
    *,
    branch: str,
    limit: int,
    base_commit: str | None,
    ancestors: Sequence[str] | None,
) -> BaselineChoice:
    """Pick up to ``limit`` runs from ``headers`` (newest first).

    ``ancestors`` is the base commit's history, newest first (the commit itself first), when git is at hand.
    """
    if not headers:
        return BaselineChoice((), f"no {branch}-branch runs recorded")
    if base_commit is None:
        return BaselineChoice(_ids(headers[:limit]), f"the latest {count(min(limit, len(headers)), 'run')} of {branch}")
    short = base_commit[:12]
    if ancestors:
        position = {_key(c): i for i, c in enumerate(ancestors)}
        related = [h for h in headers if _key(h.commit) in position]
        related.sort(key=lambda h: (position[_key(h.commit)], -h.recorded_at.timestamp()))
        if related:
            chosen = related[:limit]
            at_base = sum(1 for h in chosen if _same(h.commit, base_commit))
            how = f"{at_base} at the merge-base {short}" if at_base else f"none at the merge-base {short}"
            return BaselineChoice(
                _ids(chosen),
                f"{count(len(chosen), 'run')} of {branch} by commit ancestry ({how}, then its nearest ancestors)",
            )
        return BaselineChoice(
            _ids(headers[:limit]),
            f"the latest {count(min(limit, len(headers)), 'run')} of {branch}",
            (
                f"no {branch}-branch run is recorded at the merge-base {short} or any of its {len(ancestors)} "
                f"nearest ancestors; compared with the latest {branch} runs instead, which may include later changes",
            ),
        )
    recorded_at_base = [h for h in headers if _same(h.commit, base_commit)]
    if recorded_at_base:
        cutoff = max(h.recorded_at for h in recorded_at_base)
        chosen = [h for h in headers if h.recorded_at <= cutoff][:limit]
        return BaselineChoice(
            _ids(chosen),
            f"{count(len(chosen), 'run')} of {branch} at or before the merge-base {short} (by recording time)",
        )
    return BaselineChoice(
        _ids(headers[:limit]),
        f"the latest {count(min(limit, len(headers)), 'run')} of {branch}",
        (
            f"no {branch}-branch run is recorded at the merge-base {short} and no git history is at hand to find "
            f"its ancestors; compared with the latest {branch} runs instead",
        ),
    )


def environment_warnings(baseline: Sequence[Environment], candidate: Sequence[Environment]) -> tuple[str, ...]:
    """Say where the baseline ran on something else than the candidate (a different CPU skews everything)."""
    warnings = []
    # Runner names are left out: CI gives every job a new machine name.
    for field in ("cpu", "os", "interpreter"):
        base_values = {getattr(e, field) for e in baseline} - {None}
        cand_values = {getattr(e, field) for e in candidate} - {None}
        if base_values and cand_values and base_values.isdisjoint(cand_values):
            warnings.append(
                f"the baseline ran on a different {_FIELD_NAMES[field]}: {_list(base_values)} "
                f"(candidate: {_list(cand_values)})"
            )
    return tuple(warnings)


_FIELD_NAMES = {"cpu": "CPU", "os": "OS", "interpreter": "interpreter"}


def _list(values: set[str | None]) -> str:
    return ", ".join(sorted(repr(v) for v in values))


def _ids(headers: Sequence[RunHeader]) -> tuple[int, ...]:
    return tuple(h.id for h in headers)


def _key(commit: str) -> str:
    return commit.lower()[:12]


def _same(a: str, b: str) -> bool:
    # Either side may be abbreviated.
    a, b = a.lower(), b.lower()
    return a.startswith(b) or b.startswith(a)


def copied_from(candidate: Sequence[Series], runs: Sequence[Run]) -> Run | None:
    """The baseline run whose series the candidate's are, bit for bit, or None: a results file copied from
    main (a cache, a committed file) rather than measured for the change.

    Only times with two or more samples prove a copy: real runs never repeat them to the bit, where an
    instruction count or a summary-only value may well be the same again."""
    if not any(s.unit == SECONDS and s.samples.size >= 2 for s in candidate):
        return None
    mine = {s.key: s for s in candidate}
    for run in runs:
        theirs = {s.key: s for s in run.series}
        if theirs.keys() == mine.keys() and all(_same_series(mine[k], theirs[k]) for k in mine):
            return run
    return None


def _same_series(a: Series, b: Series) -> bool:
    return a.summary == b.summary and a.samples.shape == b.samples.shape and bool(np.array_equal(a.samples, b.samples))

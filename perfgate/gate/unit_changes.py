"""Series measured in one unit on one side and another on the other: values the gate must not compare.

Readers turn every unit perfgate knows into its canonical one (ns, ms and s are all seconds), so two units that
still differ are of another kind (seconds and bytes) or a scale perfgate does not know (``instructions`` and
``Minstructions``): 1,000,000 instructions against 2 Minstructions would read as a 500,000-fold improvement. Such
a series is not compared; its verdict fails the gate until main's history has runs in the new unit (or a waiver
accepts it). Where some of the baseline's runs are in the candidate's unit (main changed it lately), only those
are the baseline.
"""

from __future__ import annotations

import numpy as np

from perfgate.gate.pooling import Notes, Side
from perfgate.model import Series
from perfgate.units import count, format_value

Key = tuple[str, str]


def split(baseline: Side, candidate: Side, notes: Notes) -> tuple[Side, dict[Key, str]]:
    """The baseline with each series in the candidate's unit only (where any of its runs has it), and the reason
    for each series that is in other units on the two sides (or in several within the candidate)."""
    wanted: dict[Key, list[Series]] = {}
    for run in candidate.runs:
        for series in run:
            wanted.setdefault(series.key, []).append(series)
    had: dict[Key, list[Series]] = {}
    for run in baseline.runs:
        for series in run:
            had.setdefault(series.key, []).append(series)
    changed: dict[Key, str] = {}
    left_out: set[Key] = set()
    for key, members in wanted.items():
        units = _units(members)
        before = _units(had.get(key, []))
        if not before or before == units:
            continue
        if len(units) > 1:
            changed[key] = f"the candidate's runs measure it in {_listed(units)}: not compared"
        elif units[0] in before:
            left_out.add(key)
            others = [s for s in had[key] if s.unit != units[0]]
            notes.add(
                f"{key[0]} ({key[1]}): {count(len(others), 'baseline run')} in {_listed(_units(others))} left out; "
                f"compared with the runs in {units[0]!r}"
            )
        else:
            changed[key] = _reason(had[key], members)
    if not left_out:
        return baseline, changed
    kept = tuple(
        tuple(s for s in run if s.key not in left_out or s.unit == wanted[s.key][0].unit) for run in baseline.runs
    )
    return Side(baseline.refs, kept), changed


def _reason(before: list[Series], after: list[Series]) -> str:
    was, now = before[0].unit, after[0].unit
    return (
        f"the unit changed from {was!r} ({_median(before)}) to {now!r} ({_median(after)}), which perfgate cannot "
        f"convert: not compared (if the change is meant, waive it until main has runs in {now!r})"
    )


def _median(members: list[Series]) -> str:
    values = np.concatenate([s.values() for s in members])
    return f"median {format_value(float(np.median(values)), members[0].unit)}" if values.size else "no values"


def _units(members: list[Series]) -> list[str]:
    return list(dict.fromkeys(s.unit for s in members))


def _listed(units: list[str]) -> str:
    return " and ".join(repr(u) for u in units)

"""What a run must be to be stored: one check, used by ingest (through formats/sanity), by import, and by the
store before it writes, so SQLite and Postgres accept exactly the same runs (SQLite would take a 60-character
unit or a count of -5 that Postgres refuses; neither should get that far).

Each check returns a `Problem` (the key it is about, as the export format spells it, and a sentence) or None;
callers turn it into their own error with the file and line they know.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from perfgate import limits, units
from perfgate.model import Run, Series, Summary

# Times, sizes, rates and ratios cannot be below zero; a tool's own unit (a score, a delta) may be.
_NON_NEGATIVE = frozenset({units.SECONDS, units.BYTES, units.PER_SECOND, units.BYTES_PER_SECOND, units.RATIO})
_NEGATIVE = "expected a non-negative measurement"


@dataclass(frozen=True)
class Problem:
    key: str  # "branch", "recorded_at", "series[2].unit", or for one series "unit", "summary.count"
    message: str  # says what is wrong and what was expected


_RUN_TEXTS = (  # (key, how a person calls it, the column's size)
    ("suite", "suite", limits.MAX_SUITE),
    ("branch", "branch", limits.MAX_BRANCH),
    ("commit", "commit", limits.MAX_COMMIT),
    ("merge_base", "merge-base", limits.MAX_COMMIT),
    ("idempotency_key", "idempotency key", limits.MAX_KEY),
    ("source_format", "source format", limits.MAX_FORMAT),
)


def run_problem(run: Run) -> Problem | None:
    """The first reason ``run`` cannot be stored, or None."""
    for key, label, cap in _RUN_TEXTS:
        text: str | None = getattr(run, key)
        if text is None:
            continue
        if len(text) > cap:
            return Problem(key, f"the run's {label} is {len(text):,} characters long; at most {cap} can be stored")
        if problem := limits.text_ok(text):
            return Problem(key, f"the run's {label} {text[:60]!r} {problem}")
    if run.pr_number is not None and not 0 < run.pr_number <= limits.MAX_INTEGER:
        return Problem(
            "pr_number", f"the pull request number {run.pr_number} is out of range (1 to {limits.MAX_INTEGER:,})"
        )
    if problem := time_problem(run.recorded_at):
        return Problem("recorded_at", f"the run's time {problem}")
    for field, value in run.environment.as_pairs():
        if problem := limits.text_ok(value):
            return Problem(f"environment.{field}", f"the run's environment ({field}) {problem}")
    seen: set[tuple[str, str]] = set()
    for index, series in enumerate(run.series):
        if found := series_problem(series):
            return Problem(f"series[{index}].{found.key}", found.message)
        if series.key in seen:
            return Problem(f"series[{index}]", f"series {series.name[:80]!r} (metric {series.metric!r}) appears twice")
        seen.add(series.key)
    return None


def time_problem(when: datetime) -> str | None:
    """Why a run's time cannot be stored (it is kept in UTC), or None."""
    if when.tzinfo is None:
        return "has no time zone"
    try:
        utc = when.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+05:00 is in year 0 in UTC
        utc = None
    if utc is None or not limits.MIN_YEAR <= utc.year <= limits.MAX_YEAR:
        return f"{when.isoformat()} is out of range (years {limits.MIN_YEAR} to {limits.MAX_YEAR}, in UTC)"
    return None


def signed(unit: str) -> bool:
    """Whether a series of this unit may hold negative values (a time, a size or a rate may not)."""
    return unit not in _NON_NEGATIVE


def series_problem(series: Series) -> Problem | None:
    """The first reason one series cannot be stored, or None; the message names the series."""
    where = f"series {series.name[:80]!r}"
    for label, text, cap in (
        ("name", series.name, limits.MAX_NAME),
        ("metric", series.metric, limits.MAX_METRIC),
        ("unit", series.unit, limits.MAX_UNIT),
    ):
        if problem := limits.text_ok(text):
            return Problem(label, f"the {label} of {where} {problem}")
        if not text.strip() and label != "unit":  # a unitless count has an empty unit
            return Problem(label, f"a series with an empty {label}")
        if len(text) > cap:
            return Problem(label, f"the {label} of {where} is {len(text):,} characters long; at most {cap:,}")
    where = f"{where} ({series.metric})"
    if series.samples.size and not np.isfinite(series.samples).all():
        bad = int(np.flatnonzero(~np.isfinite(series.samples))[0])
        return Problem("samples", f"{where}: sample {bad} is {series.samples[bad]}; expected a finite number")
    may_be_negative = signed(series.unit)
    if not may_be_negative and series.samples.size and (series.samples < 0).any():
        bad = int(np.flatnonzero(series.samples < 0)[0])
        return Problem("samples", f"{where}: sample {bad} is {series.samples[bad]:g} {series.unit}; {_NEGATIVE}")
    for key, value in vars(series.summary).items():
        if value is None:
            continue
        if not may_be_negative and value < 0:
            return Problem(f"summary.{key}", f"{where}: {key} is {value:g} {series.unit}; {_NEGATIVE}")
        if key in ("count", "errors"):
            if not 0 <= value <= limits.MAX_INTEGER:
                return Problem(
                    f"summary.{key}", f"{where}: {key} {value} is out of range (0 to {limits.MAX_INTEGER:,})"
                )
        elif not math.isfinite(value):
            return Problem(f"summary.{key}", f"{where}: {key} is {value}; expected a finite number")
    return _interval_problem(series.summary, where)


def _interval_problem(summary: Summary, where: str) -> Problem | None:
    """The tool's interval of the median: both ends or neither, around the median (as every reader gives it)."""
    low, high, median = summary.median_low, summary.median_high, summary.median
    if low is None and high is None:
        return None
    if low is None or high is None or median is None or not low <= median <= high:
        return Problem(
            "summary.median_low",
            f"{where}: median_low {low} and median_high {high} must be given together, around the median {median}",
        )
    return None

"""The last check of what any reader produced, before it is compared or stored: every number finite and
in range, every name storable text within the columns' lengths, every time zone-aware and in range.

Readers check what they read as they read it (with the key or line); this catches what slips through,
such as a finite value that unit scaling turned into infinity or a negative time, and names the series.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC

import numpy as np

from perfgate import limits, units
from perfgate.errors import InputError
from perfgate.model import Environment, ParsedResults, Series

# Times, sizes, rates and ratios cannot be below zero; a tool's own unit (a score, a delta) may be.
_NON_NEGATIVE = frozenset({units.SECONDS, units.BYTES, units.PER_SECOND, units.BYTES_PER_SECOND, units.RATIO})
_NEGATIVE = "expected a non-negative measurement"


def checked(results: ParsedResults) -> ParsedResults:
    """``results`` unchanged when sane (a zone-less time is taken as UTC); else an InputError."""
    path = results.source
    for series in results.series:
        _series(path, series)
    if results.commit is not None and (len(results.commit) > limits.MAX_COMMIT or limits.text_ok(results.commit)):
        raise InputError(
            path, f"the commit id {results.commit[:80]!r} is not one (at most {limits.MAX_COMMIT} characters)"
        )
    results = dataclasses.replace(results, environment=_environment(results.environment))
    when = results.recorded_at
    if when is not None:
        when = when.replace(tzinfo=UTC) if when.tzinfo is None else when
        if not limits.MIN_YEAR <= when.year <= limits.MAX_YEAR:
            raise InputError(path, f"the run's date {when.isoformat()} is out of range")
        results = dataclasses.replace(results, recorded_at=when)
    return results


def _environment(env: Environment) -> Environment:
    """Where the run was measured is informative: a field that is not storable text (a tool that wrote a list,
    pytest-benchmark's ``brand_raw`` of some cpuinfo versions) is dropped, not refused."""
    return Environment(
        **{k: v if isinstance(v, str) and v.strip() and not limits.text_ok(v) else None for k, v in vars(env).items()}
    )


def _series(path: str, series: Series) -> None:
    where = f"series {series.name[:80]!r}"
    for label, text, cap in (
        ("name", series.name, limits.MAX_NAME),
        ("metric", series.metric, limits.MAX_METRIC),
        ("unit", series.unit, limits.MAX_UNIT),
    ):
        problem = limits.text_ok(text)
        if problem:
            raise InputError(path, f"the {label} of {where} {problem}")
        if not text.strip() and label != "unit":
            raise InputError(path, f"a series with an empty {label}")
        if len(text) > cap:
            raise InputError(path, f"the {label} of {where} is {len(text):,} characters long; at most {cap:,}")
    if series.samples.size and not np.isfinite(series.samples).all():
        bad = int(np.flatnonzero(~np.isfinite(series.samples))[0])
        raise InputError(
            path,
            f"{where} ({series.metric}): sample {bad} is {series.samples[bad]} after unit scaling; expected a finite number",
        )
    signed = series.unit not in _NON_NEGATIVE
    if not signed and series.samples.size and (series.samples < 0).any():
        bad = int(np.flatnonzero(series.samples < 0)[0])
        raise InputError(
            path, f"{where} ({series.metric}): sample {bad} is {series.samples[bad]:g} {series.unit}; {_NEGATIVE}"
        )
    summary = series.summary
    for key, value in vars(summary).items():
        if value is None:
            continue
        if not signed and value < 0:
            raise InputError(path, f"{where} ({series.metric}): {key} is {value:g} {series.unit}; {_NEGATIVE}")
        if key in ("count", "errors"):
            if not 0 <= value <= limits.MAX_INTEGER:
                raise InputError(
                    path, f"{where} ({series.metric}): {key} {value} is out of range (0 to {limits.MAX_INTEGER:,})"
                )
        elif not math.isfinite(value):
            raise InputError(path, f"{where} ({series.metric}): {key} is {value}; expected a finite number")

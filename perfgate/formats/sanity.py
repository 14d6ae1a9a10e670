"""The last check of what any reader produced, before it is compared or stored: every number finite and
in range, every time, size, rate and ratio non-negative, every name storable text within the columns' lengths,
every time zone-aware and in range.

Readers check what they read as they read it (with the key or line); this catches what slips through,
such as a finite value that unit scaling turned into infinity or a negative time, and names the series. The
checks themselves are `perfgate.storable`'s, the same that `perfgate import` and the store apply.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC

from perfgate import limits, storable
from perfgate.errors import InputError
from perfgate.model import Environment, ParsedResults


def checked(results: ParsedResults) -> ParsedResults:
    """``results`` unchanged when sane (a zone-less time is taken as UTC); else an InputError."""
    path = results.source
    seen: set[tuple[str, str]] = set()
    for series in results.series:
        if problem := storable.series_problem(series):
            raise InputError(path, problem.message)
        if series.key in seen:  # one would silently stand for both in a comparison, and the store refuses it
            raise InputError(
                path, f"series {series.name[:80]!r} (metric {series.metric!r}) appears twice; expected each name once"
            )
        seen.add(series.key)
    if results.commit is not None and (len(results.commit) > limits.MAX_COMMIT or limits.text_ok(results.commit)):
        raise InputError(
            path, f"the commit id {results.commit[:80]!r} is not one (at most {limits.MAX_COMMIT} characters)"
        )
    results = dataclasses.replace(results, environment=_environment(results.environment))
    when = results.recorded_at
    if when is not None:
        when = when.replace(tzinfo=UTC) if when.tzinfo is None else when
        if bad_time := storable.time_problem(when):
            raise InputError(path, f"the run's date {bad_time}")
        results = dataclasses.replace(results, recorded_at=when)
    return results


def _environment(env: Environment) -> Environment:
    """Where the run was measured is informative: a field that is not storable text (a tool that wrote a list,
    pytest-benchmark's ``brand_raw`` of some cpuinfo versions) is dropped, not refused."""
    return Environment(
        **{k: v if isinstance(v, str) and v.strip() and not limits.text_ok(v) else None for k, v in vars(env).items()}
    )

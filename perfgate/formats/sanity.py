"""The last check of what any reader produced, before it is compared or stored: every number finite and
in range, every name storable text within the columns' lengths, every time zone-aware and in range.

Readers check what they read as they read it (with the key or line); this catches what slips through,
such as a finite value that unit scaling turned into infinity, and names the series. The checks themselves
are `perfgate.storable`'s, the same that `perfgate import` and the store apply.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC

from perfgate import limits, storable
from perfgate.errors import InputError
from perfgate.model import ParsedResults


def checked(results: ParsedResults) -> ParsedResults:
    """``results`` unchanged when sane (a zone-less time is taken as UTC); else an InputError."""
    path = results.source
    for series in results.series:
        if problem := storable.series_problem(series):
            raise InputError(path, problem.message)
    if results.commit is not None and (len(results.commit) > limits.MAX_COMMIT or limits.text_ok(results.commit)):
        raise InputError(
            path, f"the commit id {results.commit[:80]!r} is not one (at most {limits.MAX_COMMIT} characters)"
        )
    when = results.recorded_at
    if when is not None:
        when = when.replace(tzinfo=UTC) if when.tzinfo is None else when
        if bad_time := storable.time_problem(when):
            raise InputError(path, f"the run's date {bad_time}")
        results = dataclasses.replace(results, recorded_at=when)
    return results

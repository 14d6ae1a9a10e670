"""Building series from what a tool wrote: unit normalisation, direction and summaries in one place."""

from __future__ import annotations

from collections.abc import Sequence

from perfgate.model import Direction, SampleKind, Series, Summary, as_samples
from perfgate.units import HIGHER_IS_BETTER_UNITS, normalize


def direction_for(canonical_unit: str) -> Direction:
    """Rates are better higher; everything else (times, sizes, counts per op) lower."""
    return Direction.HIGHER_IS_BETTER if canonical_unit in HIGHER_IS_BETTER_UNITS else Direction.LOWER_IS_BETTER


def sampled(
    name: str,
    metric: str,
    unit: str,
    values: Sequence[float],
    *,
    kind: SampleKind = SampleKind.REPETITION,
    direction: Direction | None = None,
    errors: int | None = None,
) -> Series:
    """A series from raw values in the tool's unit."""
    conversion = normalize(unit)
    samples = as_samples([v * conversion.factor for v in values])
    summary = Summary.of(samples)
    if errors is not None:
        summary = Summary(**{**vars(summary), "errors": errors})
    return Series(
        name, metric, conversion.canonical, direction or direction_for(conversion.canonical), kind, summary, samples
    )


def summarised(
    name: str,
    metric: str,
    unit: str,
    *,
    count: int,
    direction: Direction | None = None,
    errors: int | None = None,
    kind: SampleKind = SampleKind.SUMMARY_ONLY,
    **statistics: float | None,
) -> Series:
    """A series without samples from statistics in the tool's unit (mean, median, stddev, min, max, p90, …):
    summary-only, or ``EXACT`` for a count the tool measures without noise."""
    conversion = normalize(unit)
    scaled = {k: (v * conversion.factor if v is not None else None) for k, v in statistics.items()}
    return Series(
        name,
        metric,
        conversion.canonical,
        direction or direction_for(conversion.canonical),
        kind,
        Summary(count=count, errors=errors, **scaled),
    )


def throughput(name: str, rate: float | None, requests: int) -> Series:
    """An endpoint's requests per second as the tool summarised them (one value a run, summary-only)."""
    return summarised(name, "throughput", "1/s", count=requests, mean=rate, median=rate)


def error_rate(name: str, errors: int, requests: int) -> Series:
    """An endpoint's failed requests out of all: the rate, with the counts the gate tests (summary-only)."""
    rate = errors / requests if requests else 0.0
    return summarised(
        name,
        "error_rate",
        "ratio",
        count=requests,
        errors=errors,
        mean=rate,
        median=rate,
        direction=Direction.LOWER_IS_BETTER,
    )

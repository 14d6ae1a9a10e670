"""Building series from what a tool wrote: unit normalisation, direction and summaries in one place."""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

from perfgate.model import MEDIAN_INTERVAL_LEVEL, Direction, SampleKind, Series, Summary, as_samples
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


_Z = NormalDist().inv_cdf((1 + MEDIAN_INTERVAL_LEVEL) / 2)
_MAX_LOG_HALF = 20.0  # a factor of 5e8 either way: an error that large says nothing about the median
# The standard error of a median, in standard deviations of the mean's (normal values: sqrt(pi / 2)), and in
# interquartile ranges of one value (1.2533 sigma with sigma = IQR / 1.349).
MEDIAN_SE_PER_MEAN_SE = math.sqrt(math.pi / 2)
MEDIAN_SE_PER_IQR = MEDIAN_SE_PER_MEAN_SE / 1.349
MIN_REPEATS_FOR_INTERVAL = 5  # fewer repeats' statistics say too little of the median's standard error


def median_interval(median: float | None, standard_error: float | None) -> tuple[float | None, float | None]:
    """A run's own interval of its median at MEDIAN_INTERVAL_LEVEL from the standard error the tool's statistics
    give it (in the tool's unit), symmetric on the log scale the gate tests on: (None, None) when there is none
    to give."""
    if median is None or standard_error is None or not median > 0 or not standard_error >= 0:
        return None, None
    half = _Z * standard_error / median
    if not half <= _MAX_LOG_HALF:
        return None, None
    return median * math.exp(-half), median * math.exp(half)

"""Small constructors for model values in tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from perfgate.model import Direction, SampleKind, Series, Summary, as_samples


def sampled(
    name: str,
    values: Sequence[float] | np.ndarray,
    direction: Direction = Direction.LOWER_IS_BETTER,
    metric: str = "time",
    unit: str = "s",
) -> Series:
    """A series with samples, summarised from them."""
    samples = as_samples(values)
    return Series(name, metric, unit, direction, SampleKind.REPETITION, Summary.of(samples), samples)

"""Small constructors for model values in tests."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from perfgate.gate.pooling import Side
from perfgate.model import Direction, RunRef, SampleKind, Series, Summary, as_samples


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


def latency(name: str, centre: float, n: int = 40, seed: int = 1, cv: float = 0.05) -> Series:
    """``n`` lognormal samples around ``centre`` seconds, spread by ``cv``."""
    return sampled(name, np.random.default_rng(seed).lognormal(math.log(centre), cv, n))


def side(*runs: tuple[Series, ...]) -> Side:
    """One side of a comparison: each argument is the series of one run (run0, run1, ...)."""
    return Side(tuple(RunRef(f"run{i}") for i in range(len(runs))), runs)

"""`History`: one series (suite, name, metric) over stored runs of a branch, oldest first."""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property

import numpy as np
import numpy.typing as npt

from perfgate.model import Direction, FloatArray, SampleKind, Summary


@dataclass(frozen=True)
class Point:
    """One stored run's statistics of the series."""

    commit: str
    recorded_at: datetime
    summary: Summary
    pr_number: int | None = None
    run_id: int | None = None
    samples_kept: bool = False  # whether the run still holds the raw samples (prune drops them)


@dataclass(frozen=True)
class History:
    """One series over runs, oldest first (for the digest: the context before the period, then the period)."""

    suite: str
    name: str
    metric: str
    unit: str
    direction: Direction
    kind: SampleKind
    points: tuple[Point, ...]

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.suite, self.name, self.metric)

    @property
    def label(self) -> str:
        return label_of(self.suite, self.name, self.metric)

    @cached_property
    def medians(self) -> FloatArray:
        """Each run's median (its mean where the tool gave no median; NaN where it gave neither)."""
        return np.array([centre(p.summary) for p in self.points], dtype=np.float64)

    def worse(self, ratio: float) -> bool:
        return ratio > 1 if self.direction is Direction.LOWER_IS_BETTER else ratio < 1

    def of_runs(self, run_ids: Collection[int]) -> History:
        """The same series over only these runs."""
        return replace(self, points=tuple(p for p in self.points if p.run_id in run_ids))


@dataclass(frozen=True)
class SeriesColumns:
    """One series over runs as arrays, oldest first: what the site draws, without an object per run (2,000 series
    x 1,080 runs are 2 million runs). ``positions`` index the suite's runs that the reader was given."""

    suite: str
    name: str
    metric: str
    unit: str
    direction: Direction
    kind: SampleKind
    positions: npt.NDArray[np.int64]
    medians: FloatArray  # each run's median, its mean where it has none, NaN where neither (as `History.medians`)
    low: FloatArray  # min, NaN where unknown
    high: FloatArray  # max
    p95: FloatArray | None  # None unless every run has one
    counts: npt.NDArray[np.int64]

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.suite, self.name, self.metric)

    @property
    def label(self) -> str:
        return label_of(self.suite, self.name, self.metric)

    @property
    def runs(self) -> int:
        return int(self.positions.size)


def label_of(suite: str, name: str, metric: str) -> str:
    """How a series is named to a reader: its metric when not a time, its suite when not the default one."""
    shown = name if metric in ("time", "latency") else f"{name} ({metric})"
    return shown if suite == "default" else f"{suite}: {shown}"


def centre(summary: Summary) -> float:
    value = summary.median if summary.median is not None else summary.mean
    return math.nan if value is None else value

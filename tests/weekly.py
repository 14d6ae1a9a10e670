"""A main branch's history with known behaviour, for the digest's tests, its benchmark and its screenshot.

Each series is a level per run times lognormal noise; a `Shape` says how the level moves. Runs are one
every ``hours`` hours, ending just before ``end``, so the last ``runs_in_period`` fall in the digest's week.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from perfgate.model import Direction, Run, SampleKind, Series, Summary, as_samples
from perfgate.store import Store


@dataclass(frozen=True)
class Shape:
    name: str
    level: float = 0.010  # seconds
    noise: float = 0.01  # within a run (coefficient of variation)
    run_noise: float = 0.005  # between runs
    step_at: int | None = None  # run index where the level changes
    step: float = 0.0  # the change, as a fraction
    back_at: int | None = None  # run index where the level returns to what it was before the step
    drift: float = 0.0  # total change over the period, as a fraction (linear over its runs)
    samples: int = 20
    metric: str = "time"
    unit: str = "s"
    direction: Direction = Direction.LOWER_IS_BETTER
    first_run: int = 0  # the series appears here (a new benchmark)
    last_run: int | None = None  # and is last measured here (a removed one)

    def measured(self, run: int) -> bool:
        return self.first_run <= run and (self.last_run is None or run <= self.last_run)


def levels(shape: Shape, runs: int, runs_in_period: int, rng: np.random.Generator) -> np.ndarray:
    level = np.full(runs, shape.level)
    if shape.step_at is not None:
        level[shape.step_at : shape.back_at] *= 1 + shape.step
    if shape.drift:
        ramp = np.zeros(runs)
        ramp[runs - runs_in_period :] = np.linspace(0, np.log1p(shape.drift), runs_in_period)
        level *= np.exp(ramp)
    return level * np.exp(rng.normal(0, shape.run_noise, runs))


def history(
    shapes: Sequence[Shape],
    *,
    end: datetime,
    runs: int = 40,
    runs_in_period: int = 14,
    hours: float = 12,
    seed: int = 1,
    suite: str = "default",
    keep_samples: bool = False,
) -> list[Run]:
    """Runs of main, oldest first, with commits c000…; samples are dropped unless asked for (like a pruned store)."""
    rng = np.random.default_rng(seed)
    per_series = [levels(s, runs, runs_in_period, rng) for s in shapes]
    first = end - timedelta(hours=hours * (runs_in_period - 0.5))
    made: list[Run] = []
    for i in range(runs):
        series = []
        for shape, level in zip(shapes, per_series, strict=True):
            if not shape.measured(i):
                continue
            samples = as_samples(level[i] * np.exp(rng.normal(0, shape.noise, shape.samples)))
            series.append(
                Series(
                    shape.name,
                    shape.metric,
                    shape.unit,
                    shape.direction,
                    SampleKind.REPETITION,
                    Summary.of(samples),
                    samples if keep_samples else as_samples([]),
                )
            )
        commit = hashlib.sha1(f"{suite}{seed}{i}".encode()).hexdigest()
        made.append(
            Run(
                suite=suite,
                branch="main",
                commit=commit,
                recorded_at=first + timedelta(hours=hours * (i - (runs - runs_in_period))),
                source_format="pytest-benchmark",
                idempotency_key=f"{suite}:{seed}:{i}",
                series=tuple(series),
            )
        )
    return made


def store_history(store: Store, runs: Sequence[Run], now: datetime) -> None:
    store.ensure_schema()
    store.save_runs(runs, now)


def big_suite(count: int) -> list[Shape]:
    """A large suite for the benchmarks: 5 % of series step in the period, 2 % drift, 2 % are noisy, every
    tenth is an endpoint with a wide spread."""
    made = []
    for i in range(count):
        name = f"bench_{i:04d}" if i % 10 else f"api/endpoint_{i:04d}"
        if i % 20 == 1:
            made.append(Shape(name, step_at=36, step=0.15))
        elif i % 50 == 2:
            made.append(Shape(name, drift=0.10, run_noise=0.003))
        elif i % 50 == 3:
            made.append(Shape(name, run_noise=0.05, noise=0.3, samples=5))
        else:
            made.append(Shape(name, level=0.001 * (1 + i % 7), noise=0.05 if i % 10 == 0 else 0.01))
    return made

"""The suite's noise model in the gate (`perfgate.stats.suite`): built from a window of main's recent runs, it
gives each series the level, spread and tails of its between-run test, learned from every series of the suite
at once, and takes out of the candidate what groups of series do together on some runners.

Used when the baseline comes from main's history and the window is long and wide enough (WINDOW_MIN_RUNS runs,
MIN_SERIES series); otherwise each series is tested against its own baseline runs with the ``run_noise`` prior,
as before (`perfgate.gate.shift`). Only timings and rates enter it (``units.RUNNER_UNITS``): what a slower
machine moves.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from perfgate import stats
from perfgate.gate.pooling import Pooled, normalised_log, own_variance
from perfgate.model import Direction, Series
from perfgate.stats import suite
from perfgate.units import RUNNER_UNITS

WINDOW_RUNS = 30  # main's runs the model learns from: a month of daily runs, a few days of busy ones
WINDOW_MIN_RUNS = 10  # with fewer, each series' own runs and the run_noise prior decide (docs/statistics.md)
MIN_SERIES = 10

Key = tuple[str, str]


@dataclass(frozen=True)
class SeriesNoise:
    """One series' part of the model: what its between-run test uses."""

    level: float  # its level over the baseline runs, runs' shifts and groups' movement taken out (normalised log)
    scale: float  # standard deviation of one run's median around its level (log)
    df: float  # Student's t degrees of freedom of the test
    runs: int  # baseline runs the level is the mean of
    taken: float  # what the groups' movement took out of the candidate (normalised log; + is worse)

    def test(self, candidate: Pooled, margin: float, own: stats.OwnVariances | None = None) -> stats.RunNoise | None:
        """The one-sided test of "worse than the level by more than ``margin``" for the candidate's run medians;
        ``own``: the runs' own variances (`stats.OwnVariances`), by which the candidate's part of the scale is
        its own rather than a typical run's."""
        logs = normalised_log(candidate.run_medians, candidate.series.direction)
        if not logs.size or not math.isfinite(self.level) or not self.scale > 0:
            return None
        estimate = float(np.mean(logs)) - self.taken - self.level
        variance = self.scale**2
        runs = variance / max(self.runs, 1)
        if own is None:
            mine, se = 0.0, math.sqrt(runs + variance / logs.size)
        else:
            between, _, candidate_own = own.split(variance)
            mine = math.sqrt(float(np.mean(candidate_own)))
            se = math.sqrt(runs + float(np.sum(between + candidate_own)) / logs.size**2)
        p = suite.worse_p(estimate, margin, se, self.df)
        return stats.RunNoise(p, self.scale, self.runs, estimate, se, self.df, mine)


@dataclass(frozen=True)
class SuiteNoise:
    """The model over a window of runs, and the series it covers (by key, in its columns' order)."""

    fitted: suite.Fitted
    keys: tuple[Key, ...]

    def for_candidate(self, candidate: Mapping[Key, Pooled]) -> dict[Key, SeriesNoise]:
        """Each covered series' part, with the groups' movement of this candidate taken out."""
        values = np.full(len(self.keys), np.nan)
        for i, key in enumerate(self.keys):
            pooled = candidate.get(key)
            if pooled is not None and pooled.run_medians.size and np.all(pooled.run_medians > 0):
                values[i] = float(np.mean(normalised_log(pooled.run_medians, pooled.series.direction)))
        _, taken = self.fitted.cleaned(values)
        found = {}
        for i, key in enumerate(self.keys):
            level, scale = float(self.fitted.level[i]), float(self.fitted.scale[i])
            if math.isfinite(values[i]) and math.isfinite(level) and math.isfinite(scale) and scale > 0:
                runs = int(self.fitted.level_runs[i])
                found[key] = SeriesNoise(level, scale, self.fitted.df, runs, float(taken[i]))
        return found

    def note(self) -> str:
        f = self.fitted
        groups = (
            f"; what groups of series do together on some runners is taken out ({len(f.loadings)} components)"
            if f.loadings.size
            else ""
        )
        return (
            f"noise: learned from {f.runs} runs of main across {len(self.keys):,} series (typical spread between "
            f"runs ±{math.expm1(f.prior_scale) * 100:.1f}%, tails as a t with {f.df:.1f} degrees of freedom)"
            f"{groups}"
        )


# One series' median in one run of the window: (the run's place, oldest first; key; direction; unit; median;
# the variance of its log by the tool's own interval, NaN when unknown: `pooling.own_variance`).
Cell = tuple[int, Key, Direction, str, float | None, float]


def build(window: Sequence[Sequence[Series]], level_runs: int) -> SuiteNoise | None:
    """The model over ``window`` (runs of main, oldest first; the newest ``level_runs`` are the baseline), or
    None when it is too short or too narrow to learn from."""
    cells = (
        (r, s.key, s.direction, s.unit, s.summary.median, own_variance(s.summary))
        for r, run in enumerate(window)
        for s in run
    )
    return build_from_cells(len(window), cells, level_runs)


def build_from_cells(runs: int, found: Iterable[Cell], level_runs: int) -> SuiteNoise | None:
    """``build`` from the window's medians as the store reads them, with no `Series` per row."""
    if runs < WINDOW_MIN_RUNS:
        return None
    columns: dict[Key, Direction] = {}
    cells: list[tuple[int, Key, float, float]] = []
    for r, key, direction, unit, median, variance in found:
        if unit not in RUNNER_UNITS or median is None or not median > 0 or not math.isfinite(median):
            continue
        columns.setdefault(key, direction)
        cells.append((r, key, median, variance))
    if len(columns) < MIN_SERIES:
        return None
    place = {key: i for i, key in enumerate(columns)}
    matrix = np.full((runs, len(columns)), np.nan)
    own = np.full((runs, len(columns)), np.nan)
    for r, key, median, variance in cells:
        matrix[r, place[key]] = median
        own[r, place[key]] = variance
    for key, direction in columns.items():  # the tests' scale: log, + is worse
        matrix[:, place[key]] = normalised_log(matrix[:, place[key]], direction)
    fitted = suite.fit(matrix, level_runs, own if np.isfinite(own).any() else None)
    return SuiteNoise(fitted, tuple(columns))

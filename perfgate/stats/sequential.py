"""Confirm before failing: more rounds for a doubtful series, with a stopping rule that keeps false alarms at alpha.

Testing again at alpha after each batch of extra rounds ("rerun until red") fails more often than alpha when nothing
changed: every look is another chance. A group-sequential design fixes the looks in advance (the rounds at
each) and spends alpha across them with a Lan-DeMets spending function alpha(t) of the information fraction t =
rounds / most rounds: look k may reject with what alpha(t_k) - alpha(t_{k-1}) allows, given that no earlier look did.
The nominal thresholds come from the joint normal law of the test's z-scores across looks (a Brownian motion
observed at t_1 < … < t_K: corr(Z_i, Z_j) = sqrt(t_i / t_j)), integrated numerically on a grid.

Stopping early as fine (the estimate is within the margin) never adds a false alarm, so it is allowed at any
look without changing the thresholds (a non-binding futility rule).

Pocock-type spending by default (benchmarks/paired_choice.py): O'Brien-Fleming-type keeps slightly more power
for the last look, but spends so little at the first that a plain regression cannot fail there (at 10 rounds
of 30 its threshold, 0.0007, is below the smallest p ten rounds can give, 2^-10), so every regression would
cost the full second batch of rounds.
"""

from __future__ import annotations

import enum
import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from perfgate.model import FloatArray

Spending = Literal["obrien-fleming", "pocock"]
_GRID = 2001  # points of the numerical integration per look (odd, for Simpson's rule)
_LOWEST = -9.0  # standard deviations below which the continuation density is taken as zero


class Step(enum.StrEnum):
    REGRESSION = "stop: regression"
    FINE = "stop: fine"
    CONTINUE = "continue"


@dataclass(frozen=True)
class Plan:
    """The looks of a confirming series: rounds at each, alpha, and each look's nominal one-sided p threshold."""

    rounds: tuple[int, ...]
    alpha: float
    spending: Spending
    thresholds: tuple[float, ...]  # reject at look k when p (or q) <= thresholds[k]
    spent: tuple[float, ...]  # alpha(t_k): the false-alarm rate allowed up to and including look k


def spent(fraction: float, alpha: float, spending: Spending) -> float:
    """alpha(t), the one-sided alpha spent by information fraction t: O'Brien-Fleming-type 2 - 2Φ(z_{alpha/2} / √t) (little
    early, nearly all of alpha left for the last look), or Pocock-type alpha·ln(1 + (e - 1)t) (evenly)."""
    from scipy import special

    t = min(max(fraction, 0.0), 1.0)
    if t == 0.0:
        return 0.0
    if spending == "pocock":
        return alpha * math.log(1 + (math.e - 1) * t)
    return float(2 * special.ndtr(-float(special.ndtri(1 - alpha / 2)) / math.sqrt(t)))


def plan(rounds: Sequence[int], alpha: float, spending: Spending = "pocock") -> Plan:
    """The nominal thresholds for looks after the given (increasing) numbers of rounds, overall one-sided level alpha."""
    return _plan(tuple(int(r) for r in rounds), alpha, spending)


@functools.lru_cache(maxsize=64)
def _plan(looks: tuple[int, ...], alpha: float, spending: Spending) -> Plan:
    if not looks or any(b <= a for a, b in itertools.pairwise(looks)) or looks[0] < 1:
        raise ValueError(f"looks must be increasing positive round counts, not {looks}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie between 0 and 1, not {alpha}")
    fractions = tuple(r / looks[-1] for r in looks)
    spent_by = tuple(spent(t, alpha, spending) for t in fractions)
    z = _boundaries(fractions, spent_by)
    from scipy import special

    thresholds = tuple(float(special.ndtr(-c)) if math.isfinite(c) else 0.0 for c in z)
    return Plan(looks, alpha, spending, thresholds, spent_by)


def schedule(first: int, most: int) -> tuple[int, ...]:
    """Looks after ``first`` rounds and every ``first`` more, the last at ``most``: (10, 20, 30) for 10 and 30."""
    if most <= first:
        return (first,)
    return (*range(first, most, first), most)


def next_step(p: float, estimate: float, margin: float, look: int, thresholds: Sequence[float]) -> Step:
    """What to do with a series at look ``look`` (0-based), from its p-value of "worse than the margin" (its
    Benjamini-Hochberg q-value when several series are judged together) and its estimate (log ratios).

    Regression when p is within this look's threshold; fine when the estimate is within the margin (nothing to
    confirm) or this was the last look; continue otherwise (worse than allowed, but not for certain yet)."""
    if p <= thresholds[look]:
        return Step.REGRESSION
    if estimate <= margin or look >= len(thresholds) - 1:
        return Step.FINE
    return Step.CONTINUE


def _boundaries(fractions: tuple[float, ...], spent_by: tuple[float, ...]) -> tuple[float, ...]:
    """z boundaries c_k with P(Z_1 < c_1, …, Z_{k-1} < c_{k-1}, Z_k >= c_k) = alpha(t_k) - alpha(t_{k-1})."""
    boundaries: list[float] = []
    grid, density = np.zeros(1), np.ones(1)  # W(0) = 0: a point mass
    weights = np.ones(1)
    before, spent_before = 0.0, 0.0
    for t, spent_now in zip(fractions, spent_by, strict=True):
        step = t - before
        mass = (grid, density * weights, step)
        c = _solve(mass, t, spent_now - spent_before)
        boundaries.append(c)
        top = c * math.sqrt(t) if math.isfinite(c) else 12 * math.sqrt(t)
        new_grid = np.linspace(min(_LOWEST * math.sqrt(t), top - 1e-9), top, _GRID)
        density = _propagate(mass, new_grid)
        grid, weights = new_grid, _simpson(new_grid)
        before, spent_before = t, spent_now
    return tuple(boundaries)


def _crossing(mass: tuple[FloatArray, FloatArray, float], w: float) -> float:
    """P(still going before this look, and W(t) >= w at it)."""
    from scipy import special

    grid, weighted, step = mass
    return float(np.sum(weighted * special.ndtr((grid - w) / math.sqrt(step))))


def _solve(mass: tuple[FloatArray, FloatArray, float], t: float, target: float) -> float:
    """The z at which crossing this look has probability ``target`` (bisection: monotone, deterministic)."""
    if target <= 0.0:
        return math.inf
    low, high = -12.0, 40.0
    for _ in range(100):
        middle = (low + high) / 2
        if _crossing(mass, middle * math.sqrt(t)) > target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _propagate(mass: tuple[FloatArray, FloatArray, float], new_grid: FloatArray) -> FloatArray:
    """The sub-density of W(t) on the new grid, of the paths that have not crossed yet."""
    grid, weighted, step = mass
    sd = math.sqrt(step)
    kernel = np.exp(-0.5 * ((new_grid[:, None] - grid[None, :]) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))
    density: FloatArray = kernel @ weighted
    return density


@functools.lru_cache(maxsize=8)
def _simpson_pattern(points: int) -> FloatArray:
    pattern = np.ones(points)
    pattern[1:-1:2], pattern[2:-1:2] = 4.0, 2.0
    return pattern / 3


def _simpson(grid: FloatArray) -> FloatArray:
    weights: FloatArray = _simpson_pattern(grid.size) * (grid[1] - grid[0])
    return weights

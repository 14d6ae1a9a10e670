"""A shared CI runner, simulated: the noise that base and head meet when they run in one job, or in many.

Samples are log times. Each job is a sequence of side-runs (one side's pass over every series, ``samples``
repetitions each), on a runner that adds, on the log scale:

- a level per job (another runner, another CPU model), heavy-tailed;
- drift within the job: a random walk plus a straight trend (a neighbour's memory traffic that grows or fades);
- a co-tenant that steals CPU in bursts (on/off, each burst its own share of the core, up to ``steal``);
- outlier side-runs, slowed as a whole (a page-cache flush, a throttled core);
- per-sample noise whose spread differs from job to job, with occasional slow samples.

Used by ab_noise.py and paired_choice.py. The two runners of their tables: ``SHARED`` (a neighbour's memory
traffic, and half the jobs with a co-tenant taking up to 10 % of the core) spreads the per-round ratios of one
job by 2.5 % (median over jobs; 0.8-4.9 % from the 10th to the 90th percentile), and job medians by 5 %, as
seen on hosted runners; ``NOISY`` (a co-tenant in every job, taking up to 30 %) spreads the ratios by 11 %
(5.6-16 %).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import numpy.typing as npt

from perfgate.model import FloatArray

Order = Literal["abba", "random", "balanced", "ab"]
BASE, HEAD = 0, 1
Sides = npt.NDArray[np.int64]  # per job and side-run: BASE or HEAD


@dataclass(frozen=True)
class Runner:
    job_level: float = 0.03  # sd of a job's level (t-distributed, 3 degrees of freedom)
    drift: float = 0.03  # sd of the random walk's change over 26 side-runs, and of the trend over as many
    steal: float = 0.10  # the most a co-tenant's burst takes of the core
    tenant_share: float = 0.5  # of jobs that have such a co-tenant
    burst_length: float = 0.4  # mean, in side-runs
    burst_gap: float = 2.0  # mean time between bursts, in side-runs
    outlier_runs: float = 0.03  # chance a side-run is slowed as a whole
    outlier_size: float = 0.15  # by up to this (log)
    sample_cv: float = 0.015  # per-sample spread (median over jobs; a job's is 0.7x-1.4x it)
    slow_samples: float = 0.02  # share of samples slowed by 10-60 %


SHARED = Runner()
NOISY = replace(SHARED, steal=0.30, tenant_share=1.0, burst_gap=1.5, burst_length=0.5)
_REFERENCE_RUNS = 26  # side-runs over which drift has the spread given


@dataclass(frozen=True)
class Jobs:
    """Simulated jobs: log samples [job, side-run, series, sample] and each side-run's side [job, side-run]."""

    samples: FloatArray
    sides: Sides

    def rounds(self, side: int) -> FloatArray:
        """The side's side-runs after its warm-up, in time order: [job, round, series, sample]."""
        jobs = self.sides.shape[0]
        picked = np.stack([np.flatnonzero(self.sides[j] == side)[1:] for j in range(jobs)])
        out: FloatArray = self.samples[np.arange(jobs)[:, None], picked]
        return out


def side_order(rng: np.random.Generator, jobs: int, rounds: int, order: Order) -> Sides:
    """Warm-up base, warm-up head, then the rounds: ABBA… (drift cancels in pairs of rounds), each round's order
    at random, at random with as many of either order ("balanced"), or always base first (drift biases every
    round the same way)."""
    if order == "abba":
        first = np.tile(np.arange(rounds) % 2, (jobs, 1))
    elif order == "random":
        first = rng.integers(0, 2, (jobs, rounds))
    elif order == "balanced":
        first = rng.permuted(np.tile(np.arange(rounds) % 2, (jobs, 1)), axis=1)
    else:
        first = np.zeros((jobs, rounds), dtype=np.int64)
    pairs = np.stack([first, 1 - first], axis=2).reshape(jobs, 2 * rounds)
    return np.concatenate([np.tile([BASE, HEAD], (jobs, 1)), pairs], axis=1)


def simulate(
    rng: np.random.Generator,
    runner: Runner,
    sides: Sides,
    series: int,
    samples: int,
    shifts: FloatArray,
) -> Jobs:
    """Jobs on the runner; ``shifts`` (one per series, log) is added to the head's samples: the change."""
    jobs, runs = sides.shape
    chunks = runs * series  # one series' samples in one side-run: the drift's step
    level: FloatArray = runner.job_level * rng.standard_t(3, (jobs,))
    walk = np.cumsum(rng.normal(0, runner.drift / math.sqrt(_REFERENCE_RUNS * series), (jobs, chunks)), axis=1)
    trend = rng.normal(0, runner.drift / _REFERENCE_RUNS, (jobs, 1)) * (np.arange(chunks) / series)
    drift = (walk + trend).reshape(jobs, runs, series, 1)
    outliers = (rng.random((jobs, runs)) < runner.outlier_runs) * rng.uniform(0, runner.outlier_size, (jobs, runs))
    cv: FloatArray = runner.sample_cv * np.exp(rng.uniform(math.log(0.7), math.log(1.4), jobs))
    noise = rng.normal(0, 1, (jobs, runs, series, samples)) * cv[:, None, None, None]
    slow = (rng.random(noise.shape) < runner.slow_samples) * rng.uniform(math.log(1.1), math.log(1.6), noise.shape)
    tenant = _bursts(rng, runner, jobs, runs, series * samples).reshape(noise.shape)
    head = (sides == HEAD)[:, :, None, None] * shifts[None, None, :, None]
    values = level[:, None, None, None] + drift + outliers[:, :, None, None] + noise + slow + tenant + head
    return Jobs(values, sides)


def _bursts(rng: np.random.Generator, runner: Runner, jobs: int, runs: int, per_run: int) -> FloatArray:
    """A co-tenant's slowdown per sample: bursts on and off (geometric lengths, given in side-runs of ``per_run``
    samples), each burst with its own share of the core."""
    steps = runs * per_run
    on_chance, off_chance = 1 / (runner.burst_gap * per_run), 1 / (runner.burst_length * per_run)
    has = rng.random(jobs) < runner.tenant_share
    state = np.zeros(jobs, dtype=bool)
    share = np.zeros(jobs)
    out = np.zeros((jobs, steps))
    flips = rng.random((steps, jobs))
    shares = rng.uniform(0, runner.steal, (steps, jobs))
    for i in range(steps):
        starting = ~state & (flips[i] < on_chance) & has
        state = np.where(state, flips[i] >= off_chance, starting)
        share = np.where(starting, shares[i], share)
        out[:, i] = np.where(state, -np.log1p(-share), 0.0)
    return out

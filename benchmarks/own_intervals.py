"""The between-run test with and without the runs' own intervals (docs/statistics.md, A run's own uncertainty):
simulated A/A false alarms and the power to see a step, the weighted test (`stats.OwnVariances`) beside the
unweighted one, on the same simulated runs.

Run by hand:  python benchmarks/own_intervals.py [--trials N]   (about a minute at the default 10,000)

Each trial: 5 baseline runs and 1 candidate of one series. A run's log median = the runner's part (normal,
sd ``tau``) + the run's own part (normal, sd ``own`` times a lognormal factor, and 6 times more in a share
``unstable`` of runs). The tool's interval estimates each run's own variance from ``repeats`` repeats, so the
variance it gives is itself noisy (scaled chi-square). Printed: the share of trials with p below 5 %, 1 % and
0.1 % for "worse by more than 0" (A/A: the level of the test), with the config's ``run_noise`` prior (5 %, worth
2 runs) and with a small one (0.2 %), where the runs' own spread decides; then the share of trials that fail
(p < 0.001, margin 5 %) a +15 % or +20 % step.
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from perfgate import stats
from perfgate.gate.settings import Settings
from perfgate.model import FloatArray

# (tau, own, unstable, repeats): the runner's spread, a run's own, the share of unstable runs, repeats per run
CASES = (
    (0.02, 0.01, 0.1, 10),
    (0.01, 0.02, 0.1, 10),
    (0.005, 0.02, 0.2, 5),
    (0.02, 0.02, 0.0, 10),
    (0.001, 0.03, 0.1, 3),
    (0.03, 0.005, 0.1, 10),
)
BASELINE = 5
LEVELS = (0.05, 0.01, 0.001)


def _trial(
    rng: np.random.Generator, tau: float, own: float, unstable: float, repeats: int, step: float
) -> tuple[FloatArray, FloatArray, stats.OwnVariances | None]:
    runs = BASELINE + 1
    factor = np.where(rng.random(runs) < unstable, 6.0, 1.0) * rng.lognormal(0, 0.4, runs)
    variance = own**2 * factor
    y = rng.normal(0, tau, runs) + rng.normal(0, np.sqrt(variance))
    y[-1] += math.log1p(step)
    measured = variance * rng.chisquare(repeats, runs) / repeats
    return y[:BASELINE], y[BASELINE:], stats.OwnVariances.of(measured[:BASELINE], measured[BASELINE:])


def _rates(
    trials: int,
    case: tuple[float, float, float, int],
    prior: float,
    step: float,
    margin: float,
    levels: tuple[float, ...],
) -> tuple[list[float], list[float]]:
    rng = np.random.default_rng(1)
    weighted, plain = [], []
    for _ in range(trials):
        base, cand, own = _trial(rng, *case, step)
        a = stats.between_run_p(base, cand, margin, prior, 2.0, own)
        b = stats.between_run_p(base, cand, margin, prior, 2.0)
        assert a is not None and b is not None
        weighted.append(a.p)
        plain.append(b.p)
    w, p = np.array(weighted), np.array(plain)
    return [float(np.mean(w < x)) for x in levels], [float(np.mean(p < x)) for x in levels]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=10_000)
    args = parser.parse_args()
    config_prior = math.log1p(Settings().run_noise)
    print("A/A: share of trials with p below 5 % / 1 % / 0.1 % (weighted | unweighted)")
    print("| tau | own | unstable | repeats | prior | weighted | unweighted |")
    print("|---|---|---|---|---|---|---|")
    for prior, label in ((config_prior, "run_noise 5 %"), (0.002, "0.2 %")):
        for case in CASES:
            w, p = _rates(args.trials, case, prior, 0.0, 0.0, LEVELS)
            cells = " | ".join(" / ".join(f"{100 * x:.2f} %" for x in r) for r in (w, p))
            print(f"| {case[0]:.1%} | {case[1]:.1%} | {case[2]:.0%} | {case[3]} | {label} | {cells} |")
    print("\nSteps: share of trials failed at p < 0.001, margin 5 %, run_noise prior (weighted | unweighted)")
    for case in CASES:
        for step in (0.15, 0.20):
            w, p = _rates(args.trials // 2, case, config_prior, step, math.log1p(0.05), (0.001,))
            print(f"  tau {case[0]:.1%} own {case[1]:.1%} unstable {case[2]:.0%}, +{step:.0%}: {w[0]:.1%} | {p[0]:.1%}")


if __name__ == "__main__":
    main()

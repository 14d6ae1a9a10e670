"""The evidence for perfgate's drift test (soak tests): false alarms on steady runs, detection of a planted creep.

Run by hand:  python benchmarks/drift.py [--write] [--quick]   (--write updates docs/statistics.md)

Simulated load-test runs with fixed seeds: 10 endpoints of 3,000 requests each (log-normal latency, CV 30 %),
whose speed also wanders during the run (an AR(1) process over 30 stretches of the run, 3 % standard deviation,
lag-1 correlation 0 or 0.8: garbage collection, a neighbour on the host). One endpoint's latency creeps up
linearly by 0 to 40 % from the start of the run to its end. perfgate's rule (gate.evaluate, defaults: a drift
beyond the 5 % allowance, Benjamini-Hochberg across the series) next to a bare Mann-Kendall trend test of the
same windows at alpha = 0.05 per endpoint, with no allowance and no correction for correlated windows.
Error rates: 30 windows of 100 or 1,000 requests, a base rate of 1 % that varies by half between windows (bursts), rising
by 0 to 6 percentage points over the run against the 1 pp allowance.
"""

from __future__ import annotations

import numpy as np
from decision_rule import print_and_write
from scipy import stats

from perfgate.gate.evaluate import evaluate
from perfgate.gate.pooling import Side, comparable
from perfgate.gate.settings import Settings
from perfgate.model import Direction, RunRef, SampleKind, Series, Summary, as_samples

ENDPOINTS = 10
REQUESTS = 3_000
STRETCHES = 30


def _wander(rng: np.random.Generator, rho: float) -> np.ndarray:
    """A per-stretch log factor: AR(1) with standard deviation 3 %."""
    sd = 0.03
    values = np.empty(STRETCHES)
    values[0] = rng.normal(0, sd)
    for i in range(1, STRETCHES):
        values[i] = rho * values[i - 1] + rng.normal(0, sd * np.sqrt(1 - rho**2))
    return np.repeat(values, REQUESTS // STRETCHES)


def _latency(rng: np.random.Generator, name: str, creep: float, rho: float) -> Series:
    progress = np.linspace(0.0, 1.0, REQUESTS)
    values = rng.lognormal(np.log(0.05), 0.3, REQUESTS) * np.exp(_wander(rng, rho)) * (1 + creep * progress)
    samples = as_samples(values)
    return Series(name, "latency", "s", Direction.LOWER_IS_BETTER, SampleKind.REQUEST, Summary.of(samples), samples)


def _errors(rng: np.random.Generator, name: str, rise: float, per_window: int) -> Series:
    rates = (0.01 + rise * np.linspace(0.0, 1.0, STRETCHES)) * rng.gamma(4.0, 0.25, STRETCHES)  # CV 50 %
    failed = rng.binomial(per_window, np.minimum(rates, 1.0))
    samples = as_samples(failed / per_window)
    total = per_window * STRETCHES
    summary = Summary(count=total, errors=int(failed.sum()), mean=failed.sum() / total, median=failed.sum() / total)
    return Series(name, "error_rate", "ratio", Direction.LOWER_IS_BETTER, SampleKind.WINDOW, summary, samples)


def _bare(series: Series) -> bool:
    windows = comparable(series)
    return bool(stats.kendalltau(np.arange(windows.size), windows, alternative="greater").pvalue <= 0.05)


def trial(
    rng: np.random.Generator, make: str, change: float, rho: float, per_window: int = 100
) -> tuple[bool, bool, bool]:
    """(perfgate flagged the changed endpoint, perfgate flagged a steady one, the bare test flagged a steady one)."""
    if make == "latency":
        run = tuple(_latency(rng, f"e{i}", change if i == 0 else 0.0, rho) for i in range(ENDPOINTS))
    else:
        run = tuple(_errors(rng, f"e{i}", change if i == 0 else 0.0, per_window) for i in range(ENDPOINTS))
    side = Side((RunRef("run"),), (run,))
    report = evaluate(side, side, Settings())
    flagged = [c.drift is not None and c.drift.status != "ok" for c in report.comparisons]
    changed = 1 if change else 0
    return bool(flagged[0]) if change else False, any(flagged[changed:]), any(_bare(s) for s in run[changed:])


def _pct(x: float) -> str:
    return f"{x * 100:.1f} %"


def build(quick: bool) -> str:
    trials = 40 if quick else 200
    lines = [
        "<!-- drift:start (written by benchmarks/drift.py --write) -->",
        "",
        f"**Drift within a run** ({ENDPOINTS} endpoints per run, {trials} simulated runs per row). Steady: share of "
        "runs in which a steady endpoint is flagged, perfgate / a bare Mann-Kendall test. Detection: share of runs "
        "in which the creeping endpoint is flagged.",
        "",
        "| metric | windows correlated | steady: false alarms | creep +5 % | +10 % | +20 % | +40 % |",
        "|---|---|---|---|---|---|---|",
    ]
    for rho in (0.0, 0.8):
        rng = np.random.default_rng(int(rho * 10) + 1)
        steady = [trial(rng, "latency", 0.0, rho) for _ in range(trials)]
        cells = [
            _pct(sum(trial(rng, "latency", c, rho)[0] for _ in range(trials)) / trials) for c in (0.05, 0.1, 0.2, 0.4)
        ]
        alarms = f"{_pct(sum(s[1] for s in steady) / trials)} / {_pct(sum(s[2] for s in steady) / trials)}"
        lines.append(f"| latency | lag-1 rho = {rho:g} | {alarms} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "| metric | windows | steady: false alarms | rise +1 pp | +2 pp | +3 pp | +6 pp |",
        "|---|---|---|---|---|---|---|",
    ]
    for per_window in (100, 1000):
        rng = np.random.default_rng(per_window)
        steady = [trial(rng, "errors", 0.0, 0.0, per_window) for _ in range(trials)]
        rises = (0.01, 0.02, 0.03, 0.06)
        cells = [_pct(sum(trial(rng, "errors", r, 0.0, per_window)[0] for _ in range(trials)) / trials) for r in rises]
        alarms = f"{_pct(sum(s[1] for s in steady) / trials)} / {_pct(sum(s[2] for s in steady) / trials)}"
        lines.append(
            f"| error rate (1 % base, bursts) | 30 x {per_window:,} requests | {alarms} | " + " | ".join(cells) + " |"
        )
    lines += ["", "<!-- drift:end -->"]
    return "\n".join(lines)


def main() -> None:
    print_and_write(build, "drift", __doc__.splitlines()[0])


if __name__ == "__main__":
    main()

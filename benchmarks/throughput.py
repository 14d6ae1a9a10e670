"""The evidence for perfgate's throughput rule: false alarms on A/A and detection of drops in request rate.

Run by hand:  python benchmarks/throughput.py [--write] [--quick]   (--write updates docs/statistics.md)

Simulated load-test runs with fixed seeds: 10 endpoints, each run 30 time windows of a request rate (Poisson
counts of requests per window, at 5 or 50 requests per window on average); every run of the same code draws
its own rate around the endpoint's (another runner: a run-to-run spread of 3 %). One endpoint's rate drops by
10, 20 or 40 % in the pull request. The gate (gate.evaluate, defaults: 5 % allowed, Benjamini-Hochberg with the
other endpoints, the between-run test against 1 or 3 main runs) next to "fail when the rate fell by more than
5 %" on the run means (a bare threshold).
"""

from __future__ import annotations

import numpy as np
from decision_rule import print_and_write

from perfgate.gate.evaluate import evaluate
from perfgate.gate.pooling import Side
from perfgate.gate.report import FAILING
from perfgate.gate.settings import Settings
from perfgate.model import Direction, RunRef, SampleKind, Series, Summary, as_samples

ENDPOINTS = 10
WINDOWS = 30
SECONDS = 2.0  # per window
RUN_SPREAD = 0.03


def _run(rng: np.random.Generator, drops: list[float], per_window: float) -> tuple[Series, ...]:
    out = []
    for i, drop in enumerate(drops):
        rate = per_window / SECONDS * (1 - drop) * rng.lognormal(0.0, RUN_SPREAD)
        counts = rng.poisson(rate * SECONDS, WINDOWS)
        samples = as_samples(counts / SECONDS)
        summary = Summary.of(samples)
        out.append(
            Series(f"e{i}", "throughput", "1/s", Direction.HIGHER_IS_BETTER, SampleKind.WINDOW, summary, samples)
        )
    return tuple(out)


def trial(rng: np.random.Generator, drop: float, per_window: float, main_runs: int) -> tuple[bool, bool, bool]:
    """(perfgate flagged the changed endpoint, perfgate flagged an unchanged one, the bare threshold did)."""
    base = [_run(rng, [0.0] * ENDPOINTS, per_window) for _ in range(main_runs)]
    head = _run(rng, [drop] + [0.0] * (ENDPOINTS - 1), per_window)
    report = evaluate(
        Side(tuple(RunRef(f"m{r}") for r in range(main_runs)), tuple(base)),
        Side((RunRef("pr"),), (head,)),
        Settings(between_runs=True),
    )
    flags = [c.verdict in FAILING for c in report.comparisons]
    means = [np.mean([run[i].summary.mean or 0.0 for run in base]) for i in range(ENDPOINTS)]
    bare = [(head[i].summary.mean or 0.0) < means[i] * 0.95 for i in range(ENDPOINTS)]
    changed = 1 if drop else 0
    return bool(flags[0]) if drop else False, any(flags[changed:]), any(bare[changed:])


def _pct(x: float) -> str:
    return f"{x * 100:.1f} %"


def build(quick: bool) -> str:
    trials = 40 if quick else 200
    lines = [
        "<!-- throughput:start (written by benchmarks/throughput.py --write) -->",
        "",
        f"**Throughput** ({ENDPOINTS} endpoints, {WINDOWS} windows per run, run-to-run spread {RUN_SPREAD:.0%}, "
        f"{trials} simulated pull requests per row). A/A: share of runs with a false alarm, perfgate / a bare "
        '"-5 %" threshold. Detection: share of runs in which one endpoint\'s drop is caught.',
        "",
        "| main runs | requests per window | A/A false alarms | -10 % | -20 % | -40 % |",
        "|---|---|---|---|---|---|",
    ]
    for main_runs in (1, 3):
        for per_window in (5.0, 50.0):
            rng = np.random.default_rng(main_runs * 1000 + int(per_window))
            aa = [trial(rng, 0.0, per_window, main_runs) for _ in range(trials)]
            cells = [
                _pct(sum(trial(rng, drop, per_window, main_runs)[0] for _ in range(trials)) / trials)
                for drop in (0.10, 0.20, 0.40)
            ]
            alarms = f"{_pct(sum(a[1] for a in aa) / trials)} / {_pct(sum(a[2] for a in aa) / trials)}"
            lines.append(f"| {main_runs} | {per_window:g} | {alarms} | " + " | ".join(cells) + " |")
    lines += ["", "<!-- throughput:end -->"]
    return "\n".join(lines)


def main() -> None:
    print_and_write(build, "throughput", __doc__.splitlines()[0])


if __name__ == "__main__":
    main()

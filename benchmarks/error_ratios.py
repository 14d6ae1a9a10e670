"""The evidence for the relative error rule (max_error_ratio): A/A false alarms and detection at low error rates.

Run by hand:  python benchmarks/error_ratios.py [--write] [--quick]   (--write updates docs/statistics.md)

The simulated runs of benchmarks/error_rates.py (10 endpoints, each run of the same code drawing its own rate
around the base rate with a run-to-run spread of 30 %, then binomial requests), at rates of 0.1-1 %, where one
percentage point is many times the rate. The gate (gate.evaluate, its defaults: 1 point, 2x, q = 0.05) sees one
pull-request run against 1 or 3 main runs; A/A is shown with the relative rule and without it (inf).
"""

from __future__ import annotations

import numpy as np
from decision_rule import print_and_write
from error_rates import ENDPOINTS, SPREAD, _run

from perfgate.gate.evaluate import evaluate
from perfgate.gate.pooling import Side
from perfgate.gate.report import FAILING
from perfgate.gate.settings import Settings
from perfgate.model import RunRef

FACTORS = (2.0, 3.0, 7.5)


def trial(
    rng: np.random.Generator, base_rate: float, factor: float, requests: int, main_runs: int, settings: Settings
) -> tuple[bool, bool]:
    """(the changed endpoint failed, an unchanged one did)."""
    rates = [base_rate] * ENDPOINTS
    base = [_run(rng, rates, requests) for _ in range(main_runs)]
    head = _run(rng, [base_rate * factor, *rates[1:]], requests)
    report = evaluate(
        Side(tuple(RunRef(f"m{r}") for r in range(main_runs)), tuple(base)), Side((RunRef("pr"),), (head,)), settings
    )
    flags = [c.verdict in FAILING for c in report.comparisons]
    changed = 1 if factor != 1 else 0
    return (bool(flags[0]) if changed else False), any(flags[changed:])


def _pct(x: float) -> str:
    return f"{x * 100:.1f} %"


def build(quick: bool) -> str:
    trials = 40 if quick else 200
    on, off = Settings(between_runs=True), Settings(between_runs=True, max_error_ratio=float("inf"))
    lines = [
        "<!-- error-ratios:start (written by benchmarks/error_ratios.py --write) -->",
        "",
        f"**Error rates that multiply** ({ENDPOINTS} endpoints per run, run-to-run spread of the rate {SPREAD:.0%}, "
        f"{trials} simulated pull requests per row). A/A: share of runs with a false alarm, with the 2x rule / "
        "with the points alone. Detection: share of runs in which one endpoint's rate, multiplied, fails "
        "(with the 2x rule; in brackets, the points alone).",
        "",
        "| main runs | requests per endpoint | base error rate | A/A false alarms | "
        + " | ".join(f"x{f:g}" for f in FACTORS)
        + " |",
        "|---|---|---|---|" + "---|" * len(FACTORS),
    ]
    for main_runs in (1, 3):
        for requests in (2000, 20000):
            for base_rate in (0.001, 0.003, 0.01):
                seed = main_runs * 100_000 + requests + int(base_rate * 10_000)
                cells = []
                aa = []
                for settings in (on, off):
                    rng = np.random.default_rng(seed)
                    aa.append(sum(trial(rng, base_rate, 1.0, requests, main_runs, settings)[1] for _ in range(trials)))
                for factor in FACTORS:
                    hits = []
                    for settings in (on, off):
                        rng = np.random.default_rng(seed + int(factor * 10))
                        hits.append(
                            sum(trial(rng, base_rate, factor, requests, main_runs, settings)[0] for _ in range(trials))
                        )
                    cells.append(f"{_pct(hits[0] / trials)} ({_pct(hits[1] / trials)})")
                lines.append(
                    f"| {main_runs} | {requests:,} | {base_rate:.1%} | {_pct(aa[0] / trials)} / {_pct(aa[1] / trials)} | "
                    + " | ".join(cells)
                    + " |"
                )
    lines += ["", "<!-- error-ratios:end -->"]
    return "\n".join(lines)


def main() -> None:
    print_and_write(build, "error-ratios", __doc__.splitlines()[0])


if __name__ == "__main__":
    main()

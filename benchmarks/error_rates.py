"""The evidence for perfgate's error-rate test: false alarms on A/A and detection, at 500 and 5,000 requests.

Run by hand:  python benchmarks/error_rates.py [--write] [--quick]   (--write updates docs/statistics.md)

Simulated load-test runs with fixed seeds: 10 endpoints per run, each with a base error rate; every run of
the same code draws its own rate around it (errors come in bursts: a beta-binomial with a run-to-run spread of
30 % of the rate), and then that many requests fail. The gate (gate.evaluate) sees one pull-request run
against 1 or 3 main runs, with its defaults: 1 percentage point allowed, Benjamini-Hochberg at q = 0.05 with
the other endpoints. Compared with "fail when the error rate rose by more than 1 pp" (a bare threshold).
"""

from __future__ import annotations

import numpy as np
from decision_rule import print_and_write

from perfgate.formats.build import summarised
from perfgate.gate.evaluate import evaluate
from perfgate.gate.pooling import Side
from perfgate.gate.report import FAILING
from perfgate.gate.settings import Settings
from perfgate.model import RunRef, Series

ENDPOINTS = 10
SPREAD = 0.3  # run-to-run spread of an endpoint's error rate, relative


def _run(rng: np.random.Generator, rates: list[float], requests: int) -> tuple[Series, ...]:
    out = []
    for i, rate in enumerate(rates):
        drawn = rate if rate == 0 else rng.gamma(1 / SPREAD**2, rate * SPREAD**2)  # mean rate, CV SPREAD
        errors = int(rng.binomial(requests, min(drawn, 1.0)))
        out.append(summarised(f"e{i}", "error_rate", "ratio", count=requests, errors=errors, mean=errors / requests))
    return tuple(out)


def trial(
    rng: np.random.Generator, base_rate: float, increase: float, requests: int, main_runs: int
) -> tuple[bool, bool, bool]:
    """(perfgate flagged the changed endpoint, perfgate flagged an unchanged one, the bare threshold did)."""
    rates = [base_rate] * ENDPOINTS
    base = [_run(rng, rates, requests) for _ in range(main_runs)]
    head = _run(rng, [base_rate + increase, *rates[1:]], requests)
    report = evaluate(
        Side(tuple(RunRef(f"m{r}") for r in range(main_runs)), tuple(base)),
        Side((RunRef("pr"),), (head,)),
        Settings(between_runs=True),
    )
    flags = [c.verdict in FAILING for c in report.comparisons]
    pooled = [sum(run[i].summary.errors or 0 for run in base) / (requests * main_runs) for i in range(ENDPOINTS)]
    bare = [(head[i].summary.errors or 0) / requests - pooled[i] > 0.01 for i in range(ENDPOINTS)]
    changed = 1 if increase else 0
    return (
        bool(flags[0]) if increase else False,
        any(flags[changed:]),
        any(bare[changed:]),
    )


def _pct(x: float) -> str:
    return f"{x * 100:.1f} %"


def build(quick: bool) -> str:
    trials = 40 if quick else 200
    lines = [
        "<!-- error-rates:start (written by benchmarks/error_rates.py --write) -->",
        "",
        f"**Error rates** ({ENDPOINTS} endpoints per run, run-to-run spread of the rate {SPREAD:.0%}, "
        f"{trials} simulated pull requests per row). A/A: share of runs with a false alarm, perfgate / a bare "
        '"+1 pp" threshold. Detection: share of runs in which one endpoint\'s rise is caught.',
        "",
        "| main runs | requests per endpoint | base error rate | A/A false alarms | +1 pp | +5 pp | +10 pp |",
        "|---|---|---|---|---|---|---|",
    ]
    for main_runs in (1, 3):
        for requests in (500, 5000):
            for base_rate in (0.0, 0.01, 0.05):
                seed = main_runs * 100_000 + requests + int(base_rate * 1000)
                rng = np.random.default_rng(seed)
                aa = [trial(rng, base_rate, 0.0, requests, main_runs) for _ in range(trials)]
                cells = []
                for increase in (0.01, 0.05, 0.10):
                    hits = [trial(rng, base_rate, increase, requests, main_runs)[0] for _ in range(trials)]
                    cells.append(_pct(sum(hits) / trials))
                false_alarm = f"{_pct(sum(a[1] for a in aa) / trials)} / {_pct(sum(a[2] for a in aa) / trials)}"
                lines.append(
                    f"| {main_runs} | {requests:,} | {base_rate:.0%} | {false_alarm} | " + " | ".join(cells) + " |"
                )
    lines += ["", "<!-- error-rates:end -->"]
    return "\n".join(lines)


def main() -> None:
    print_and_write(build, "error-rates", __doc__.splitlines()[0])


if __name__ == "__main__":
    main()

"""The evidence for perfgate's decision rule: false alarms and detection, against the rules other tools use.

Run by hand:  python benchmarks/decision_rule.py [--write]   (--write updates docs/statistics.md)

Simulated runs with fixed seeds. Each simulated CI run measures many series (benchmarks); each series has
n samples per side. Noise model, per sample: log-normal within-run noise with a given CV, optionally a
bimodal slow mode, outliers or a quantised timer; per run: a between-run offset with spread τ (a
different runner). Two ways of getting a baseline:

- same job: base and head run in one CI job, interleaved — they share the runner, so τ cancels;
- history: the baseline is the pooled last 5 main-branch runs, each on its own runner, and the head runs
  on yet another (τ applies to every run).

Rules compared (each flags a series as "regressed"):
- perfgate: the gate itself (gate.evaluate: δ = 5 %, BH at q = 0.05, run-to-run term in history mode);
- ratio 150 % / 200 %: candidate mean / baseline mean above 1.5 or 2.0 (github-action-benchmark's alert);
- MWU 0.05: two-sided Mann-Whitney p < 0.05 on the samples and a higher median, no correction (benchstat,
  Google Benchmark's compare.py);
- asv: Mann-Whitney p < 0.002 and a ratio above 1.1.
"""

from __future__ import annotations

import argparse
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats as scipy_stats

from perfgate.gate.evaluate import evaluate
from perfgate.gate.pooling import Side
from perfgate.gate.report import FAILING
from perfgate.gate.settings import Settings
from perfgate.model import Direction, FloatArray, RunRef, SampleKind, Series, Summary, as_samples

DOC = Path(__file__).parent.parent / "docs" / "statistics.md"
HISTORY_RUNS = 5
Rule = Callable[[list[list[FloatArray]], list[FloatArray], str], list[bool]]


@dataclass(frozen=True)
class Noise:
    cv: float
    tau: float = 0.0
    shape: str = "lognormal"  # or: bimodal, outliers, quantised, autocorrelated


def _samples(rng: np.random.Generator, n: int, noise: Noise, level: float) -> FloatArray:
    if noise.shape == "autocorrelated":  # load-test requests: AR(1) in log space, rho 0.9
        eps = rng.normal(0, noise.cv * math.sqrt(1 - 0.81), n)
        log = np.empty(n)
        log[0] = rng.normal(0, noise.cv)
        for i in range(1, n):
            log[i] = 0.9 * log[i - 1] + eps[i]
        return np.exp(level + log)
    values = np.exp(level + rng.normal(0, noise.cv, n))
    if noise.shape == "bimodal":
        values = np.where(rng.random(n) < 0.15, values * 1.25, values)
    elif noise.shape == "outliers":
        values = np.where(rng.random(n) < 0.03, values * rng.uniform(2, 5, n), values)
    elif noise.shape == "quantised":
        step = math.exp(level) * 0.02  # a timer that ticks at 2 % of the value
        values = np.maximum(np.round(values / step), 1) * step
    return values


def simulate(
    rng: np.random.Generator,
    series: int,
    changed: int,
    n: int,
    noise: Noise,
    change: float,
    mode: str,
    history_runs: int = HISTORY_RUNS,
) -> tuple[list[list[FloatArray]], list[FloatArray]]:
    """Baseline runs (list per series of per-run arrays) and candidate arrays; the first `changed` series shift."""
    base_runs = 1 if mode == "same job" else history_runs
    offsets = rng.normal(0, noise.tau, base_runs + 1) if noise.tau else np.zeros(base_runs + 1)
    if mode == "same job":
        offsets[:] = offsets[0]  # one runner for both sides
    base: list[list[FloatArray]] = []
    cand: list[FloatArray] = []
    for i in range(series):
        level = rng.normal(-7, 1)  # series differ in scale
        base.append([_samples(rng, n, noise, level + offsets[r]) for r in range(base_runs)])
        shift = math.log1p(change) if i < changed else 0.0
        cand.append(_samples(rng, n, noise, level + offsets[-1] + shift))
    return base, cand


def _kind(noise: Noise) -> SampleKind:
    return SampleKind.REQUEST if noise.shape == "autocorrelated" else SampleKind.REPETITION


def perfgate_rule(
    base: list[list[FloatArray]],
    cand: list[FloatArray],
    mode: str,
    kind: SampleKind = SampleKind.REPETITION,
    between_runs: bool | None = None,
) -> list[bool]:
    def series(i: int, values: FloatArray) -> Series:
        samples = as_samples(values)
        return Series(f"s{i}", "time", "s", Direction.LOWER_IS_BETTER, kind, Summary(samples.size), samples)

    runs = len(base[0])
    base_side = Side(
        tuple(RunRef(f"b{r}") for r in range(runs)),
        tuple(tuple(series(i, b[r]) for i, b in enumerate(base)) for r in range(runs)),
    )
    cand_side = Side((RunRef("c"),), (tuple(series(i, c) for i, c in enumerate(cand)),))
    runs_term = mode == "history" if between_runs is None else between_runs
    report = evaluate(base_side, cand_side, Settings(between_runs=runs_term))
    return [c.verdict in FAILING for c in report.comparisons]


def ratio_rule(threshold: float) -> Rule:
    def rule(base: list[list[FloatArray]], cand: list[FloatArray], mode: str) -> list[bool]:
        # github-action-benchmark compares with the previous run's single value.
        return [float(np.mean(c)) / float(np.mean(b[-1])) > threshold for b, c in zip(base, cand, strict=True)]

    return rule


def mwu_rule(alpha: float, factor: float) -> Rule:
    def rule(base: list[list[FloatArray]], cand: list[FloatArray], mode: str) -> list[bool]:
        flags = []
        for b, c in zip(base, cand, strict=True):
            pooled = np.concatenate(b)
            p = scipy_stats.mannwhitneyu(c, pooled, alternative="two-sided").pvalue
            ratio = float(np.median(c)) / float(np.median(pooled))
            flags.append(bool(p < alpha and ratio > factor))
        return flags

    return rule


RULES: dict[str, Rule] = {
    "perfgate": perfgate_rule,
    "ratio 150 %": ratio_rule(1.5),
    "ratio 200 %": ratio_rule(2.0),
    "MWU 0.05": mwu_rule(0.05, 1.0),
    "asv": mwu_rule(0.002, 1.1),
}


def run_rule(name: str, base: list[list[FloatArray]], cand: list[FloatArray], mode: str, noise: Noise) -> list[bool]:
    if name == "perfgate":
        return perfgate_rule(base, cand, mode, _kind(noise))
    return RULES[name](base, cand, mode)


def false_alarms(noise: Noise, n: int, mode: str, runs: int, series: int, seed: int) -> dict[str, tuple[float, float]]:
    """Per rule: (false alarms per series, share of runs with at least one false alarm)."""
    rng = np.random.default_rng(seed)
    flagged = {name: [0, 0] for name in RULES}
    for _ in range(runs):
        base, cand = simulate(rng, series, 0, n, noise, 0.0, mode)
        for name in RULES:
            flags = run_rule(name, base, cand, mode, noise)
            flagged[name][0] += sum(flags)
            flagged[name][1] += any(flags)
    return {name: (hits / (runs * series), bad_runs / runs) for name, (hits, bad_runs) in flagged.items()}


def detection(
    noise: Noise, n: int, mode: str, change: float, runs: int, seed: int, history_runs: int = HISTORY_RUNS
) -> dict[str, float]:
    """Per rule: share of changed series flagged, in runs of 20 series of which 2 changed."""
    rng = np.random.default_rng(seed)
    hits = dict.fromkeys(RULES, 0)
    for _ in range(runs):
        base, cand = simulate(rng, 20, 2, n, noise, change, mode, history_runs)
        for name in RULES:
            hits[name] += sum(run_rule(name, base, cand, mode, noise)[:2])
    return {name: h / (2 * runs) for name, h in hits.items()}


SHORT = (1, 2, 3, 4, 5, 10, 20)


def short_history_false_alarms(runs: int, cv: float, tau: float, trials: int, seed: int) -> tuple[float, float]:
    """Share of A/A runs (200 series, n = 20) with a false alarm: (perfgate now, samples only as before)."""
    rng = np.random.default_rng(seed)
    now = before = 0
    for _ in range(trials):
        base, cand = simulate(rng, 200, 0, 20, Noise(cv, tau), 0.0, "history", runs)
        now += any(perfgate_rule(base, cand, "history"))
        before += any(perfgate_rule(base, cand, "history", between_runs=runs >= 5))
    return now / trials, before / trials


def short_history_detection(runs: int, change: float, trials: int, seed: int, series: int, changed: int) -> float:
    """Share of changed series that fail (CV 3 %, τ 2 %, n = 20)."""
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(trials):
        base, cand = simulate(rng, series, changed, 20, Noise(0.03, 0.02), change, "history", runs)
        hits += sum(perfgate_rule(base, cand, "history")[:changed])
    return hits / (changed * trials)


def short_history(quick: bool) -> list[str]:
    trials = 4 if quick else 12
    out = [
        "",
        f"**Short histories: false alarms** (A/A, runs of 200 series, n = 20 per side; {trials} runs per cell): share "
        "of runs with at least one false alarm, **now** (run-to-run noise from the `run_noise` prior, 5 % worth "
        "2 runs, combined with the runs seen) / before (with fewer than 5 baseline runs, the pooled samples only).",
        "",
    ]
    rows = []
    for runs in SHORT:
        for cv in (0.01, 0.03, 0.10):
            cells = []
            for tau in (0.0, 0.02, 0.05, 0.10):
                now, before = short_history_false_alarms(
                    runs, cv, tau, trials, seed=runs * 1000 + int(cv * 100) + int(tau * 1e4)
                )
                cells.append(f"**{_pct(now)}** / {_pct(before)}")
            rows.append([str(runs), f"{cv * 100:.0f} %", *cells])
    out += _table(["baseline runs", "CV", "τ 0 %", "τ 2 %", "τ 5 %", "τ 10 %"], rows)
    det_trials = 10 if quick else 40
    out += [
        "",
        f"**Short histories: detection** (CV 3 %, τ 2 %, n = 20; {det_trials} runs per cell): share of changed series "
        "that fail. Each cell: one series alone / 2 changed among 20.",
        "",
    ]
    rows = []
    for runs in SHORT:
        cells = []
        for change in (0.10, 0.20, 0.40, 0.60):
            alone = short_history_detection(runs, change, det_trials, 900 + runs, 1, 1)
            among = short_history_detection(runs, change, det_trials, 950 + runs, 20, 2)
            cells.append(f"{_pct(alone)} / {_pct(among)}")
        rows.append([str(runs), *cells])
    return out + _table(["baseline runs", "+10 %", "+20 %", "+40 %", "+60 %"], rows)


def _pct(x: float) -> str:
    return f"{x * 100:.1f} %" if x < 0.995 or x == 1 else f"{x * 100:.0f} %"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(r) + " |" for r in rows]


def build(quick: bool) -> str:
    names = list(RULES)
    runs_fa = 10 if quick else 25
    runs_det = 15 if quick else 40
    out = ["<!-- evaluation:start (written by benchmarks/decision_rule.py --write) -->", ""]
    out += [
        f"**False alarms, A/A (no change), runs of 200 series, n = 20 samples per side** ({runs_fa} runs per row): "
        "share of series flagged / share of runs with at least one false alarm.",
        "",
    ]
    rows = []
    for mode, tau in (("same job", 0.0), ("history", 0.0), ("history", 0.02), ("history", 0.05)):
        for cv in (0.01, 0.03, 0.10):
            result = false_alarms(Noise(cv, tau), 20, mode, runs_fa, 200, seed=int(cv * 1000 + tau * 10000))
            label = f"{mode}" + (f", τ {tau * 100:.0f} %" if mode == "history" else "")
            rows.append(
                [label, f"{cv * 100:.0f} %", *[f"{_pct(s)} / {_pct(r)}" for s, r in (result[k] for k in names)]]
            )
    out += _table(["baseline", "CV", *names], rows)
    out += [
        "",
        f"**Detection** (share of changed series flagged; runs of 20 series with 2 changed; {runs_det} runs per cell), same job:",
        "",
    ]
    rows = []
    for cv in (0.01, 0.03, 0.10):
        for n in (5, 10, 20, 30):
            cells = []
            for change in (0.02, 0.05, 0.10, 0.20):
                det = detection(Noise(cv), n, "same job", change, runs_det, seed=int(cv * 1000) + n)
                cells.append(" / ".join(_pct(det[k]) for k in ("perfgate", "MWU 0.05", "ratio 150 %")))
            rows.append([f"{cv * 100:.0f} %", str(n), *cells])
    out += ["Each cell: perfgate / MWU 0.05 / ratio 150 %.", ""]
    out += _table(["CV", "n", "+2 %", "+5 %", "+10 %", "+20 %"], rows)
    out += [
        "",
        f"**Detection in history mode** (τ = 2 %, CV 3 %; {runs_det} runs per cell): perfgate / MWU 0.05 / ratio 150 %.",
        "",
    ]
    rows = []
    for history_runs in (5, 15):
        for n in (10, 20):
            cells = []
            for change in (0.05, 0.10, 0.20):
                det = detection(
                    Noise(0.03, 0.02), n, "history", change, runs_det, seed=500 + n, history_runs=history_runs
                )
                cells.append(" / ".join(_pct(det[k]) for k in ("perfgate", "MWU 0.05", "ratio 150 %")))
            rows.append([str(history_runs), str(n), *cells])
    out += _table(["baseline runs", "n", "+5 %", "+10 %", "+20 %"], rows)
    out += [
        "",
        f"**Harder noise**, same job, CV 3 %, n = 20 (A/A: runs of 200 series, {runs_fa} runs; +10 %: detection as above).",
        "",
    ]
    rows = []
    for shape, n in (("bimodal", 20), ("outliers", 20), ("quantised", 20), ("autocorrelated", 2000)):
        fa = false_alarms(Noise(0.03, 0.0, shape), n, "same job", runs_fa, 200 if n < 100 else 20, seed=77)
        det = detection(Noise(0.03, 0.0, shape), n, "same job", 0.10, runs_det, seed=78)
        label = shape if shape != "autocorrelated" else "autocorrelated requests (AR(1) rho 0.9, 2,000 per run)"
        rows.append([label, *[f"{_pct(fa[k][1])} / {_pct(det[k])}" for k in names]])
    out += ["Each cell: runs with a false alarm / detection at +10 %.", ""]
    out += _table(["noise", *names], rows)
    out += short_history(quick)
    out += ["", "<!-- evaluation:end -->"]
    return "\n".join(out)


def print_and_write(build_section: Callable[[bool], str], marker: str, description: str) -> None:
    """The command line of a simulation: print its tables; --write replaces the marked section of statistics.md."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--write", action="store_true", help=f"replace the {marker} section of docs/statistics.md")
    parser.add_argument("--quick", action="store_true", help="fewer simulated runs (a smoke test)")
    args = parser.parse_args()
    start = time.perf_counter()
    text = build_section(args.quick)
    print(text)
    print(f"\n({time.perf_counter() - start:.0f} s)")
    if args.write:
        doc = DOC.read_text(encoding="utf-8")
        pattern = re.compile(rf"<!-- {marker}:start.*?<!-- {marker}:end -->", re.S)
        if not pattern.search(doc):
            raise SystemExit(f"{DOC} has no {marker} markers")
        DOC.write_text(pattern.sub(lambda _: text, doc), encoding="utf-8")


def main() -> None:
    print_and_write(build, "evaluation", __doc__.splitlines()[0])


if __name__ == "__main__":
    main()

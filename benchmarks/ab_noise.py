"""Same-job A/B on a shared CI runner: false alarms and detection of each way to compare, and what rounds buy.

Run by hand:  python benchmarks/ab_noise.py [--prs N] [--quick]      (default 200 PRs a cell, 2-3 minutes)

Simulated pull requests (runner_noise.py: job-to-job level shifts, drift within a job, outlier rounds, slow
samples, a co-tenant stealing CPU in bursts) with δ = 2 % and q = 0.05. Each PR has 4 benchmarks, the first
changed by 0 (A/A), +2 (= δ), +3, +5 or +10 %; 10 rounds a side of 10 repetitions each, after one warm-up round a side
(discarded), the sides' order balanced at random; history: 5 main-branch jobs of as many repetitions, each job
on its own runner. Two runners: "shared" (a neighbour's memory traffic; per-round ratios spread 2.5 %, job
medians 5 %) and "noisy" (a co-tenant stealing up to 30 % of the core, in bursts; per-round ratios spread 11 %).
A change of exactly δ is the boundary: failing it is a false alarm too.

Ways to compare:
- history: the PR job against the 5 main jobs pooled, with the between-run term (``perfgate.gate.evaluate``,
  as the Action does today);
- pooled: one job, each side's rounds pooled into one run, the rank test alone (``compare base.json head.json``);
- recipe: one job, each round its own file (``compare --base 'a*' --head 'b*'``: 10 files a side, so the
  between-run term as well);
- paired: ``stats.paired_test`` on the rounds' log ratios (within-round Hodges-Lehmann), Benjamini-Hochberg
  across the PR's benchmarks;
- confirm: paired, then more rounds for doubtful benchmarks only, looks at 10, 20 and 30 rounds with a
  Pocock-type spending plan (``stats.sequential``);
- until red: the same looks, each at q (no spending): what "rerun until it fails" does, for comparison.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from runner_noise import BASE, HEAD, NOISY, SHARED, Jobs, Runner, side_order, simulate

from perfgate import stats
from perfgate.gate.evaluate import evaluate
from perfgate.gate.pooling import Side
from perfgate.gate.report import FAILING, Settings
from perfgate.gate.shift import MIN_RUNS_FOR_TAU
from perfgate.model import Direction, FloatArray, RunRef, SampleKind, Series, Summary, as_samples
from perfgate.stats import paired, sequential

DELTA, FDR = 0.02, 0.05
MARGIN = math.log1p(DELTA)
ROUNDS, MOST_ROUNDS, SAMPLES, SERIES, HISTORY_JOBS = 10, 30, 10, 4, 5
EFFECTS = (0.0, DELTA, 0.03, 0.05, 0.10)  # A/A, at the boundary (a change of exactly δ may not fail), beyond
SETTINGS = Settings(max_regression=DELTA, fdr=FDR)
RULES = ("history", "pooled", "recipe", "paired", "confirm", "until red")


@dataclass(frozen=True)
class Outcome:
    """Per PR: whether each benchmark failed, and the rounds each one ran."""

    failed: list[list[bool]]
    rounds: list[list[int]]


def round_ratios(jobs: Jobs) -> FloatArray:
    """Per job, series and round, the within-round Hodges-Lehmann log ratio [job, series, round]: the values of
    ``stats.paired.round_log_ratios(..., "hodges-lehmann")`` (checked), all rounds at once."""
    base, head = jobs.rounds(BASE), jobs.rounds(HEAD)
    ratios: FloatArray = np.median(head[..., :, None] - base[..., None, :], axis=(-2, -1)).transpose(0, 2, 1)
    check = paired.round_log_ratios(list(base[0, :, 0]), list(head[0, :, 0]), "hodges-lehmann")
    assert np.array_equal(check, ratios[0, 0]), "the vectorised ratios must equal the library's"
    return ratios


def paired_decisions(
    ratios: FloatArray, looks: tuple[int, ...], thresholds: tuple[float, ...]
) -> tuple[list[bool], list[int]]:
    """One PR's benchmarks [series, round] judged at each look: BH across them (a stopped benchmark keeps its last
    p), then ``sequential.next_step`` for those still going. One look at level q is the plain paired test."""
    series = ratios.shape[0]
    p, estimate = [1.0] * series, [0.0] * series
    going, failed, used = set(range(series)), [False] * series, [looks[-1]] * series
    for look, rounds in enumerate(looks):
        for s in going:
            test = paired.paired_test(ratios[s, :rounds], MARGIN)
            p[s], estimate[s] = test.p_worse, test.estimate
        q = stats.benjamini_hochberg(p)
        for s in sorted(going):
            step = sequential.next_step(q[s], estimate[s], MARGIN, look, thresholds)
            if step is not sequential.Step.CONTINUE:
                going.discard(s)
                failed[s], used[s] = step is sequential.Step.REGRESSION, rounds
    return failed, used


def _series(values: FloatArray, names: int) -> tuple[Series, ...]:
    """One run's series from log samples [series, sample]."""
    return tuple(
        Series(
            f"s{i}",
            "time",
            "s",
            Direction.LOWER_IS_BETTER,
            SampleKind.REPETITION,
            Summary(v.size),
            as_samples(np.exp(v)),
        )
        for i, v in zip(range(names), values, strict=True)
    )


def gate_failed(base_runs: list[FloatArray], head_runs: list[FloatArray], between_runs: bool) -> list[bool]:
    """``evaluate`` on runs of log samples [series, sample]: which series fail."""
    series = base_runs[0].shape[0]
    base = Side(tuple(RunRef(f"b{i}") for i in range(len(base_runs))), tuple(_series(r, series) for r in base_runs))
    head = Side(tuple(RunRef(f"h{i}") for i in range(len(head_runs))), tuple(_series(r, series) for r in head_runs))
    report = evaluate(base, head, Settings(max_regression=DELTA, fdr=FDR, between_runs=between_runs))
    return [c.verdict in FAILING for c in report.comparisons]


def same_job(
    rng: np.random.Generator, runner: Runner, prs: int, series: int, shifts: FloatArray, rounds: int, most: int
) -> dict[str, Outcome]:
    """Every same-job rule on the same simulated PR jobs (``most`` rounds run; the rules use what they need)."""
    jobs = simulate(rng, runner, side_order(rng, prs, most, "balanced"), series, SAMPLES, shifts)
    ratios = round_ratios(jobs)
    base, head = jobs.rounds(BASE)[:, :rounds], jobs.rounds(HEAD)[:, :rounds]  # [job, round, series, sample]
    looks = sequential.schedule(rounds, most)
    designs = {
        "paired": ((rounds,), (FDR,)),
        "confirm": (looks, sequential.plan(looks, FDR, "pocock").thresholds),
        "until red": (looks, (FDR,) * len(looks)),
    }
    out = {name: Outcome([], []) for name in ("pooled", "recipe", *designs)}
    for j in range(prs):
        out["pooled"].failed.append(gate_failed([_flat(base[j])], [_flat(head[j])], False))
        recipe = gate_failed(list(base[j]), list(head[j]), rounds >= MIN_RUNS_FOR_TAU)
        out["recipe"].failed.append(recipe)
        for name, (lk, thresholds) in designs.items():
            failed, used = paired_decisions(ratios[j], lk, thresholds)
            out[name].failed.append(failed)
            out[name].rounds.append(used)
    for name in ("pooled", "recipe"):
        out[name].rounds.extend([[rounds] * series] * prs)
    return out


def history(rng: np.random.Generator, runner: Runner, prs: int, series: int, shifts: FloatArray) -> Outcome:
    """The PR's job against HISTORY_JOBS main-branch jobs, each job on its own runner."""
    main_sides = np.full((prs * HISTORY_JOBS, ROUNDS + 1), BASE)
    main = simulate(rng, runner, main_sides, series, SAMPLES, shifts * 0).rounds(BASE)
    pr = simulate(rng, runner, np.full((prs, ROUNDS + 1), HEAD), series, SAMPLES, shifts).rounds(HEAD)
    failed = [
        gate_failed([_flat(main[j * HISTORY_JOBS + k]) for k in range(HISTORY_JOBS)], [_flat(pr[j])], True)
        for j in range(prs)
    ]
    return Outcome(failed, [[ROUNDS] * series] * prs)


def _flat(run: FloatArray) -> FloatArray:
    """A job's rounds [round, series, sample] as one run [series, sample]."""
    series = run.shape[1]
    flat: FloatArray = run.transpose(1, 0, 2).reshape(series, -1)
    return flat


def main_table(rng: np.random.Generator, runner: Runner, prs: int) -> str:
    """False alarms and detection per rule, one column per change of the first benchmark."""
    cells: dict[str, list[Outcome]] = {name: [] for name in RULES}
    for effect in EFFECTS:
        shifts = np.zeros(SERIES)
        shifts[0] = math.log1p(effect)
        cells["history"].append(history(rng, runner, prs, SERIES, shifts))
        for name, outcome in same_job(rng, runner, prs, SERIES, shifts, ROUNDS, MOST_ROUNDS).items():
            cells[name].append(outcome)
    head = "| how the PR was compared | A/A false alarms | +2 % (= δ) failed | +3 % caught | +5 % caught | +10 % caught | PRs with an unchanged benchmark failed | rounds per benchmark |"
    lines = [head, "|---|---|---|---|---|---|---|---|"]
    for name, outcomes in cells.items():
        aa = _share([any(f) for f in outcomes[0].failed])
        caught = [_share([f[0] for f in o.failed]) for o in outcomes[1:]]
        beside = _count([any(f[1:]) for o in outcomes[1:] for f in o.failed])
        rounds = np.mean([r for o in outcomes for rs in o.rounds for r in rs])
        lines.append(f"| {name} | {aa} | {' | '.join(caught)} | {beside} | {rounds:.1f} |")
    return "\n".join(lines)


def several_regress(rng: np.random.Generator, prs: int) -> str:
    """8 benchmarks, 3 of them +10 %: how often an unchanged one fails beside them (Benjamini-Hochberg at work)."""
    series, shifts = 8, np.array([math.log1p(0.10)] * 3 + [0.0] * 5)
    lines = [
        "| runner | rule | the 3 regressions caught | PRs with an unchanged benchmark failed |",
        "|---|---|---|---|",
    ]
    for label, runner in (("shared", SHARED), ("noisy", NOISY)):
        outcomes = same_job(rng, runner, prs, series, shifts, ROUNDS, MOST_ROUNDS)
        outcomes["history"] = history(rng, runner, prs, series, shifts)
        for name in ("history", "paired", "confirm"):
            o = outcomes[name]
            caught = _share([x for f in o.failed for x in f[:3]])
            lines.append(f"| {label} | {name} | {caught} | {_count([any(f[3:]) for f in o.failed])} |")
    return "\n".join(lines)


def rounds_table(rng: np.random.Generator, prs: int) -> str:
    """What N rounds cost and buy on the shared runner: paired alone, and with confirm up to 3N rounds."""
    lines = [
        "| rounds | rule | A/A false alarms | +2 % (= δ) failed | +3 % | +5 % | +10 % | rounds per benchmark |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for rounds in (6, 8, 10, 12, 16, 20):
        row: dict[str, list[Outcome]] = {"paired": [], "confirm": []}
        for effect in EFFECTS:
            shifts = np.zeros(SERIES)
            shifts[0] = math.log1p(effect)
            outcomes = same_job(rng, SHARED, prs, SERIES, shifts, rounds, 3 * rounds)
            for name in row:
                row[name].append(outcomes[name])
        for name, cells in row.items():
            aa = _share([any(f) for f in cells[0].failed])
            caught = " | ".join(_share([f[0] for f in o.failed]) for o in cells[1:])
            cost = np.mean([r for o in cells for rs in o.rounds for r in rs])
            label = name if name == "paired" else f"confirm (≤ {3 * rounds})"
            lines.append(f"| {rounds} | {label} | {aa} | {caught} | {cost:.1f} |")
    return "\n".join(lines)


def _share(flags: list[bool]) -> str:
    return f"{100 * sum(flags) / max(len(flags), 1):.1f} %"


def _count(flags: list[bool]) -> str:
    return f"{sum(flags)} of {len(flags)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prs", type=int, default=200, help="simulated pull requests per cell (default 200)")
    parser.add_argument("--quick", action="store_true", help="40 PRs a cell and no rounds table (a smoke test)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    prs = 40 if args.quick else args.prs
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    sections: list[tuple[str, Callable[[], str]]] = [
        ("shared runner", lambda: main_table(rng, SHARED, prs)),
        ("noisy runner (a co-tenant steals up to 30 % of the core)", lambda: main_table(rng, NOISY, prs)),
        ("several benchmarks regress", lambda: several_regress(rng, prs)),
    ]
    if not args.quick:
        sections.append(("rounds: cost and power (shared runner)", lambda: rounds_table(rng, max(prs // 2, 40))))
    print(f"δ = {DELTA:.0%}, q = {FDR}, {prs} PRs a cell of {SERIES} benchmarks, seed {args.seed}\n")
    for title, build in sections:
        print(f"{title}\n\n{build()}\n", flush=True)
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()

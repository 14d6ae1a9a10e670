"""`perfgate run --confirm` on a simulated shared CI runner: false alarms and detection with and without
confirmation, and the rounds it costs, through the engine itself (``perfgate.gate.confirm``).

Run by hand:  python benchmarks/confirm_noise.py [--prs N] [--quick]      (default 200 PRs a cell, about 4 minutes)

Simulated pull requests on the runners of runner_noise.py (job-to-job levels, drift within a job, outlier rounds,
slow samples, a co-tenant stealing CPU in bursts; "shared": per-round ratios spread 2.5 %, "noisy": a co-tenant
taking up to 30 % of the core, 11 %), δ = 2 %, q = 0.05. Each PR has 4 benchmarks of 10 repetitions a round, the
first changed by 0 (A/A), +2 (= δ: failing it is a false alarm too), +3, +5 or +10 %; the sides of each round in
perfgate run's order (Thue-Morse: AB BA BA AB …, after a warm-up round a side).

Rules, all on the same simulated jobs:
- paired: the first 10 rounds, ``evaluate_paired`` (perfgate run without --confirm);
- confirm: ``confirm.judge`` at looks after 10, 20 and 30 rounds with the Pocock-type plan of ``stats.sequential``
  (perfgate run --confirm, its defaults), a series in doubt judged on all its rounds;
- until red: the same looks, each at q — what "rerun while it is suspected" does, for comparison.
The simulation runs every benchmark in every round (a COMMAND without ``{filter}``); the engine uses only the rounds of
the series in doubt, as perfgate run does.
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass, replace

import numpy as np
from runner_noise import BASE, HEAD, NOISY, SHARED, Runner, Sides, simulate

from perfgate.gate import confirm
from perfgate.gate.paired import evaluate_paired
from perfgate.gate.policy import Policy
from perfgate.gate.pooling import Side
from perfgate.gate.report import FAILING, Report
from perfgate.gate.settings import Settings
from perfgate.harness import schedule
from perfgate.model import Direction, FloatArray, RunRef, SampleKind, Series, Summary, as_samples
from perfgate.stats import sequential

DELTA, FDR = 0.02, 0.05
ROUNDS, MOST_ROUNDS, SAMPLES, SERIES = 10, 30, 10, 4
EFFECTS = (0.0, DELTA, 0.03, 0.05, 0.10)
SETTINGS = Settings(max_regression=DELTA, fdr=FDR)
RULES = ("paired", "confirm", "until red")


@dataclass(frozen=True)
class Outcome:
    """One PR: which benchmarks failed, the rounds each got, and the rounds the job ran."""

    failed: tuple[bool, ...]
    rounds: tuple[int, ...]
    job_rounds: int


def thue_morse(jobs: int, rounds: int) -> Sides:
    """perfgate run's order for every job: a warm-up a side (base first), then ``harness.schedule``."""
    order = [BASE, HEAD] + [BASE if side == "base" else HEAD for _, side in schedule(rounds)]
    return np.tile(np.array(order, dtype=np.int64), (jobs, 1))


def sides_of(base: FloatArray, head: FloatArray) -> tuple[Side, Side]:
    """One PR's rounds [round, series, sample] of log samples as the two Sides perfgate run builds."""
    made = []
    for label, rounds in (("base", base), ("head", head)):
        refs = tuple(RunRef(f"{label} round {r + 1}") for r in range(rounds.shape[0]))
        runs = tuple(tuple(_series(f"s{i}", v) for i, v in enumerate(run)) for run in rounds)
        made.append(Side(refs, runs))
    return made[0], made[1]


def _series(name: str, logs: FloatArray) -> Series:
    values = np.exp(logs)
    return Series(
        name, "time", "s", Direction.LOWER_IS_BETTER, SampleKind.REPETITION, Summary(values.size), as_samples(values)
    )


def _failed(report: Report) -> tuple[bool, ...]:
    by_name = {c.name: c.verdict in FAILING for c in report.comparisons}
    return tuple(by_name[f"s{i}"] for i in range(len(by_name)))


def sequential_rule(base: FloatArray, head: FloatArray, plan: sequential.Plan) -> Outcome:
    """``confirm.judge`` look after look, while a series is in doubt, as app/run.py drives it."""
    policy = Policy()
    look = confirm.judge(*sides_of(base[: plan.rounds[0]], head[: plan.rounds[0]]), SETTINGS, policy, plan)
    while look.doubtful and not look.last:
        n = look.rounds + look.next_rounds
        look = confirm.judge(*sides_of(base[:n], head[:n]), SETTINGS, policy, plan, look)
    got = {key[0]: n for key, n, _ in look.stopped} | {name: look.rounds for name, _ in look.going}
    return Outcome(_failed(look.report), tuple(got[f"s{i}"] for i in range(len(got))), look.rounds)


def cell(
    rng: np.random.Generator, runner: Runner, prs: int, effect: float, series: int = SERIES
) -> dict[str, list[Outcome]]:
    shifts = np.zeros(series)
    shifts[0] = math.log1p(effect)
    jobs = simulate(rng, runner, thue_morse(prs, MOST_ROUNDS), series, SAMPLES, shifts)
    base, head = jobs.rounds(BASE), jobs.rounds(HEAD)  # [job, round, series, sample]
    plan = sequential.plan(sequential.schedule(ROUNDS, MOST_ROUNDS), FDR)
    until_red = replace(plan, thresholds=(FDR,) * len(plan.rounds))
    out: dict[str, list[Outcome]] = {name: [] for name in RULES}
    for j in range(prs):
        plain = evaluate_paired(*sides_of(base[j, :ROUNDS], head[j, :ROUNDS]), SETTINGS)
        out["paired"].append(Outcome(_failed(plain), (ROUNDS,) * series, ROUNDS))
        out["confirm"].append(sequential_rule(base[j], head[j], plan))
        out["until red"].append(sequential_rule(base[j], head[j], until_red))
    return out


def table(rng: np.random.Generator, runner: Runner, prs: int) -> str:
    cells = [cell(rng, runner, prs, effect) for effect in EFFECTS]
    head = (
        "| rule | A/A false alarms | +2 % (= δ) failed | +3 % caught | +5 % caught | +10 % caught | "
        "PRs with an unchanged benchmark failed | rounds per benchmark | rounds per job |"
    )
    lines = [head, "|---|---|---|---|---|---|---|---|---|"]
    for name in RULES:
        outcomes = [c[name] for c in cells]
        aa = _share([any(o.failed) for o in outcomes[0]])
        caught = [_share([o.failed[0] for o in column]) for column in outcomes[1:]]
        beside = sum(any(o.failed[1:]) for column in outcomes for o in column)
        per_benchmark = np.mean([r for column in outcomes for o in column for r in o.rounds])
        per_job = np.mean([o.job_rounds for column in outcomes for o in column])
        label = {"paired": "paired, 10 rounds", "confirm": "--confirm (looks at 10/20/30, Pocock)"}.get(name, name)
        lines.append(
            f"| {label} | {aa} | {' | '.join(caught)} | {beside} of {prs * len(EFFECTS)} | "
            f"{per_benchmark:.1f} | {per_job:.1f} |"
        )
    return "\n".join(lines)


def boundary_table(rng: np.random.Generator, jobs: int) -> str:
    """One benchmark alone (no Benjamini-Hochberg dilution), changed by exactly δ: the worst case of "not worse than
    allowed", where each rule's false-alarm rate shows."""
    lines = ["| runner | rule | failed at +2 % (= δ) | rounds per job |", "|---|---|---|---|"]
    for label, runner in (("shared", SHARED), ("noisy", NOISY)):
        outcomes = cell(rng, runner, jobs, DELTA, series=1)
        for name in RULES:
            failed = _share([o.failed[0] for o in outcomes[name]])
            lines.append(f"| {label} | {name} | {failed} | {np.mean([o.job_rounds for o in outcomes[name]]):.1f} |")
    return "\n".join(lines)


def _share(flags: list[bool]) -> str:
    return f"{100 * sum(flags) / max(len(flags), 1):.1f} %"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prs", type=int, default=200, help="simulated pull requests per cell (default 200)")
    parser.add_argument("--quick", action="store_true", help="30 PRs a cell (a smoke test)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    prs = 30 if args.quick else args.prs
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    plan = sequential.plan(sequential.schedule(ROUNDS, MOST_ROUNDS), FDR)
    levels = ", ".join(f"{t:.4f}" for t in plan.thresholds)
    print(f"δ = {DELTA:.0%}, q = {FDR}, {prs} PRs a cell of {SERIES} benchmarks, seed {args.seed}")
    print(f"--confirm thresholds at looks {'/'.join(map(str, plan.rounds))}: {levels}\n")
    for title, runner in (
        ("shared runner", SHARED),
        ("noisy runner (a co-tenant steals up to 30 % of the core)", NOISY),
    ):
        print(f"{title}\n\n{table(rng, runner, prs)}\n", flush=True)
    print(f"one benchmark at the boundary, {4 * prs} jobs\n\n{boundary_table(rng, 4 * prs)}\n", flush=True)
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()

"""Why the paired test is Wilcoxon's signed-rank test, the rounds' order random (not ABBA), the round value the
within-round Hodges-Lehmann shift, and confirmation Pocock-type: calibration and power, simulated.

Run by hand:  python benchmarks/paired_choice.py [--jobs N]      (default 1000 jobs a cell, about 2 minutes)

One benchmark per job on the runners of runner_noise.py, δ = 2 %. A rule is calibrated when a change of exactly
δ (the boundary: the worst case of "not worse than allowed") fails at most alpha of the time; at 1,000 jobs a cell
the rate's standard error is 0.7 points at alpha = 0.05 (--jobs 8000 for 0.25). Power: the share failed at +3,
+5 and +10 %.

1. The test on the per-round log ratios d_r (medians): the paired t-test, the signed-rank test (perfgate), the
   sign test, both t and signed-rank (the larger p), and the within-round rank evidence (each round's
   Mann-Whitney z at δ, combined by Stouffer) beside the naive test on all samples pooled.
2. Small alpha (what Benjamini-Hochberg asks of one benchmark among ten, 0.005) on symmetric noise of known shape: the
   t-test's tail is borrowed from the normal law, and rounds of equal size with random signs (a drift that
   alternates) break it; the signed-rank test's p is exact for any symmetric noise.
3. The rounds' order and the round value.
4. Confirmation: looks at 10, 20, 30 rounds; spending O'Brien-Fleming-type or Pocock-type, against no
   confirmation and against "rerun until red" (each look at alpha).
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
from runner_noise import BASE, HEAD, NOISY, SHARED, Order, Runner, side_order, simulate
from scipy import stats as sps

from perfgate.model import FloatArray
from perfgate.stats import mann_whitney_normal, paired, sequential

ALPHA, DELTA = 0.05, 0.02
MARGIN = math.log1p(DELTA)
EFFECTS = (DELTA, 0.03, 0.05, 0.10)
SAMPLES = 10


def rounds_of(
    rng: np.random.Generator, runner: Runner, jobs: int, rounds: int, effect: float, order: Order = "balanced"
) -> tuple[FloatArray, FloatArray]:
    """Log samples of one benchmark, base and head: [job, round, sample]."""
    simulated = simulate(rng, runner, side_order(rng, jobs, rounds, order), 1, SAMPLES, np.array([math.log1p(effect)]))
    return simulated.rounds(BASE)[:, :, 0], simulated.rounds(HEAD)[:, :, 0]


def test_p_values(base: FloatArray, head: FloatArray) -> dict[str, FloatArray]:
    """p of "worse than δ" per job, for each candidate test."""
    d = np.median(head, axis=2) - np.median(base, axis=2)
    x = d - MARGIN
    t = sps.ttest_1samp(x, 0, axis=1, alternative="greater").pvalue
    signed_rank = np.array([paired.paired_test(row, MARGIN).p_worse for row in d])
    sign = sps.binom.sf((x > 0).sum(axis=1) - 1, (x != 0).sum(axis=1), 0.5)
    z = np.array(
        [
            [sps.norm.isf(mann_whitney_normal(b, h - MARGIN)) for b, h in zip(bj, hj, strict=True)]
            for bj, hj in zip(base, head, strict=True)
        ]
    )
    within = sps.norm.sf(z.sum(axis=1) / math.sqrt(z.shape[1]))
    pooled = np.array([mann_whitney_normal(b.ravel(), h.ravel() - MARGIN) for b, h in zip(base, head, strict=True)])
    return {
        "paired t": t,
        "signed-rank": signed_rank,
        "sign": sign,
        "t and signed-rank": np.maximum(t, signed_rank),
        "within-round ranks": within,
        "all samples pooled": pooled,
    }


def tests_table(rng: np.random.Generator, jobs: int) -> str:
    lines = ["| runner | rounds | test | +2 % (= δ) failed | +3 % | +5 % | +10 % |", "|---|---|---|---|---|---|---|"]
    for label, runner in (("shared", SHARED), ("noisy", NOISY)):
        for rounds in (6, 10, 20, 30):
            rates: dict[str, list[float]] = {}
            for effect in EFFECTS:
                for name, p in test_p_values(*rounds_of(rng, runner, jobs, rounds, effect)).items():
                    rates.setdefault(name, []).append(float(np.mean(p <= ALPHA)))
            for name, r in rates.items():
                lines.append(f"| {label} | {rounds} | {name} | " + " | ".join(f"{v:.1%}" for v in r) + " |")
    return "\n".join(lines)


def symmetric_noise(rng: np.random.Generator, shape: str, jobs: int, rounds: int) -> FloatArray:
    """Per-round noise of a known symmetric law, spread about 2.5 %."""
    if shape == "normal":
        return rng.normal(0, 0.025, (jobs, rounds))
    if shape == "t, 2 df":
        return 0.015 * rng.standard_t(2, (jobs, rounds))
    # rounds of one size, random signs: a drift that the order turns into ±2.5 %, little else
    signs = rng.choice([-1.0, 1.0], (jobs, rounds))
    return signs * 0.025 + rng.normal(0, 0.0005, (jobs, rounds))


def small_alpha_table(rng: np.random.Generator, jobs: int) -> str:
    alpha = 0.005
    lines = [
        f"| noise | rounds | paired t failed at δ (alpha = {alpha}) | signed-rank failed at δ |",
        "|---|---|---|---|",
    ]
    for shape in ("normal", "t, 2 df", "equal sizes, random signs"):
        for rounds in (6, 8, 12):
            x = symmetric_noise(rng, shape, jobs * 10, rounds)  # the margin cancels: d - δ is the noise
            t = sps.ttest_1samp(x, 0, axis=1, alternative="greater").pvalue
            sr = np.array([paired.paired_test(row + MARGIN, MARGIN).p_worse for row in x])
            lines.append(f"| {shape} | {rounds} | {np.mean(t <= alpha):.2%} | {np.mean(sr <= alpha):.2%} |")
    return "\n".join(lines)


def order_table(rng: np.random.Generator, jobs: int) -> str:
    lines = ["| runner | order | round value | +2 % (= δ) failed | +5 % caught |", "|---|---|---|---|---|"]
    for label, runner in (("shared", SHARED), ("noisy", NOISY)):
        orders: tuple[Order, ...] = ("abba", "balanced", "ab")
        for order in orders:
            rates: dict[str, list[float]] = {"median": [], "hodges-lehmann": []}
            for effect in (DELTA, 0.05):
                base, head = rounds_of(rng, runner, 2 * jobs, 20, effect, order)
                for statistic in rates:
                    d = _ratios(base, head, statistic)
                    rates[statistic].append(
                        float(np.mean([paired.paired_test(row, MARGIN).p_worse <= ALPHA for row in d]))
                    )
            for statistic, (calibration, power) in rates.items():
                lines.append(f"| {label} | {order} | {statistic} | {calibration:.1%} | {power:.1%} |")
    return "\n".join(lines)


def _ratios(base: FloatArray, head: FloatArray, statistic: str) -> FloatArray:
    """``paired.round_log_ratios`` for every job at once (the same values: checked on the first job)."""
    if statistic == "median":
        ratios: FloatArray = np.median(head, axis=2) - np.median(base, axis=2)
    else:
        ratios = np.median(head[..., :, None] - base[..., None, :], axis=(-2, -1))
    assert np.array_equal(ratios[0], paired.round_log_ratios(list(base[0]), list(head[0]), statistic))  # type: ignore[arg-type]
    return ratios


def confirm_table(rng: np.random.Generator, jobs: int) -> str:
    looks = sequential.schedule(10, 30)
    designs = {
        "no confirmation (10 rounds)": ((10,), (ALPHA,)),
        "until red": (looks, (ALPHA,) * len(looks)),
        "O'Brien-Fleming-type": (looks, sequential.plan(looks, ALPHA, "obrien-fleming").thresholds),
        "Pocock-type": (looks, sequential.plan(looks, ALPHA, "pocock").thresholds),
    }
    head = "| runner | rule | A/A failed | +2 % (= δ) failed | +3 % | +5 % | +10 % | rounds (A/A, δ, +3, +5, +10 %) |"
    lines = [head, "|---|---|---|---|---|---|---|---|"]
    for label, runner in (("shared", SHARED), ("noisy", NOISY)):
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in designs}
        for effect in (0.0, *EFFECTS):
            d = _ratios(*rounds_of(rng, runner, jobs, looks[-1], effect), "hodges-lehmann")
            for name, (lk, thresholds) in designs.items():
                outcomes = [_confirm(row, lk, thresholds) for row in d]
                results[name].append(
                    (float(np.mean([o[0] for o in outcomes])), float(np.mean([o[1] for o in outcomes])))
                )
        for name, cells in results.items():
            rates = " | ".join(f"{rate:.1%}" for rate, _ in cells)
            rounds = ", ".join(f"{n:.1f}" for _, n in cells)
            lines.append(f"| {label} | {name} | {rates} | {rounds} |")
    return "\n".join(lines)


def _confirm(d: FloatArray, looks: tuple[int, ...], thresholds: tuple[float, ...]) -> tuple[bool, int]:
    for look, rounds in enumerate(looks):
        test = paired.paired_test(d[:rounds], MARGIN)
        step = sequential.next_step(test.p_worse, test.estimate, MARGIN, look, thresholds)
        if step is not sequential.Step.CONTINUE:
            return step is sequential.Step.REGRESSION, rounds
    raise AssertionError("the last look always stops")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000, help="simulated jobs per cell (default 1000)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    print(f"δ = {DELTA:.0%}, alpha = {ALPHA}, {args.jobs} jobs a cell, seed {args.seed}\n")
    for title, build in (
        ("1. the test", tests_table),
        ("2. small alpha, symmetric noise", small_alpha_table),
        ("3. the rounds' order and the round value (20 rounds)", order_table),
        ("4. confirmation", confirm_table),
    ):
        print(f"{title}\n\n{build(rng, args.jobs)}\n", flush=True)
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()

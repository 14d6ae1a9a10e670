"""Paired rounds: base and head ran side by side in one job, round after round (`perfgate run`,
`compare --paired`). Round r's base and head shared the runner and its neighbours, so the log ratio of their
round values cancels what the machine did to both; the signed-rank test of those ratios against δ decides
(docs/statistics.md, "Interleaved rounds"). Series that cannot be paired (counted rates, exact counts, a series
missing from a round) are judged as the pooled files of one job are.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from perfgate import stats
from perfgate.gate.evaluate import evaluate
from perfgate.gate.policy import COUNTED_RATES, Policy
from perfgate.gate.pooling import Pooled, Side, comparable, normalised_log, pool
from perfgate.gate.report import Report
from perfgate.gate.settings import Settings
from perfgate.gate.tested import Tested
from perfgate.model import SampleKind, Series
from perfgate.stats.paired import paired_test, round_log_ratios


def evaluate_paired(
    base: Side,
    head: Side,
    settings: Settings,
    policy: Policy = Policy(),
    *,
    level: float | None = None,
    sparse: bool = False,
) -> Report:
    """Judge every series of ``head``'s rounds against ``base``'s, round r with round r.

    ``level``: the q at or below which a paired series is a regression, in place of the fdr (a confirming look's
    threshold). ``sparse``: a round in which a series is on neither side is no pair, and the series is still paired
    on the others (confirmation's extra rounds carry only the series in doubt); otherwise it is judged pooled."""
    if len(base.runs) != len(head.runs):
        raise ValueError(f"{len(base.runs)} base rounds and {len(head.runs)} head rounds: rounds come in pairs")
    settings = replace(settings, between_runs=False)  # one job: no run-to-run spread to add
    pooled_base, pooled_head = pool(base), pool(head)
    paired: dict[tuple[str, str], Tested] = {}
    for key, b in pooled_base.items():
        c = pooled_head.get(key)
        rounds = _rounds(base, head, key, sparse)
        if c is None or rounds is None or b.series.metric in COUNTED_RATES or b.series.kind is SampleKind.EXACT:
            continue
        if (tested := _paired(b, c, rounds, settings, policy)) is not None:
            paired[key] = tested
    report = evaluate(base, head, settings, policy, paired, level)
    if not paired:
        note = f"{len(base.runs)} rounds in one job, but no series could be paired: judged as pooled samples"
    else:
        fewest, most = (min(t.pairs for t in paired.values()), max(t.pairs for t in paired.values()))
        counted = (f"{fewest} to {most}" if most > fewest else str(fewest)) if sparse else str(len(base.runs))
        note = f"paired: {counted} interleaved rounds in one job, each round's head/base ratio a pair"
    return replace(report, notes=(note, *report.notes))


def _rounds(base: Side, head: Side, key: tuple[str, str], sparse: bool) -> list[tuple[Series, Series]] | None:
    """The series of ``key`` in each round on both sides, or None when a round lacks it (on one side only, or on
    both when not ``sparse``)."""
    pairs = []
    for b_run, h_run in zip(base.runs, head.runs, strict=True):
        b = next((s for s in b_run if s.key == key), None)
        h = next((s for s in h_run if s.key == key), None)
        if sparse and b is None and h is None:
            continue
        if b is None or h is None or not b.values().size or not h.values().size:
            return None
        if np.any(b.values() <= 0) or np.any(h.values() <= 0):
            return None  # a ratio to zero (a CPU time of 0.0 s) means nothing: the pooled rule says "from 0"
        pairs.append((b, h))
    return pairs or None


def _paired(
    b: Pooled, c: Pooled, rounds: list[tuple[Series, Series]], settings: Settings, policy: Policy
) -> Tested | None:
    """The signed-rank test of the rounds' log ratios; None with too few rounds (the pooled rule then says so)."""
    direction = b.series.direction
    # The within-round Hodges-Lehmann shift: as well calibrated as the medians' ratio, and stronger when a
    # co-tenant's burst slows part of a round (benchmarks/paired_choice.py).
    ratios = round_log_ratios(
        [normalised_log(comparable(s), direction) for s, _ in rounds],
        [normalised_log(comparable(s), direction) for _, s in rounds],
        "hodges-lehmann",
    )
    delta = policy.allowance(b.series.name, settings)
    found = paired_test(ratios, math.log1p(delta), settings.confidence)
    if found.method == "none":
        return None
    test = stats.ShiftTest(found.p_worse, found.p_better, found.method)
    return Tested(b, c, delta, found.interval, test, found.p_worse, None, pairs=found.rounds)

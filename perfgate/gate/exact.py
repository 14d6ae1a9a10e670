"""Values without noise (instruction counts, allocations, B/op): judged as they stand, no test needed."""

from __future__ import annotations

import math

import numpy as np

from perfgate.gate.phrases import format_change, format_percent
from perfgate.gate.policy import Policy
from perfgate.gate.pooling import Pooled, compared
from perfgate.gate.report import Comparison, Verdict
from perfgate.gate.settings import Settings
from perfgate.model import Direction, SampleKind
from perfgate.units import HIGHER_IS_BETTER_UNITS, SECONDS, format_value


def judge(b: Pooled, c: Pooled, settings: Settings, policy: Policy) -> Comparison | None:
    """A count or size whose values do not vary at all on either side (instruction counts, allocations, B/op),
    seen at least twice per side, has no noise to test against: a change beyond the allowance is a regression
    (or an improvement) as it stands, and anything less is no change. None for every other series."""
    if b.series.unit == SECONDS or b.series.unit in HIGHER_IS_BETTER_UNITS:
        return None  # times and rates: a timer's resolution can hide noise, and another runner shifts them
    exact = b.series.kind is SampleKind.EXACT and c.series.kind is SampleKind.EXACT
    fewest = 1 if exact else 2  # a tool that counts without noise needs no second run to show it
    if b.values.size < fewest or c.values.size < fewest or np.ptp(b.values) != 0 or np.ptp(c.values) != 0:
        return None
    before, after = float(b.values[0]), float(c.values[0])
    delta = policy.allowance(b.series.name, settings)
    unit, direction = b.series.unit, b.series.direction
    shown = f"{format_value(before, unit)} → {format_value(after, unit)} in every run"
    n = f"n = {b.values.size} + {c.values.size}, " + ("counted exactly" if exact else "no variation")
    change: float | None = after / before if before > 0 else None
    worse = (after > before) if direction is Direction.LOWER_IS_BETTER else (after < before)
    if before == after:
        verdict, reason = Verdict.UNCHANGED, f"{shown}: unchanged ({n})"
    elif change is None:
        verdict, reason = Verdict.REGRESSION if worse else Verdict.IMPROVEMENT, f"{shown}: from 0 ({n})"
    else:
        beyond = abs(math.log(change)) > math.log1p(delta)
        what = format_change(change)
        if beyond:
            verdict = Verdict.REGRESSION if worse else Verdict.IMPROVEMENT
            reason = f"{shown} ({what}) is beyond the {format_percent(delta)} allowed: exact values ({n})"
        else:
            verdict, reason = Verdict.UNCHANGED, f"{shown} ({what}) is within the {format_percent(delta)} allowed ({n})"
    return compared(b, c, verdict, reason, change=change, p_value=None, test="deterministic", max_regression=delta)

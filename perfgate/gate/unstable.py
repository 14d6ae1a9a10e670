"""A run the tool itself measured as unstable: when its own confidence interval of a series' median (asv's 99 %
interval) reaches back within the allowance of the baseline, that run does not show the series worse by more
than the allowance, whatever its median says. The regression is held back as a warning (`suspected`) that says
why, never silenced: asv's own rule stays quiet in the same case (it asks both intervals not to overlap).

Seen on pandas' GitHub runners: one run put 22 `time_concat_series` series at 0.138 ms against 0.09, with the
run's own interval [0.088, 0.145] — the next run was back at 0.09 (docs/statistics.md, A run's own uncertainty).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from perfgate.gate.phrases import format_change
from perfgate.gate.pooling import Pooled
from perfgate.gate.report import Comparison, Verdict
from perfgate.model import MEDIAN_INTERVAL_LEVEL, Direction
from perfgate.units import format_value


def hold_back(
    decided: dict[tuple[str, str], Comparison],
    base: Mapping[tuple[str, str], Pooled],
    cand: Mapping[tuple[str, str], Pooled],
) -> None:
    """Turn each regression whose one candidate run's own interval reaches within the allowance into a warning,
    in place."""
    for key, comparison in decided.items():
        b, c = base.get(key), cand.get(key)
        if comparison.verdict is not Verdict.REGRESSION or b is None or c is None or c.run_medians.size != 1:
            continue
        low, high = c.summary.median_low, c.summary.median_high
        if low is None or high is None or not b.run_medians.size or not np.all(b.run_medians > 0):
            continue
        level = math.exp(float(np.mean(np.log(b.run_medians))))
        lower = c.series.direction is Direction.LOWER_IS_BETTER
        nearest = low if lower else high
        if nearest <= 0:
            continue
        reaches = nearest / level if lower else level / nearest  # > 1 is worse
        allowed = comparison.max_regression if comparison.max_regression is not None else 0.0
        if reaches > 1 + allowed:
            continue
        unit = c.series.unit
        own = f"[{format_value(low, unit)}, {format_value(high, unit)}]"
        decided[key] = replace(
            comparison,
            verdict=Verdict.SUSPECTED,
            reason=(
                f"{comparison.reason}; but this run's own {MEDIAN_INTERVAL_LEVEL:.0%} interval of its median {own} "
                f"reaches {format_change(reaches if lower else 1 / reaches)} against the baseline, within the "
                "allowance: an unstable run, not a clear regression — run it again, or confirm with `perfgate run`"
            ),
        )

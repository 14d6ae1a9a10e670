"""Pure statistics on float arrays: shift estimates, rank tests, bounds, noise between runs. Knows nothing of
benchmarks.

Callers pass log-transformed, direction-normalised samples, so a shift is a log-ratio and a positive
shift always means "worse". scipy is imported lazily, inside the functions that need it: ``perfgate --help``
should not pay for it; and what a file-against-file comparison needs comes from ``scipy.special`` (a tenth of
the import time of ``scipy.stats``), checked equal to ``scipy.stats`` by tests/stats/.

One module per topic; the names every caller uses are re-exported here (``stats.hodges_lehmann``). Confirming
with more rounds keeps its own namespace: ``stats.sequential.plan``, ``stats.sequential.next_step``.
"""

from perfgate.stats import paired, sequential
from perfgate.stats.bounds import Bounds, binomial_quantile, mean_bounds, proportion_bounds, quantile_bounds
from perfgate.stats.common import MAD_TO_SD, CommonShift, common_shift
from perfgate.stats.fdr import benjamini_hochberg
from perfgate.stats.paired import PairedTest, paired_test, round_log_ratios, rounds_needed
from perfgate.stats.pairwise import pairwise_order_statistics
from perfgate.stats.power import runs_to_detect, samples_needed, samples_to_detect
from perfgate.stats.ranks import SEED, rank_average
from perfgate.stats.rates import rate_increase_p, rate_ratio_p, rate_run_variance
from perfgate.stats.runs import OwnVariances, RunNoise, between_run_p, moderated_variance
from perfgate.stats.shift import (
    EXACT_MAX_N,
    MAX_PAIRS,
    PERMUTATIONS,
    ShiftInterval,
    ShiftTest,
    TestMethod,
    hodges_lehmann,
    mann_whitney_normal,
    shift_test,
)
from perfgate.stats.trends import (
    MIN_TREND_WINDOWS,
    Trend,
    WindowTrend,
    level_change_p,
    monotonic_trend,
    window_trend,
)

__all__ = [
    "EXACT_MAX_N",
    "MAD_TO_SD",
    "MAX_PAIRS",
    "MIN_TREND_WINDOWS",
    "PERMUTATIONS",
    "SEED",
    "Bounds",
    "CommonShift",
    "OwnVariances",
    "PairedTest",
    "RunNoise",
    "ShiftInterval",
    "ShiftTest",
    "TestMethod",
    "Trend",
    "WindowTrend",
    "benjamini_hochberg",
    "between_run_p",
    "binomial_quantile",
    "common_shift",
    "hodges_lehmann",
    "level_change_p",
    "mann_whitney_normal",
    "mean_bounds",
    "moderated_variance",
    "monotonic_trend",
    "paired",
    "paired_test",
    "pairwise_order_statistics",
    "proportion_bounds",
    "quantile_bounds",
    "rank_average",
    "rate_increase_p",
    "rate_ratio_p",
    "rate_run_variance",
    "round_log_ratios",
    "rounds_needed",
    "runs_to_detect",
    "samples_needed",
    "samples_to_detect",
    "sequential",
    "shift_test",
    "window_trend",
]

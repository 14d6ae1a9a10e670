"""Pure statistics on float arrays: shift estimates and rank tests. Knows nothing of benchmarks.

Callers pass log-transformed, direction-normalised samples, so a shift is a log-ratio and a positive
shift always means "worse". scipy is imported lazily: ``perfgate --help`` should not pay for it; and what a
file-against-file comparison needs comes from ``scipy.special`` (a tenth of the import time of
``scipy.stats``), checked equal to ``scipy.stats`` by tests/test_stats.py.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from perfgate.model import FloatArray

# Above this many pairwise differences, HL and its interval use evenly spaced quantiles of each side;
# the rank test still sees every sample.
MAX_PAIRS = 4_000_000
# Exact p-values for small untied samples, seeded permutations for small tied ones, normal beyond
# (at 50 per side the tie-corrected normal approximation is accurate to well under 0.01 in p).
EXACT_MAX_N = 50
PERMUTATIONS = 9_999
SEED = 20_261_123

TestMethod = Literal["exact", "permutation", "normal", "run-medians", "counts", "deterministic"]


@dataclass(frozen=True)
class ShiftInterval:
    """Hodges-Lehmann shift of y relative to x with a distribution-free confidence interval."""

    estimate: float
    low: float
    high: float
    confidence: float


@dataclass(frozen=True)
class ShiftTest:
    """One-sided rank tests of "y exceeds x by more than margin" and "y falls below x by more than margin"."""

    p_greater: float
    p_less: float
    method: TestMethod


def hodges_lehmann(x: FloatArray, y: FloatArray, confidence: float = 0.90) -> ShiftInterval:
    """Median of all pairwise differences y_j - x_i, with the interval from inverting Mann-Whitney.

    The interval's ends are order statistics of the differences; with too few samples for the level
    they are infinite, which callers must read as "no interval".
    """
    x, y = _thin(x), _thin(y)
    n, m = x.size, y.size
    size = n * m
    middle = ((size - 1) // 2, size // 2)  # the median: the mean of these two order statistics
    k = _interval_rank(n, m, confidence)
    ends = [k - 1, size - k] if k >= 1 else []
    found = pairwise_order_statistics(x, y, sorted({*middle, *ends}))
    estimate = float((found[middle[0]] + found[middle[1]]) / 2)
    if not ends:
        return ShiftInterval(estimate, -math.inf, math.inf, confidence)
    return ShiftInterval(estimate, float(found[ends[0]]), float(found[ends[1]]), confidence)


def pairwise_order_statistics(x: FloatArray, y: FloatArray, ranks: list[int]) -> dict[int, np.float64]:
    """The order statistics of given 0-based ranks among all differences y_j - x_i, as float64 computes them.

    Few pairs: all differences, partitioned (linear time). Many: without forming them all. With x and y sorted,
    each x_i's differences are sorted too (rounding keeps order), so how many fall below a value is one binary
    search per x_i; values sampled from the differences still in play bracket the ranks sought, which leaves
    about a tenth of them a round, until few enough remain to form and partition. Either way the same values,
    bit for bit (tested).
    """
    if x.size * y.size <= _FORM_PAIRS or not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        diffs = np.subtract.outer(y, x).ravel()
        # In place: the differences are this function's own, and a copy of a million of them costs as much.
        diffs.partition(ranks)
        return {r: diffs[r] for r in ranks}
    x, y = np.sort(x), np.sort(y)
    groups: list[list[int]] = []  # ranks close together (the middle two) share the work
    for rank in sorted(ranks):
        if groups and rank - groups[-1][0] <= _FORM_PAIRS // 2:
            groups[-1].append(rank)
        else:
            groups.append([rank])
    return {rank: value for group in groups for rank, value in _SortedPairs(x, y).select(group).items()}


_FORM_PAIRS = 1 << 16  # differences formed and partitioned at once, below which selection costs more
_SAMPLE = 1024  # differences sampled per round to bracket the ranks sought


class _SortedPairs:
    """The differences y_j - x_i of sorted x and y, those still in play per x_i from low[i] to high[i]."""

    def __init__(self, x: FloatArray, y: FloatArray) -> None:
        self.x, self.y = x, y
        self.low = np.zeros(x.size, dtype=np.intp)  # differences before it in each row are below the ranks sought
        self.high = np.full(x.size, y.size, dtype=np.intp)  # those from it on are above them
        self.rng = np.random.default_rng(SEED)

    def select(self, ranks: list[int]) -> dict[int, np.float64]:
        first, last = ranks[0], ranks[-1]
        while (left := int((self.high - self.low).sum())) > _FORM_PAIRS:
            below = int(self.low.sum())
            sample = np.sort(self._sample(left))
            spread = 3 * math.sqrt(_SAMPLE)  # three standard deviations of a sample rank, at most
            low_value = sample[max(0, math.floor((first - below) / left * _SAMPLE - spread))]
            high_value = sample[min(_SAMPLE - 1, math.ceil((last - below) / left * _SAMPLE + spread))]
            under = self._counts(low_value, strict=True)
            if int(under.sum()) <= first:
                self.low = np.maximum(self.low, under)
            at_most = self._counts(high_value, strict=False)
            if int(at_most.sum()) > last:
                self.high = np.minimum(self.high, at_most)
            if int((self.high - self.low).sum()) == left:  # no progress: the rest are ties
                break
        width = self.high - self.low
        starts = np.cumsum(width) - width
        rows = np.repeat(np.arange(self.x.size), width)
        columns = np.arange(int(width.sum())) - np.repeat(starts - self.low, width)
        rest = self.y[columns] - self.x[rows]
        below = int(self.low.sum())
        rest.partition([r - below for r in ranks])
        return {r: rest[r - below] for r in ranks}

    def _sample(self, left: int) -> FloatArray:
        width = self.high - self.low
        ends = np.cumsum(width)
        picks = self.rng.integers(left, size=_SAMPLE)
        rows = np.searchsorted(ends, picks, side="right")
        columns = self.low[rows] + picks - (ends[rows] - width[rows])
        sample: FloatArray = self.y[columns] - self.x[rows]
        return sample

    def _counts(self, value: np.float64, strict: bool) -> npt.NDArray[np.intp]:
        """Per x_i, how many y_j have y_j - x_i (as computed) below ``value``, or at most ``value``."""
        x, y = self.x, self.y

        def holds(j: npt.NDArray[np.intp], rows: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
            d = y[j] - x[rows]
            holding: npt.NDArray[np.bool_] = d < value if strict else d <= value
            return holding

        # y_j <= x_i + value is the same test but for rounding: right nearly always; checked at its boundary.
        counts: npt.NDArray[np.intp] = np.searchsorted(y, x + value, side="left" if strict else "right")
        rows = np.arange(x.size)
        before = counts > 0
        wrong = np.zeros(x.size, dtype=np.bool_)
        wrong[before] = ~holds(counts[before] - 1, rows[before])
        after = counts < y.size
        wrong[after] |= holds(counts[after], rows[after])
        if bool(wrong.any()):  # a binary search of their own for those rows
            rows = np.flatnonzero(wrong)
            low, high = np.zeros(rows.size, dtype=np.intp), np.full(rows.size, y.size, dtype=np.intp)
            while bool((open_ := low < high).any()):
                middle = (low + high) // 2
                inside = holds(np.minimum(middle, y.size - 1), rows)
                low = np.where(open_ & inside, middle + 1, low)
                high = np.where(open_ & ~inside, middle, high)
            counts[rows] = low
        return counts


def _interval_rank(n: int, m: int, confidence: float) -> int:
    """The k for which [D(k), D(nm+1-k)] covers the shift with the requested confidence."""
    from scipy import special

    alpha = 1.0 - confidence
    if n * m <= 400:
        # Exact null distribution of U: the largest k with P(U <= k - 1) <= alpha / 2.
        counts = _u_null_counts(n, m)
        cdf = np.cumsum(counts) / counts.sum()
        return int(np.searchsorted(cdf, alpha / 2, side="right"))
    z = float(special.ndtri(1 - alpha / 2))
    return math.floor(n * m / 2 - z * math.sqrt(n * m * (n + m + 1) / 12))


@functools.lru_cache(maxsize=256)
def _u_null_counts(n: int, m: int) -> FloatArray:
    """Number of arrangements giving each value of U = 0..nm (no ties), by the standard recurrence."""
    # table[i][j] holds the counts for sample sizes (i, j); built up with polynomial shifts.
    table: dict[tuple[int, int], FloatArray] = {}
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 or j == 0:
                table[(i, j)] = np.ones(1)
                continue
            a = np.zeros(i * j + 1)
            prev_i = table[(i - 1, j)]  # last element from x: contributes j to U
            prev_j = table[(i, j - 1)]
            a[j : j + prev_i.size] += prev_i
            a[: prev_j.size] += prev_j
            table[(i, j)] = a
    return table[(n, m)]


def shift_test(x: FloatArray, y: FloatArray, margin: float) -> ShiftTest:
    """Mann-Whitney p-values for H1: shift > margin and H1: shift < -margin.

    Exact for small untied samples, seeded permutations for small tied ones (quantised timers),
    scipy's tie-corrected normal approximation otherwise. The exact and permutation paths reuse a cached
    null distribution and permutation matrix, so thousands of small series stay fast.
    """
    method = _test_method(x, y, margin)
    if method == "normal":
        return ShiftTest(mann_whitney_normal(x, y - margin), mann_whitney_normal(-x, -(y + margin)), method)
    if method == "exact":
        return ShiftTest(_exact_sf(x, y - margin), _exact_sf(-x, -(y + margin)), method)
    return ShiftTest(_permutation_sf(x, y - margin), _permutation_sf(-x, -(y + margin)), method)


def mann_whitney_normal(x: FloatArray, y: FloatArray) -> float:
    """One-sided p of "y tends to be larger than x": the tie-corrected normal approximation with continuity
    correction (what ``scipy.stats.mannwhitneyu(y, x, alternative="greater", method="asymptotic")`` gives)."""
    from scipy import special

    n, m = y.size, x.size
    ranks, ties = _ranks_and_ties(np.concatenate([y, x]))
    u = float(ranks[:n].sum()) - n * (n + 1) / 2
    total = n + m
    tie_term = float(np.sum(ties.astype(np.float64) ** 3 - ties)) / (total * (total - 1))
    variance = n * m / 12 * ((total + 1) - tie_term)
    if variance <= 0:
        return 1.0
    z = (u - n * m / 2 - 0.5) / math.sqrt(variance)
    return float(special.ndtr(-z))


def rank_average(values: FloatArray) -> FloatArray:
    """Ranks from 1, ties given the mean of their ranks (``scipy.stats.rankdata``'s default)."""
    return _ranks_and_ties(values)[0]


def _ranks_and_ties(values: FloatArray) -> tuple[FloatArray, npt.NDArray[np.intp]]:
    """Average ranks, and the size of every group of equal values (one sort for both)."""
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    ends = np.concatenate([starts[1:], [values.size]])
    mean_rank = (starts + ends + 1) / 2.0  # ranks starts+1 .. ends, averaged
    ranks = np.empty(values.size, dtype=np.float64)
    ranks[order] = np.repeat(mean_rank, ends - starts)
    return ranks, ends - starts


def _test_method(x: FloatArray, y: FloatArray, margin: float) -> TestMethod:
    largest = max(x.size, y.size)
    if largest > EXACT_MAX_N:
        return "normal"
    expected = x.size + y.size
    tied = any(np.unique(np.concatenate([x, y + shift])).size < expected for shift in (-margin, margin))
    return "permutation" if tied else "exact"


def _exact_sf(x: FloatArray, y: FloatArray) -> float:
    """P(U >= observed) under the null, for U = #pairs with y > x (untied samples)."""
    u = int(np.searchsorted(np.sort(x), y, side="left").sum())
    counts = _u_null_counts(x.size, y.size)
    return min(1.0, float(counts[u:].sum() / counts.sum()))  # summation order can overshoot 1 by an ulp


def _permutation_sf(x: FloatArray, y: FloatArray) -> float:
    """Permutation p-value of the rank sum of y (mid-ranks for ties), with a fixed seed."""
    ranks = rank_average(np.concatenate([x, y]))
    observed = ranks[x.size :].sum()
    sums = ranks[_permutations(x.size + y.size, y.size)].sum(axis=1)
    # The observed arrangement counts as one of the permutations: p is never 0.
    return float((1 + np.count_nonzero(sums >= observed - 1e-9)) / (PERMUTATIONS + 1))


@functools.lru_cache(maxsize=64)
def _permutations(total: int, chosen: int) -> npt.NDArray[np.intp]:
    """PERMUTATIONS random draws of ``chosen`` positions out of ``total``, the same for every call."""
    rng = np.random.default_rng(SEED)
    matrix = rng.permuted(np.tile(np.arange(total), (PERMUTATIONS, 1)), axis=1)[:, :chosen]
    matrix.setflags(write=False)
    return matrix


def benjamini_hochberg(p_values: list[float]) -> list[float]:
    """BH-adjusted p-values (q-values), in the order given."""
    if not p_values:
        return []
    p = np.asarray(p_values, dtype=np.float64)
    order = np.argsort(p)
    scaled = p[order] * p.size / np.arange(1, p.size + 1)
    q = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    out = np.empty_like(q)
    out[order] = q
    return [float(v) for v in out]


def _thin(values: FloatArray) -> FloatArray:
    limit = int(math.sqrt(MAX_PAIRS))
    if values.size <= limit:
        return values
    return np.quantile(values, np.linspace(0.0, 1.0, limit))


@dataclass(frozen=True)
class Bounds:
    """A point estimate with one-sided bounds at the same level; an unknown bound is infinite."""

    estimate: float
    lower: float
    upper: float


def quantile_bounds(values: FloatArray, quantile: float, level: float = 0.95) -> Bounds:
    """Distribution-free one-sided bounds for a quantile, from order statistics (binomial counts)."""
    ordered = np.sort(values)
    n = ordered.size
    estimate = float(np.quantile(ordered, quantile))
    # Upper: the smallest order statistic x(k) with P(Binomial(n, q) <= k - 1) >= level.
    k_upper = binomial_quantile(level, n, quantile) + 1
    # Lower: the largest x(j) with P(Binomial(n, q) >= j) >= level.
    j_lower = binomial_quantile(1 - level, n, quantile)
    upper = float(ordered[k_upper - 1]) if 1 <= k_upper <= n else math.inf
    lower = float(ordered[j_lower - 1]) if 1 <= j_lower <= n else -math.inf
    return Bounds(estimate, min(lower, estimate), max(upper, estimate))


def binomial_quantile(level: float, n: int, p: float) -> int:
    """The smallest k with P(Binomial(n, p) <= k) >= level (``scipy.stats.binom.ppf``)."""
    from scipy import special

    cdf = special.bdtr(np.arange(n + 1), n, p)
    # A relative tolerance as scipy's ppf uses, so a cdf a rounding error below the level still counts.
    return min(int(np.searchsorted(cdf, level * (1 - 1e-10), side="left")), n)


def mean_bounds(values: FloatArray, level: float = 0.95) -> Bounds:
    """Student-t one-sided bounds for the mean (the samples are themselves averages, so nearly normal)."""
    from scipy import special

    mean = float(np.mean(values))
    if values.size < 2:
        return Bounds(mean, -math.inf, math.inf)
    half = float(special.stdtrit(values.size - 1, level)) * float(np.std(values, ddof=1)) / math.sqrt(values.size)
    return Bounds(mean, mean - half, mean + half)


def proportion_bounds(events: int, trials: int, level: float = 0.95) -> Bounds:
    """Clopper-Pearson one-sided bounds for a rate such as errors / requests."""
    from scipy import special

    rate = events / trials
    lower = float(special.betaincinv(events, trials - events + 1, 1 - level)) if events > 0 else 0.0
    upper = float(special.betaincinv(events + 1, trials - events, level)) if events < trials else 1.0
    return Bounds(rate, lower, upper)


@dataclass(frozen=True)
class RunNoise:
    """The test of a change against the spread of per-run medians (log space)."""

    p: float  # of "worse by more than the margin"
    spread: float  # the run-to-run standard deviation used: the prior combined with the observed runs
    runs: int  # baseline runs observed
    estimate: float  # mean candidate run median minus mean baseline run median
    se: float  # standard error of the estimate
    df: float  # degrees of freedom of the t distribution

    def interval(self, confidence: float) -> ShiftInterval:
        from scipy import special

        half = float(special.stdtrit(self.df, (1 + confidence) / 2)) * self.se
        return ShiftInterval(self.estimate, self.estimate - half, self.estimate + half, confidence)

    def p_better(self, margin: float) -> float:
        """p-value of "better by more than margin" (the mirror of ``p``)."""
        from scipy import special

        return float(special.stdtr(self.df, (self.estimate + margin) / self.se))


def between_run_p(
    base_medians: FloatArray, candidate_medians: FloatArray, margin: float, prior: float, prior_runs: float
) -> RunNoise | None:
    """p-value of "worse by more than margin" against the run-to-run spread τ of the baseline.

    A one-sided t-test on run medians whose variance combines a prior (``prior``: the spread between CI runs
    that is assumed before any is seen, worth w = ``prior_runs`` runs) with the spread the baseline's runs show
    (the conjugate, "moderated" estimate: (w·τ0² + (k-1)·s²) / (w + k - 1) with w + k - 1 degrees of
    freedom). So one recorded run is enough to test, the uncertainty shrinks as history grows, and it never
    vanishes: identical run medians do not make a zero spread. None when there is nothing to test.
    """
    from scipy import special

    k, m = base_medians.size, candidate_medians.size
    if k == 0 or m == 0:
        return None
    variance, df = moderated_variance(base_medians, prior, prior_runs)
    if df <= 0 or variance <= 0.0:
        return None
    spread = math.sqrt(variance)
    se = spread * math.sqrt(1 / k + 1 / m)
    estimate = float(np.mean(candidate_medians)) - float(np.mean(base_medians))
    return RunNoise(float(special.stdtr(df, -(estimate - margin) / se)), spread, k, estimate, se, df)


def rate_increase_p(
    bad_base: int, n_base: int, bad_cand: int, n_cand: int, margin: float, run_variance: float = 0.0
) -> float:
    """One-sided p-value of "the candidate's rate of bad outcomes exceeds the baseline's by more than margin".

    Counts of failed requests (or checks) out of all. With a margin, the Farrington-Manning score test: the
    variance is taken at the restricted maximum-likelihood rates on the boundary p_c = p_b + margin, so it stays
    valid when a side has no errors at all. ``run_variance`` adds how much the rate itself varies between runs
    of the same code (errors come in bursts). With neither (the baseline had no errors: any rate that is not
    chance fails), Fisher's exact test.
    """
    from scipy import optimize
    from scipy import stats as sps

    if n_base <= 0 or n_cand <= 0 or margin >= 1.0:
        return 1.0
    if margin <= 0 and run_variance <= 0:
        table = [[bad_cand, n_cand - bad_cand], [bad_base, n_base - bad_base]]
        return float(sps.fisher_exact(table, alternative="greater").pvalue)
    margin = max(margin, 0.0)
    eps = 1e-12

    def negative_log_likelihood(pb: float) -> float:
        pc = pb + margin
        return -(
            bad_base * math.log(max(pb, eps))
            + (n_base - bad_base) * math.log(max(1 - pb, eps))
            + bad_cand * math.log(max(pc, eps))
            + (n_cand - bad_cand) * math.log(max(1 - pc, eps))
        )

    pb = float(optimize.minimize_scalar(negative_log_likelihood, bounds=(0.0, 1.0 - margin), method="bounded").x)
    pc = pb + margin
    variance = pb * (1 - pb) / n_base + pc * (1 - pc) / n_cand + run_variance
    difference = bad_cand / n_cand - bad_base / n_base - margin
    if variance <= 0:
        return 0.0 if difference > 0 else 1.0
    return float(sps.norm.sf(difference / math.sqrt(variance)))


def moderated_variance(values: FloatArray | list[float], prior: float, prior_runs: float) -> tuple[float, float]:
    """The variance between runs and its degrees of freedom: a prior standard deviation ``prior`` worth
    ``prior_runs`` runs, combined with the spread of the runs seen, (w·prior² + (k-1)·s²) / (w + k - 1)."""
    k = len(values)
    observed = float(np.var(values, ddof=1)) if k >= 2 else 0.0
    df = prior_runs + k - 1
    return ((prior_runs * prior**2 + (k - 1) * observed) / df if df > 0 else 0.0), df


def rate_run_variance(run_rates: list[float], prior: float, prior_runs: float) -> float:
    """Variance of one run's rate around the true rate: a prior of ``prior`` times the mean rate, moderated with
    the spread of the baseline runs' rates, as for run medians."""
    if not run_rates:
        return 0.0
    return moderated_variance(run_rates, prior * sum(run_rates) / len(run_rates), prior_runs)[0]


MIN_TREND_WINDOWS = 8  # fewer windows say too little about a trend within a run


@dataclass(frozen=True)
class WindowTrend:
    """A straight-line trend through values in time order (one per window of a run)."""

    slope: float  # Theil-Sen estimate, per window
    p: float  # one-sided p-value of "the slope exceeds the margin per window"
    windows: int
    autocorrelation: float  # lag-1, of the residuals: neighbouring windows are not independent

    @property
    def total(self) -> float:
        """The change from the first window to the last along the fitted line."""
        return self.slope * (self.windows - 1)


def window_trend(values: FloatArray, margin: float) -> WindowTrend | None:
    """Whether values rise by more than ``margin`` from the first window to the last: a Mann-Kendall test of
    the values minus the allowed line, with the variance inflated for lag-1 autocorrelation (windows of a
    load test are correlated: a queue that builds up takes some windows to drain). None below
    MIN_TREND_WINDOWS windows."""
    from scipy import stats

    n = values.size
    if n < MIN_TREND_WINDOWS:
        return None
    x = np.arange(n, dtype=np.float64)
    fit = stats.theilslopes(values, x)
    residuals = values - (fit.intercept + fit.slope * x)
    rho = 0.0
    if float(np.std(residuals[:-1])) > 0 and float(np.std(residuals[1:])) > 0:
        rho = float(np.corrcoef(residuals[:-1], residuals[1:])[0, 1])
        rho = min(max(rho if math.isfinite(rho) else 0.0, 0.0), 0.9)
    allowed_per_window = margin / (n - 1)
    kendall = stats.kendalltau(x, values - allowed_per_window * x, alternative="greater", method="asymptotic")
    p = float(kendall.pvalue)
    if not math.isfinite(p):
        return WindowTrend(float(fit.slope), 1.0, n, rho)
    z = float(stats.norm.isf(p)) / math.sqrt((1 + rho) / (1 - rho))
    return WindowTrend(float(fit.slope), float(stats.norm.sf(z)), n, rho)


def samples_needed(fdr: float, series: int) -> int:
    """The fewest samples per side for which an exact one-sided rank test can reach p <= fdr / series.

    With n samples per side the smallest p-value possible is 1 / C(2n, n); below this n no difference, however
    large, can pass Benjamini-Hochberg for one regression among ``series``.
    """
    threshold = fdr / max(series, 1)
    n = 1
    while 1 / math.comb(2 * n, n) > threshold:
        n += 1
    return n


def level_change_p(left: FloatArray, right: FloatArray) -> float:
    """Two-sided p-value of Student's t-test (pooled variance) that two segments have the same mean.

    Pooled, not Welch: a short segment's own variance is too unstable to choose split points by. Two
    constant segments give 0 when their values differ and 1 when they do not (quantised timers make such
    segments, and scipy would answer NaN).
    """
    from scipy import special  # Student's t tail directly: the same number as scipy.stats.t.sf, without its import

    n, m = left.size, right.size
    diff = float(np.mean(right)) - float(np.mean(left))
    pooled = (float(np.sum((left - left.mean()) ** 2)) + float(np.sum((right - right.mean()) ** 2))) / max(n + m - 2, 1)
    if pooled == 0.0:
        return 0.0 if diff != 0.0 else 1.0
    t = abs(diff) / math.sqrt(pooled * (1 / n + 1 / m))
    return float(2 * special.stdtr(n + m - 2, -t))


@dataclass(frozen=True)
class Trend:
    """A monotonic trend: Theil-Sen slope per step and the two-sided p-value of Kendall's tau."""

    slope: float
    p_value: float


def monotonic_trend(values: FloatArray) -> Trend:
    """Theil-Sen slope of ``values`` against their position, and Kendall's test that there is no trend."""
    from scipy import stats

    positions = np.arange(values.size, dtype=np.float64)
    if values.size < 3 or float(np.ptp(values)) == 0.0:
        return Trend(0.0, 1.0)
    slope = float(stats.theilslopes(values, positions).slope)
    p = float(stats.kendalltau(positions, values).pvalue)
    return Trend(slope, p if math.isfinite(p) else 1.0)


# The rank test's efficiency relative to the t-test on normal data (3/π): it needs ~5 % more samples.
_RANK_EFFICIENCY = 3 / math.pi


def samples_to_detect(spread: float, shift: float, *, alpha: float = 0.05, power: float = 0.8) -> int:
    """Samples per side for a one-sided rank test to see a shift with the given power.

    ``spread`` and ``shift`` are on the log scale (a coefficient of variation and a log-ratio).
    """
    from scipy import stats

    z = float(stats.norm.ppf(1 - alpha)) + float(stats.norm.ppf(power))
    return max(2, math.ceil(2 * (z * spread / shift) ** 2 / _RANK_EFFICIENCY))


def runs_to_detect(
    spread: float, shift: float, *, alpha: float = 0.05, power: float = 0.8, most: int = 100
) -> int | None:
    """Baseline runs for the run-to-run t-test to see a shift, given the spread τ of run medians.

    None when even ``most`` runs are not enough: the candidate's own run varies by τ, which no number of
    baseline runs averages away.
    """
    from scipy import stats

    for runs in range(2, most + 1):
        t = float(stats.t.ppf(1 - alpha, runs - 1)) + float(stats.t.ppf(power, runs - 1))
        if t * spread * math.sqrt(1 + 1 / runs) <= shift:
            return runs
    return None

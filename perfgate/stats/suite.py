"""One noise model for a whole suite: how much each series' run medians move between runs of the same code,
learned from a window of recent runs of every series at once (docs/statistics.md, One noise model per suite).

The window is a matrix of log run medians, runs by series (NaN where a series is missing from a run), on the
normalised scale (+ is worse). It is modelled as

    y[r, s] = level[s] + shift[r] + loadings[:, s] · scores[r] + e[r, s]

- ``shift[r]``: what all series of a run share (a slower runner), the median of the run's deviations;
- ``loadings · scores``: groups of series that move together on some runners while the rest stays put (seen on
  pandas' GitHub runners: ~50 series +20 to +95 % at once). The loadings are the leading components of the
  window's run-to-run *differences* — a real step is then one outlier difference, not a component — and a
  run's scores come from a robust (Huber) regression across all series, so the few series a code change moved
  barely move them;
- ``e``: each series' own noise. Its scale comes from the median absolute run-to-run difference (robust to the
  few very slow runs), shrunk towards the suite's with limma's empirical Bayes prior (Smyth 2004: the prior's
  variance and degrees of freedom fitted on all series' variances), and its tails are Student's t with the
  degrees of freedom fitted on the suite's standardised differences: heavy tails are measured, not assumed away.

Pure arrays in, arrays out; knows nothing of benchmarks.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from perfgate.model import FloatArray
from perfgate.stats.common import MAD_TO_SD
from perfgate.stats.runs import shrunk, unexplained

MIN_FACTOR_RUNS = 10  # runs in the window before groups of series are looked for
MIN_FACTOR_SERIES = 50  # series: with fewer, a group that moves together is not told from a code change
FACTORS = 2  # components taken out: more began to absorb real steps on the replays (docs/statistics.md)
MIN_PRIOR_SERIES = 10  # series with a scale of their own before the suite's prior is fitted
CLIP = 0.5  # log differences beyond ±0.5 (±65 %) are clipped before the components are found
HUBER = 1.345  # the usual tuning constant: 95 % efficiency under normal errors
MIN_TAIL_DF, MAX_TAIL_DF = 2.5, 30.0  # the fitted tails stay within these (a t with 2.5 df has a variance)
TAIL_VALUES = 4000


@dataclass(frozen=True)
class Fitted:
    """The suite's noise model over one window."""

    level: FloatArray  # per series: the mean of the newest ``level_runs`` cleaned runs (NaN: no value)
    level_runs: FloatArray  # per series: how many runs that mean is of
    scale: FloatArray  # per series: the moderated standard deviation of one run's median around its level
    df: float  # Student's t degrees of freedom for every series' test (the fitted tails, capped by the estimates')
    centre: FloatArray  # per series: the window's median, around which a candidate's scores are regressed
    loadings: FloatArray  # components x series (zero components: none taken out)
    prior_scale: float  # the suite's typical scale (the prior's)
    prior_df: float  # what the prior weighs, in degrees of freedom
    runs: int  # runs in the window

    def cleaned(self, candidate: FloatArray) -> tuple[FloatArray, FloatArray]:
        """A candidate run's log medians with the groups' movement taken out, and what was taken out (per series).
        Its own whole-run shift is left in: the gate estimates and reports that apart."""
        if not self.loadings.size:
            return candidate, np.zeros_like(candidate)
        deviation = candidate - self.centre
        deviation = np.nan_to_num(deviation - np.nanmedian(deviation))  # a series it lacks weighs nothing
        scores = huber_scores(np.clip(deviation, -2 * CLIP, 2 * CLIP)[None, :], self.loadings)[0]
        taken = scores @ self.loadings
        return candidate - taken, taken


def worse_p(estimate: float, margin: float, se: float, df: float) -> float:
    """One-sided p of "worse by more than ``margin``" for an estimate with this standard error, Student's t."""
    from scipy import special

    return float(special.stdtr(df, -(estimate - margin) / se))


def fit(window: FloatArray, level_runs: int, run_variances: FloatArray | None = None) -> Fitted:
    """The model over ``window`` (runs x series, oldest first); the level is the mean of the newest
    ``level_runs`` runs, as the baseline the candidate is compared with. ``run_variances``: each cell's variance by the
    tool's own interval of the run's median (NaN unknown), by which the tails are fitted on each run's own
    uncertainty: a run the tool said was unstable is not taken for a heavy tail."""
    runs, series = window.shape
    shifted = window - np.nan_to_num(_nanmedian(window - _nanmedian(window), axis=1))[:, None]
    centre = _nanmedian(shifted)
    loadings = np.zeros((0, series))
    cleaned = shifted
    if runs >= MIN_FACTOR_RUNS and series >= MIN_FACTOR_SERIES:
        filled = np.where(np.isfinite(shifted), shifted, centre)
        steps = np.clip(np.nan_to_num(np.diff(filled, axis=0)), -CLIP, CLIP)
        loadings = components(steps, FACTORS)
        deviations = np.clip(np.nan_to_num(shifted - centre), -2 * CLIP, 2 * CLIP)
        cleaned = shifted - huber_scores(deviations, loadings) @ loadings
    newest = cleaned[-level_runs:]
    counted = np.sum(np.isfinite(newest), axis=0).astype(float)
    total = np.sum(np.where(np.isfinite(newest), newest, 0.0), axis=0)
    level = np.where(counted > 0, total / np.maximum(counted, 1), np.nan)
    differences = np.diff(cleaned, axis=0)
    present = np.sum(np.isfinite(differences), axis=0)
    with np.errstate(invalid="ignore"):
        own = MAD_TO_SD * _nanmedian(np.abs(differences - _nanmedian(differences))) / math.sqrt(2)
    own = np.where(present >= 2, own, np.nan)
    known = np.isfinite(own) & (own > 0)
    own_df = np.maximum(present - 1, 0).astype(float)
    if known.sum() >= MIN_PRIOR_SERIES:
        prior_variance, prior_df = prior(own[known] ** 2, own_df[known])
    else:
        prior_variance, prior_df = float(np.nanmedian(own[known] ** 2)) if known.any() else math.nan, 0.0
    weight = np.where(known, own_df, 0.0)
    variance = (prior_df * prior_variance + weight * np.nan_to_num(own) ** 2) / np.maximum(prior_df + weight, 1e-12)
    scale = np.sqrt(np.where(prior_df + weight > 0, variance, np.nan))
    # The tails, and how far the scale is off, from the test's own statistic replayed over the window: each run
    # against the mean of the ``level_runs`` before it, as the candidate will be against the baseline.
    k = max(1, min(level_runs, runs - 1))
    cell = (
        cell_variances(scale**2, run_variances)
        if run_variances is not None
        else np.broadcast_to(scale**2, window.shape)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a series absent from k runs in a row: NaN, left out
        replayed = [
            (cleaned[j] - np.nanmean(cleaned[j - k : j], axis=0))
            / np.sqrt(cell[j] + np.mean(cell[j - k : j], axis=0) / k)
            for j in range(k, runs)
        ]
    df, inflation = tail_fit(np.concatenate(replayed) if replayed else np.array([]))
    return Fitted(
        level, counted, scale * max(inflation, 1.0), df, centre, loadings, math.sqrt(prior_variance), prior_df, runs
    )


def cell_variances(variance: FloatArray, own: FloatArray) -> FloatArray:
    """Each cell's variance (runs x series) when each series' run-to-run ``variance`` is split, as the
    between-run test splits it (`stats.runs.OwnVariances.split`), into the runs' own variances — each shrunk
    halfway towards the series' typical one — and the runner's part, at least MIN_BETWEEN_SHARE of it. A series
    with fewer than two runs of known variance keeps ``variance`` in every cell; a cell unknown counts as typical."""
    known = np.sum(np.isfinite(own), axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        typical = np.where(known >= 2, np.nanmean(own, axis=0), np.nan)
    each = shrunk(own, typical)
    return np.where(np.isfinite(each), unexplained(variance, typical) + each, variance)


def _nanmedian(values: FloatArray, axis: int = 0) -> FloatArray:
    """Medians along ``axis`` ignoring NaN (all-NaN lines give NaN, silently)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmedian(values, axis=axis))


def prior(variances: FloatArray, df: FloatArray) -> tuple[float, float]:
    """limma's ``fitFDist``: the prior variance s0² and its degrees of freedom d0 from sample variances with
    their degrees of freedom, by the moments of log variance. d0 is infinite (returned as 1e6) when the
    variances vary no more than sampling alone would make them."""
    from scipy import special

    logs = np.log(variances) - special.digamma(df / 2) + np.log(df / 2)
    mean = float(np.mean(logs))
    excess = float(np.var(logs, ddof=1) - np.mean(special.polygamma(1, df / 2))) if logs.size > 1 else 0.0
    if excess <= 0:
        return math.exp(mean), 1e6
    d0 = 2 * _trigamma_inverse(excess)
    return math.exp(mean + float(special.digamma(d0 / 2)) - math.log(d0 / 2)), d0


def _trigamma_inverse(x: float) -> float:
    """The y with trigamma(y) = x, by Newton's method from limma's start (Smyth 2004, appendix)."""
    from scipy import special

    y = 0.5 + 1 / x
    for _ in range(50):
        tri = float(special.polygamma(1, y))
        step = tri * (1 - tri / x) / float(special.polygamma(2, y))
        y += step
        if -step / y < 1e-8:
            break
    return y


def tail_fit(standardised: FloatArray) -> tuple[float, float]:
    """The Student's t that fits these standardised values best: its degrees of freedom, within
    [MIN_TAIL_DF, MAX_TAIL_DF], and its scale (location 0; for each df on a grid the scale by the EM fixed point,
    then the largest likelihood). At most TAIL_VALUES values are used, evenly spread. Too few values: the
    heaviest tails and scale 1."""
    from scipy import special

    z = standardised[np.isfinite(standardised)]
    if z.size < 30:
        return MIN_TAIL_DF, 1.0
    z = z[:: max(1, z.size // TAIL_VALUES)]
    squares = z * z
    best, found = -math.inf, (MIN_TAIL_DF, 1.0)
    for nu in np.geomspace(MIN_TAIL_DF, MAX_TAIL_DF, 16):
        scale2 = float(np.median(squares)) + 1e-12
        for _ in range(30):
            scale2 = float(np.mean(squares * (nu + 1) / (nu + squares / scale2))) + 1e-12
        ll = z.size * (
            special.gammaln((nu + 1) / 2) - special.gammaln(nu / 2) - 0.5 * math.log(nu * math.pi * scale2)
        ) - (nu + 1) / 2 * float(np.sum(np.log1p(squares / (nu * scale2))))
        if ll > best:
            best, found = ll, (float(nu), math.sqrt(scale2))
    return found


def huber_scores(deviations: FloatArray, loadings: FloatArray, iterations: int = 20) -> FloatArray:
    """Each row's scores on the components (rows x components), by Huber's iteratively reweighted least
    squares across the series, all rows at once: the few series a code change moved get little weight."""
    design = loadings.T  # series x components
    weights = np.ones_like(deviations)
    scores = np.zeros((deviations.shape[0], loadings.shape[0]))
    ridge = 1e-9 * np.eye(loadings.shape[0])
    for _ in range(iterations):
        normal = np.einsum("rs,sf,sg->rfg", weights, design, design) + ridge
        scores = np.linalg.solve(normal, np.einsum("rs,sf,rs->rf", weights, design, deviations)[..., None])[..., 0]
        residual = deviations - scores @ loadings
        spread = MAD_TO_SD * np.median(np.abs(residual), axis=1, keepdims=True) + 1e-12
        size = np.abs(residual) / (HUBER * spread)
        new = np.where(size <= 1, 1.0, 1 / np.maximum(size, 1e-12))
        if np.allclose(new, weights, atol=1e-4):
            break
        weights = new
    return scores


def components(steps: FloatArray, count: int) -> FloatArray:
    """The ``count`` leading right singular vectors of ``steps`` (runs x series), from the eigenvectors of the
    small runs x runs Gram matrix: a window has tens of runs and may have thousands of series."""
    centred = steps - np.median(steps, axis=0)
    values, vectors = np.linalg.eigh(centred @ centred.T)
    order = np.argsort(values)[::-1][:count]
    kept = [i for i in order if values[i] > 1e-12]
    if not kept:
        return np.zeros((0, steps.shape[1]))
    found = vectors[:, kept].T @ centred
    return np.asarray(found / np.linalg.norm(found, axis=1, keepdims=True))

"""Rates of bad outcomes counted over requests (errors, failed checks): more than allowed, beyond chance."""

from __future__ import annotations

import math

from perfgate.stats.runs import moderated_variance


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


def rate_ratio_p(
    bad_base: int, n_base: int, bad_cand: int, n_cand: int, factor: float, run_variance: float = 0.0
) -> float:
    """One-sided p-value of "the candidate's rate of bad outcomes exceeds ``factor`` times the baseline's".

    The score test of `rate_increase_p` on the boundary p_c = factor·p_b (the variance at the restricted
    maximum-likelihood rates, so a side without errors is no trouble). ``run_variance``, how much the baseline's
    rate varies between runs, enters times factor²: bursts are proportional to the rate, and both sides' rates
    stand at factor times the baseline's on the boundary.
    """
    from scipy import optimize
    from scipy import stats as sps

    if n_base <= 0 or n_cand <= 0 or factor <= 0 or not math.isfinite(factor):
        return 1.0
    eps = 1e-12

    def negative_log_likelihood(pb: float) -> float:
        pc = factor * pb
        return -(
            bad_base * math.log(max(pb, eps))
            + (n_base - bad_base) * math.log(max(1 - pb, eps))
            + bad_cand * math.log(max(pc, eps))
            + (n_cand - bad_cand) * math.log(max(1 - pc, eps))
        )

    high = min(1.0, 1.0 / factor)
    pb = float(optimize.minimize_scalar(negative_log_likelihood, bounds=(0.0, high), method="bounded").x)
    pc = factor * pb
    variance = pc * (1 - pc) / n_cand + factor**2 * (pb * (1 - pb) / n_base + run_variance)
    difference = bad_cand / n_cand - factor * bad_base / n_base
    if variance <= 0:
        return 0.0 if difference > 0 else 1.0
    return float(sps.norm.sf(difference / math.sqrt(variance)))


def rate_run_variance(run_rates: list[float], prior: float, prior_runs: float) -> float:
    """Variance of one run's rate around the true rate: a prior of ``prior`` times the mean rate, moderated with
    the spread of the baseline runs' rates, as for run medians."""
    if not run_rates:
        return 0.0
    return moderated_variance(run_rates, prior * sum(run_rates) / len(run_rates), prior_runs)[0]

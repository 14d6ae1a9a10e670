"""Rates of bad outcomes counted over requests (errors, failed checks): more than allowed, beyond chance."""

from __future__ import annotations

import math

from perfgate.stats.runs import moderated_variance


def rate_increase_p(
    bad_base: int,
    n_base: int,
    bad_cand: int,
    n_cand: int,
    margin: float,
    run_variance: float = 0.0,
    run_df: float = math.inf,
) -> float:
    """One-sided p-value of "the candidate's rate of bad outcomes exceeds the baseline's by more than margin".

    Counts of failed requests (or checks) out of all. With a margin, the Farrington-Manning score test: the
    variance is taken at the restricted maximum-likelihood rates on the boundary p_c = p_b + margin, so it stays
    valid when a side has no errors at all. ``run_variance`` adds how much the rate itself varies between runs
    of the same code (errors come in bursts); ``run_df``, the degrees of freedom of that estimate, turns the
    normal tail into Student's t with Welch-Satterthwaite's degrees of freedom (the counts' own variance taken
    as known), so a spread seen in a few bursty runs counts for what it is. With neither (the baseline had no errors: any rate that is not
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
    z = difference / math.sqrt(variance)
    if run_variance > 0 and math.isfinite(run_df):
        return float(sps.t.sf(z, variance**2 / (run_variance**2 / run_df)))
    return float(sps.norm.sf(z))


def rate_run_variance(run_rates: list[float], prior: float, prior_runs: float) -> float:
    """Variance of one run's rate around the true rate: a prior of ``prior`` times the mean rate, moderated with
    the spread of the baseline runs' rates, as for run medians."""
    return rate_run_noise(run_rates, prior, prior_runs)[0]


def rate_run_noise(run_rates: list[float], prior: float, prior_runs: float) -> tuple[float, float]:
    """`rate_run_variance` and its degrees of freedom (the prior's runs and the baseline's, less one)."""
    if not run_rates:
        return 0.0, math.inf
    return moderated_variance(run_rates, prior * sum(run_rates) / len(run_rates), prior_runs)

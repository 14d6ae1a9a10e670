"""The decision rule's knobs, with their defaults: the one place they are written (the config takes its own
defaults from here). Imports nothing, so `perfgate --help` can show the defaults without loading numpy."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """The knobs of the decision rule; every report states them. Their defaults are written here only: the
    config (perfgate.toml's keys) and the digest take theirs from these."""

    max_regression: float = 0.05  # δ, as a fraction
    fdr: float = 0.05  # q for Benjamini-Hochberg
    confidence: float = 0.90  # of the Hodges-Lehmann interval
    min_samples: int = 5
    between_runs: bool = False  # the baseline ran in other jobs: test against its run-to-run spread too
    run_noise: float = 0.05  # the spread between CI runs assumed before history shows it (a fraction)
    max_error_increase: float = 0.01  # error rate increase allowed, in percentage points (a fraction)
    # The error rate may grow by this factor: shown beyond it, it fails even within max_error_increase
    # (0.23 % → 1.73 %); inf switches it off.
    max_error_ratio: float = 2.0

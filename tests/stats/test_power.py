"""perfgate.stats.power: how many samples or runs it takes to see a change."""

from __future__ import annotations

from perfgate import stats


def test_samples_to_detect_follows_the_normal_power_formula() -> None:
    # n = 2 (z_0.95 + z_0.8)^2 (s/d)^2 / (3/pi): s = d gives 2 * 6.18 / 0.955 = 12.95, so 13.
    assert stats.samples_to_detect(0.05, 0.05) == 13
    assert stats.samples_to_detect(0.10, 0.05) == 52
    assert stats.samples_to_detect(0.001, 0.05) == 2


def test_runs_to_detect_grows_with_noise_and_has_a_limit() -> None:
    small, large = stats.runs_to_detect(0.01, 0.05), stats.runs_to_detect(0.018, 0.05)
    assert small is not None and large is not None and small < large
    # The candidate is one run: its own τ cannot be averaged away, so τ near Δ/2.5 needs ever more runs.
    assert stats.runs_to_detect(0.03, 0.05) is None

"""Benjamini-Hochberg, against the textbook and scipy."""

from __future__ import annotations

import numpy as np
import pytest

from perfgate import stats


def test_benjamini_hochberg_matches_the_textbook_example() -> None:
    q = stats.benjamini_hochberg([0.01, 0.04, 0.03, 0.005])
    assert q == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert stats.benjamini_hochberg([]) == []


def test_benjamini_hochberg_equals_scipy() -> None:
    from scipy import stats as sps

    p = np.random.default_rng(1).uniform(0, 0.2, 40) ** 2
    assert stats.benjamini_hochberg(list(p)) == pytest.approx(list(sps.false_discovery_control(p, method="bh")))

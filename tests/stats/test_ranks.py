"""Ranks with ties, equal to scipy.stats.rankdata."""

from __future__ import annotations

import numpy as np
import pytest

from perfgate import stats
from perfgate.stats import ranks


@pytest.mark.parametrize("seed", range(6))
def test_rank_average_equals_scipy(seed: int) -> None:
    from scipy import stats as sps

    rng = np.random.default_rng(seed)
    values = np.round(rng.lognormal(0, 0.3, 140 + seed * 7), 1 + seed % 3)  # rounded: ties, as timers make them
    assert stats.rank_average(values) == pytest.approx(sps.rankdata(values))
    _, ties = ranks.ranks_and_ties(values)
    assert sorted(ties.tolist()) == sorted(np.unique(values, return_counts=True)[1].tolist())

"""The test against the spread between runs, equal to what scipy.stats' t distribution gives."""

from __future__ import annotations

import numpy as np
import pytest

from perfgate import stats


def test_between_run_p_equals_scipy() -> None:
    from scipy import stats as sps

    noise = stats.between_run_p(np.array([0.0, 0.02, -0.01]), np.array([0.08]), 0.05, 0.05, 2.0)
    assert noise is not None
    assert noise.p == pytest.approx(sps.t.sf((noise.estimate - 0.05) / noise.se, noise.df))
    assert noise.p_better(0.05) == pytest.approx(sps.t.cdf((noise.estimate + 0.05) / noise.se, noise.df))

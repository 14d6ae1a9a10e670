"""Bencher Metric Format JSON."""

from __future__ import annotations

import pytest

from ..conftest import DATA
from .reading import one_series


def test_bencher_latency_is_nanoseconds() -> None:
    series = one_series(DATA / "bencher-metric-format" / "report_bmf_mixed.json", "benchmark-b", "time")
    assert series.unit == "s" and series.summary.median == pytest.approx(3443e-9)
    assert series.summary.min == pytest.approx(2275e-9)

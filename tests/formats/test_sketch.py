"""Very long load tests: past COMPACT_AFTER requests the tallies fold into bounded sketches (formats/sketch.py).

The thresholds are lowered here so that a file of tens of thousands of requests folds several times; the
results must match the exact path's: counts, errors, mean, min and max exactly, percentiles within 0.1 % of
the value at their rank, throughput and error rate per window within a second's share of a window.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from perfgate import formats
from perfgate.formats import requests
from perfgate.model import SampleKind, Series

from .test_gatling import _gatling_log


def _tally(lognormal: np.ndarray, sent: np.ndarray, failed: np.ndarray) -> dict[tuple[str, str], Series]:
    tally = requests.RequestTally("ms")
    for start in range(0, lognormal.size, 10_000):
        part = slice(start, start + 10_000)
        tally.extend("GET /orders", lognormal[part], failed[part], sent[part])
    return {(s.name, s.metric): s for s in tally.series()}


@pytest.mark.parametrize("fold_slice", [requests.FOLD_SLICE, 7_001])
def test_a_folded_tally_matches_the_exact_one(monkeypatch: pytest.MonkeyPatch, fold_slice: int) -> None:
    """Folded whole, and a few thousand requests at a time (as a real run's millions are, to bound memory)."""
    rng = np.random.default_rng(7)
    n = 300_000
    latencies = rng.lognormal(4, 0.5, n)
    sent = 1.7e9 + np.sort(rng.uniform(0, 1800, n))
    failed = rng.random(n) < 0.02
    exact = _tally(latencies, sent, failed)
    monkeypatch.setattr(requests, "COMPACT_AFTER", 50_000)
    monkeypatch.setattr(requests, "FOLD_EVERY", 30_000)
    monkeypatch.setattr(requests, "FOLD_SLICE", fold_slice)
    folded = _tally(latencies, sent, failed)
    assert folded.keys() == exact.keys()
    a, b = exact[("GET /orders", "latency")], folded[("GET /orders", "latency")]
    assert b.summary.count == a.summary.count and (b.summary.min, b.summary.max) == (a.summary.min, a.summary.max)
    assert b.summary.mean == pytest.approx(a.summary.mean, rel=1e-12)
    assert b.summary.stddev == pytest.approx(a.summary.stddev, rel=1e-9)
    ordered = np.sort(latencies) / 1000
    for q, value in ((0.5, b.summary.median), (0.9, b.summary.p90), (0.95, b.summary.p95), (0.99, b.summary.p99)):
        at_rank = ordered[int(q * (n - 1))]
        assert value == pytest.approx(at_rank, rel=1.5e-3), q
    assert b.kind is SampleKind.REQUEST and b.samples.size == requests.RESERVOIR
    at = np.clip(np.searchsorted(ordered, b.samples), 1, n - 1)  # the kept requests are real ones
    nearest = np.minimum(np.abs(ordered[at] - b.samples), np.abs(ordered[at - 1] - b.samples))
    assert bool(np.all(nearest <= 1e-12 * b.samples))
    rate_a, rate_b = exact[("GET /orders", "throughput")], folded[("GET /orders", "throughput")]
    assert rate_b.samples.size == rate_a.samples.size == requests.MAX_WINDOWS
    assert np.allclose(rate_b.samples, rate_a.samples, rtol=0.02)
    errors_a, errors_b = exact[("GET /orders", "error_rate")], folded[("GET /orders", "error_rate")]
    assert errors_b.summary == errors_a.summary
    assert np.allclose(errors_b.samples, errors_a.samples, atol=0.004)


def test_a_long_gatling_log_reads_the_same_folded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through a real reader: the real log's records over 60,000 requests and 12 endpoints."""
    log = tmp_path / "simulation.log"
    _gatling_log(log, 60_000)
    exact = {(s.name, s.metric): s for s in formats.read(log).series}
    monkeypatch.setattr(requests, "COMPACT_AFTER", 20_000)
    monkeypatch.setattr(requests, "FOLD_EVERY", 7_000)
    folded = {(s.name, s.metric): s for s in formats.read(log).series}
    assert list(folded) == list(exact)
    for key, series in exact.items():
        other = folded[key]
        assert other.summary.count == series.summary.count, key
        if key[1] == "latency":
            assert (other.summary.min, other.summary.max) == (series.summary.min, series.summary.max)
            assert other.summary.mean == pytest.approx(series.summary.mean, rel=1e-12)
        if key[1] == "error_rate":
            assert other.summary.errors == series.summary.errors


def test_the_kept_requests_stay_in_the_order_they_were_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windowed tests read the reservoir as a time series: a run whose latency only grows keeps a growing sample."""
    monkeypatch.setattr(requests, "COMPACT_AFTER", 40_000)
    monkeypatch.setattr(requests, "FOLD_EVERY", 25_000)
    n = 250_000
    growing = np.arange(1, n + 1, dtype=np.float64)
    latency = _tally(growing, 1.7e9 + np.arange(n) / 100, np.zeros(n, dtype=bool))[("GET /orders", "latency")]
    assert latency.samples.size == requests.RESERVOIR
    assert bool(np.all(np.diff(latency.samples) > 0))
    assert latency.samples[-1] > 0.9 * n / 1000  # late requests are kept too, not only the first ones

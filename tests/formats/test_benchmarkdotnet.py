"""BenchmarkDotNet's full JSON export."""

from __future__ import annotations

import json
import math

import pytest

from perfgate import formats

from ..conftest import DATA
from .reading import one_series


def test_benchmarkdotnet_uses_workload_result_measurements() -> None:
    raw = json.loads((DATA / "benchmarkdotnet" / "memory.json").read_text())["Benchmarks"][0]
    expected = [
        m["Nanoseconds"] / m["Operations"] * 1e-9
        for m in raw["Measurements"]
        if m["IterationMode"] == "Workload" and m["IterationStage"] == "Result"
    ]
    series = one_series(DATA / "benchmarkdotnet" / "memory.json", raw["FullName"], "time")
    assert series.samples.tolist() == pytest.approx(expected)
    allocated = one_series(DATA / "benchmarkdotnet" / "memory.json", raw["FullName"], "allocated")
    assert allocated.summary.median == 368


def test_benchmarkdotnet_0_9_keeps_the_namespace() -> None:
    names = [s.name for s in formats.read(DATA / "benchmarkdotnet" / "two.json").series]
    assert names[0] == "BenchmarkDotNet.Samples.Intro.IntroJsonExport.Sleep10"


def test_a_summary_only_export_gives_the_runs_interval_of_its_median_from_its_standard_error() -> None:
    """BenchmarkDotNet 0.9 wrote statistics, not measurements: the mean's standard error gives the median's
    (sqrt(pi / 2) of it), and so the run's own 99 % interval of its median, by which the gate weighs the run."""
    stats = json.loads((DATA / "benchmarkdotnet" / "two.json").read_text())["Benchmarks"][0]["Statistics"]
    (sleep, *_) = formats.read(DATA / "benchmarkdotnet" / "two.json").series
    median, error = stats["Median"] * 1e-9, stats["StandardError"] * 1e-9
    half = 2.5758 * math.sqrt(math.pi / 2) * error / median
    assert sleep.summary.median == pytest.approx(median)
    assert sleep.summary.median_low == pytest.approx(median * math.exp(-half), rel=1e-4)
    assert sleep.summary.median_high == pytest.approx(median * math.exp(half), rel=1e-4)

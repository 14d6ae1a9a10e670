"""BenchmarkDotNet's full JSON export."""

from __future__ import annotations

import json

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

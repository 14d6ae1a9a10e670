"""Google Benchmark JSON: repetitions as samples, aggregates as a summary."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from perfgate import formats
from perfgate.errors import InputError
from perfgate.model import Direction, SampleKind

from ..conftest import DATA
from .reading import one_series


def test_google_benchmark_repetitions_are_samples_and_aggregates_are_not() -> None:
    results = formats.read(DATA / "google-benchmark" / "gbench_repetitions.json")
    names = {s.name for s in results.series}
    assert names == {"BM_StringCopy/8", "BM_StringCopy/4096", "BM_VectorSum/65536"}  # no _mean/_cv rows
    copy = one_series(DATA / "google-benchmark" / "gbench_repetitions.json", "BM_StringCopy/8", "real_time")
    assert copy.samples.size == 3 and copy.kind is SampleKind.REPETITION
    vector = one_series(DATA / "google-benchmark" / "gbench_repetitions.json", "BM_VectorSum/65536", "cpu_time")
    assert vector.summary.median == pytest.approx(37.14588123011663e-6)  # time_unit "us" honoured
    items = one_series(DATA / "google-benchmark" / "gbench_repetitions.json", "BM_VectorSum/65536", "items_per_second")
    assert items.direction is Direction.HIGHER_IS_BETTER
    assert results.failures == (("BM_Fails", "deliberate failure"),)


def test_google_benchmark_aggregates_only_become_a_summary(tmp_path: Path) -> None:
    raw = json.loads((DATA / "google-benchmark" / "gbench_repetitions.json").read_text())
    raw["benchmarks"] = [b for b in raw["benchmarks"] if b.get("run_type") == "aggregate"]
    path = tmp_path / "aggregates.json"
    path.write_text(json.dumps(raw))
    series = one_series(path, "BM_StringCopy/8", "real_time")
    assert series.kind is SampleKind.SUMMARY_ONLY and series.summary.count == 3
    assert series.summary.median == pytest.approx(6.42919214706188e-9)


def _gbench_rows(tmp_path: Path, keep: Callable[[dict[str, Any]], bool], drop_names: bool) -> Path:
    """Google Benchmark's real repetitions file, with only some rows (and, like some writers, no aggregate_name)."""
    data = json.loads((DATA / "google-benchmark" / "gbench_repetitions.json").read_text())
    data["benchmarks"] = [
        {k: v for k, v in row.items() if not (drop_names and k == "aggregate_name")}
        for row in data["benchmarks"]
        if keep(row)
    ]
    path = tmp_path / "aggregates.json"
    path.write_text(json.dumps(data))
    return path


def test_google_benchmark_aggregates_without_aggregate_name_are_read(tmp_path: Path) -> None:
    path = _gbench_rows(tmp_path, lambda row: row["run_type"] == "aggregate", drop_names=True)
    results = formats.read(path)
    assert {s.name for s in results.series} == {"BM_StringCopy/8", "BM_StringCopy/4096", "BM_VectorSum/65536"}
    assert all(s.kind is SampleKind.SUMMARY_ONLY and s.summary.mean is not None for s in results.series)


def test_google_benchmark_with_only_spread_aggregates_says_what_is_missing(tmp_path: Path) -> None:
    path = _gbench_rows(tmp_path, lambda row: row.get("aggregate_name") in ("stddev", "cv"), drop_names=False)
    with pytest.raises(InputError) as info:
        formats.read(path)
    assert "only aggregate rows (cv, stddev), none of them a mean or median" in str(info.value)


def test_a_real_aggregates_only_run_gives_each_runs_interval_of_its_median_from_its_stddev() -> None:
    """--benchmark_report_aggregates_only (Google Benchmark 1.7.1, 10 repetitions): the median's standard error is
    sqrt(pi / 2) stddev / sqrt(10), and so the run's own 99 % interval of its median, by which the gate weighs it."""
    path = DATA / "google-benchmark" / "aggregates_only.json"
    rows = {row["name"]: row for row in json.loads(path.read_text())["benchmarks"]}
    series = one_series(path, "BM_VectorSum/65536", "cpu_time")
    assert series.kind is SampleKind.SUMMARY_ONLY and series.summary.count == 10
    median = rows["BM_VectorSum/65536_median"]["cpu_time"] * 1e-6  # time_unit "us"
    error = math.sqrt(math.pi / 2) * rows["BM_VectorSum/65536_stddev"]["cpu_time"] * 1e-6 / math.sqrt(10)
    half = 2.5758 * error / median
    assert series.summary.median == pytest.approx(median)
    assert series.summary.median_low == pytest.approx(median * math.exp(-half), rel=1e-4)
    assert series.summary.median_high == pytest.approx(median * math.exp(half), rel=1e-4)

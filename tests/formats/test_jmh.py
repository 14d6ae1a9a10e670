"""JMH JSON: modes, params, units, and histograms."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from perfgate import formats
from perfgate.model import Direction

from ..conftest import DATA
from .reading import write_input


def test_jmh_params_modes_and_units() -> None:
    results = formats.read(DATA / "jmh" / "six.json")
    first = results.series[0]
    assert first.name == "com.github.caffeine.caffeine.cache.ComputeBenchmark.compute_sameKey:computeType=Caffeine"
    assert first.metric == "throughput" and first.direction is Direction.HIGHER_IS_BETTER and first.unit == "1/s"
    raw = json.loads((DATA / "jmh" / "six.json").read_text())[0]["primaryMetric"]["rawData"]
    assert first.samples.tolist() == pytest.approx([v for fork in raw for v in fork])


def test_jmh_average_time_is_time_per_operation(tmp_path: Path) -> None:
    raw = json.loads((DATA / "jmh" / "jmh_output_2.json").read_text())
    raw[0]["mode"] = "avgt"
    raw[0]["primaryMetric"]["scoreUnit"] = "us/op"
    raw[0]["primaryMetric"]["scoreError"] = "NaN"
    path = tmp_path / "avgt.json"
    path.write_text(json.dumps(raw))
    (series,) = formats.read(path).series
    assert series.metric == "time" and series.unit == "s" and series.direction is Direction.LOWER_IS_BETTER
    assert series.samples[0] == pytest.approx(raw[0]["primaryMetric"]["rawData"][0][0] * 1e-6)


def test_jmh_labels_a_score_by_its_unit_when_the_mode_disagrees(tmp_path: Path) -> None:
    """JMH's own file, edited as some tools write it: mode thrpt with a time per operation."""
    data = json.loads((DATA / "jmh" / "six.json").read_text())
    data[0]["mode"] = "thrpt"
    data[0]["primaryMetric"]["scoreUnit"] = "us/op"
    path = tmp_path / "jmh.json"
    path.write_text(json.dumps(data))
    first = formats.read(path).series[0]
    assert (first.metric, first.unit, first.direction) == ("time", "s", Direction.LOWER_IS_BETTER)


def test_a_huge_histogram_count_is_thinned_not_expanded(tmp_path: Path) -> None:
    bench = {
        "benchmark": "a.B",
        "mode": "sample",
        "primaryMetric": {"scoreUnit": "ns/op", "rawDataHistogram": [[[[100.0, 300_000_000], [200.0, 100_000_000]]]]},
    }
    series = formats.read(write_input(tmp_path, "jmh.json", json.dumps([bench])), "jmh").series[0]
    assert series.samples.size <= 1_000_001
    assert abs(np.isclose(series.samples, 100e-9).mean() - 0.75) < 0.01  # the shape of the histogram is kept

"""pytest-benchmark JSON, on real files written by pytest-benchmark 2.5.0, 3.2.2 and 5.3.1."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from perfgate import formats
from perfgate.errors import InputError
from perfgate.model import Direction, SampleKind

from ..conftest import DATA

PB = DATA / "pytest-benchmark"


def test_full_json_keeps_every_round_as_a_sample() -> None:
    results = formats.read(PB / "pytest_benchmark_full.json")
    raw = json.loads((PB / "pytest_benchmark_full.json").read_text())
    assert results.format == "pytest-benchmark"
    assert [s.name for s in results.series] == [b["name"] for b in raw["benchmarks"]]
    for series, bench in zip(results.series, raw["benchmarks"], strict=True):
        assert series.kind is SampleKind.REPETITION
        assert series.unit == "s" and series.metric == "time"
        assert series.direction is Direction.LOWER_IS_BETTER
        assert series.samples.tolist() == bench["stats"]["data"]
        assert series.summary.count == bench["stats"]["rounds"]
        assert series.summary.median == pytest.approx(bench["stats"]["median"])
        assert series.summary.min == pytest.approx(bench["stats"]["min"])


def test_errored_benchmark_is_absent_and_params_stay_in_the_name() -> None:
    names = [s.name for s in formats.read(PB / "pytest_benchmark_full.json").series]
    assert "test_broken" not in names
    assert "test_parse_param[100]" in names and "test_parse_param[1000]" in names


def test_save_without_data_is_summary_only() -> None:
    results = formats.read(PB / "0001_nodata_benchmark-save.json")
    pedantic = next(s for s in results.series if s.name == "test_sleep_pedantic")
    assert pedantic.kind is SampleKind.SUMMARY_ONLY
    assert pedantic.samples.size == 0
    assert pedantic.summary.count == 5
    assert pedantic.values().tolist() == [pedantic.summary.median]


def test_version_2_5_file_reads_with_its_commit_and_time() -> None:
    results = formats.read(PB / "0030_v2.5.0_uncommitted-changes.json")
    assert results.commit == "5b78858eb718649a31fb93d8dc96ca2cee41a4cd"
    assert results.recorded_at is not None and results.recorded_at.year == 2015
    assert results.environment.tool_version == "2.5.0"
    assert results.environment.interpreter == "CPython 2.7.3"
    (series,) = results.series
    assert series.name == "test_xfast_parametrized[0]"
    assert series.summary.median == pytest.approx(2.2016379230260297e-07)


def test_environment_fingerprint_from_machine_info() -> None:
    env = formats.read(PB / "example_base.json").environment
    assert env.cpu == "AMD EPYC"
    assert env.os is not None and env.os.startswith("Linux")
    assert env.interpreter == "CPython 3.11.7"
    assert env.tool == "pytest-benchmark" and env.tool_version == "5.3.1"


def test_unversioned_commit_is_not_a_commit() -> None:
    assert formats.read(PB / "example_base.json").commit is None


def test_string_in_data_names_the_element() -> None:
    # The github-action-benchmark fixture's author truncated stats.data with a string.
    with pytest.raises(InputError) as info:
        formats.read(PB / "pytest_several_units.json")
    message = str(info.value)
    assert "pytest_several_units.json:benchmarks[0].stats.data[4]" in message
    assert "expected a number, got a string" in message


def test_duplicate_names_fall_back_to_fullname(tmp_path: Path) -> None:
    raw = json.loads((PB / "pytest_benchmark_full.json").read_text())
    twin = json.loads(json.dumps(raw["benchmarks"][0]))
    twin["fullname"] = "other/test_file.py::" + twin["name"]
    raw["benchmarks"].append(twin)
    path = tmp_path / "dupes.json"
    path.write_text(json.dumps(raw))
    names = [s.name for s in formats.read(path).series]
    assert len(set(names)) == len(names)
    assert "other/test_file.py::" + twin["name"] in names


@pytest.mark.parametrize(
    ("value", "problem"),
    [(float("nan"), "expected a finite number, got nan"), (-1e-6, "expected a non-negative measurement")],
)
def test_nan_and_negative_timings_are_refused(tmp_path: Path, value: float, problem: str) -> None:
    raw = json.loads((PB / "example_base.json").read_text())
    raw["benchmarks"][1]["stats"]["data"][7] = value
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(raw))  # json.dumps writes NaN bare, as Google Benchmark does
    with pytest.raises(InputError, match=r"bad\.json:benchmarks\[1\]\.stats\.data\[7\]: " + problem):
        formats.read(path)


def test_summary_values_are_read_in_seconds() -> None:
    series = formats.read(PB / "example_head.json").series[0]
    assert series.name == "test_tokenize"
    assert np.median(series.samples) == pytest.approx(series.summary.median)
    assert 1e-4 < float(np.median(series.samples)) < 1e-2  # ~1.2 ms, in seconds


def test_a_save_without_data_gives_each_runs_interval_of_its_median_from_its_quartiles() -> None:
    """The rounds are not saved, their quartiles are: the run's own 99 % interval of its median comes from them
    (median ± 2.39 IQR / √rounds, on the log scale), by which the gate weighs the run against history."""
    results = formats.read(PB / "autosave_base.json")
    tokenize = next(s for s in results.series if s.name == "test_tokenize")
    median, iqr, rounds = 0.0003439320000779844, 0.00013630050011670392, 1931
    half = 2.5758 * 1.2533 / 1.349 * iqr / math.sqrt(rounds) / median
    assert tokenize.summary.median_low == pytest.approx(median * math.exp(-half))
    assert tokenize.summary.median_high == pytest.approx(median * math.exp(half))
    few = formats.read(PB / "0001_nodata_benchmark-save.json")
    pedantic = next(s for s in few.series if s.name == "test_sleep_pedantic")  # 5 rounds: still enough
    assert pedantic.summary.median_low is not None
    sampled = formats.read(PB / "example_base.json").series[0]  # with its rounds: the gate has the samples
    assert sampled.summary.median_low is None

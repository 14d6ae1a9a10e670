"""perfgate's generic JSON format: the documented schema, and strict errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from perfgate import formats
from perfgate.errors import InputError
from perfgate.model import Direction, SampleKind

from ..conftest import DATA

API = DATA / "perfgate-json" / "api.json"


def test_reads_samples_summaries_units_and_environment() -> None:
    results = formats.read(API)
    assert results.format == "perfgate-json"
    assert results.commit == "0123456789abcdef0123456789abcdef01234567"
    assert results.recorded_at is not None and results.recorded_at.utcoffset() is not None
    assert results.environment.runner == "ci-7" and results.environment.tool == "loadgen"
    latency, throughput, memory = results.series
    assert latency.kind is SampleKind.REQUEST and latency.unit == "s"
    assert latency.samples[0] == pytest.approx(0.0125)
    assert throughput.direction is Direction.HIGHER_IS_BETTER and throughput.unit == "1/s"
    assert memory.unit == "B" and memory.summary.median == pytest.approx(48 * 1024**2)
    assert memory.summary.errors == 2


def _write(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "results.json"
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize(
    ("series", "where", "problem"),
    [
        ({"name": "x", "unit": "ms", "samples": [1], "colour": "red"}, "series[0].colour", "unknown key"),
        ({"name": "x", "unit": "ms"}, "series[0]", "expected 'samples'"),
        ({"name": "x", "unit": "ms", "samples": []}, "series[0].samples", "the list is empty"),
        (
            {"name": "x", "unit": "ms", "samples": [1], "direction": "up"},
            "series[0].direction",
            "expected one of",
        ),
        ({"unit": "ms", "samples": [1]}, "series[0].name", "missing"),
        (
            {"name": "x", "unit": "ms", "summary": {"median": 2, "median_low": 1}},
            "series[0].summary",
            "'median_low' and 'median_high' together",
        ),
        (
            {"name": "x", "unit": "ms", "summary": {"median": 2, "median_low": 2.5, "median_high": 3}},
            "series[0].summary",
            "with the median between them",
        ),
    ],
)
def test_errors_name_the_key(tmp_path: Path, series: dict[str, Any], where: str, problem: str) -> None:
    path = _write(tmp_path, {"perfgate_format": 1, "series": [series]})
    with pytest.raises(InputError) as info:
        formats.read(path)
    assert info.value.where == where
    assert problem in info.value.problem


def test_unsupported_version_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, {"perfgate_format": 9, "series": []})
    with pytest.raises(InputError, match="version 9 is not supported"):
        formats.read(path)


def test_duplicate_series_is_refused(tmp_path: Path) -> None:
    item = {"name": "x", "unit": "ms", "samples": [1]}
    path = _write(tmp_path, {"perfgate_format": 1, "series": [item, item]})
    with pytest.raises(InputError, match=r"series\[1\]: duplicate series 'x'"):
        formats.read(path)


def test_a_summarys_interval_of_the_median_is_read_in_the_series_unit(tmp_path: Path) -> None:
    """A tool of one's own can give its 99 % interval of each run's median: the gate weighs the run by it."""
    summary = {"median": 2.0, "median_low": 1.5, "median_high": 2.5, "count": 20}
    path = _write(tmp_path, {"perfgate_format": 1, "series": [{"name": "x", "unit": "ms", "summary": summary}]})
    (series,) = formats.read(path).series
    assert (series.summary.median_low, series.summary.median_high) == pytest.approx((1.5e-3, 2.5e-3))

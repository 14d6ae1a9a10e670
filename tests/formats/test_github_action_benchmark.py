"""github-action-benchmark custom JSON (customSmallerIsBetter / customBiggerIsBetter), real fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfgate import formats
from perfgate.errors import InputError
from perfgate.model import Direction, SampleKind

from ..conftest import DATA

GAB = DATA / "github-action-benchmark"


def test_smaller_is_better_is_detected_and_units_normalised() -> None:
    results = formats.read(GAB / "customSmallerIsBetter_output2.json")
    assert results.format == "customSmallerIsBetter"
    first = results.series[0]
    assert first.name == "No instrumentation"
    assert first.unit == "s" and first.metric == "time"
    assert first.summary.median == pytest.approx(90.9439e-9)
    assert first.kind is SampleKind.SUMMARY_ONLY
    assert first.direction is Direction.LOWER_IS_BETTER


def test_free_text_units_are_kept_or_normalised() -> None:
    series = {s.name: s for s in formats.read(GAB / "customSmallerIsBetter_output.json").series}
    cpu = series["My Custom Smaller Is Better Benchmark - CPU Load"]
    assert cpu.unit == "ratio" and cpu.summary.median == pytest.approx(0.5)
    memory = series["My Custom Smaller Is Better Benchmark - Memory Used"]
    assert memory.unit == "B" and memory.summary.median == pytest.approx(100e6)


def test_sniffing_takes_a_rate_as_bigger_is_better() -> None:
    series = {s.name: s for s in formats.read(GAB / "customBiggerIsBetter_output.json").series}
    assert series["My Custom Bigger Is Better Benchmark - Throughput"].direction is Direction.HIGHER_IS_BETTER
    # Free memory is not a rate: only --format customBiggerIsBetter can say more is better.
    assert series["My Custom Bigger Is Better Benchmark - Free Memory"].direction is Direction.LOWER_IS_BETTER


def test_format_option_sets_the_direction() -> None:
    results = formats.read(GAB / "customBiggerIsBetter_output.json", "customBiggerIsBetter")
    assert results.format == "customBiggerIsBetter"
    assert {s.direction for s in results.series} == {Direction.HIGHER_IS_BETTER}


def test_repeated_names_become_samples(tmp_path: Path) -> None:
    path = tmp_path / "repeated.json"
    path.write_text(json.dumps([{"name": "parse", "unit": "ms", "value": v} for v in (1.0, 1.2, 1.1)]))
    (series,) = formats.read(path).series
    assert series.kind is SampleKind.REPETITION
    assert series.samples.tolist() == pytest.approx([1e-3, 1.2e-3, 1.1e-3])


def test_missing_value_names_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"name": "a", "unit": "ms", "value": 1}, {"name": "b", "unit": "ms"}]))
    with pytest.raises(InputError, match=r"bad\.json: unrecognised results"):
        formats.read(path)
    with pytest.raises(InputError, match=r"bad\.json:\[1\]\.value: missing"):
        formats.read(path, "customSmallerIsBetter")

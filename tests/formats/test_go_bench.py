"""Go benchmarks: go test -bench text and go test -json events."""

from __future__ import annotations

import pytest

from perfgate import formats

from ..conftest import DATA
from .reading import one_series


def test_go_text_and_go_test_json_give_the_same_benchmarks() -> None:
    text = formats.read(DATA / "go-bench" / "go_bench_count3.txt")
    events = formats.read(DATA / "go-bench" / "go_test_json_bench.jsonl")
    assert {s.key for s in events.series} <= {s.key for s in text.series}
    assert all(not s.name.endswith("-2") for s in text.series)  # the GOMAXPROCS suffix is dropped
    parse = one_series(DATA / "go-bench" / "go_bench_count3.txt", "BenchmarkParse/size=10", "throughput")
    assert parse.unit == "B/s" and parse.samples[0] == pytest.approx(1570.87e6)  # MB/s is decimal


def test_go_keeps_suffixes_when_not_every_line_has_one() -> None:
    names = {s.name for s in formats.read(DATA / "go-bench" / "go_output.txt").series}
    assert "BenchmarkFib10-8" in names and "BenchmarkFib20" in names

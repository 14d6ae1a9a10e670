"""Locust CSV results: any file of a run, or its prefix."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfgate import formats
from perfgate.errors import InputError
from perfgate.model import SampleKind

from ..conftest import DATA
from .reading import by_key, write_input

LOCUST = DATA / "locust"


def test_locust_from_any_file_or_the_prefix() -> None:
    by_stats = by_key(LOCUST / "example_stats.csv")
    assert by_key(LOCUST / "example").keys() == by_stats.keys()
    assert by_key(LOCUST / "example_failures.csv").keys() == by_stats.keys()
    users = by_stats[("GET /api/users", "latency")]
    assert users.kind is SampleKind.WINDOW and users.summary.count == 499
    assert users.summary.p95 == pytest.approx(0.024)
    assert by_stats[("GET /missing", "error_rate")].summary.errors == 96
    assert ("Aggregated", "latency") in by_stats
    assert any('q="a,b"' in name for name, _ in by_stats)  # a quoted name with a comma


def test_locust_failures_become_notes_and_custom_percentiles_are_read() -> None:
    notes = formats.read(LOCUST / "example_stats.csv").notes
    assert any("GET /missing failed 96 times" in note for note in notes)
    grpc = next(
        s for s in formats.read(LOCUST / "locust_stats.csv").series if s.metric == "latency" and s.name != "Aggregated"
    )
    assert grpc.summary.p95 == pytest.approx(7.8) and grpc.summary.p99 == pytest.approx(8.2)


def test_locust_bad_number_is_named(tmp_path: Path) -> None:
    for name in ("bad_stats.csv",):
        text = (LOCUST / "example_stats.csv").read_text().replace(",207,68,", ",207,lots,", 1)
        (tmp_path / name).write_text(text)
    with pytest.raises(InputError, match=r"bad_stats\.csv:2: Failure Count: expected a number, got 'lots'"):
        formats.read(tmp_path / "bad_stats.csv")


def test_non_utf8_locust_and_criterion_files(tmp_path: Path) -> None:
    stats = (DATA / "locust" / "example_stats.csv").read_bytes()
    path = write_input(tmp_path, "run_stats.csv", stats.replace(b"/", b"\xff/", 1))
    with pytest.raises(InputError, match="UTF-8"):
        formats.read(path)

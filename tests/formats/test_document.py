"""The document every reader reads through: sizes and line limits, blank lines, gzip, byte order marks, times, counts."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from perfgate import formats
from perfgate.errors import InputError
from perfgate.formats.document import Document

from ..conftest import DATA, EXAMPLES, Invoke, input_limits
from .reading import write_input

BASE = str(EXAMPLES / "pytest-benchmark" / "base.json")


def test_runs_of_blank_lines_are_skipped_with_line_numbers_kept(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt.gz"
    with gzip.open(path, "wb") as out:
        out.write(b"a\n\n\n\r\n\n" + b"\n" * 3_000_000 + b"b\n\r\nc")
    lines = list(Document.open(path).lines())
    assert [line for _, line in lines] == [b"a", b"b", b"c"]  # blank lines are skipped, newlines dropped
    assert [number for number, _ in lines] == [1, 3_000_006, 3_000_008]


def test_millions_of_blank_lines_then_a_bad_line_name_the_right_line(tmp_path: Path) -> None:
    path = tmp_path / "k6.json.gz"
    with gzip.open(path, "wb") as out:
        point = {"type": "Point", "metric": "http_req_duration", "data": {"time": "2026-01-01T00:00:00Z", "value": "x"}}
        out.write(b"\n" * 5_000_000 + json.dumps(point).encode() + b"\n")
    with pytest.raises(InputError) as error:
        formats.read(str(path), "k6-ndjson")
    assert "5000001" in str(error.value).replace(",", "")


@pytest.mark.parametrize(
    "fixture",
    ["k6/k6_points.ndjson.gz", "gatling/gatling-repo_text-format_simulation.log", "jmeter/HTMLReportTestFile.csv"],
)
def test_a_streamed_line_over_the_line_limit_is_named(tmp_path: Path, fixture: str) -> None:
    """A line that runs on over several read chunks (no line end for megabytes) stops the reader at its line,
    after 3 MB of ordinary lines; the line-by-line (k6), the block (Gatling) and the CSV row (JMeter) readers."""
    source = DATA / fixture
    lines = (gzip.decompress(source.read_bytes()) if fixture.endswith(".gz") else source.read_bytes()).splitlines()
    body = lines[1:]
    many = lines[:1] + body * (3_000_000 // len(b"\n".join(body)) + 1)
    path = write_input(tmp_path, source.name.removesuffix(".gz"), b"\n".join([*many, b"x" * 3_000_000, *body]) + b"\n")
    with input_limits(line_bytes=1_500_000), pytest.raises(InputError) as raised:
        formats.read(path)
    assert f":{len(many) + 1}: a line longer than 1,500,000 bytes" in str(raised.value)


def test_a_gzip_bomb_stops_at_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "bomb.json.gz"
    with gzip.open(path, "wb") as out:
        out.write(b'{"benchmarks": [' + b" " * (8 * 1024 * 1024))
    assert path.stat().st_size < 100_000
    with input_limits(document_bytes=1024 * 1024), pytest.raises(InputError, match="more than 1,048,576 bytes"):
        formats.read(path)


def test_non_regular_files_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for path in (str(fifo), "/dev/zero"):
        with pytest.raises(InputError, match="not a regular file"):
            formats.read(path)


def test_a_utf8_bom_is_detected_like_any_file(tmp_path: Path) -> None:
    path = write_input(tmp_path, "bom.json", b"\xef\xbb\xbf" + Path(BASE).read_bytes())
    assert formats.read(path).format == "pytest-benchmark"


def test_zone_less_times_are_utc(run_cli: Invoke) -> None:
    parsed = formats.read(DATA / "google-benchmark" / "googlecpp_output.json")
    assert parsed.recorded_at is not None and parsed.recorded_at.utcoffset() is not None
    result = run_cli(
        "ingest", str(DATA / "google-benchmark" / "googlecpp_output.json"), "--branch", "main", "--commit", "c"
    )
    assert result.exit_code == 0, result.output


def test_counts_beyond_the_limit_and_non_numbers_in_integer_fields(tmp_path: Path) -> None:
    stats = json.loads((DATA / "gatling" / "stats.json").read_text())
    for bad in (2**64, "abc", float("inf"), 1.5):
        stats["contents"]["req_login-99dea"]["stats"]["numberOfRequests"]["total"] = bad
        path = write_input(tmp_path, "stats.json", json.dumps(stats))
        with pytest.raises(InputError, match="numberOfRequests"):
            formats.read(path)

"""Gatling: simulation.log read by blocks (numpy) or by lines, and the report's stats.json."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from perfgate import formats
from perfgate.errors import InputError
from perfgate.formats.document import Document
from perfgate.formats.readers import gatling

from ..conftest import DATA
from .reading import assert_same_series, by_key

GATLING = DATA / "gatling"


def test_gatling_log_and_binary_log() -> None:
    series = by_key(GATLING / "gatling-repo_text-format_simulation.log")
    request = series[("Test Request", "latency")]
    assert request.samples.tolist() == pytest.approx([2.0, 9.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0])
    with pytest.raises(InputError, match=r"binary simulation\.log \(Gatling 3\.13 and later\).*js/stats\.json"):
        formats.read(GATLING / "gatling-repo_binary-format_simulation.log")


def _gatling_log(path: Path, requests: int, layout: str = "3.x", end: str = "\r\n") -> None:
    """The real log's records over several of the reader's blocks: groups, failures, Windows line ends. With
    layout "2.x", scenario and user id come first; with "no message", records end at their status."""
    real = (GATLING / "gatling-repo_text-format_simulation.log").read_text().splitlines()
    lines = real[:2]
    for i in range(requests):
        fields = real[2 + i % 8].split("\t")
        fields[1] = ("shop,checkout" if i % 3 else "") if i % 5 else "shop"
        fields[2] = f"{fields[2]} {i % 4} é"
        fields[5] = "KO" if i % 97 == 0 else "OK"
        if layout == "2.x":
            fields[1:1] = ["testScenario", str(i % 50)]
        elif layout == "no message":
            del fields[6:]
        lines.append("\t".join(fields))
    path.write_bytes((end.join([*lines, real[-1]]) + (end if layout != "no message" else "")).encode())


@pytest.mark.parametrize(("layout", "end"), [("3.x", "\r\n"), ("2.x", "\n"), ("no message", "\r\n")])
def test_gatling_blocks_read_as_lines_do(tmp_path: Path, layout: str, end: str) -> None:
    """The block reader (numpy on the bytes) and the line-by-line reader give the same series, in the same order."""

    log = tmp_path / "simulation.log"
    _gatling_log(log, 60_000, layout, end)
    assert log.stat().st_size > 2 * 1024 * 1024  # several blocks
    blocks, version = gatling._by_blocks(Document.open(log))  # raises if it leaves the file to the line reader
    by_lines, version_by_lines = gatling._by_lines(Document.open(log))
    assert version == version_by_lines == "2.0"
    fast, slow = blocks.series(), by_lines.series()
    assert len(fast) == 3 * 12  # 12 endpoints: latency, throughput and error rate each
    assert fast[0].name == "shop / Test Request 0 é"
    assert_same_series(fast, slow)


def _odd_gatling_log(path: Path, requests: int) -> None:
    """Real records with names and times of every shape the block reader handles: names longer than a load (8
    bytes), names that differ only past their first 8 or 16 bytes or by a trailing byte, a control byte in a
    name (not a separator), non-ASCII; times of 1 to 15 digits in one block."""
    real = (GATLING / "gatling-repo_text-format_simulation.log").read_bytes().split(b"\n")
    names = [b"a", b"a\x01", b"checkout", b"checkout page 1", b"checkout page 2", b"x" * 61, b"x" * 61 + b"y"]
    names += ["caf\u00e9 / na\u00efve \u2603".encode(), b"bell\x07", b""]
    lines = real[:2]
    for i in range(requests):
        fields = real[2 + i % 8].split(b"\t")
        start = 10 ** (i % 15) + i % 7  # 1 to 15 digits
        fields[1] = [b"", b"shop", b"shop,checkout,x" * 3][i % 3]
        fields[2] = names[i % len(names)]
        fields[3], fields[4] = b"%d" % start, b"%d" % (start + i % 1000)
        fields[5] = b"KO" if i % 13 == 0 else b"OK"
        lines.append(b"\t".join(fields))
    path.write_bytes(b"\n".join([*lines, real[-2], b""]))


def test_gatling_blocks_read_names_and_times_of_every_shape(tmp_path: Path) -> None:
    log = tmp_path / "simulation.log"
    _odd_gatling_log(log, 70_000)
    assert log.stat().st_size > 2 * 1024 * 1024  # several blocks
    blocks, _ = gatling._by_blocks(Document.open(log))  # raises if it leaves the file to the line reader
    by_lines, _ = gatling._by_lines(Document.open(log))
    fast, slow = blocks.series(), by_lines.series()
    assert len({s.name for s in fast}) == 30  # 3 group paths x 10 names
    assert_same_series(fast, slow)


def test_gatling_names_with_one_hash_are_left_to_the_line_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Names are told apart by their bytes, not by their hash alone: with every hash the same, the block reader
    notices that the names differ and leaves the file to the line reader, which reads it as before."""
    log = tmp_path / "simulation.log"
    _odd_gatling_log(log, 3_000)
    expected = gatling._simulation_log(Document.open(log)).series
    monkeypatch.setattr(gatling, "_HASH", np.uint64(0))
    with pytest.raises(gatling._LineByLine):
        gatling._by_blocks(Document.open(log))
    assert_same_series(list(gatling._simulation_log(Document.open(log)).series), list(expected))


@pytest.mark.parametrize(
    ("record", "why"),
    [
        ("REQUEST\t\tx\t1000\t2000\tMAYBE\tmessage", "a status other than OK or KO"),
        ("REQUEST\t\tx\t1000\tsoon\tOK\tmessage", "an end that is not a number"),
        ("REQUEST\t\tx\t2000\t1000\tOK\tmessage", "an end before the start"),
        ("REQUEST\t\tx\t1000\t2000", "too few fields"),
        ("REQUEST", "no fields at all"),
        ("REQUEST\r", "no fields at all, and a Windows line end"),
        ("REQUEST\t\tx\t1000000000000000\t1000000000000001\tOK\tmessage", "times of 16 digits"),
        ("REQUEST\t\tx\t\t1000\tOK\tmessage", "a start with no digits"),
        ("REQUEST\t\tx\t1000\t2000\tOK\ta\tb\tOK", "a record the line reader would read as 2.x"),
    ],
)
def test_gatling_unusual_records_are_left_to_the_line_reader(tmp_path: Path, record: str, why: str) -> None:

    log = tmp_path / "simulation.log"
    _gatling_log(log, 100, end="\n")
    log.write_text(log.read_text() + record + "\n")
    with pytest.raises(gatling._LineByLine):
        gatling._by_blocks(Document.open(log))


def test_gatling_bad_record_is_named_by_line(tmp_path: Path) -> None:
    log = tmp_path / "simulation.log"
    _gatling_log(log, 30_000)
    lines = log.read_bytes().split(b"\r\n")
    fields = lines[20_001].split(b"\t")
    fields[3] = b"soon"  # the start time
    lines[20_001] = b"\t".join(fields)
    log.write_bytes(b"\r\n".join(lines))
    with pytest.raises(InputError, match=r"simulation\.log:20002: expected start and end times in ms, got 'soon'"):
        formats.read(log)


def test_gatling_stats_json_walks_groups() -> None:
    series = by_key(GATLING / "stats.json")
    checkout = series[("shop / checkout", "latency")]
    assert checkout.summary.p95 == pytest.approx(1.1) and checkout.summary.errors == 50
    assert series[("shop / checkout", "error_rate")].summary.median == pytest.approx(50 / 85)
    assert ("login", "throughput") in series and ("shop", "latency") in series

"""Exit codes are a contract: bad input, bad databases and hostile names end as a clear error (exit 3)
or a safe rendering, and anything unexpected as an internal error (exit 4), never a traceback or exit 1."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from perfgate import formats
from perfgate.app.compare import compare_with_history
from perfgate.app.config import gate_settings
from perfgate.app.reading import read_all
from perfgate.config import Config
from perfgate.errors import InputError, StoreError
from perfgate.formats.document import Document
from perfgate.store import Store
from perfgate.store.database import mask_url

from .conftest import DATA, EXAMPLES, Invoke, input_limits

BASE = str(EXAMPLES / "pytest-benchmark" / "base.json")
HEAD = str(EXAMPLES / "pytest-benchmark" / "head.json")


def _perfgate(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PERFGATE_", "GITHUB_"))}
    return subprocess.run(
        [sys.executable, "-m", "perfgate", *args],
        cwd=cwd,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


# --- internal errors ---------------------------------------------------------------------------


def test_an_unexpected_exception_is_an_internal_error_not_a_failed_gate(
    run_cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("perfgate.app.compare.compare_files", broken)
    result = run_cli("compare", BASE, HEAD)
    assert result.exit_code == 4
    assert "internal error while running 'perfgate compare'" in result.output
    assert "--debug" in result.output and "PERFGATE_DEBUG=1" in result.output
    assert "Traceback" not in result.output
    debug = run_cli("--debug", "compare", BASE, HEAD)
    assert debug.exit_code == 4 and "Traceback" in debug.output and "RuntimeError: boom" in debug.output


def test_an_internal_error_in_gate_says_in_the_job_summary_that_the_gate_did_not_run(
    run_cli: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    summary, outputs = tmp_path / "summary.md", tmp_path / "out.txt"
    for key, value in {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_REPOSITORY": "acme/shop",
        "GITHUB_SHA": "1" * 40,
        "GITHUB_EVENT_PATH": str(DATA / "github-events" / "pull_request.json"),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)

    def broken(*_: object, **__: object) -> None:
        raise KeyError("x")

    monkeypatch.setattr("perfgate.app.action.read_all", broken)
    result = run_cli("gate", HEAD)
    assert result.exit_code == 4
    assert "perfgate could not run" in summary.read_text() and "internal error (KeyError)" in summary.read_text()
    assert "verdict<<" in outputs.read_text() and "\nerror\n" in outputs.read_text()


# --- bad input: exit 3, naming the file and the place --------------------------------------------


def _write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content)
    return str(path)


def _pytest_benchmark(**changes: object) -> str:
    raw = json.loads(Path(BASE).read_text())
    raw["benchmarks"][0].update(changes)
    return json.dumps(raw)


BAD_INPUTS = {
    "an empty list read as a k6 summary": ("e.json", "[]", ["--format", "k6-summary"], "expected a JSON object"),
    "JSON nested 100,000 deep": ("deep.json", "[" * 100_000 + "]" * 100_000, [], "nested more than"),
    "a JMH file with flat rawData": (
        "jmh.json",
        json.dumps([{"benchmark": "a.B", "mode": "avgt", "primaryMetric": {"scoreUnit": "ns/op", "rawData": [1, 2]}}]),
        ["--format", "jmh"],
        "rawData",
    ),
    "a pytest-benchmark name that is a list": ("n.json", _pytest_benchmark(name=["x"]), [], "name"),
    "a machine_info that is a list": (
        "m.json",
        json.dumps({**json.loads(Path(BASE).read_text()), "machine_info": []}),
        [],
        None,
    ),
    "a lone surrogate in a name": ("s.json", _pytest_benchmark(name="bad\ud800name"), [], "surrogate"),
    "Infinity in a sample": (
        "inf.json",
        Path(BASE).read_text().replace('"data": [', '"data": [Infinity, ', 1),
        [],
        "finite",
    ),
    "a zone-less date out of range": (
        "date.json",
        json.dumps({**json.loads(Path(BASE).read_text()), "datetime": "99999-01-01T00:00:00"}),
        [],
        "datetime",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_is_refused_with_exit_3(case: str, run_cli: Invoke, tmp_path: Path) -> None:
    name, content, options, words = BAD_INPUTS[case]
    path = _write(tmp_path, name, content)
    result = run_cli("compare", path, path, *options)
    if words is None:  # informative parts of a file may be malformed: read, not refused
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 3, result.output
    assert path in result.output and words in result.output
    assert "Traceback" not in result.output


def test_counts_beyond_the_limit_and_non_numbers_in_integer_fields(tmp_path: Path) -> None:
    stats = json.loads((DATA / "gatling" / "stats.json").read_text())
    for bad in (2**64, "abc", float("inf"), 1.5):
        stats["contents"]["req_login-99dea"]["stats"]["numberOfRequests"]["total"] = bad
        path = _write(tmp_path, "stats.json", json.dumps(stats))
        with pytest.raises(InputError, match="numberOfRequests"):
            formats.read(path)


def test_non_utf8_locust_and_criterion_files(tmp_path: Path) -> None:
    stats = (DATA / "locust" / "example_stats.csv").read_bytes()
    path = _write(tmp_path, "run_stats.csv", stats.replace(b"/", b"\xff/", 1))
    with pytest.raises(InputError, match="UTF-8"):
        formats.read(path)


def test_a_csv_field_over_the_line_limit_names_the_option(tmp_path: Path) -> None:
    jtl = (DATA / "jmeter" / "filewithtransactions.csv").read_text()
    head, rest = jtl.split("\n", 1)
    path = _write(tmp_path, "big.csv", f"{head}\n{rest.replace(',', ',' + 'x' * 200_000, 1)}")
    with input_limits(line_bytes=100_000), pytest.raises(InputError, match="--max-input-size"):
        formats.read(path)


@pytest.mark.parametrize("fixture", ["k6/k6_points.ndjson.gz", "gatling/gatling-repo_text-format_simulation.log"])
def test_a_streamed_line_over_the_line_limit_is_named(tmp_path: Path, fixture: str) -> None:
    """A line that runs on over several read chunks (no line end for megabytes) stops the reader at its line,
    after 3 MB of ordinary lines; both the line-by-line (k6) and the block (Gatling) readers."""
    source = DATA / fixture
    lines = (gzip.decompress(source.read_bytes()) if fixture.endswith(".gz") else source.read_bytes()).splitlines()
    body = lines[1:]
    many = lines[:1] + body * (3_000_000 // len(b"\n".join(body)) + 1)
    path = _write(tmp_path, source.name.removesuffix(".gz"), b"\n".join([*many, b"x" * 3_000_000, *body]) + b"\n")
    with input_limits(line_bytes=1_500_000), pytest.raises(InputError) as raised:
        formats.read(path)
    assert f":{len(many) + 1}: a line longer than 1,500,000 bytes" in str(raised.value)


def test_zone_less_times_are_utc(run_cli: Invoke) -> None:
    parsed = formats.read(DATA / "google-benchmark" / "googlecpp_output.json")
    assert parsed.recorded_at is not None and parsed.recorded_at.utcoffset() is not None
    result = run_cli(
        "ingest", str(DATA / "google-benchmark" / "googlecpp_output.json"), "--branch", "main", "--commit", "c"
    )
    assert result.exit_code == 0, result.output


def test_a_utf8_bom_is_detected_like_any_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "bom.json", b"\xef\xbb\xbf" + Path(BASE).read_bytes())
    assert formats.read(path).format == "pytest-benchmark"


# --- bounded resources ---------------------------------------------------------------------------


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
    ("fixture", "format_name"),
    [("jmeter/hailstorm_jtl_log_data.jtl", "jmeter"), ("catch2/catch2_xml_v3.7.1.xml", None)],
)
def test_an_xml_declaration_with_an_unknown_encoding_is_bad_input(
    tmp_path: Path, fixture: str, format_name: str | None
) -> None:
    """Found by the larger fuzz runs (PERFGATE_FUZZ_MUTATIONS=2000; =600 with seed 13 for Catch2): expat and
    ElementTree raise LookupError, not a parse error."""
    real = (DATA / fixture).read_bytes()
    assert real.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    path = tmp_path / Path(fixture).name
    path.write_bytes(real.replace(b'encoding="UTF-8"', b'encoding="U-1TF-8"', 1))
    with pytest.raises(InputError, match=r"not readable XML: unknown encoding: U-1TF-8; expected UTF-8"):
        formats.read(str(path), format_name)


def test_non_regular_files_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for path in (str(fifo), "/dev/zero"):
        with pytest.raises(InputError, match="not a regular file"):
            formats.read(path)


def test_a_gzip_bomb_stops_at_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "bomb.json.gz"
    with gzip.open(path, "wb") as out:
        out.write(b'{"benchmarks": [' + b" " * (8 * 1024 * 1024))
    assert path.stat().st_size < 100_000
    with input_limits(document_bytes=1024 * 1024), pytest.raises(InputError, match="more than 1,048,576 bytes"):
        formats.read(path)


def test_a_huge_histogram_count_is_thinned_not_expanded(tmp_path: Path) -> None:
    bench = {
        "benchmark": "a.B",
        "mode": "sample",
        "primaryMetric": {"scoreUnit": "ns/op", "rawDataHistogram": [[[[100.0, 300_000_000], [200.0, 100_000_000]]]]},
    }
    series = formats.read(_write(tmp_path, "jmh.json", json.dumps([bench])), "jmh").series[0]
    assert series.samples.size <= 1_000_001
    assert abs(np.isclose(series.samples, 100e-9).mean() - 0.75) < 0.01  # the shape of the histogram is kept


# --- the store: the same limits on both databases --------------------------------------------


@pytest.mark.parametrize(
    "options, words",
    [
        (["--commit", "a" * 65], "commit"),
        (["--commit", "c", "--branch", "b" * 300], "branch"),
        (["--commit", "c", "--suite", "s" * 300], "suite"),
        (["--commit", "c", "--key", "k" * 300], "idempotency key"),
        (["--commit", "c", "--pr", str(2**40)], "pull request number"),
        (["--commit", "c", "--branch", "ma\x00in"], "NUL"),
    ],
    ids=["commit", "branch", "suite", "key", "pr", "nul"],
)
def test_values_too_long_for_a_column_are_refused_before_writing(
    options: list[str], words: str, run_cli: Invoke, db_url: str
) -> None:
    args = ["ingest", BASE, "--db", db_url, *options]
    if "--branch" not in options:
        args += ["--branch", "main"]
    result = run_cli(*args)
    assert result.exit_code == 3, result.output
    assert words in result.output


def test_broken_databases_are_errors_that_say_so(tmp_path: Path, run_cli: Invoke) -> None:
    good = tmp_path / "good.db"
    assert run_cli("ingest", BASE, "--branch", "main", "--commit", "c", "--db", f"sqlite:///{good}").exit_code == 0
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(good.read_bytes()[:5000])
    text = tmp_path / "text.db"
    text.write_text("not a database at all, but long enough to be read as one" * 100)
    two = tmp_path / "two.db"
    two.write_bytes(good.read_bytes())
    with sqlite3.connect(two) as connection:
        connection.execute("INSERT INTO alembic_version VALUES ('0001')")
    for path in (truncated, text, two):
        result = run_cli("compare", HEAD, "--against", "main", "--db", f"sqlite:///{path}")
        assert result.exit_code == 3, (path.name, result.output)
        assert str(path) in result.output
    assert not list(tmp_path.glob("*.lock"))  # the schema lock leaves nothing behind


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u@127.0.0.1:abc/x",
        "postgresql://u:hunter2@127.0.0.1:1/test?connect_timeout=1",
        "postgresql://u@127.0.0.1/test?password=hunter2&bogus=1",
    ],
)
def test_bad_database_urls_are_errors_without_secrets(url: str, run_cli: Invoke) -> None:
    result = run_cli("ingest", BASE, "--branch", "main", "--commit", "c", "--db", url)
    assert result.exit_code == 3, result.output
    assert "hunter2" not in result.output


def test_masking_covers_passwords_and_secret_query_values() -> None:
    masked = mask_url("postgresql://u:pw@h/db?password=p1&sslpassword=p2&application_name=ok&token=t")
    assert "pw" not in masked.split("@")[0].split(":", 2)[-1] and "p1" not in masked and "p2" not in masked
    assert "application_name=ok" in masked and "token=t" not in masked


def test_a_read_only_compare_does_not_create_a_database(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'none' / 'history.db'}")
    with pytest.raises(Exception, match="no history database"):
        compare_with_history(
            store,
            read_all([HEAD], None, digest=False),
            suite="default",
            branch="main",
            settings=gate_settings(Config()),
            baseline_runs=Config().baseline_runs,
        )
    assert not (tmp_path / "none").exists()
    with pytest.raises(StoreError):
        Store("postgresql://u@h:notaport/x")


# --- nothing injected ----------------------------------------------------------------------------


def test_names_cannot_forge_workflow_commands_or_break_junit(tmp_path: Path) -> None:
    hostile = "evil\n::error::forged\x1b]0;title\x07\u202e"
    path = _write(tmp_path, "h.json", _pytest_benchmark(name=hostile, fullname=hostile))
    done = _perfgate("compare", path, path, "--output-format", "junit", "-o", str(tmp_path / "j.xml"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not any(line.startswith("::") for line in done.stdout.splitlines())
    assert "\x1b" not in done.stdout and "\u202e" not in done.stdout
    ET.parse(tmp_path / "j.xml")  # valid XML


def test_units_and_names_are_escaped_in_markdown(tmp_path: Path) -> None:
    doc = {
        "perfgate": 1,
        "series": [
            {"name": "a", "unit": "@admin <img src=x onerror=alert(1)>", "samples": [1, 2, 3, 4, 5, 6]},
        ],
    }
    path = _write(tmp_path, "p.json", json.dumps(doc))
    done = _perfgate("compare", path, path, "--output-format", "markdown", cwd=tmp_path)
    assert "<img" not in done.stdout and "@admin" not in done.stdout, done.stdout + done.stderr

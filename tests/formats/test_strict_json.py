"""JSON as every reader gets it (formats/strict_json.py through Document): a key named twice, an integer beyond a
float, and the impossible numbers the readers check for themselves (negative times), each refused naming the key."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from perfgate import formats
from perfgate.errors import InputError
from perfgate.formats import strict_json
from perfgate.formats.document import loads_json

from ..conftest import DATA, Invoke
from .reading import write_input

ASV = DATA / "asv/results/perfgate-vm/8533afed-existing-py.json"
ARTILLERY = DATA / "artillery/artillery-v2_report.json"


def test_a_key_named_twice_is_refused_with_its_path() -> None:
    text = '{"results": {"a": 1, "b": [{"x": 1}, {"y": 2, "y": 3}]}}'
    with pytest.raises(strict_json.JSONProblem) as raised:
        strict_json.loads(text, text.encode())
    assert raised.value.where == "results.b[1].y"
    assert raised.value.problem == "named twice in the object results.b[1]; expected each key once"
    top = '{"a": 1, "a": 1}'
    with pytest.raises(strict_json.JSONProblem, match="named twice in the top object") as raised:
        strict_json.loads(top, top.encode())
    assert raised.value.where == "a"


@pytest.mark.parametrize("digits", [309, 401, 5_000, 100_000])
def test_an_integer_beyond_a_float_is_refused_with_its_path(digits: int) -> None:
    text = '{"a": [1, 2, {"b": -' + "9" * digits + "}]}"
    with pytest.raises(strict_json.JSONProblem) as raised:
        strict_json.loads(text, text.encode())
    assert raised.value.where == "a[2].b"
    assert raised.value.problem == f"an integer of {digits:,} digits; expected a number up to 1.8e+308"


def test_long_runs_of_digits_that_are_no_integer_beyond_a_float_are_read() -> None:
    """The largest integer a float holds (309 digits), digits in strings and in fractions: read as they are (the
    slower integer hook is only used when a run of 309 digits is there, and then it must not refuse them)."""
    largest = int(1.7976931348623157e308)
    text = json.dumps({"max": largest, "name": "7" * 5_000, "fraction": float("0." + "3" * 400), "n": [1, -2]})
    assert json.loads(text) == strict_json.loads(text, text.encode())
    assert strict_json.loads(text, text.encode())["max"] == largest


def test_a_long_run_across_the_scans_slices_is_found() -> None:
    text = "[" + " " * (1024 * 1024 - 100) + "1" * 400 + "]"
    with pytest.raises(strict_json.JSONProblem, match="400 digits"):
        strict_json.loads(text, text.encode())


def test_loads_json_names_the_line_of_a_json_lines_file() -> None:
    with pytest.raises(InputError) as raised:
        loads_json(b'{"median": 1, "median": 2}', "x.jsonl", line=7)
    assert str(raised.value) == "x.jsonl:7: median: named twice in the top object; expected each key once"


def _asv(tmp_path: Path, text: str) -> str:
    folder = tmp_path / "results" / "vm"
    folder.mkdir(parents=True)
    (tmp_path / "results" / "benchmarks.json").write_bytes((DATA / "asv/results/benchmarks.json").read_bytes())
    return write_input(folder, ASV.name, text)


def test_asv_naming_a_benchmark_twice_is_refused(tmp_path: Path) -> None:
    """Python keeps the last of two equal keys: the first bench.time_join would have been dropped without a word."""
    text = ASV.read_text()
    row = json.dumps(json.loads(text)["results"]["bench.time_join"])
    path = _asv(tmp_path, text.replace('"results": {', f'"results": {{"bench.time_join": {row}, ', 1))
    with pytest.raises(InputError) as raised:
        formats.read(path)
    assert str(raised.value) == (
        f"{path}:results.bench.time_join: named twice in the object results; expected each key once"
    )


def _set(raw: dict[str, Any], keys: list[str | int], value: float) -> None:
    for key in keys[:-1]:
        raw = raw[key]  # type: ignore[index]
    raw[keys[-1]] = value  # type: ignore[index]


@pytest.mark.parametrize(
    ("fixture", "keys", "where"),
    [
        (ASV, ["results", "bench.time_join", 0, 0], "results.bench.time_join"),
        (ARTILLERY, ["intermediate", 1, "summaries", "http.response_time", "median"], "intermediate[1].summaries"),
        (ARTILLERY, ["aggregate", "summaries", "http.response_time", "p99"], "aggregate.summaries.http.response_time"),
        (ARTILLERY, ["intermediate", 0, "rates", "http.request_rate"], "intermediate[0].rates.http.request_rate"),
    ],
)
def test_a_negative_time_is_refused_naming_its_key(
    tmp_path: Path, fixture: Path, keys: list[str | int], where: str
) -> None:
    raw = json.loads(fixture.read_text())
    _set(raw, keys, -0.5)
    text = json.dumps(raw)
    path = _asv(tmp_path, text) if fixture == ASV else write_input(tmp_path, fixture.name, text)
    with pytest.raises(InputError) as raised:
        formats.read(path)
    assert str(raised.value).startswith(f"{path}:{where}")
    assert str(raised.value).endswith(": expected a finite, non-negative number, got -0.5")


def test_an_asv_track_benchmark_may_be_negative(tmp_path: Path) -> None:
    """A track_ benchmark's unit is its own (a score, a delta): only times and sizes are non-negative."""
    raw = json.loads(ASV.read_text())
    raw["results"]["bench.track_delta"] = [[-3.0], []]
    (parsed,) = [s for s in formats.read(_asv(tmp_path, json.dumps(raw))).series if s.name == "bench.track_delta"]
    assert parsed.summary.median == -3.0


def test_libtest_json_with_a_negative_median_is_refused(tmp_path: Path) -> None:
    text = (DATA / "rust-libtest-bench/libtest_bench_json.txt").read_text()
    old = '"median": 137.6274135044643'
    assert old in text
    path = write_input(tmp_path, "bench.json.txt", text.replace(old, '"median": -5', 1))
    with pytest.raises(InputError, match=r":3: a bench event's median of -5 ns; expected a non-negative time"):
        formats.read(path)


@pytest.mark.parametrize(
    ("fixture", "old", "new", "message"),
    [
        (
            "rust-libtest-bench/libtest_bench_json.txt",
            '"median": 137.6274135044643',
            '"median": ' + "1" * 5_000,
            ":3: median: an integer of 5,000 digits",
        ),
        (
            "rust-libtest-bench/libtest_bench_json.txt",
            '"median": 137.6274135044643',
            '"median": 1, "median": 2',
            ":3: median: named twice in the top object",
        ),
        (
            "go-bench/go_test_json_bench.jsonl",
            '"Action":',
            '"Time": ' + "2" * 401 + ', "Action":',
            ":1: Time: an integer",
        ),
    ],
)
def test_json_lines_readers_refuse_them_naming_the_line(
    tmp_path: Path, fixture: str, old: str, new: str, message: str
) -> None:
    text = (DATA / fixture).read_text()
    assert old in text
    path = write_input(tmp_path, Path(fixture).name, text.replace(old, new, 1))
    with pytest.raises(InputError, match=message):
        formats.read(path)


@pytest.mark.parametrize("code", ["²", "٤٠٤", "2xx"])
def test_an_artillery_status_that_is_no_number_counts_as_failed(tmp_path: Path, code: str) -> None:
    """str.isdigit accepts "²" and Arabic-Indic digits, which int() refuses or reads as another number: a status
    is ASCII digits, and a counter of anything else is a failed request (as errors.* are)."""
    raw = json.loads(ARTILLERY.read_text())
    raw["aggregate"]["counters"][f"http.codes.{code}"] = 9
    results = formats.read(write_input(tmp_path, ARTILLERY.name, json.dumps(raw)))
    before = formats.read(ARTILLERY)
    [errors] = [s for s in results.series if s.name == "all requests" and s.metric == "error_rate"]
    [was] = [s for s in before.series if s.name == "all requests" and s.metric == "error_rate"]
    assert (errors.summary.count, errors.summary.errors) == (was.summary.count + 9, (was.summary.errors or 0) + 9)


def test_compare_refuses_a_5000_digit_integer_with_exit_3_naming_file_and_key(run_cli: Invoke, tmp_path: Path) -> None:
    raw = gzip.decompress((DATA / "aa-reruns/pytest-benchmark-run1.json.gz").read_bytes()).decode()
    raw = raw.replace('"rounds": ', '"rounds": ' + "7" * 5_000 + ', "x": ', 1)
    path = write_input(tmp_path, "huge.json", raw)
    result = run_cli("compare", path, path)
    assert result.exit_code == 3, result.output
    assert f"{path}:benchmarks[0].stats.rounds: an integer of 5,000 digits; expected a number up to" in result.output
    assert "Traceback" not in result.output

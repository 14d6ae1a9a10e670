"""Bad input of every reader: refused with exit 3, naming the file and the place (key, line, field), never a guess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfgate import formats
from perfgate.errors import InputError

from ..conftest import DATA, EXAMPLES, Invoke
from .reading import write_input

BASE = str(EXAMPLES / "pytest-benchmark" / "base.json")


def _pytest_benchmark(**changes: object) -> str:
    raw = json.loads(Path(BASE).read_text())
    raw["benchmarks"][0].update(changes)
    return json.dumps(raw)


def _machine_info(**changes: object) -> str:
    raw = json.loads(Path(BASE).read_text())
    raw["machine_info"].update(changes)
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
    "a cpu brand_raw that is a list": (  # was an internal error: an unhashable environment field
        "b.json",
        _machine_info(cpu={"brand_raw": ["Intel", "Xeon"]}, node=7, processor="\x00"),
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
    path = write_input(tmp_path, name, content)
    result = run_cli("compare", path, path, *options)
    if words is None:  # informative parts of a file may be malformed: read, not refused
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 3, result.output
    assert path in result.output and words in result.output
    assert "Traceback" not in result.output


def _broken(tmp_path: Path, fixture: str, edit: str) -> Path:
    source = DATA / fixture
    text = source.read_text()
    path = tmp_path / source.name
    if edit == "truncate":
        path.write_text(text[: len(text) // 2])
    elif edit == "first-result-row":
        raw = json.loads(text)
        row = next(m for m in raw["Benchmarks"][0]["Measurements"] if m["IterationStage"] == "Result")
        row["Operations"] = 0
        path.write_text(json.dumps(raw))
    else:
        old, new = edit.split("=>")
        assert old in text, old
        path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("fixture", "format_name", "edit", "message"),
    [
        ("google-benchmark/gbench_repetitions.json", "google-benchmark", "truncate", "not valid JSON"),
        (
            "google-benchmark/gbench_repetitions.json",
            "google-benchmark",
            '"real_time": 6.5204026277712845e+00=>"real_time": "fast"',
            "benchmarks[0].real_time: expected a number",
        ),
        ("hyperfine/hyperfine_export.json", "hyperfine", "truncate", "not valid JSON"),
        (
            "hyperfine/hyperfine_export.json",
            "hyperfine",
            '"times": [\n        0.011=>"times": [\n        -0.011',
            "results[0].times[0]: expected a non-negative",
        ),
        ("go-bench/go_bench_count3.txt", "go-bench", "95.49 ns/op=>95.49", ":5: expected value/unit pairs"),
        ("go-bench/go_bench_count3.txt", "go-bench", "95.49 ns/op=>fast ns/op", ":5: expected a number before 'ns/op'"),
        ("jmh/six.json", "jmh", "truncate", "not valid JSON"),
        ("benchmarkdotnet/memory.json", "benchmarkdotnet", "first-result-row", "Operations: expected a positive count"),
        (
            "bencher-metric-format/report_latency.json",
            "bencher-bmf",
            '"value": 3247.0=>"value": "slow"',
            "tests::benchmark_a.latency.value: expected a number",
        ),
    ],
)
def test_bad_input_names_file_and_place(
    tmp_path: Path, fixture: str, format_name: str, edit: str, message: str
) -> None:
    path = _broken(tmp_path, fixture, edit)
    with pytest.raises(InputError) as info:
        formats.read(path, format_name)
    assert str(info.value).startswith(str(path)) and message in str(info.value)
    with pytest.raises(InputError):
        formats.read(path)  # sniffing fails too, or the same error is raised


@pytest.mark.parametrize(
    "format_name", ["google-benchmark", "hyperfine", "jmh", "benchmarkdotnet", "go-bench", "bencher-bmf"]
)
def test_a_look_alike_is_refused_with_its_keys_named(tmp_path: Path, format_name: str) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"results": "nope", "benchmarks": 3, "Benchmarks": null}')
    with pytest.raises(InputError):
        formats.read(path, format_name)
    with pytest.raises(InputError, match="unrecognised results: a JSON object with keys"):
        formats.read(path)


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


def test_an_environment_field_that_is_no_text_is_dropped(tmp_path: Path) -> None:
    """Where a run was measured is informative: brand_raw as a list, a node that is a number and a NUL in the
    processor are left out of the environment (the sanity check, for every reader), the rest is kept."""
    path = write_input(
        tmp_path, "b.json", _machine_info(cpu={"brand_raw": ["Intel", "Xeon"]}, node=7, processor="\x00")
    )
    env = formats.read(path).environment
    assert (env.cpu, env.runner, env.tool) == (None, None, "pytest-benchmark")
    assert env.os and env.interpreter


@pytest.mark.parametrize("where", ["input", "output"])
def test_a_file_name_too_long_for_the_file_system_is_bad_input(run_cli: Invoke, tmp_path: Path, where: str) -> None:
    """ENAMETOOLONG was an internal error (exit 4), reading a results file or writing a report."""
    long = str(tmp_path / ("r" * 300 + ".json"))
    result = run_cli("compare", long, long) if where == "input" else run_cli("compare", BASE, BASE, "--output", long)
    assert result.exit_code == 3, result.output
    verb = "read" if where == "input" else "written"
    assert f"{long}: cannot be {verb}: the name is too long for the file system (a part of it is 305 bytes" in (
        result.output
    )

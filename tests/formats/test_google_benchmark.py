"""Microbenchmark formats: what each reads, and how each refuses bad input (file, line or key, no guess)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from perfgate import formats
from perfgate.errors import InputError
from perfgate.model import Direction, SampleKind

from ..conftest import DATA


def _series(path: Path | str, name: str, metric: str):  # type: ignore[no-untyped-def]
    results = formats.read(path)
    return next(s for s in results.series if s.name == name and s.metric == metric)


def test_google_benchmark_repetitions_are_samples_and_aggregates_are_not() -> None:
    results = formats.read(DATA / "google-benchmark" / "gbench_repetitions.json")
    names = {s.name for s in results.series}
    assert names == {"BM_StringCopy/8", "BM_StringCopy/4096", "BM_VectorSum/65536"}  # no _mean/_cv rows
    copy = _series(DATA / "google-benchmark" / "gbench_repetitions.json", "BM_StringCopy/8", "real_time")
    assert copy.samples.size == 3 and copy.kind is SampleKind.REPETITION
    vector = _series(DATA / "google-benchmark" / "gbench_repetitions.json", "BM_VectorSum/65536", "cpu_time")
    assert vector.summary.median == pytest.approx(37.14588123011663e-6)  # time_unit "us" honoured
    items = _series(DATA / "google-benchmark" / "gbench_repetitions.json", "BM_VectorSum/65536", "items_per_second")
    assert items.direction is Direction.HIGHER_IS_BETTER
    assert results.failures == (("BM_Fails", "deliberate failure"),)


def test_google_benchmark_aggregates_only_become_a_summary(tmp_path: Path) -> None:
    raw = json.loads((DATA / "google-benchmark" / "gbench_repetitions.json").read_text())
    raw["benchmarks"] = [b for b in raw["benchmarks"] if b.get("run_type") == "aggregate"]
    path = tmp_path / "aggregates.json"
    path.write_text(json.dumps(raw))
    series = _series(path, "BM_StringCopy/8", "real_time")
    assert series.kind is SampleKind.SUMMARY_ONLY and series.summary.count == 3
    assert series.summary.median == pytest.approx(6.42919214706188e-9)


def test_hyperfine_counts_failed_runs_and_keeps_cpu_times() -> None:
    path = DATA / "hyperfine" / "hyperfine_param_ignore_failure.json"
    failing = _series(path, "sleep 0.01; exit $(( 1 % 2 ))", "time")
    assert failing.summary.errors == 5 and failing.samples.size == 5
    assert _series(path, "sleep 0.02; exit $(( 2 % 2 ))", "time").summary.errors == 0
    assert _series(path, "sleep 0.01; exit $(( 1 % 2 ))", "user_time").kind is SampleKind.SUMMARY_ONLY


def test_go_text_and_go_test_json_give_the_same_benchmarks() -> None:
    text = formats.read(DATA / "go-bench" / "go_bench_count3.txt")
    events = formats.read(DATA / "go-bench" / "go_test_json_bench.jsonl")
    assert {s.key for s in events.series} <= {s.key for s in text.series}
    assert all(not s.name.endswith("-2") for s in text.series)  # the GOMAXPROCS suffix is dropped
    parse = _series(DATA / "go-bench" / "go_bench_count3.txt", "BenchmarkParse/size=10", "throughput")
    assert parse.unit == "B/s" and parse.samples[0] == pytest.approx(1570.87e6)  # MB/s is decimal


def test_go_keeps_suffixes_when_not_every_line_has_one() -> None:
    names = {s.name for s in formats.read(DATA / "go-bench" / "go_output.txt").series}
    assert "BenchmarkFib10-8" in names and "BenchmarkFib20" in names


def test_jmh_params_modes_and_units() -> None:
    results = formats.read(DATA / "jmh" / "six.json")
    first = results.series[0]
    assert first.name == "com.github.caffeine.caffeine.cache.ComputeBenchmark.compute_sameKey:computeType=Caffeine"
    assert first.metric == "throughput" and first.direction is Direction.HIGHER_IS_BETTER and first.unit == "1/s"
    raw = json.loads((DATA / "jmh" / "six.json").read_text())[0]["primaryMetric"]["rawData"]
    assert first.samples.tolist() == pytest.approx([v for fork in raw for v in fork])


def test_jmh_average_time_is_time_per_operation(tmp_path: Path) -> None:
    raw = json.loads((DATA / "jmh" / "jmh_output_2.json").read_text())
    raw[0]["mode"] = "avgt"
    raw[0]["primaryMetric"]["scoreUnit"] = "us/op"
    raw[0]["primaryMetric"]["scoreError"] = "NaN"
    path = tmp_path / "avgt.json"
    path.write_text(json.dumps(raw))
    (series,) = formats.read(path).series
    assert series.metric == "time" and series.unit == "s" and series.direction is Direction.LOWER_IS_BETTER
    assert series.samples[0] == pytest.approx(raw[0]["primaryMetric"]["rawData"][0][0] * 1e-6)


def test_benchmarkdotnet_uses_workload_result_measurements() -> None:
    raw = json.loads((DATA / "benchmarkdotnet" / "memory.json").read_text())["Benchmarks"][0]
    expected = [
        m["Nanoseconds"] / m["Operations"] * 1e-9
        for m in raw["Measurements"]
        if m["IterationMode"] == "Workload" and m["IterationStage"] == "Result"
    ]
    series = _series(DATA / "benchmarkdotnet" / "memory.json", raw["FullName"], "time")
    assert series.samples.tolist() == pytest.approx(expected)
    allocated = _series(DATA / "benchmarkdotnet" / "memory.json", raw["FullName"], "allocated")
    assert allocated.summary.median == 368


def test_criterion_from_the_directory_or_a_file(tmp_path: Path) -> None:
    root = DATA / "rust-criterion" / "target" / "criterion"
    sample = json.loads((root / "fib 15" / "new" / "sample.json").read_text())
    fib = _series(root, "fib 15", "time")
    expected = np.array(sample["times"]) / np.array(sample["iters"]) * 1e-9
    assert fib.samples.tolist() == pytest.approx(expected.tolist())
    by_file = _series(root / "fib 15" / "new" / "sample.json", "fib 15", "time")
    assert by_file.samples.tolist() == fib.samples.tolist()
    copy = tmp_path / "fib"
    shutil.copytree(root / "fib 15", copy)
    (copy / "new" / "sample.json").unlink()
    with pytest.raises(InputError, match=r"new/sample\.json: missing"):
        formats.read(copy, "criterion")


def test_bencher_latency_is_nanoseconds() -> None:
    series = _series(DATA / "bencher-metric-format" / "report_bmf_mixed.json", "benchmark-b", "time")
    assert series.unit == "s" and series.summary.median == pytest.approx(3443e-9)
    assert series.summary.min == pytest.approx(2275e-9)


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


def test_cargo_bench_of_several_targets_keeps_names_apart(tmp_path: Path) -> None:
    """Two bench targets' output in one file (what `cargo bench` prints): a repeated name gets its target."""
    real = (DATA / "rust-libtest-bench" / "libtest_bench.txt").read_text()
    both = f"     Running benches/a.rs (target/release/deps/a-1)\n{real}     Running benches/b.rs (target/release/deps/b-2)\n{real}"
    path = tmp_path / "bench.txt"
    path.write_text(both)
    results = formats.read(path)
    names = [s.name for s in results.series if s.metric == "time"]
    assert names == ["bench_copy_4k", "bench_fib_10", "bench_fib_20"] + [
        f"{n} (benches/b.rs)" for n in ("bench_copy_4k", "bench_fib_10", "bench_fib_20")
    ]
    assert [name for name, _ in results.failures] == ["bench_panics", "bench_panics"]


def test_cargo_bench_text_and_json_agree() -> None:
    text = formats.read(DATA / "rust-libtest-bench" / "libtest_bench.txt")
    events = formats.read(DATA / "rust-libtest-bench" / "libtest_bench_json.txt")
    assert [s.key for s in text.series] == [s.key for s in events.series]
    assert text.format == events.format == "libtest"
    copy = {s.key: s.summary.median for s in events.series}
    assert copy[("bench_copy_4k", "throughput")] == pytest.approx(29_897e6)
    assert copy[("bench_fib_20", "time")] == pytest.approx(30_446.9e-9, rel=1e-4)


def _gbench_rows(tmp_path: Path, keep: Callable[[dict[str, Any]], bool], drop_names: bool) -> Path:
    """Google Benchmark's real repetitions file, with only some rows (and, like some writers, no aggregate_name)."""
    data = json.loads((DATA / "google-benchmark" / "gbench_repetitions.json").read_text())
    data["benchmarks"] = [
        {k: v for k, v in row.items() if not (drop_names and k == "aggregate_name")}
        for row in data["benchmarks"]
        if keep(row)
    ]
    path = tmp_path / "aggregates.json"
    path.write_text(json.dumps(data))
    return path


def test_google_benchmark_aggregates_without_aggregate_name_are_read(tmp_path: Path) -> None:
    path = _gbench_rows(tmp_path, lambda row: row["run_type"] == "aggregate", drop_names=True)
    results = formats.read(path)
    assert {s.name for s in results.series} == {"BM_StringCopy/8", "BM_StringCopy/4096", "BM_VectorSum/65536"}
    assert all(s.kind is SampleKind.SUMMARY_ONLY and s.summary.mean is not None for s in results.series)


def test_google_benchmark_with_only_spread_aggregates_says_what_is_missing(tmp_path: Path) -> None:
    path = _gbench_rows(tmp_path, lambda row: row.get("aggregate_name") in ("stddev", "cv"), drop_names=False)
    with pytest.raises(InputError) as info:
        formats.read(path)
    assert "only aggregate rows (cv, stddev), none of them a mean or median" in str(info.value)


def test_jmh_labels_a_score_by_its_unit_when_the_mode_disagrees(tmp_path: Path) -> None:
    """JMH's own file, edited as some tools write it: mode thrpt with a time per operation."""
    data = json.loads((DATA / "jmh" / "six.json").read_text())
    data[0]["mode"] = "thrpt"
    data[0]["primaryMetric"]["scoreUnit"] = "us/op"
    path = tmp_path / "jmh.json"
    path.write_text(json.dumps(data))
    first = formats.read(path).series[0]
    assert (first.metric, first.unit, first.direction) == ("time", "s", Direction.LOWER_IS_BETTER)


def test_benchmarkdotnet_0_9_keeps_the_namespace() -> None:
    names = [s.name for s in formats.read(DATA / "benchmarkdotnet" / "two.json").series]
    assert names[0] == "BenchmarkDotNet.Samples.Intro.IntroJsonExport.Sleep10"


def test_gungraun_counts_compare_exactly_from_one_run_per_side(tmp_path: Path) -> None:
    """Gungraun's own delta output holds this run's counts and the previous run's (new|old): the previous run
    as the baseline, its +5.09 % instructions is beyond the 5 % allowed with no rank test; +3.7 % hits is not."""
    import re

    from perfgate.gate import Settings, Side, Verdict, evaluate
    from perfgate.model import RunRef

    real = (DATA / "iai" / "gungraun_delta.txt").read_text()
    previous = tmp_path / "previous.txt"
    previous.write_text(re.sub(r"(\s)(\d+)\|(\d+)", r"\1\3|N/A", real))
    base, head = formats.read(previous), formats.read(DATA / "iai" / "gungraun_delta.txt")
    assert {s.kind for s in head.series} == {SampleKind.EXACT}
    report = evaluate(Side((RunRef("old"),), (base.series,)), Side((RunRef("new"),), (head.series,)), Settings())
    short = "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci short:10"
    by_key = {(c.name, c.metric): c for c in report.comparisons}
    instructions = by_key[(short, "instructions")]
    assert instructions.verdict is Verdict.REGRESSION and instructions.test == "deterministic"
    assert "1,650 → 1,734 in every run" in instructions.reason and "counted exactly" in instructions.reason
    assert by_key[(short, "l1_hits")].verdict is Verdict.UNCHANGED  # +3.7 %, and hits are better higher anyway


def test_gungraun_json_summaries_name_metrics_as_the_console_does() -> None:
    """Schema 6 (callgrind and DHAT profiles) and 7: the new values of each profile's total, under the console's
    metric names, so a project that moves from the console output to --save-summary=json keeps its history."""
    v6 = {(s.name, s.metric): s for s in formats.read(DATA / "iai" / "gungraun_summary_v6.json").series}
    name = "test_lib_bench_iter::my_group::bench_allocation measure_just_nested_setup_0:(setup_with_print_and_alloc(nth of vec! [2, -2]))"
    assert v6[(name, "instructions")].summary.median == 56
    assert v6[(name, "estimated_cycles")].summary.median == 184
    assert v6[(name, "total_bytes")].summary.median == 8  # DHAT
    assert v6[(name, "at_t_gmax_bytes")].summary.median == 8
    assert {s.kind for s in v6.values()} == {SampleKind.EXACT}
    v7 = formats.read(DATA / "iai" / "gungraun_summary_v7.json")
    assert v7.format == "iai" and v7.environment.tool == "gungraun"
    metrics = {s.metric: s for s in v7.series}
    assert metrics["instructions"].summary.median == 687
    assert metrics["l1_hits"].direction is Direction.HIGHER_IS_BETTER
    assert metrics["ll_hit_rate"].unit == "ratio" and metrics["ll_hit_rate"].summary.median == pytest.approx(
        0.0010141987829614604
    )
    assert metrics["lli_miss_rate"].direction is Direction.LOWER_IS_BETTER
    console = {s.metric for s in formats.read(DATA / "iai" / "gungraun_callgrind-all.txt").series}
    assert set(metrics) <= console | {"ll_hits"}  # the console of that version said "L2 Hits"


def test_gungraun_json_lines_among_cargo_output(tmp_path: Path) -> None:
    """--output-format=json prints one summary a line among cargo's own lines: built here from the two real
    summaries (schema 7's compacted onto one line, as the tool prints it) and a real libtest header."""
    header = (DATA / "iai" / "gungraun_callgrind-all.txt").read_text().splitlines()[:5]
    v6 = (DATA / "iai" / "gungraun_summary_v6.json").read_text().strip()
    v7 = json.dumps(json.loads((DATA / "iai" / "gungraun_summary_v7.json").read_text()), separators=(",", ":"))
    stdout = tmp_path / "bench.txt"
    stdout.write_text("\n".join([*header, v6, "", v7, ""]))
    read = formats.read(stdout)
    assert read.format == "iai"
    assert {s.name.split(" ")[0] for s in read.series} == {
        "test_lib_bench_iter::my_group::bench_allocation",
        "test_lib_bench_intro::fibonacci::bench_fibonacci_with_config",
    }
    stdout.write_text("\n".join([*header, v6, v7[:-20]]))
    with pytest.raises(InputError, match=r"bench\.txt:7: not a JSON summary"):
        formats.read(stdout)


def test_catch2_xml_names_benchmarks_as_the_console_does(tmp_path: Path) -> None:
    xml = formats.read(DATA / "catch2" / "catch2_xml_v3.7.1.xml")
    assert xml.format == "catch2" and xml.environment.tool_version == "3.7.1"
    by_name = {s.name: s for s in xml.series}
    assert list(by_name) == ["fib 20", "fib 25", "vector push_back 1000", "string append 100"]
    fib = by_name["fib 20"]
    assert (fib.metric, fib.unit, fib.summary.count) == ("time", "s", 30)
    assert fib.summary.mean == pytest.approx(22348.7e-9) and fib.summary.stddev == pytest.approx(2712.18e-9)
    text = (DATA / "catch2" / "catch2_xml_v3.7.1.xml").read_text()
    broken = tmp_path / "bench.xml"
    broken.write_text(text.replace('<mean value="22348.7"', '<mean value="fast"', 1))
    with pytest.raises(
        InputError, match=r"bench\.xml:BenchmarkResults\[name='fib 20'\]\.mean\.value: expected a number"
    ):
        formats.read(broken)
    without = tmp_path / "tests.xml"
    without.write_text(text.split("<TestCase")[0] + "</Catch2TestRun>\n")
    with pytest.raises(InputError, match="a Catch2 XML report without BenchmarkResults"):
        formats.read(without)

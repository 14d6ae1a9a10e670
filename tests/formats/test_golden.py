"""Every real fixture, parsed, against a golden description of what perfgate read from it.

`pytest tests/formats/test_golden.py --update-golden` rewrites tests/golden/formats/ after a deliberate change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from perfgate import formats
from perfgate.model import ParsedResults, Series

from ..conftest import DATA, check_golden

FIXTURES = [
    "pytest-benchmark/pytest_benchmark_full.json",
    "pytest-benchmark/0001_nodata_benchmark-save.json",
    "pytest-benchmark/0030_v2.5.0_uncommitted-changes.json",
    "github-action-benchmark/customBiggerIsBetter_output.json",
    "github-action-benchmark/customSmallerIsBetter_output2.json",
    "perfgate-json/api.json",
    "google-benchmark/gbench_repetitions.json",
    "google-benchmark/googlecpp_output.json",
    "google-benchmark/test3_run0.json",
    "hyperfine/hyperfine_export.json",
    "hyperfine/hyperfine_param_ignore_failure.json",
    "hyperfine/two.json",
    "go-bench/go_bench_count3.txt",
    "go-bench/go_test_json_bench.jsonl",
    "go-bench/benchstat_testdata_old.txt",
    "go-bench/benchstat_testdata_units.txt",
    "go-bench/go_output.txt",
    "jmh/six.json",
    "jmh/jmh_output_2.json",
    "benchmarkdotnet/memory.json",
    "benchmarkdotnet/two.json",
    "rust-criterion/target/criterion",
    "bencher-metric-format/report_bmf_mixed.json",
    "bencher-metric-format/report_dhat.json",
    "k6/k6_summary_export.json",
    "k6/k6_handle_summary.json",
    "k6/handleSummary_summary.json",
    "k6/k6_points.ndjson.gz",
    "jmeter/HTMLReportTestFile.csv",
    "jmeter/filewithtransactions.csv",
    "jmeter/multiLineCSV.jtl",
    "jmeter/hailstorm_jtl_log_data.jtl",
    "jmeter/hailstorm_jmeter_log_sample_first40.jtl",
    "jmeter/HTMLReportExpect_statistics.json",
    "locust/example_stats.csv",
    "locust/locust_stats.csv",
    "gatling/gatling-repo_text-format_simulation.log",
    "gatling/stats.json",
    "rust-libtest-bench/libtest_bench.txt",
    "rust-libtest-bench/libtest_bench_json.txt",
    "rust-libtest-bench/cargo_output.txt",
    "rust-libtest-bench/many.txt",
    "rust-libtest-bench/failed.txt",
    "rust-libtest-bench/criterion_output-format-bencher.txt",
    "wrk/wrk_latency_local.txt",
    "wrk/wrk_non2xx_local.txt",
    "wrk/WrkResultsLong.wrk",
    "wrk/WrkResultsWithErrors.wrk",
    "vegeta/vegeta_readme_report.json",
    "vegeta/vault-benchmark_report.json",
    "artillery/artillery-v2_report.json",
    "asv/results/perfgate-vm/8533afed-existing-py.json",
    "rust-libtest-bench/cargo_output_units.txt",
    "rust-libtest-bench/cargo_output2.txt",
    "benchmarkjs/benchmarkjs_output.txt",
    "catch2/catch2_output_v2.txt",
    "catch2/catch2_output_v3.txt",
    "catch2/catch2_xml_v3.7.1.xml",
    "julia/julia_output.json",
    "pyperf/telco.json",
    "pyperf/mult_list_py37.json",
    "pyperf/track_memory.json",
    "vitest/vitest_bench.json",
    "iai/iai_two.txt",
    "iai/iai_change.txt",
    "iai/gungraun_delta.txt",
    "iai/gungraun_callgrind-all.txt",
    "iai/gungraun_ansi-escapes.txt",
    "iai/gungraun_summary_v6.json",
    "iai/gungraun_summary_v7.json",
]


def _g(value: float | None) -> str:
    return "-" if value is None else f"{value:.6g}"


def describe(results: ParsedResults) -> str:
    env = ", ".join(f"{k}={v}" for k, v in results.environment.as_pairs())
    lines = [f"format: {results.format}", f"environment: {env}", f"commit: {results.commit}"]
    lines.append(f"recorded_at: {results.recorded_at.isoformat() if results.recorded_at else None}")
    lines += [f"failed: {name}: {message}" for name, message in results.failures]
    lines.append("series (name | metric | unit | direction | kind | samples | count median mean min max p95 errors):")
    lines += [_series(s) for s in results.series]
    return "\n".join(lines) + "\n"


def _series(s: Series) -> str:
    m = s.summary
    stats = " ".join(_g(v) for v in (m.count, m.median, m.mean, m.min, m.max, m.p95))
    return f"{s.name} | {s.metric} | {s.unit} | {s.direction.value} | {s.kind.value} | {s.samples.size} | {stats} {m.errors}"


@pytest.mark.parametrize("fixture", FIXTURES)
def test_parsed_fixture_matches_golden(fixture: str, update_golden: bool) -> None:
    results = formats.read(DATA / fixture)
    golden = "formats/" + fixture.replace("/", "__").replace(" ", "_") + ".txt"
    check_golden(golden, describe(results), update_golden)


def test_every_format_has_a_fixture() -> None:
    covered = {formats.read(DATA / f).format for f in FIXTURES}
    assert {f.name for f in formats.all_formats()} - covered == {"customBiggerIsBetter"}  # chosen only by --format


def test_fixture_provenance_is_kept() -> None:
    for folder in {Path(f).parts[0] for f in FIXTURES}:
        assert (DATA / folder / "PROVENANCE.txt").is_file(), folder

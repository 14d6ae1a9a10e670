"""`perfgate import` of another tool's whole history: github-action-benchmark's data.js and asv's results
directory (API versions 1 and 2), real files, into SQLite and Postgres, with their commits and dates; importing
twice stores nothing new; a malformed file is named with its key or line and nothing of it is stored."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from perfgate import site_address
from perfgate.model import Direction, Run
from perfgate.store import Store

from .conftest import DATA, Invoke

DATA_JS = DATA / "github-action-benchmark-data" / "data.js"
ASV_V1 = DATA / "asv-results-v1" / "results"
ASV_V2 = DATA / "asv-results-v2"  # the folder that holds results/: found there too
PVLIB = "pvlib-asv.forecasting.energy.arizona.edu/conda-py3.8-ephem-numba-numpy-pandas-pytables-scipy"
PANDAS = "asvrunner/existing-py_home_runner_micromamba_envs_test_bin_python"


def _gab() -> dict[str, Any]:
    """The data.js as the Action wrote it, parsed here independently of perfgate."""
    text = DATA_JS.read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text.removeprefix("window.BENCHMARK_DATA = "))
    return data


def _runs(db_url: str, suite: str) -> list[Run]:
    return sorted(Store(db_url).iter_runs(suite=suite), key=lambda r: r.recorded_at)


def test_a_data_js_becomes_main_history_with_its_commits_and_dates(run_cli: Invoke, db_url: str) -> None:
    result = run_cli("import", str(DATA_JS), "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "24 runs imported, 0 already stored" in result.output
    assert "suites 'Rust Benchmark', 'Go Benchmark', 'Python Benchmark with pytest-benchmark'" in result.output
    entries = _gab()["entries"]
    for name, items in entries.items():
        runs = _runs(db_url, name)
        assert [(r.commit, r.branch) for r in runs] == [(i["commit"]["id"], "main") for i in items]
        assert [r.recorded_at for r in runs] == [datetime.fromtimestamp(i["date"] / 1000, UTC) for i in items]
    rust = _runs(db_url, "Rust Benchmark")
    # The same commit measured three times (re-runs) stays three runs, each at its own time.
    assert [r.commit[:8] for r in rust].count("029e9b87") == 3
    first = {s.name: s for s in rust[0].series}
    assert first["bench_fib_10"].summary.median == pytest.approx(208e-9)  # 208 ns/iter, in seconds
    assert first["bench_fib_10"].unit == "s" and first["bench_fib_10"].direction is Direction.LOWER_IS_BETTER
    python = {s.name: s for s in _runs(db_url, "Python Benchmark with pytest-benchmark")[-1].series}
    fib = python["bench.py::test_fib_10"]
    assert (fib.metric, fib.unit, fib.direction) == ("throughput", "1/s", Direction.HIGHER_IS_BETTER)
    assert fib.summary.median == entries["Python Benchmark with pytest-benchmark"][-1]["benches"][0]["value"]

    again = run_cli("import", str(DATA_JS), "--db", db_url)
    assert again.exit_code == 0 and "0 runs imported, 24 already stored" in again.output
    assert Store(db_url).count_runs() == 24

    shown = run_cli("history", "bench_fib_10", "--suite", "Rust Benchmark", "--db", db_url)
    assert shown.exit_code == 0, shown.output
    assert "bench_fib_10 (time) on main, 10 runs" in shown.output
    assert "036be2a99871  2024-01-24 15:33   208ns" in shown.output
    assert "samples pruned" not in shown.output  # one value per run is all github-action-benchmark keeps


def test_one_set_into_the_configs_suite_and_an_old_go_unit(run_cli: Invoke, db_url: str) -> None:
    result = run_cli(
        "import", str(DATA_JS), "--suite", "default", "--only", "Go Benchmark", "--branch", "trunk", "--db", db_url
    )
    assert result.exit_code == 0, result.output
    assert "8 runs imported" in result.output and "suite 'default'" in result.output
    runs = _runs(db_url, "default")
    assert len(runs) == 8 and {r.branch for r in runs} == {"trunk"}
    # Old github-action-benchmark versions wrote Go's extra metrics into the unit: "ns/op\t 4.000 auxMetricUnits".
    raw = _gab()["entries"]["Go Benchmark"][0]["benches"][2]
    assert raw["unit"].startswith("ns/op\t")
    aux = {s.name: s for s in runs[0].series}["BenchmarkFib20WithAuxMetric"]
    assert aux.unit == "s" and aux.summary.median == pytest.approx(raw["value"] * 1e-9)
    shown = run_cli("history", "BenchmarkFib10", "--branch", "trunk", "--db", db_url)
    assert shown.exit_code == 0 and "on trunk, 8 runs" in shown.output


def test_an_asv_api_v1_results_directory_with_its_machine_file(run_cli: Invoke, db_url: str) -> None:
    result = run_cli("import", str(ASV_V1), "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "6 runs imported, 0 already stored" in result.output and f"suite '{PVLIB}'" in result.output
    runs = _runs(db_url, PVLIB)
    files = sorted((ASV_V1 / PVLIB.split("/")[0]).glob("*-conda-*.json"))
    written = sorted((json.loads(f.read_text()) for f in files), key=lambda d: d["date"])
    assert [(r.commit, r.recorded_at) for r in runs] == [
        (d["commit_hash"], datetime.fromtimestamp(d["date"] / 1000, UTC)) for d in written
    ]
    assert runs[0].commit == "c9adf8b062d68982434e8c356bfde72fd7a21fcc"  # pvlib's order.json, run 000
    first = {s.name: s for s in runs[0].series}
    assert first["irradiance.Irradiance.time_aoi"].summary.median == 0.002364318910986185
    assert first["solarposition.SolarPosition.time_ephemeris(100)"].summary.median == 0.18805164191871881
    assert "temperature.Fuentes.time_fuentes" not in first  # NaN: skipped by asv
    env = runs[0].environment
    assert (env.runner, env.cpu, env.os, env.tool) == (
        "pvlib-asv.forecasting.energy.arizona.edu",
        "Intel Xeon Processor (Skylake, IBRS)",
        "Linux 5.7.8-200.fc32.x86_64",
        "asv",
    )
    again = run_cli("import", str(ASV_V1), "--db", db_url)
    assert "0 runs imported, 6 already stored" in again.output
    shown = run_cli("history", "irradiance.Irradiance.time_aoi", "--suite", PVLIB, "--db", db_url)
    assert shown.exit_code == 0 and "6 runs" in shown.output and "c9adf8b062d6  2019-05-03" in shown.output


def test_an_asv_api_v2_results_directory(run_cli: Invoke, db_url: str) -> None:
    result = run_cli("import", str(ASV_V2), "--suite", "pandas", "--db", db_url)
    assert result.exit_code == 0, result.output
    runs = _runs(db_url, "pandas")
    assert [r.commit[:10] for r in runs] == ["fef01c5c58", "1d33e4cedb", "4c3b968a0a", "60325b86e2"]
    assert runs[0].recorded_at == datetime.fromtimestamp(1737571305000 / 1000, UTC)
    assert runs[0].environment.tool_version == "results API 2" and runs[0].environment.runner == "asvrunner"
    written = json.loads(next((ASV_V2 / "results" / "asvrunner").glob("fef01c5c-*.json")).read_text())
    row = written["results"]["algos.isin.IsInWithLongTupples.time_isin"]
    stored = {s.name: s for s in runs[0].series}["algos.isin.IsInWithLongTupples.time_isin"]
    assert stored.summary.median == row[0][0]


def _copy(tree: Path, tmp_path: Path) -> Path:
    target = tmp_path / "results"
    shutil.copytree(tree, target)
    return target


def test_a_malformed_data_js_is_named_with_its_key_and_nothing_is_stored(
    run_cli: Invoke, db_url: str, tmp_path: Path
) -> None:
    data = _gab()
    data["entries"]["Go Benchmark"][3]["benches"][1]["value"] = "fast"
    broken = tmp_path / "data.js"
    broken.write_text("window.BENCHMARK_DATA = " + json.dumps(data, indent=2))
    result = run_cli("import", str(DATA_JS), str(broken), "--db", db_url)
    assert result.exit_code == 3, result.output
    assert 'data.js:entries["Go Benchmark"][3].benches[1].value: expected a number, got a string' in result.output
    assert Store(db_url).current_revision() is None  # not even the good file before it

    del data["entries"]["Go Benchmark"][3]["benches"][1]["value"]
    data["entries"]["Go Benchmark"][0]["commit"] = {"message": "no id"}
    broken.write_text("window.BENCHMARK_DATA = " + json.dumps(data))
    result = run_cli("import", str(broken), "--db", db_url)
    assert result.exit_code == 3 and 'entries["Go Benchmark"][0].commit.id: missing' in result.output

    data = _gab()
    data["entries"]["Go Benchmark"][2]["benches"][0]["name"] = "Fib\x00"  # JSON may say \u0000; no database can
    broken.write_text("window.BENCHMARK_DATA = " + json.dumps(data))
    result = run_cli("import", str(broken), "--db", db_url)
    assert result.exit_code == 3, result.output
    assert "data.js:entries[\"Go Benchmark\"][2]: the name of series 'Fib\\x00' contains a NUL" in result.output

    lines = DATA_JS.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[41] == '        "commit": {\n'
    lines[41] = '        "commit" {\n'  # line 42 of the file; 43 after the blank line put before it
    broken.write_text("\n" + "".join(lines))
    result = run_cli("import", str(broken), "--db", db_url)
    assert result.exit_code == 3 and "data.js:43:18: not valid JSON" in result.output, result.output
    assert Store(db_url).current_revision() is None


def test_a_malformed_asv_results_file_names_it_and_nothing_is_stored(
    run_cli: Invoke, db_url: str, tmp_path: Path
) -> None:
    results = _copy(ASV_V1, tmp_path)
    last = sorted((results / PVLIB.split("/")[0]).glob("*-conda-*.json"))[-1]
    document = json.loads(last.read_text())
    document["date"] = "yesterday"
    last.write_text(json.dumps(document))
    result = run_cli("import", str(results), "--db", db_url)
    assert result.exit_code == 3, result.output
    assert f"{last.name}:date: expected milliseconds since 1970" in result.output
    assert Store(db_url).current_revision() is None


@pytest.mark.parametrize(
    "args, expected",
    [
        (("--suite", "default"), "holds 3 sets of benchmarks ('Rust Benchmark', 'Go Benchmark',"),
        (("--only", "Rust"), "no set 'Rust'; it holds 'Rust Benchmark', 'Go Benchmark'"),
    ],
    ids=["suite-for-several-sets", "unknown-set"],
)
def test_usage_mistakes_say_what_the_history_holds(
    args: tuple[str, ...], expected: str, run_cli: Invoke, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    result = run_cli("import", str(DATA_JS), *args, "--db", db)
    assert result.exit_code == 2 and expected in result.output, result.output


def test_a_perfgate_export_keeps_its_own_suites_and_branches(run_cli: Invoke, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    assert run_cli("import", str(DATA_JS), "--only", "Go Benchmark", "--db", db).exit_code == 0
    exported = tmp_path / "runs.jsonl"
    assert run_cli("export", "-o", str(exported), "--db", db).exit_code == 0
    result = run_cli("import", str(exported), "--suite", "other", "--db", f"sqlite:///{tmp_path / 'h2.db'}")
    assert result.exit_code == 2 and "a perfgate export keeps each run's suite and branch" in result.output
    moved = run_cli("import", str(exported), "--db", f"sqlite:///{tmp_path / 'h2.db'}")
    assert moved.exit_code == 0 and "8 runs imported" in moved.output
    # The keys travel with the runs: the data.js imported again into the second database adds nothing.
    again = run_cli("import", str(DATA_JS), "--only", "Go Benchmark", "--db", f"sqlite:///{tmp_path / 'h2.db'}")
    assert "0 runs imported, 8 already stored" in again.output


def test_what_is_not_a_history_is_refused_with_what_to_give(run_cli: Invoke, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    one_run = DATA / "github-action-benchmark" / "customSmallerIsBetter_output.json"
    result = run_cli("import", str(one_run), "--db", db)
    assert result.exit_code == 3
    assert "expected a perfgate export (JSON Lines from 'perfgate export'), github-action-benchmark's data.js" in (
        result.output
    )
    assert "stored with 'perfgate ingest'" in result.output
    # And the other way round: ingest, given a whole history, says to import it.
    ingested = run_cli("ingest", str(DATA_JS), "--branch", "main", "--commit", "abc", "--db", db)
    assert ingested.exit_code == 3 and "github-action-benchmark's history (data.js)" in ingested.output
    assert "'perfgate import PATH'" in ingested.output


def test_the_site_shows_the_imported_trend_straight_from_a_data_js(run_cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run_cli("site", str(out), "--from-export", str(DATA_JS), "--days", "36500")
    assert result.exit_code == 0, result.output
    assert "9 series in 3 suite(s)" in result.output
    page = next((out / "series").glob("Rust-Benchmark-bench_fib_10-time-*.html"))
    assert "Rust Benchmark: bench_fib_10" in page.read_text(encoding="utf-8")
    # The chart's data: the series' runs are spans of its suite's runs, whose commits the suite's file holds.
    series = json.loads(
        page.with_suffix(".js").read_text(encoding="utf-8").removeprefix("window.perfgateSeries = ")[:-2]
    )
    suite_file = out / site_address.suite_path("Rust Benchmark")
    suite = json.loads(suite_file.read_text(encoding="utf-8").removeprefix("window.perfgateSuite = ")[:-2])
    shown = [suite["commit"][first + i] for first, count in series["runs"] for i in range(count)]
    assert shown[-1] == "9598b26311c7" and shown[0] == "036be2a99871"  # the newest and oldest runs' commits


def test_a_gzipped_data_js_and_an_empty_export_are_read_as_what_they_are(run_cli: Invoke, tmp_path: Path) -> None:
    import gzip

    db = f"sqlite:///{tmp_path / 'h.db'}"
    packed = tmp_path / "data.js.gz"
    packed.write_bytes(gzip.compress(DATA_JS.read_bytes()))
    result = run_cli("import", str(packed), "--only", "Rust Benchmark", "--db", db)
    assert result.exit_code == 0 and "10 runs imported" in result.output, result.output
    empty = tmp_path / "runs.jsonl"  # what `perfgate export` writes for an empty database
    empty.write_text("")
    result = run_cli("import", str(empty), "--db", db)
    assert result.exit_code == 0 and "0 runs imported, 0 already stored" in result.output, result.output
    assert Store(db).count_runs() == 10


BENCHER = DATA / "bencher-perf" / "perf.json"


def _perf() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(BENCHER.read_text(encoding="utf-8"))
    return data


def test_a_bencher_perf_query_becomes_main_history_with_its_commits_and_dates(run_cli: Invoke, db_url: str) -> None:
    """Bencher's perf query (the documented JSON of its REST API): each report on main is one run at its version's
    hash and start time, iterations are that run's samples, latency is a time; the feature branch's report is left
    to --branch feature; importing twice adds nothing."""
    result = run_cli("import", str(BENCHER), "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "3 runs imported, 0 already stored" in result.output and "(Bencher perf query; suite 'ubuntu-latest')" in (
        result.output
    )
    expected: dict[str, str] = {}  # commit -> start time, read here from the file independently of perfgate
    for found in _perf()["results"]:
        if found["branch"]["name"] == "main":
            expected.update({m["version"]["hash"]: m["start_time"] for m in found["metrics"]})
    runs = _runs(db_url, "ubuntu-latest")
    assert [(r.commit, r.branch, r.recorded_at.isoformat().replace("+00:00", "Z")) for r in runs] == [
        (commit, "main", when) for commit, when in sorted(expected.items(), key=lambda kv: kv[1])
    ]
    a = {r.commit[:8]: next(s for s in r.series if s.name == "tests::benchmark_a") for r in runs}
    assert a["5e1f0c2d"].metric == "time" and a["5e1f0c2d"].unit == "s"
    assert a["5e1f0c2d"].summary.median == pytest.approx(3247e-9)
    assert list(a["9c4b7e2a"].samples) == pytest.approx([3251e-9, 3262e-9])  # bencher run --iter 2: two samples
    history = run_cli("history", "tests::benchmark_a", "--suite", "ubuntu-latest", "--db", db_url)
    assert history.exit_code == 0 and "1a2b3c4d5e6f  2026-11-16 03:11  3.904µs" in history.output, history.output
    again = run_cli("import", str(BENCHER), "--db", db_url)
    assert again.exit_code == 0 and "0 runs imported, 3 already stored" in again.output
    feature = run_cli("import", str(BENCHER), "--branch", "feature", "--suite", "default", "--db", db_url)
    assert feature.exit_code == 0 and "1 run imported" in feature.output
    assert [(r.branch, r.commit[:6]) for r in _runs(db_url, "default")] == [("feature", "abcdef")]


def test_a_bencher_report_without_its_commit_is_named_and_nothing_is_stored(run_cli: Invoke, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    data = _perf()
    data["results"][1]["metrics"][2]["version"]["hash"] = None  # a report made without bencher run --hash
    broken = tmp_path / "perf.json"
    broken.write_text(json.dumps(data))
    result = run_cli("import", str(broken), "--db", db)
    assert result.exit_code == 3, result.output
    assert "perf.json:results[1].metrics[2].version.hash: the report has no commit" in result.output
    assert "bencher run --hash" in result.output and Store(db).current_revision() is None
    branch = run_cli("import", str(BENCHER), "--branch", "master", "--db", db)
    assert branch.exit_code == 2 and "holds runs of 'main', 'feature', none of branch 'master'" in branch.output
    ingested = run_cli("ingest", str(BENCHER), "--branch", "main", "--commit", "abc", "--db", db)
    assert (
        ingested.exit_code == 3 and "Bencher's perf query" in ingested.output and "perfgate import" in (ingested.output)
    )


def test_main_history_imported_from_bencher_is_a_baseline(run_cli: Invoke, tmp_path: Path) -> None:
    """After the import, a pull request's BMF results are compared with the Bencher history (pooled runs)."""
    db = f"sqlite:///{tmp_path / 'h.db'}"
    assert run_cli("import", str(BENCHER), "--suite", "default", "--db", db).exit_code == 0
    result = run_cli("compare", str(DATA / "bencher-metric-format" / "report_latency.json"), "--against", "main",
                     "--db", db)  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    assert "tests::benchmark_a" in result.output and "baseline:  main@" in result.output

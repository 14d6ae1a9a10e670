"""Criterion.rs: its data directory (target/criterion) or one of its files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from perfgate import formats
from perfgate.errors import InputError

from ..conftest import DATA, Invoke, record_runs
from .reading import by_key, one_series, write_input


def test_criterion_from_the_directory_or_a_file(tmp_path: Path) -> None:
    root = DATA / "rust-criterion" / "target" / "criterion"
    sample = json.loads((root / "fib 15" / "new" / "sample.json").read_text())
    fib = one_series(root, "fib 15", "time")
    expected = np.array(sample["times"]) / np.array(sample["iters"]) * 1e-9
    assert fib.samples.tolist() == pytest.approx(expected.tolist())
    by_file = one_series(root / "fib 15" / "new" / "sample.json", "fib 15", "time")
    assert by_file.samples.tolist() == fib.samples.tolist()
    copy = tmp_path / "fib"
    shutil.copytree(root / "fib 15", copy)
    (copy / "new" / "sample.json").unlink()
    with pytest.raises(InputError, match=r"new/sample\.json: missing"):
        formats.read(copy, "criterion")


# --- the console output of cargo bench (what Bencher reads) ---------------------------------------------------


def test_criterion_console_reads_the_middle_estimate_as_bencher_does() -> None:
    """Bencher's many.txt: ps and µs estimates, a name with spaces and a colon, libtest lines of other targets
    around them. The values are those Bencher's adapter test expects; the interval's bounds are not kept."""
    results = formats.read(DATA / "rust-criterion" / "criterion_many.txt")
    assert results.format == "criterion" and not results.failures and not results.notes
    by_name = {s.name: s for s in results.series}
    assert list(by_name) == [
        "file",
        "rolling_file",
        "tracing_file",
        "tracing_rolling_file",
        "benchmark: name with spaces",
    ]
    expected = {"file": 0.3239e-9, "tracing_file": 18.019e-6, "benchmark: name with spaces": 20.930e-9}
    for name, seconds in expected.items():
        series = by_name[name]
        assert (series.metric, series.unit, series.kind.value) == ("time", "s", "summary-only")
        assert series.summary.mean == pytest.approx(seconds) and series.summary.min is None
        assert series.summary.count == 100  # "Collecting 100 samples"


def test_criterion_console_and_directory_name_the_same_series() -> None:
    """cargo bench's own output beside the target/criterion it wrote: the same names, metrics and units, so a
    project can switch between the two and keep its history. The change: block (criterion's comparison with its
    previous run, with its own time: and thrpt: lines) adds nothing."""
    console = by_key(DATA / "rust-criterion" / "cargo_bench_stdout.txt")
    directory = by_key(DATA / "rust-criterion" / "target" / "criterion")
    assert set(directory) <= set(console)
    assert {k: s.unit for k, s in directory.items()} == {k: console[k].unit for k in directory}
    assert sorted(console) == sorted(
        (name, metric)
        for name in ("fib 15", "parse/bytes/copy/64", "parse/bytes/copy/4096")
        for metric in ("time", "throughput")
        if name != "fib 15" or metric == "time"
    )
    thrpt = console[("parse/bytes/copy/64", "throughput")]
    assert thrpt.summary.mean == pytest.approx(2.5462 * 1024**3) and thrpt.direction.value == "higher"


def test_criterion_console_long_names_on_their_own_line() -> None:
    results = formats.read(DATA / "rust-criterion" / "criterion_dogfood.txt")
    assert [s.name for s in results.series] == [
        "Adapter::Magic (JSON)",
        "Adapter::Json",
        "Adapter::Magic (Rust)",
        "Adapter::Rust",
    ]
    assert results.series[0].summary.mean == pytest.approx(3.4632e-6) and results.series[0].summary.count == 1


def test_criterion_console_a_panic_is_reported(tmp_path: Path) -> None:
    """Bencher's failed.txt panics after four results: read them, and say the run stopped. When the benchmark
    that panicked had started ("Benchmarking NAME"), it is a failed benchmark by name."""
    stopped = formats.read(DATA / "rust-criterion" / "criterion_failed.txt")
    assert len(stopped.series) == 4 and not stopped.failures
    assert stopped.notes == (
        "criterion stopped: thread 'main' panicked at 'explicit panic', trace4rs/benches/trace4rs_bench.rs:42:5; "
        "benchmarks after it did not run",
    )
    text = (DATA / "rust-criterion" / "cargo_bench_stdout.txt").read_text()
    cut = text[: text.index("Benchmarking parse/bytes/copy/4096: Analyzing")]
    panicked = write_input(tmp_path, "bench.txt", cut + "thread 'main' panicked at src/lib.rs:9:5:\nboom\n")
    results = formats.read(panicked)
    assert [s.name for s in results.series] == ["fib 15", "parse/bytes/copy/64", "parse/bytes/copy/64"]
    assert results.failures == (("parse/bytes/copy/4096", "gave no result: thread 'main' panicked at src/lib.rs:9:5:"),)


def test_criterion_console_an_unknown_throughput_unit_names_the_line(tmp_path: Path) -> None:
    text = (DATA / "rust-criterion" / "cargo_bench_stdout.txt").read_text().replace("GiB/s", "furlongs/s")
    with pytest.raises(InputError, match=r"bench\.txt:\d+: 'parse/bytes/copy/64': thrpt in 'furlongs/s'"):
        formats.read(write_input(tmp_path, "bench.txt", text))


def test_criterion_console_against_mains_history_fails_the_slower_benchmark(run_cli: Invoke, tmp_path: Path) -> None:
    """One estimate per benchmark and run: judged against main's runs. Five runs of main a little apart (the real
    console output, fib 15 at 3.415 to 3.455 µs), then a pull request where fib 15 takes 4.625 µs: a regression,
    and the unchanged benchmarks are not."""
    text = (DATA / "rust-criterion" / "cargo_bench_stdout.txt").read_text()
    assert "3.4250 µs" in text
    db = f"sqlite:///{tmp_path / 'history.db'}"
    runs = []
    for i in range(1, 6):
        runs.append((write_input(tmp_path, f"main{i}.txt", text.replace("3.4250 µs", f"3.4{i}50 µs")), f"{i:040x}"))
    record_runs(run_cli, db, *runs)
    pr = write_input(tmp_path, "pr.txt", text.replace("3.4250 µs", "4.6250 µs"))
    result = run_cli("compare", pr, "--against", "main", "--db", db)
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[-1] == "FAIL: 1 regression (fib 15)"
    assert "fib 15, time: regression: +34.6%" in result.output

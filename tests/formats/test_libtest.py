"""Rust's libtest bench output (cargo bench): text and JSON events."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfgate import formats

from ..conftest import DATA


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

"""Bencher Metric Format JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfgate import formats
from perfgate.model import SampleKind

from ..conftest import DATA, Invoke
from .reading import by_key, one_series


def test_bencher_latency_is_nanoseconds() -> None:
    series = one_series(DATA / "bencher-metric-format" / "report_bmf_mixed.json", "benchmark-b", "time")
    assert series.unit == "s" and series.summary.median == pytest.approx(3443e-9)
    assert series.summary.min == pytest.approx(2275e-9)


def test_bencher_built_in_measures_have_their_units() -> None:
    """The BMF reference page's example: latency (ns) and throughput (ops/s) with bounds, build-time (s) and
    file-size (B). A file's size is counted, not timed: exact. The others are summaries."""
    read = by_key(DATA / "bencher-metric-format" / "bmf_example.json")
    shown = {k: (s.unit, s.direction.value, s.kind.value, s.summary.median) for k, s in read.items()}
    assert shown == {
        ("benchmark_name", "time"): ("s", "lower", "summary-only", pytest.approx(88e-9)),
        ("benchmark_name", "throughput"): ("1/s", "higher", "summary-only", 5.55),
        ("/bin/sh -c ./my_build_script.sh", "build-time"): ("s", "lower", "summary-only", 87.0),
        ("my_binary", "file-size"): ("B", "lower", "exact", 42.0),
    }


def test_bencher_custom_measures_keep_their_name_and_no_unit() -> None:
    """report_dhat.json's measures are spelt "Total Bytes", not Bencher's built-in "Total bytes": Bencher matches
    a measure exactly, so they are custom measures, and stay as written."""
    read = by_key(DATA / "bencher-metric-format" / "report_dhat.json")
    total = read[("bench_play_game", "Total Bytes")]
    assert (total.unit, total.kind) == ("", SampleKind.SUMMARY_ONLY)


# What Bencher's Iai and Gungraun adapters gather, by measure slug (its adapter pages, rust-iai.mdx and
# rust-gungraun.mdx), keyed by the console's labels.
_IAI_SLUGS = {
    "Instructions": "instructions",
    "L1 Accesses": "l1-accesses",
    "L2 Accesses": "l2-accesses",
    "RAM Accesses": "ram-accesses",
    "Estimated Cycles": "estimated-cycles",
    "L1 Hits": "l1-hits",
    "L2 Hits": "l2-hits",
    "RAM Hits": "ram-hits",
    "Total read+write": "total-read-write",
}


def _as_bmf(console: str, column: int) -> dict[str, dict[str, dict[str, float]]]:
    """The BMF Bencher would upload for an Iai or Gungraun console output: column 0 is this run (Gungraun's
    new), 1 the previous one (its old)."""
    bmf: dict[str, dict[str, dict[str, float]]] = {}
    name = ""
    for line in console.splitlines():
        if line and not line[0].isspace() and not line.startswith(("Running", "running", "test result")):
            name = line.strip()
        elif ":" in line and (label := line.split(":")[0].strip()) in _IAI_SLUGS and name:
            value = line.split(":", 1)[1].split()[0].split("|")[column]
            bmf.setdefault(name, {})[_IAI_SLUGS[label]] = {"value": float(value)}
    return bmf


@pytest.mark.parametrize("fixture", ["iai_two.txt", "gungraun_delta.txt"])
def test_bencher_counts_are_exact_under_the_iai_readers_names(tmp_path: Path, fixture: str) -> None:
    """The same run read from the console and from Bencher's BMF of it: the same series, units and values, and
    exact counts, so a project moving between the two keeps its history."""
    console = (DATA / "iai" / fixture).read_text()
    path = tmp_path / "bmf.json"
    path.write_text(json.dumps(_as_bmf(console, 0)))
    from_bmf, from_console = by_key(path), by_key(DATA / "iai" / fixture)
    assert formats.read(path).format == "bencher-bmf"
    assert set(from_bmf) == set(from_console) and len(from_bmf) >= 10
    for key, series in from_bmf.items():
        theirs = from_console[key]
        assert (series.unit, series.direction, series.kind) == (theirs.unit, theirs.direction, SampleKind.EXACT), key
        assert series.summary.median == theirs.summary.median, key


def test_bencher_exact_counts_fail_the_gate_from_one_run_per_side(run_cli: Invoke, tmp_path: Path) -> None:
    """Gungraun's previous and present counts as two BMF files: +5.09 % instructions is a regression with one
    run per side (no samples needed); +3.7 % L1 hits is none."""
    console = (DATA / "iai" / "gungraun_delta.txt").read_text()
    for side, column in (("base", 1), ("head", 0)):
        (tmp_path / f"{side}.json").write_text(json.dumps(_as_bmf(console, column)))
    result = run_cli("compare", str(tmp_path / "base.json"), str(tmp_path / "head.json"))
    assert result.exit_code == 1, result.output
    assert "short:10, instructions: regression: 1,650 → 1,734 in every run (+5.1%)" in result.output
    assert "counted exactly" in result.output and "insufficient-data" not in result.output
    assert result.output.splitlines()[-1].startswith("FAIL: 2 regressions")

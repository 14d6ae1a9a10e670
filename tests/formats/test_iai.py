"""iai and Gungraun (iai-callgrind): console output and JSON summaries, counted exactly."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from perfgate import formats
from perfgate.errors import InputError
from perfgate.model import Direction, SampleKind

from ..conftest import DATA


def test_gungraun_counts_compare_exactly_from_one_run_per_side(tmp_path: Path) -> None:
    """Gungraun's own delta output holds this run's counts and the previous run's (new|old): the previous run
    as the baseline, its +5.09 % instructions is beyond the 5 % allowed with no rank test; +3.7 % hits is not."""
    from perfgate.gate.evaluate import evaluate
    from perfgate.gate.pooling import Side
    from perfgate.gate.report import Verdict
    from perfgate.gate.settings import Settings
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
    with pytest.raises(InputError, match=r"bench\.txt:7:\d+: not valid JSON"):
        formats.read(stdout)

"""The terminal report: what its lines say, and that no name in a results file can forge anything in them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from perfgate.gate.evaluate import evaluate
from perfgate.gate.settings import Settings
from perfgate.render import text

from ..builders import sampled, side
from .reports import pytest_benchmark, run_perfgate, write_file


def test_the_fail_line_names_the_metrics_of_one_benchmark() -> None:
    rng = np.random.default_rng(12)
    base = [sampled("BM_Hash", rng.lognormal(0, 0.01, 20), metric=m) for m in ("real_time", "cpu_time")]
    head = [sampled("BM_Hash", rng.lognormal(0.3, 0.01, 20), metric=m) for m in ("real_time", "cpu_time")]
    report = evaluate(side(tuple(base)), side(tuple(head)), Settings())
    assert "FAIL: 2 regressions (BM_Hash (real_time, cpu_time))" in text.render(report)


def test_names_cannot_forge_workflow_commands_or_break_junit(tmp_path: Path) -> None:
    hostile = "evil\n::error::forged\x1b]0;title\x07\u202e"
    path = write_file(tmp_path, "h.json", pytest_benchmark(name=hostile, fullname=hostile))
    done = run_perfgate("compare", path, path, "--output-format", "junit", "-o", str(tmp_path / "j.xml"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not any(line.startswith("::") for line in done.stdout.splitlines())
    assert "\x1b" not in done.stdout and "\u202e" not in done.stdout
    ET.parse(tmp_path / "j.xml")  # valid XML

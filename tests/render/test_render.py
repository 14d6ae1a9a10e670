"""Every output format against golden files in tests/golden (pytest --update-golden rewrites them)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from perfgate import __version__, formats
from perfgate.gate.evaluate import evaluate
from perfgate.gate.pooling import Side
from perfgate.gate.report import Report
from perfgate.gate.settings import Settings
from perfgate.model import RunRef
from perfgate.render import render

from ..conftest import EXAMPLES, check_golden
from .reports import mixed_report


@pytest.fixture
def example_report(monkeypatch: pytest.MonkeyPatch) -> Report:
    monkeypatch.chdir(EXAMPLES.parent)  # labels are the relative paths a user would type
    base_path = os.path.join("examples", "pytest-benchmark", "base.json")
    head_path = os.path.join("examples", "pytest-benchmark", "head.json")
    base, head = formats.read(base_path), formats.read(head_path)
    return evaluate(Side((RunRef(base_path),), (base.series,)), Side((RunRef(head_path),), (head.series,)), Settings())


def _scrub(text: str) -> str:
    return text.replace(f'"perfgate_version": "{__version__}"', '"perfgate_version": "X"')


@pytest.mark.parametrize(
    ("output_format", "golden"),
    [("text", "example.txt"), ("markdown", "example.md"), ("json", "example.json")],
)
def test_example_report(example_report: Report, output_format: str, golden: str, update_golden: bool) -> None:
    check_golden(golden, _scrub(render(example_report, output_format)), update_golden)


@pytest.mark.parametrize(("output_format", "golden"), [("text", "mixed.txt"), ("markdown", "mixed.md")])
def test_every_verdict(output_format: str, golden: str, update_golden: bool) -> None:
    check_golden(golden, render(mixed_report(), output_format), update_golden)


def test_golden_mismatch_leaves_the_actual_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests import conftest

    monkeypatch.setattr(conftest, "GOLDEN", tmp_path)
    (tmp_path / "x.txt").write_text("expected\n")
    with pytest.raises(pytest.fail.Exception):
        check_golden("x.txt", "actual\n", update=False)
    assert (tmp_path / "x.txt.actual").read_text() == "actual\n"
    assert re.search("expected", (tmp_path / "x.txt").read_text())

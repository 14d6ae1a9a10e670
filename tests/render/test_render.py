"""Every output format against golden files in tests/golden (pytest --update-golden rewrites them)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest

from perfgate import __version__, formats
from perfgate.gate.evaluate import evaluate
from perfgate.gate.pooling import Side
from perfgate.gate.report import Report, Settings
from perfgate.model import Direction, RunRef, SampleKind, Series, Summary, as_samples
from perfgate.render import render
from perfgate.render.markdown import LIMIT, MARKER, escape

from ..builders import sampled
from ..conftest import EXAMPLES, check_golden


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


def _mixed_report() -> Report:
    """Every verdict at once, names with Markdown and mentions in them, several metrics."""
    rng = np.random.default_rng(21)

    s = sampled

    summary_only = Series(
        "cold start", "time", "s", Direction.LOWER_IS_BETTER, SampleKind.SUMMARY_ONLY, Summary(1, median=2.5)
    )
    base = (
        s("GET /api/search|v2 @team", rng.lognormal(np.log(0.120), 0.02, 30)),
        s(
            "orders <b>",
            rng.lognormal(np.log(500), 0.02, 30),
            Direction.HIGHER_IS_BETTER,
            "throughput",
            "1/s",
        ),
        s("parse #12", rng.lognormal(np.log(1e-6), 0.02, 30)),
        s("flaky", np.array([1.0, 1.3, 0.8, 1.1, 0.9]) * 1e-3),
        s("removed", rng.lognormal(np.log(2e-3), 0.02, 10)),
        summary_only,
    )
    head = (
        s("GET /api/search|v2 @team", rng.lognormal(np.log(0.150), 0.02, 30)),
        s(
            "orders <b>",
            rng.lognormal(np.log(600), 0.02, 30),
            Direction.HIGHER_IS_BETTER,
            "throughput",
            "1/s",
        ),
        s("parse #12", rng.lognormal(np.log(1e-6), 0.02, 30)),
        s("flaky", np.array([1.2, 1.0, 1.4, 0.95, 1.3]) * 1e-3),
        s("added", rng.lognormal(np.log(3e-3), 0.02, 10)),
        Series(
            "cold start",
            "time",
            "s",
            Direction.LOWER_IS_BETTER,
            SampleKind.SUMMARY_ONLY,
            Summary(1, median=2.7),
        ),
    )
    return evaluate(
        Side((RunRef("main@abc (run 3)", "abc"),), (base,)), Side((RunRef("pr.json"),), (head,)), Settings()
    )


@pytest.mark.parametrize(("output_format", "golden"), [("text", "mixed.txt"), ("markdown", "mixed.md")])
def test_every_verdict(output_format: str, golden: str, update_golden: bool) -> None:
    check_golden(golden, render(_mixed_report(), output_format), update_golden)


def test_markdown_is_safe_and_marked() -> None:
    text = render(_mixed_report(), "markdown")
    assert text.startswith(MARKER + "\n")
    assert "@team" not in text and "<b>" not in text and "parse #12" not in text
    assert "parse &#35;12" in text
    table_rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert all(row.count("|") == 7 for row in table_rows)  # no name breaks a table


def test_markdown_stays_under_githubs_comment_limit() -> None:
    rng = np.random.default_rng(22)
    series = tuple(
        Series(
            f"benchmark_with_a_long_name_{i:05d}",
            "time",
            "s",
            Direction.LOWER_IS_BETTER,
            SampleKind.REPETITION,
            Summary.of(v := as_samples(rng.lognormal(0, 0.01, 6))),
            v,
        )
        for i in range(3000)
    )
    report = evaluate(Side((RunRef("a"),), (series,)), Side((RunRef("b"),), (series,)), Settings())
    text = render(report, "markdown")
    assert len(text) <= LIMIT
    assert "more rows left out" in text


def test_escape_neutralises_markdown_and_html() -> None:
    assert escape("a|b") == "a&#124;b"
    assert escape("<script>") == "&lt;script&gt;"
    assert escape("@user") == "@\u200buser"
    assert escape("line\nbreak") == "line break"


def test_json_has_no_infinities() -> None:
    base = (
        Series(
            "t",
            "time",
            "s",
            Direction.LOWER_IS_BETTER,
            SampleKind.REPETITION,
            Summary.of(v := as_samples([1.0, 1.1, 1.2, 1.0, 1.1])),
            v,
        ),
    )
    report = evaluate(Side((RunRef("a"),), (base,)), Side((RunRef("b"),), (base,)), Settings(confidence=0.999))
    document = json.loads(render(report, "json"))
    assert document["series"][0]["ci"] is None


def test_golden_mismatch_leaves_the_actual_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests import conftest

    monkeypatch.setattr(conftest, "GOLDEN", tmp_path)
    (tmp_path / "x.txt").write_text("expected\n")
    with pytest.raises(pytest.fail.Exception):
        check_golden("x.txt", "actual\n", update=False)
    assert (tmp_path / "x.txt.actual").read_text() == "actual\n"
    assert re.search("expected", (tmp_path / "x.txt").read_text())

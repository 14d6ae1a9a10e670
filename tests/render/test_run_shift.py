"""A whole run slower than allowed, as each report shows it: never as a clean pass."""

from __future__ import annotations

import math

import numpy as np
import pytest

from perfgate.gate.evaluate import evaluate
from perfgate.gate.report import Report
from perfgate.gate.settings import Settings
from perfgate.render import json_report, render

from ..builders import sampled, side


def shifted_report(factor: float) -> Report:
    rng = np.random.default_rng(12)

    def run(f: float) -> tuple:  # type: ignore[type-arg]
        return tuple(sampled(f"bench_{i}", rng.lognormal(math.log(1e-3 * (1 + i) * f), 0.01, 20)) for i in range(12))

    return evaluate(side(run(1.0)), side(run(factor)), Settings())


@pytest.fixture(scope="module")
def slow() -> Report:
    report = shifted_report(1.4)
    assert report.warned and not report.failed
    return report


def test_text_says_neutral_not_pass(slow: Report) -> None:
    out = render(slow, "text")
    assert out.splitlines()[-1] == "NEUTRAL (the whole run is slower: see the note): 12 unchanged"
    assert "note: the whole run is 40." in out and "confirm with `perfgate run`" in out


def test_the_comment_leads_with_a_warning(slow: Report) -> None:
    out = render(slow, "markdown")
    headline = out.splitlines()[1]
    assert headline.startswith("### :warning: perfgate: the whole run is slower")
    assert "> [!WARNING]\n> the whole run is 40." in out


def test_the_json_report_carries_the_shift_and_reads_it_back(slow: Report) -> None:
    text = render(slow, "json")
    back = json_report.load(text, "report.json")
    assert back.run_shift == slow.run_shift and back.warned
    assert json_report.load(render(shifted_report(1.0), "json"), "r.json").run_shift is None

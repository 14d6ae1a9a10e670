"""The JSON report: a versioned schema other tools read, and perfgate itself reads back (the fork workflow)."""

from __future__ import annotations

import json

from perfgate.gate.evaluate import evaluate
from perfgate.gate.pooling import Side
from perfgate.gate.report import Report
from perfgate.gate.settings import Settings
from perfgate.model import Direction, RunRef, SampleKind, Series, Summary, as_samples
from perfgate.render import json_report, markdown, render


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


def test_a_report_keeps_its_site_links_through_the_json_report() -> None:
    """The fork workflow posts the comment from the JSON report: the links must survive it."""
    page = "https://acme.github.io/shop/series/x.html"
    report = Report((), Settings(), (), (), site_url="https://acme.github.io/shop/", pages=(("x", "time", page),))
    again = json_report.load(json_report.render(report), "report.json")
    assert again.site_url == report.site_url and again.pages == report.pages
    assert "[History](https://acme.github.io/shop/)" in markdown.render(again)
    hostile = Report((), Settings(), (), (), site_url="javascript:alert(1)")
    assert "javascript" not in markdown.render(hostile)


def test_a_runs_own_interval_of_its_median_survives_the_json_report() -> None:
    from perfgate.formats.build import summarised

    base = (summarised("t", "time", "s", count=1, median=1.0, median_low=0.9, median_high=1.1),)
    head = (summarised("t", "time", "s", count=1, median=1.02, median_low=0.95, median_high=1.08),)
    report = evaluate(Side((RunRef("a"),), (base,)), Side((RunRef("b"),), (head,)), Settings())
    again = json_report.load(json_report.render(report), "report.json")
    (comparison,) = again.comparisons
    assert comparison.baseline is not None and comparison.candidate is not None
    assert (comparison.baseline.median_low, comparison.candidate.median_high) == (0.9, 1.08)
    assert json_report.render(again) == json_report.render(report)

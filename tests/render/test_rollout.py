"""Staged rollout in every output, against golden files (pytest --update-golden rewrites them): a warn-only series
(mode = "warn") and the accept label's waiver; and a report read back by `perfgate publish` says the same."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from perfgate import __version__, formats
from perfgate.errors import InputError
from perfgate.gate.evaluate import evaluate
from perfgate.gate.policy import Policy
from perfgate.gate.pooling import Side
from perfgate.gate.report import Report
from perfgate.gate.rules import Acceptance, Budget
from perfgate.gate.settings import Settings
from perfgate.model import RunRef
from perfgate.render import json_report, markdown, render

from ..conftest import DATA, EXAMPLES, check_golden

ACCEPTED = Acceptance("perfgate: accept", "alice", datetime(2026, 12, 3, 7, 12, tzinfo=UTC))
POLICIES = {
    # test_tokenize regresses in the example; its budget warns only, everything else blocks.
    "warn-only": Policy((Budget("test_tokenize", mode="warn"),), (), date(2026, 12, 3)),
    "accepted": Policy((), (), date(2026, 12, 3), accepted=ACCEPTED),
}


def _report(kind: str) -> Report:
    base_path = os.path.join("examples", "pytest-benchmark", "base.json")
    head_path = os.path.join("examples", "pytest-benchmark", "head.json")
    base, head = (formats.read(str(EXAMPLES.parent / p)) for p in (base_path, head_path))
    sides = Side((RunRef(base_path),), (base.series,)), Side((RunRef(head_path),), (head.series,))
    report = evaluate(*sides, Settings(), POLICIES[kind])
    return replace(report, accepted=ACCEPTED if kind == "accepted" else None)


@pytest.mark.parametrize("kind", list(POLICIES))
@pytest.mark.parametrize(
    ("output_format", "suffix"), [("markdown", "md"), ("junit", "xml"), ("json", "json"), ("text", "txt")]
)
def test_rollout_outputs(kind: str, output_format: str, suffix: str, update_golden: bool) -> None:
    text = render(_report(kind), output_format).replace(
        f'"perfgate_version": "{__version__}"', '"perfgate_version": "X"'
    )
    check_golden(f"rollout/{kind}.{suffix}", text, update_golden)


@pytest.mark.parametrize("kind", list(POLICIES))
def test_publish_reads_back_warn_only_and_the_label(kind: str) -> None:
    """A fork's report is re-rendered by the trusted workflow: warn-only and the label must survive the JSON."""
    report = _report(kind)
    again = json_report.load(json_report.render(report), "perfgate-report.json")
    assert again.accepted == report.accepted and again.failed is report.failed is False
    assert [(c.verdict, c.warn_only, c.waived_by) for c in again.comparisons] == [
        (c.verdict, c.warn_only, c.waived_by) for c in report.comparisons
    ]
    assert markdown.render(again) == markdown.render(report)


def test_a_report_with_a_bad_waived_by_is_refused() -> None:
    text = json_report.render(_report("accepted")).replace('"waived_by": "label"', '"waived_by": "anyone"')
    with pytest.raises(InputError, match="waived_by"):
        json_report.load(text, "perfgate-report.json")


@pytest.mark.parametrize("kind", list(POLICIES))
def test_rollout_endpoints(kind: str, update_golden: bool) -> None:
    """Load tests, one row per endpoint: an endpoint is shown in its most telling part's section (a waived error
    rate before a suspected throughput)."""
    runs = DATA / "locust-runs"
    base = [formats.read(str(runs / f"main-{i}_stats.csv")) for i in (1, 2)]
    head = formats.read(str(runs / "pr_stats.csv"))
    sides = (
        Side((RunRef("main-1"), RunRef("main-2")), tuple(b.series for b in base)),
        Side((RunRef("pr"),), (head.series,)),
    )
    policy = replace(POLICIES[kind], budgets=(Budget("*", mode="warn"),) if kind == "warn-only" else ())
    report = replace(evaluate(*sides, Settings(between_runs=True), policy), accepted=POLICIES[kind].accepted)
    check_golden(f"rollout/endpoints-{kind}.md", render(report, "markdown"), update_golden)
    check_golden(f"rollout/endpoints-{kind}.txt", render(report, "text"), update_golden)

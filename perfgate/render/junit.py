"""JUnit XML: one test case per series; a regression or an exceeded budget is a failing test case. A warn-only
one (mode = "warn") and a waived one pass, and say so in their output: a test reporter must not fail the job."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from perfgate.gate.report import Comparison, Report, Verdict
from perfgate.render import cells

_SKIPPED = {Verdict.INSUFFICIENT_DATA, Verdict.NEW, Verdict.MISSING}


def render(report: Report) -> str:
    """One test case per series; with endpoints (several metrics per name), one per endpoint."""
    endpoints = cells.by_endpoint(report)
    groups = (
        [(e.name, e.by_severity()) for e in endpoints] if endpoints else [(c.name, [c]) for c in report.comparisons]
    )
    failures = sum(1 for _, parts in groups if any(c.fails for c in parts))
    skipped = sum(1 for _, parts in groups if all(c.verdict in _SKIPPED for c in parts))
    suites = ET.Element("testsuites", name="perfgate", tests=str(len(groups)), failures=str(failures))
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="perfgate",
        tests=str(len(groups)),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
    )
    for name, parts in groups:
        classname = "perfgate.endpoint" if endpoints else f"perfgate.{parts[0].metric}"
        case = ET.SubElement(suite, "testcase", classname=classname, name=_clean(name), time="0")
        failing = [c for c in parts if c.fails]
        if failing:
            message = "; ".join(_part(c, bool(endpoints)) for c in failing)
            failure = ET.SubElement(case, "failure", message=_clean(message), type=failing[0].verdict.value)
            details = [
                _part(c, True) if endpoints else f"{c.name} ({c.metric}): {c.reason}"  # the reason gives the change
                for c in failing
            ]
            failure.text = _clean("\n".join(details))
        if all(c.verdict in _SKIPPED for c in parts):
            ET.SubElement(case, "skipped", message=_clean("; ".join(_part(c, bool(endpoints)) for c in parts)))
            continue
        named = "{metric}: " if endpoints else ""
        out = [f"{named.format(metric=c.metric)}{c.verdict.value}: {c.reason}" for c in parts if not c.fails]
        if out:
            ET.SubElement(case, "system-out").text = _clean("\n".join(out))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _part(c: Comparison, named: bool) -> str:
    return f"{cells.part_title(c)}: {c.reason}" if named else c.reason


def _clean(text: str) -> str:
    # XML 1.0 forbids most control characters; benchmark names come from code under review.
    return "".join(ch if ch in "\t\n\r" or ord(ch) >= 0x20 else "\ufffd" for ch in text)

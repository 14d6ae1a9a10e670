"""JUnit XML: one test case per series; a regression or an exceeded budget is a failing test case."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from perfgate.gate import FAILING, Report, Verdict
from perfgate.render import cells

_SKIPPED = {Verdict.INSUFFICIENT_DATA, Verdict.NEW, Verdict.MISSING}


def render(report: Report) -> str:
    failures = sum(1 for c in report.comparisons if c.verdict in FAILING)
    skipped = sum(1 for c in report.comparisons if c.verdict in _SKIPPED)
    suites = ET.Element("testsuites", name="perfgate", tests=str(len(report.comparisons)), failures=str(failures))
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="perfgate",
        tests=str(len(report.comparisons)),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
    )
    for c in report.comparisons:
        case = ET.SubElement(suite, "testcase", classname=f"perfgate.{c.metric}", name=_clean(c.name), time="0")
        if c.verdict in FAILING:
            failure = ET.SubElement(case, "failure", message=_clean(c.reason), type=c.verdict.value)
            failure.text = _clean(f"{c.name} ({c.metric}): {cells.change(c)}: {c.reason}")
        elif c.verdict in _SKIPPED:
            ET.SubElement(case, "skipped", message=_clean(c.reason))
        else:
            out = ET.SubElement(case, "system-out")
            out.text = _clean(f"{c.verdict.value}: {c.reason}")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _clean(text: str) -> str:
    # XML 1.0 forbids most control characters; benchmark names come from code under review.
    return "".join(ch if ch in "\t\n\r" or ord(ch) >= 0x20 else "\ufffd" for ch in text)

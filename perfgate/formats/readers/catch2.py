"""Catch2's console output for ``BENCHMARK`` (v2 and v3): per benchmark three rows of a table,

    NAME                        samples   iterations   estimated (or: est run time)
                                mean      low mean     high mean
                                std dev   low std dev  high std dev

with times in ``ns``, ``us``, ``ms`` or ``s``. The mean and standard deviation over the samples become the
series' summary (count = samples); the bootstrap bounds (``low``/``high``) are not used. Names may contain
spaces and punctuation: the numbers are read from the end of the line. A long name Catch2 wraps goes on in
front of the mean (and standard deviation) row: those words are joined to it. One summary per benchmark and run.

A benchmark name used in two test cases (Bencher's ``issue_351.txt``) is qualified by its test case and
sections as Bencher names it, ``Unit_assignment Construction: Fibonacci 20``. Names used once stay as they
are, so the history of files without repeats is unchanged.

The XML reporter (``--reporter xml``) is read too: each ``BenchmarkResults`` element's ``samples`` and its
``mean`` and ``standardDeviation`` values (nanoseconds), under the same names as the console's, so a project can
switch between the two and keep its history (a repeated name is qualified by its ``TestCase`` and ``Section``
names the same way). Catch2's JSON reporter (3.x) leaves benchmarks out.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import replace

from perfgate.errors import InputError
from perfgate.formats import Format
from perfgate.formats.build import summarised
from perfgate.formats.document import Document
from perfgate.model import Environment, ParsedResults, Series
from perfgate.units import normalize

_TIME = r"(\d+(?:\.\d+)?) (ns|us|µs|ms|s)"
_HEADER = re.compile(r"^benchmark name\s+samples\s+iterations\s+(estimated|est run time)")
_FIRST = re.compile(rf"^(?P<name>\S.*?)\s+(?P<samples>\d+)\s+(?P<iterations>\d+)\s+{_TIME}\s*$")
# A stats row; text in front of the numbers is the rest of a name Catch2 wrapped.
_STATS = re.compile(rf"^(?P<more>\S.*?)?\s+{_TIME}\s+{_TIME}\s+{_TIME}\s*$")
_RULE = re.compile(r"^-{20,}$")  # the lines around a test case's name (and its sections)


def _is_xml(doc: Document) -> bool:
    head = doc.head.lstrip()[:600]
    return head.startswith(b"<?xml") and (b"<Catch2TestRun" in head or b"<Catch name=" in head)


def sniff(doc: Document) -> bool:
    return _is_xml(doc) or any(_HEADER.match(line) for line in doc.head_lines(2000))


def parse(doc: Document) -> ParsedResults:
    return _xml(doc) if _is_xml(doc) else _console(doc)


def _xml(doc: Document) -> ParsedResults:
    found: list[tuple[str, Series]] = []  # (test case and sections, series)
    version = None
    within: list[str] = []
    try:
        with doc.stream() as stream:
            for event, element in ET.iterparse(stream, events=("start", "end")):
                if event == "start" and element.tag in ("Catch2TestRun", "Catch"):
                    version = element.get("catch2-version") or version
                elif element.tag in ("TestCase", "Section"):
                    if event == "start":
                        within.append((element.get("name") or "").strip())
                    elif within:
                        within.pop()
                elif event == "end" and element.tag == "BenchmarkResults":
                    found.append((" ".join(w for w in within if w), _xml_benchmark(doc, element)))
                    element.clear()
    except ET.ParseError as exc:
        raise InputError(doc.path, f"not XML perfgate reads: {exc}") from None
    except LookupError as exc:  # the XML declaration names an encoding Python does not know
        raise InputError(doc.path, f"not readable XML: {exc}; expected UTF-8 or another known encoding") from None
    if not found:
        raise InputError(
            doc.path, "a Catch2 XML report without BenchmarkResults: were the benchmarks run (not skipped with a tag)?"
        )
    series = _qualified(found)
    return ParsedResults(doc.path, FORMAT.name, series, Environment(tool="catch2", tool_version=version))


def _xml_benchmark(doc: Document, element: ET.Element) -> Series:
    name = element.get("name") or ""
    where = f"BenchmarkResults[name={name!r}]"

    def number(value: str | None, key: str) -> float:
        try:
            parsed = float(value or "")
        except ValueError:
            raise doc.error(f"{where}.{key}", f"expected a number, got {value!r}") from None
        if not math.isfinite(parsed) or parsed < 0:
            raise doc.error(f"{where}.{key}", f"expected a number of nanoseconds, got {value!r}")
        return parsed

    mean, spread = element.find("mean"), element.find("standardDeviation")
    if not name or mean is None or spread is None:
        raise doc.error(where, "expected a name, a mean and a standardDeviation")
    samples = number(element.get("samples"), "samples")
    if not samples.is_integer() or samples < 1:
        raise doc.error(f"{where}.samples", f"expected a count of samples, got {element.get('samples')!r}")
    return summarised(
        name,
        "time",
        "ns",
        count=int(samples),
        mean=number(mean.get("value"), "mean.value"),
        stddev=number(spread.get("value"), "standardDeviation.value"),
    )


def _console(doc: Document) -> ParsedResults:
    lines = [line.rstrip() for line in doc.text().splitlines()]
    found: list[tuple[str, Series]] = []
    version = None
    test_case = ""
    for i, line in enumerate(lines):
        if "is a Catch" in line and (match := re.search(r"Catch2? v(\d[\w.]*)", line)):
            version = match.group(1)
        if _RULE.match(line):
            test_case = _test_case(lines, i) or test_case
            continue
        first = _FIRST.match(line)
        if first is None or i + 2 >= len(lines):
            continue
        mean, spread = _STATS.match(lines[i + 1]), _STATS.match(lines[i + 2])
        if mean is None or spread is None:
            continue
        name = " ".join(
            part.strip() for part in (first.group("name"), mean.group("more"), spread.group("more")) if part
        )
        seconds = [_seconds(mean.group(2), mean.group(3)), _seconds(spread.group(2), spread.group(3))]
        found.append(
            (
                test_case,
                summarised(name, "time", "s", count=int(first.group("samples")), mean=seconds[0], stddev=seconds[1]),
            )
        )
    if not found:
        raise InputError(doc.path, "no benchmark rows under Catch2's 'benchmark name  samples  iterations' header")
    series = _qualified(found)
    return ParsedResults(doc.path, FORMAT.name, series, Environment(tool="catch2", tool_version=version))


def _test_case(lines: list[str], rule: int) -> str | None:
    """The test case (and its sections, indented below it) between the rule at ``rule`` and the next one, joined
    as Bencher joins them; None when the rule does not open a test case's heading (it closes one, or the header)."""
    heading: list[str] = []
    for line in lines[rule + 1 : rule + 20]:  # the test case, then a line per nested section
        if _RULE.match(line):
            return " ".join(heading) if heading else None
        if not line.strip() or _FIRST.match(line):
            return None
        heading.append(line.strip())
    return None


def _qualified(found: list[tuple[str, Series]]) -> tuple[Series, ...]:
    """The series, a name that comes more than once qualified by its test case: ``TEST CASE: name``."""
    names = Counter(series.name for _, series in found)
    return tuple(
        replace(series, name=f"{case}: {series.name}") if names[series.name] > 1 and case else series
        for case, series in found
    )


def _seconds(value: str, unit: str) -> float:
    return float(value) * normalize("us" if unit == "µs" else unit).factor


FORMAT = Format(
    name="catch2",
    description="Catch2 console output of BENCHMARK (v2 and v3), or its XML reporter (--reporter xml)",
    yields="mean and standard deviation of the time per benchmark (summary, count = samples)",
    sniff=sniff,
    parse=parse,
)

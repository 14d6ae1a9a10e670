"""Catch2's console output for ``BENCHMARK`` (v2 and v3): per benchmark three rows of a table,

    NAME                        samples   iterations   estimated (or: est run time)
                                mean      low mean     high mean
                                std dev   low std dev  high std dev

with times in ``ns``, ``us``, ``ms`` or ``s``. The mean and standard deviation over the samples become the
series' summary (count = samples); the bootstrap bounds (``low``/``high``) are not used. Names may contain
spaces and punctuation: the numbers are read from the end of the line. One summary per benchmark and run.

The XML reporter (``--reporter xml``) is read too: each ``BenchmarkResults`` element's ``samples`` and its
``mean`` and ``standardDeviation`` values (nanoseconds), under the same names as the console's, so a project can
switch between the two and keep its history. Catch2's JSON reporter (3.x) leaves benchmarks out.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

from perfgate.errors import InputError
from perfgate.formats import Format
from perfgate.formats.build import summarised
from perfgate.formats.document import Document
from perfgate.model import Environment, ParsedResults, Series
from perfgate.units import normalize

_TIME = r"(\d+(?:\.\d+)?) (ns|us|µs|ms|s)"
_HEADER = re.compile(r"^benchmark name\s+samples\s+iterations\s+(estimated|est run time)")
_FIRST = re.compile(rf"^(?P<name>\S.*?)\s+(?P<samples>\d+)\s+(?P<iterations>\d+)\s+{_TIME}\s*$")
_STATS = re.compile(rf"^\s+{_TIME}\s+{_TIME}\s+{_TIME}\s*$")


def _is_xml(doc: Document) -> bool:
    head = doc.head.lstrip()[:600]
    return head.startswith(b"<?xml") and (b"<Catch2TestRun" in head or b"<Catch name=" in head)


def sniff(doc: Document) -> bool:
    return _is_xml(doc) or any(_HEADER.match(line) for line in doc.head_lines(2000))


def parse(doc: Document) -> ParsedResults:
    return _xml(doc) if _is_xml(doc) else _console(doc)


def _xml(doc: Document) -> ParsedResults:
    series: list[Series] = []
    version = None
    try:
        with doc.stream() as stream:
            for event, element in ET.iterparse(stream, events=("start", "end")):
                if event == "start" and element.tag in ("Catch2TestRun", "Catch"):
                    version = element.get("catch2-version") or version
                elif event == "end" and element.tag == "BenchmarkResults":
                    series.append(_xml_benchmark(doc, element))
                    element.clear()
    except ET.ParseError as exc:
        raise InputError(doc.path, f"not XML perfgate reads: {exc}") from None
    except LookupError as exc:  # the XML declaration names an encoding Python does not know
        raise InputError(doc.path, f"not readable XML: {exc}; expected UTF-8 or another known encoding") from None
    if not series:
        raise InputError(
            doc.path, "a Catch2 XML report without BenchmarkResults: were the benchmarks run (not skipped with a tag)?"
        )
    return ParsedResults(doc.path, FORMAT.name, tuple(series), Environment(tool="catch2", tool_version=version))


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
    lines = doc.text().splitlines()
    series: list[Series] = []
    version = None
    for i, line in enumerate(lines):
        if "is a Catch" in line and (found := re.search(r"Catch2? v(\d[\w.]*)", line)):
            version = found.group(1)
        first = _FIRST.match(line.rstrip())
        if first is None or i + 2 >= len(lines):
            continue
        mean, spread = _STATS.match(lines[i + 1].rstrip()), _STATS.match(lines[i + 2].rstrip())
        if mean is None or spread is None:
            continue
        seconds = [_seconds(mean.group(1), mean.group(2)), _seconds(spread.group(1), spread.group(2))]
        series.append(
            summarised(
                first.group("name").strip(),
                "time",
                "s",
                count=int(first.group("samples")),
                mean=seconds[0],
                stddev=seconds[1],
            )
        )
    if not series:
        raise InputError(doc.path, "no benchmark rows under Catch2's 'benchmark name  samples  iterations' header")
    return ParsedResults(doc.path, FORMAT.name, tuple(series), Environment(tool="catch2", tool_version=version))


def _seconds(value: str, unit: str) -> float:
    return float(value) * normalize("us" if unit == "µs" else unit).factor


FORMAT = Format(
    name="catch2",
    description="Catch2 console output of BENCHMARK (v2 and v3), or its XML reporter (--reporter xml)",
    yields="mean and standard deviation of the time per benchmark (summary, count = samples)",
    sniff=sniff,
    parse=parse,
)

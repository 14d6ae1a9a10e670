"""Catch2's console output for ``BENCHMARK`` (v2 and v3): per benchmark three rows of a table,

    NAME                        samples   iterations   estimated (or: est run time)
                                mean      low mean     high mean
                                std dev   low std dev  high std dev

with times in ``ns``, ``us``, ``ms`` or ``s``. The mean and standard deviation over the samples become the
series' summary (count = samples); the bootstrap bounds (``low``/``high``) are not used. Names may contain
spaces and punctuation: the numbers are read from the end of the line. One summary per benchmark and run.
"""

from __future__ import annotations

import re

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


def sniff(doc: Document) -> bool:
    return any(_HEADER.match(line) for line in doc.head_lines(2000))


def parse(doc: Document) -> ParsedResults:
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
    description="Catch2 console output of BENCHMARK (v2 and v3)",
    yields="mean and standard deviation of the time per benchmark (summary, count = samples)",
    sniff=sniff,
    parse=parse,
)

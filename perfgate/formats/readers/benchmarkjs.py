"""benchmark.js console output: ``NAME x 1,431,759 ops/sec ±0.74% (93 runs sampled)`` per benchmark (what its
suites print with ``String(event.target)``, and what Benchmark.js-based runners such as ``benny`` write).

The value is the mean rate in operations per second (better higher), the runs sampled its count; ``±x%``
(benchmark.js's relative margin of error at 95 %) is not kept: a run's own spread does not decide the gate
for summaries, main's spread between runs does.
Lines of anything else are ignored. One summary per benchmark and run.
"""

from __future__ import annotations

import re

from perfgate.errors import InputError
from perfgate.formats import Format
from perfgate.formats.build import summarised
from perfgate.formats.document import Document
from perfgate.model import Direction, Environment, ParsedResults, Series

_RESULT = re.compile(
    r"^(?P<name>.+?) x (?P<ops>\d[\d,]*(?:\.\d+)?) ops/sec (?:±|\+-|\+/-)(?P<rme>\d+(?:\.\d+)?)% "
    r"\((?P<runs>\d+) runs? sampled\)\s*$"
)


def sniff(doc: Document) -> bool:
    return any(_RESULT.match(line.strip()) for line in doc.head_lines(500))


def parse(doc: Document) -> ParsedResults:
    series: list[Series] = []
    seen: set[str] = set()
    for number, raw in doc.lines():
        match = _RESULT.match(raw.decode("utf-8", "replace").strip())
        if match is None:
            continue
        name = match.group("name")
        if name in seen:
            raise InputError(doc.path, f"{name!r} appears twice", where=str(number))
        seen.add(name)
        ops, runs = float(match.group("ops").replace(",", "")), int(match.group("runs"))
        series.append(
            summarised(
                name,
                "throughput",
                "1/s",
                count=runs,
                mean=ops,
                median=ops,
                direction=Direction.HIGHER_IS_BETTER,
            )
        )
    if not series:
        raise InputError(doc.path, "no 'NAME x N ops/sec ±x% (n runs sampled)' lines")
    return ParsedResults(doc.path, FORMAT.name, tuple(series), Environment(tool="benchmark.js"))


FORMAT = Format(
    name="benchmarkjs",
    description="benchmark.js console output (NAME x N ops/sec ±x% (n runs sampled))",
    yields="operations per second per benchmark (summary: the mean and the runs sampled)",
    sniff=sniff,
    parse=parse,
)

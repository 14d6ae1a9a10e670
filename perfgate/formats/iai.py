"""Iai and Gungraun (formerly iai-callgrind) console summaries of ``cargo bench``: instruction counts, cache
hits and the other valgrind metrics per benchmark.

    rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci short:10
      Instructions:                1734|1650            (+5.09090%) [+1.04844x]
      L1 Hits:                     2359|2275            (+3.69230%) [+1.03560x]

A line that is not indented names a benchmark; each indented ``Metric: value`` line under it is a metric of it
(Gungraun's ``new|old``: the new value, ``old`` and the change are the tool's own comparison with its previous
run, not used). Colour escapes are removed. These counts come from valgrind, not a clock: one run is exact
(``SampleKind.EXACT``), so a change beyond the allowance is a regression without a rank test. Hit rates and
hits are better higher, everything else lower.
"""

from __future__ import annotations

import re

from perfgate.errors import InputError
from perfgate.formats import Format
from perfgate.formats.build import summarised
from perfgate.formats.document import Document
from perfgate.model import Direction, Environment, ParsedResults, SampleKind, Series

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_METRIC = re.compile(
    r"^\s+(?P<metric>[A-Za-z][\w +/()-]*?):\s+(?P<new>\d+(?:\.\d+)?|N/A)(?:\|(?:\d+(?:\.\d+)?|N/A))?(?:\s+[(\[].*)?$"
)
_NOT_A_NAME = re.compile(r"^(running \d+ tests?|test result:|Running |Benchmarking |Gungraun|warning:|error:)", re.I)


def sniff(doc: Document) -> bool:
    lines = [_ANSI.sub("", line) for line in doc.head_lines(500)]
    return any(re.match(r"^\s+Instructions:\s+\d", line) for line in lines)


def parse(doc: Document) -> ParsedResults:
    series: list[Series] = []
    seen: set[tuple[str, str]] = set()
    name: str | None = None
    for number, raw in doc.lines():
        line = _ANSI.sub("", raw.decode("utf-8", "replace")).rstrip()
        if not line.strip():
            continue
        if not line[0].isspace():
            name = None if _NOT_A_NAME.match(line) else line.strip()
            continue
        found = _METRIC.match(line)
        if name is None or found is None or found.group("new") == "N/A":
            continue
        label = found.group("metric").strip()
        metric = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
        if (name, metric) in seen:
            raise InputError(doc.path, f"{name!r}: {label} appears twice", where=str(number))
        seen.add((name, metric))
        value = float(found.group("new"))
        series.append(
            summarised(
                name,
                metric,
                "%" if "rate" in metric else "",  # miss and hit rates are printed as percentages
                count=1,
                mean=value,
                median=value,
                min=value,
                max=value,
                direction=Direction.HIGHER_IS_BETTER if "hit" in metric else Direction.LOWER_IS_BETTER,
                kind=SampleKind.EXACT,
            )
        )
    if not series:
        raise InputError(doc.path, "no benchmark with an 'Instructions:' line")
    return ParsedResults(doc.path, FORMAT.name, tuple(series), Environment(tool="iai"))


FORMAT = Format(
    name="iai",
    description="Iai and Gungraun (iai-callgrind) console summaries of cargo bench",
    yields="per benchmark: instructions, cache hits/accesses, estimated cycles and other valgrind metrics "
    "(exact counts: one run per side is enough)",
    sniff=sniff,
    parse=parse,
)

"""``go test -bench`` text output (the Go benchmark data format), and the same wrapped by ``go test -json``.

Every result line is one sample (``-count N`` gives N); each value/unit pair is a metric: ``ns/op`` (time),
``B/op`` (memory), ``allocs/op``, ``MB/s`` (throughput, decimal megabytes) and ``b.ReportMetric`` units.
The ``-GOMAXPROCS`` suffix is dropped from names when every line has one; ``pkg:``, ``goos:``, ``cpu:``
lines describe the environment. ``--- FAIL:`` lines name failed benchmarks.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from perfgate.errors import InputError
from perfgate.formats import Format
from perfgate.formats.build import sampled
from perfgate.formats.document import Document, loads_json
from perfgate.model import Direction, Environment, ParsedResults, Series

_RESULT = re.compile(r"^(Benchmark\S*)\s+(\d+)\s+(.+)$")
_CONFIG = re.compile(r"^([a-z][^\s:]*):\s*(.*)$")
_FAIL = re.compile(r"^\s*--- FAIL: (Benchmark\S*)")
_UNIT_HINT = re.compile(r"^Unit\s+(\S+)\s+.*\bbetter=(higher|lower)\b")
_PROCS = re.compile(r"-\d+$")
_METRICS = {"ns/op": "time", "B/op": "memory", "allocs/op": "allocs", "MB/s": "throughput"}


@dataclass
class _Result:
    pkg: str
    name: str
    line: int
    values: dict[str, float] = field(default_factory=dict)


def _lines(doc: Document) -> Iterator[tuple[int, str]]:
    """Numbered lines of the benchmark text, streamed; from ``go test -json`` events, re-assembled per package."""
    lines = ((number, raw.decode("utf-8", "replace")) for number, raw in doc.lines())
    first = next(((number, line) for number, line in lines if line.strip()), None)
    if first is None:
        return
    rest = itertools.chain([first], lines)
    yield from _from_events(doc, rest) if first[1].lstrip().startswith("{") else rest


def _from_events(doc: Document, lines: Iterable[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """``go test -json``: each package's Output events joined (an event may hold part of a line)."""
    outputs: dict[str, list[str]] = {}
    for number, line in lines:
        if not line.strip():
            continue
        event = loads_json(line.encode(), doc.path, line=number)
        if isinstance(event, dict) and event.get("Action") == "output" and isinstance(event.get("Output"), str):
            outputs.setdefault(str(event.get("Package", "")), []).append(event["Output"])
    text = "".join("".join(chunks) for chunks in outputs.values())
    yield from enumerate(text.splitlines(), 1)


def sniff(doc: Document) -> bool:
    """Only the head: a result line, or the goos/goarch header that only ``go test -bench`` prints."""
    if doc.is_dir or doc.head.lstrip()[:1] == b"[":
        return False
    head = doc.head_lines(2000)
    first = next((line for line in head if line.strip()), "")
    if first.lstrip().startswith("{"):
        outputs = []
        for line in head:
            try:
                event = json.loads(line)
            except ValueError:
                return False
            if isinstance(event, dict) and isinstance(event.get("Output"), str):
                outputs.append(event["Output"])
        head = "".join(outputs).splitlines()
    stripped = [line.strip() for line in head]
    header = any(s.startswith("goos:") for s in stripped) and any(s.startswith("goarch:") for s in stripped)
    return header or any(_RESULT.match(s) for s in stripped)


def parse(doc: Document) -> ParsedResults:
    config: dict[str, str] = {}
    results: dict[tuple[str, str], list[_Result]] = {}
    order: list[tuple[str, str]] = []
    failures: list[tuple[str, str]] = []
    hints: dict[str, Direction] = {}
    for number, raw in _lines(doc):
        line = raw.strip()
        if fail := _FAIL.match(raw):
            failures.append((fail.group(1), f"--- FAIL (line {number})"))
            continue
        if hint := _UNIT_HINT.match(line):
            hints[hint.group(1)] = (
                Direction.HIGHER_IS_BETTER if hint.group(2) == "higher" else Direction.LOWER_IS_BETTER
            )
            continue
        if match := _RESULT.match(line):
            fields = match.group(3).split()
            if len(fields) % 2:
                raise InputError(
                    doc.path, f"expected value/unit pairs after the iteration count in {line!r}", where=str(number)
                )
            result = _Result(config.get("pkg", ""), match.group(1), number)
            for value, unit in zip(fields[::2], fields[1::2], strict=True):
                try:
                    result.values[unit] = float(value)
                except ValueError:
                    raise InputError(
                        doc.path, f"expected a number before {unit!r}, got {value!r}", where=str(number)
                    ) from None
                if result.values[unit] < 0 or result.values[unit] != result.values[unit]:
                    raise InputError(doc.path, f"expected a non-negative {unit}, got {value}", where=str(number))
            key = (result.pkg, result.name)
            if key not in results:
                order.append(key)
            results.setdefault(key, []).append(result)
        elif (conf := _CONFIG.match(line)) and not line.startswith(("ok", "PASS", "FAIL")):
            config[conf.group(1)] = conf.group(2)
    strip_procs = bool(order) and all(_PROCS.search(name) for _, name in order)
    packages_by_name: dict[str, set[str]] = {}
    for pkg, name in order:
        packages_by_name.setdefault(name, set()).add(pkg)
    series: list[Series] = []
    for pkg, name in order:
        shown = _PROCS.sub("", name) if strip_procs else name
        if len(packages_by_name[name]) > 1:  # the same benchmark name in two packages
            shown = f"{pkg}.{shown}"
        lines = results[(pkg, name)]
        for unit in lines[0].values:
            values = [r.values[unit] for r in lines if unit in r.values]
            series.append(sampled(shown, _METRICS.get(unit, unit), unit, values, direction=hints.get(unit)))
    env = Environment(
        cpu=config.get("cpu"),
        os="/".join(v for v in (config.get("goos"), config.get("goarch")) if v) or None,
        tool="go test -bench",
    )
    return ParsedResults(doc.path, FORMAT.name, tuple(series), env, failures=tuple(failures))


FORMAT = Format(
    name="go-bench",
    description="go test -bench output (text, or go test -json events)",
    yields="one sample per result line (-count N): ns/op, B/op, allocs/op, MB/s and custom units",
    sniff=sniff,
    parse=parse,
)

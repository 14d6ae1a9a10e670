"""Rust's ``cargo bench`` with libtest's ``#[bench]`` (and criterion's ``--output-format bencher``): text or
``--format json`` events.

Text: ``test NAME ... bench:   30,203.15 ns/iter (+/- 873.72) = 30117 MB/s``; older toolchains print whole
numbers (``18,149 ns/iter (+/- 755)``), custom harnesses other units per iteration. The value is libtest's
median time per iteration (``cycles/iter`` and rates such as ``MS/s`` from custom harnesses are kept as they
are, rates better higher); ``(+/- x)`` is the range of its winsorised samples, not a standard deviation, so
it is not used. ``= N MB/s`` (with ``b.bytes``) is a throughput. A bench that panicked (``... FAILED``) is
reported as failed; ``... ignored`` ones are skipped. Output of several bench targets may be concatenated:
a name that comes again gets its target's name (cargo's ``Running benches/x.rs``) or a number.

JSON (``cargo bench -- -Z unstable-options --format json``): ``{"type": "bench", "name", "median",
"deviation", "mib_per_second"}`` events among suite and test events; ``median`` in ns.

libtest reports one summary per benchmark and run: compare several runs per side, or against main's history.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from typing import Any

from perfgate.errors import InputError
from perfgate.formats import Format
from perfgate.formats.build import summarised
from perfgate.formats.document import Document, json_line
from perfgate.model import Direction, Environment, ParsedResults, Series
from perfgate.units import normalize

_NUMBER = r"\d[\d,]*(?:\.\d+)?"
_RESULT = re.compile(
    rf"^test (?P<name>.+?)\s+\.\.\. bench:\s+(?P<value>{_NUMBER}) (?P<unit>\S+?)(?:/iter)?"
    rf" \(\+/- {_NUMBER}\)(?: = (?P<rate>{_NUMBER}) MB/s)?\s*$"
)
_FAILED = re.compile(r"^test (?P<name>.+?)\s+\.\.\. FAILED\s*$")
_TARGET = re.compile(r"^\s*Running (?:unittests )?(?P<target>\S+)")


def sniff(doc: Document) -> bool:
    if doc.is_dir or doc.head.lstrip()[:1] == b"[":
        return False
    head = [line.strip() for line in doc.head_lines(2000)]
    if any(_RESULT.match(line) for line in head):
        return True
    return any(line.startswith("{") and _event(line).get("type") == "bench" for line in head)


def parse(doc: Document) -> ParsedResults:
    series: list[Series] = []
    failures: list[tuple[str, str]] = []
    seen: Counter[str] = Counter()
    target = ""
    for number, raw in doc.lines():
        line = raw.decode("utf-8", "replace").strip()
        if line.startswith("{"):
            event = json_line(doc.path, raw, number)
            event = event if isinstance(event, dict) else {}
            if event.get("type") == "bench":
                series += _from_event(doc, event, number, seen)
            elif event.get("type") == "test" and event.get("event") == "failed":
                failures.append((str(event.get("name")), f"failed (line {number})"))
            continue
        if running := _TARGET.match(line):
            target = running.group("target")
        elif result := _RESULT.match(line):
            name = _unique(result.group("name"), target, seen)
            value = _number(doc, result.group("value"), number)
            series.append(_measured(name, result.group("unit"), value))
            if rate := result.group("rate"):
                series.append(_throughput(name, _number(doc, rate, number)))
        elif failed := _FAILED.match(line):
            failures.append((failed.group("name"), f"FAILED (line {number})"))
    if not series:
        raise InputError(doc.path, "no 'test NAME ... bench:' results (every benchmark failed or was ignored?)")
    return ParsedResults(doc.path, FORMAT.name, tuple(series), Environment(tool="libtest"), failures=tuple(failures))


def _event(line: str) -> dict[str, Any]:
    try:
        event = json.loads(line)
    except ValueError:
        return {}
    return event if isinstance(event, dict) else {}


def _from_event(doc: Document, event: dict[str, Any], number: int, seen: Counter[str]) -> list[Series]:
    name, median = event.get("name"), event.get("median")
    if not isinstance(name, str) or not isinstance(median, int | float) or isinstance(median, bool):
        raise InputError(doc.path, "a bench event without a name and a median", where=str(number))
    name = _unique(name, "", seen)
    if not math.isfinite(median) or median < 0:
        raise InputError(
            doc.path, f"a bench event's median of {median} ns; expected a non-negative time", where=str(number)
        )
    out = [summarised(name, "time", "ns", count=1, median=float(median))]
    rate = event.get("mib_per_second")
    if isinstance(rate, int | float) and not isinstance(rate, bool) and rate > 0:
        out.append(_throughput(name, float(rate)))  # libtest's "MiB" is the same decimal MB/s as its text
    return out


def _measured(name: str, unit: str, value: float) -> Series:
    """``ns/iter`` and other times per iteration; a custom harness's rate (``MS/s``) is better higher."""
    if unit.endswith("/s"):
        return summarised(name, "throughput", unit, count=1, median=value, direction=Direction.HIGHER_IS_BETTER)
    metric = "time" if normalize(unit).canonical == "s" else "value"
    return summarised(name, metric, unit, count=1, median=value)


def _throughput(name: str, rate: float) -> Series:
    return summarised(name, "throughput", "MB/s", count=1, median=rate, direction=Direction.HIGHER_IS_BETTER)


def _unique(name: str, target: str, seen: Counter[str]) -> str:
    seen[name] += 1
    if seen[name] == 1:
        return name
    return f"{name} ({target})" if target else f"{name} #{seen[name]}"


def _number(doc: Document, text: str, number: int) -> float:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        raise InputError(doc.path, f"expected a number, got {text!r}", where=str(number)) from None


FORMAT = Format(
    name="libtest",
    description="cargo bench (libtest #[bench], criterion --output-format bencher), text or --format json",
    yields="median time per iteration per benchmark (summary); MB/s throughput when set; failed benches",
    sniff=sniff,
    parse=parse,
)

"""Rust criterion: ``target/criterion/<benchmark>/new/{benchmark,sample,estimates}.json``, or its console output.

Give the ``target/criterion`` directory, one benchmark's directory, its ``new`` directory, or a file in
it. Each sample is ``times[i] / iters[i]`` (nanoseconds per iteration); the name is ``full_id`` from
``benchmark.json`` (directory names are sanitised, so never used). A declared throughput adds a
throughput metric per sample. ``base/`` (the previous run) and ``change/`` are ignored: perfgate keeps its
own history.

The console output of ``cargo bench`` (what Bencher reads) is read too, for a job that keeps only the log:

    parse/bytes/copy/64     time:   [23.303 ns 23.409 ns 23.578 ns]
                            thrpt:  [2.5280 GiB/s 2.5462 GiB/s 2.5578 GiB/s]

Of the three estimates, the middle one is criterion's point estimate of the time per iteration (the slope of
its linear sampling, or the mean of flat sampling) and becomes a summary-only series; the outer two are a
confidence interval of that estimate, not the spread of the samples, so they are not kept. ``thrpt:`` is the
same estimate as a throughput. The name is the line's, or the line before when criterion put a long name on
its own line; ``Collecting N samples`` gives the count. The ``change:`` lines (criterion's own comparison with
its previous run) are not read. After a ``panicked at`` line, a benchmark that started and gave no result is
failed; when none did, a note says the run stopped there.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from perfgate.errors import InputError
from perfgate.formats import Format
from perfgate.formats.build import sampled, summarised
from perfgate.formats.document import Document, loads_json, require, timings
from perfgate.model import Environment, ParsedResults, Series

_FILES = ("benchmark.json", "sample.json", "estimates.json")

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_VALUE = r"(\d[\d,]*(?:\.\d+)?) +(\S+)"  # "23.303 ns", "2.5280 GiB/s", "  1.2000  B/s"
_ESTIMATES = rf"\[ *{_VALUE} +{_VALUE} +{_VALUE} *\]"
_TIME_LINE = re.compile(rf"^(?P<name>\S.*?)?\s+time:\s+{_ESTIMATES}\s*$")
_THRPT_LINE = re.compile(rf"^\s+thrpt:\s+{_ESTIMATES}\s*$")
_STARTED = re.compile(r"^Benchmarking (?P<name>.+?): (?:Warming up|Collecting (?P<samples>\d+) samples)")
_PANIC = re.compile(r"^thread '.*' panicked at")
_TIMES = {"ps": 1e-3, "ns": 1.0, "\u00b5s": 1e3, "\u03bcs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}  # to ns
# Criterion's throughput units other than bytes (measurement.rs), to per second; bytes normalize() knows.
_ELEMENTS = {"elem/s": 1.0, "Kelem/s": 1e3, "Melem/s": 1e6, "Gelem/s": 1e9}
_BITS = {"b/s": 1.0, "Kb/s": 1e3, "Mb/s": 1e6, "Gb/s": 1e9}


def _new_dirs(doc: Document) -> list[Path]:
    path = Path(doc.path)
    if not doc.is_dir:
        return [path.parent] if path.name in _FILES and (path.parent / "benchmark.json").is_file() else []
    if (path / "benchmark.json").is_file():
        return [path]
    return sorted(p.parent for p in path.rglob("new/benchmark.json"))


def sniff(doc: Document) -> bool:
    if doc.is_dir:
        return bool(_new_dirs(doc))
    value = doc.json_or_none()
    if not isinstance(value, dict):
        return value is None and _is_console(doc)
    return bool(_new_dirs(doc)) and (
        {"iters", "times"} <= value.keys() or "full_id" in value or ("mean" in value and "median" in value)
    )


def _is_console(doc: Document) -> bool:
    return any(_TIME_LINE.match(_ANSI.sub("", line)) for line in doc.head_lines(2000))


def parse(doc: Document) -> ParsedResults:
    directories = _new_dirs(doc)
    if not directories and not doc.is_dir and doc.json_or_none() is None and _is_console(doc):
        return _console(doc)
    if not directories:
        raise InputError(
            doc.path,
            "no criterion results (expected new/benchmark.json and new/sample.json, or the console's 'time: [...]' lines)",
        )
    hashed = hashlib.sha256()
    series: list[Series] = []
    for directory in directories:
        benchmark = _load(directory / "benchmark.json", hashed)
        sample = _load(directory / "sample.json", hashed)
        source = Document(str(directory / "sample.json"), b"")
        name = require(source, benchmark, "full_id", str, "") if isinstance(benchmark, dict) else None
        if name is None:
            raise InputError(str(directory / "benchmark.json"), "expected an object with full_id")
        iters = timings(source, require(source, sample, "iters", list, ""), "iters", allow_zero=False)
        times = timings(source, require(source, sample, "times", list, ""), "times")
        if iters.size != times.size or iters.size == 0:
            raise InputError(
                source.path, f"iters ({iters.size}) and times ({times.size}) must be equally long and not empty"
            )
        per_iteration = (times / iters).tolist()
        series.append(sampled(name, "time", "ns", per_iteration))
        throughput = benchmark.get("throughput")
        if isinstance(throughput, dict) and len(throughput) == 1:
            kind, amount = next(iter(throughput.items()))
            unit = {"Bytes": "B/s", "BytesDecimal": "B/s", "Elements": "1/s", "Bits": "1/s"}.get(kind)
            if unit and isinstance(amount, int | float) and all(t > 0 for t in per_iteration):
                rates = [amount / (t * 1e-9) for t in per_iteration]
                metric = "throughput" if kind != "Bits" else "bits_per_second"
                series.append(sampled(name, metric, unit, rates))
    return ParsedResults(doc.path, FORMAT.name, tuple(series), Environment(tool="criterion"), sha256=hashed.hexdigest())


def _console(doc: Document) -> ParsedResults:
    lines = [_ANSI.sub("", line).rstrip() for line in doc.text().splitlines()]
    series: list[Series] = []
    samples: dict[str, int] = {}
    started: list[str] = []
    panics: list[str] = []
    for i, line in enumerate(lines):
        if (start := _STARTED.match(line)) is not None:
            name = start.group("name")
            if name not in started:
                started.append(name)
            if start.group("samples"):
                samples[name] = int(start.group("samples"))
            continue
        if _PANIC.match(line):
            panics.append(line.strip())
            continue
        found = _TIME_LINE.match(line)
        if found is None:
            continue
        name = (found.group("name") or (lines[i - 1] if i else "")).strip()
        if not name:
            raise InputError(doc.path, "a 'time:' line without a benchmark's name before it", where=str(i + 1))
        count = samples.get(name, 1)
        series.append(_estimate(doc, i + 1, name, "time", found.groups()[1:], count))
        thrpt = _THRPT_LINE.match(lines[i + 1]) if i + 1 < len(lines) else None
        if thrpt is not None:
            series.append(_estimate(doc, i + 2, name, "throughput", thrpt.groups(), count))
    done = {s.name for s in series}
    failures = tuple((name, f"gave no result: {panics[0]}") for name in started if name not in done) if panics else ()
    # A panic before the next benchmark printed its name: the benchmarks after it are missing, unnamed.
    notes = (f"criterion stopped: {panics[0]}; benchmarks after it did not run",) if panics and not failures else ()
    return ParsedResults(
        doc.path, FORMAT.name, tuple(series), Environment(tool="criterion"), failures=failures, notes=notes
    )


def _estimate(doc: Document, line: int, name: str, kind: str, groups: tuple[str | Any, ...], count: int) -> Series:
    """The middle of criterion's three estimates ``[lower estimate upper]``, as a summary-only series."""
    value, unit = float(groups[2].replace(",", "")), groups[3]
    if kind == "time":
        if unit in _TIMES:
            return summarised(name, "time", "ns", count=count, mean=value * _TIMES[unit])
        return summarised(name, "value", unit, count=count, mean=value)  # a custom criterion Measurement's unit
    if unit in _ELEMENTS:
        return summarised(name, "throughput", "1/s", count=count, mean=value * _ELEMENTS[unit])
    if unit in _BITS:
        return summarised(name, "bits_per_second", "1/s", count=count, mean=value * _BITS[unit])
    made = summarised(name, "throughput", unit, count=count, mean=value)
    if made.unit != "B/s":
        raise InputError(
            doc.path, f"{name!r}: thrpt in {unit!r}; expected B/s, KiB/s, elem/s, b/s or alike", where=str(line)
        )
    return made


def _load(path: Path, hashed: Any) -> Any:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "missing: criterion writes it beside benchmark.json") from None
    hashed.update(data)
    return loads_json(data, str(path))


FORMAT = Format(
    name="criterion",
    description="Rust criterion results: target/criterion (a directory), a benchmark's new/*.json, or the console output",
    yields="time per iteration per sample (times/iters); throughput when declared; the console: one estimate each "
    "(summary-only)",
    sniff=sniff,
    parse=parse,
)

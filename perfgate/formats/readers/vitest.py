"""Vitest's benchmark JSON (``vitest bench --run --outputJson bench.json``), tinybench's statistics per bench.

``files[].groups[].benchmarks[]``: each benchmark's name is its group's ``fullName`` (file and ``describe``
path) and its own, ``fib.bench.js > fib > fib(10)``. Times are milliseconds per iteration: mean, median,
min, max, p75, p99, standard deviation and the sample count; the samples themselves when Vitest kept them
(``samples``, otherwise empty).
"""

from __future__ import annotations

from typing import Any

from perfgate.formats import Format
from perfgate.formats.build import sampled, summarised
from perfgate.formats.document import Document, integer, mapping, measurement, require, timings
from perfgate.model import Environment, ParsedResults, Series


def sniff(doc: Document) -> bool:
    value = doc.json_or_none()
    files = value.get("files") if isinstance(value, dict) else None
    return (
        isinstance(files, list)
        and bool(files)
        and all(isinstance(f, dict) and isinstance(f.get("groups"), list) for f in files)
        and any(isinstance(g, dict) and "benchmarks" in g for f in files for g in f["groups"])
    )


def parse(doc: Document) -> ParsedResults:
    series: list[Series] = []
    for i, file in enumerate(require(doc, doc.json(), "files", list, "")):
        for j, group in enumerate(require(doc, file, "groups", list, f"files[{i}]")):
            where = f"files[{i}].groups[{j}]"
            prefix = str(mapping(group).get("fullName") or "")
            for k, bench in enumerate(require(doc, group, "benchmarks", list, where)):
                series.append(_series(doc, prefix, bench, f"{where}.benchmarks[{k}]"))
    if not series:
        raise doc.error("files", "no benchmarks")
    return ParsedResults(doc.path, FORMAT.name, tuple(series), Environment(tool="vitest"))


def _series(doc: Document, prefix: str, bench: Any, where: str) -> Series:
    name = require(doc, bench, "name", str, where)
    full = f"{prefix} > {name}" if prefix else name
    samples = bench.get("samples")
    if isinstance(samples, list) and len(samples) >= 2:
        return sampled(full, "time", "ms", timings(doc, samples, f"{where}.samples").tolist())
    return summarised(
        full,
        "time",
        "ms",
        count=integer(doc, bench.get("sampleCount", 1), f"{where}.sampleCount"),
        mean=measurement(doc, bench, "mean", where),
        median=measurement(doc, bench, "median", where),
        min=measurement(doc, bench, "min", where),
        max=measurement(doc, bench, "max", where),
        stddev=measurement(doc, bench, "sd", where),
        p99=measurement(doc, bench, "p99", where),
    )


FORMAT = Format(
    name="vitest",
    description="Vitest bench JSON (vitest bench --run --outputJson FILE)",
    yields="time per iteration per benchmark: tinybench's statistics (summary), or its samples when kept",
    sniff=sniff,
    parse=parse,
)

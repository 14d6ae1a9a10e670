"""pyperf JSON (``python bench.py -o results.json``, ``pyperf timeit -o``, ``pyperformance run -o``), version 1.x.

``benchmarks[].runs[]``: each run is a worker process with its ``warmups`` (not used) and ``values``; every
value of every run is a sample (pyperf's values are already per loop iteration). The name and unit come from
the benchmark's metadata, else the file's (``unit``: ``second``, ``byte`` with ``--track-memory``, or
``integer``). The interpreter, CPU and host from the metadata describe the environment.
"""

from __future__ import annotations

from typing import Any

from perfgate.formats import Format
from perfgate.formats.build import sampled
from perfgate.formats.document import Document, mapping, require, timings
from perfgate.model import Environment, ParsedResults, Series

_UNITS = {"second": ("s", "time"), "byte": ("B", "memory"), "integer": ("1", "value")}


def sniff(doc: Document) -> bool:
    value = doc.json_or_none()
    benchmarks = value.get("benchmarks") if isinstance(value, dict) else None
    return (
        isinstance(value, dict)
        and str(value.get("version", "")).startswith("1.")
        and isinstance(benchmarks, list)
        and bool(benchmarks)
        and all(isinstance(b, dict) and isinstance(b.get("runs"), list) for b in benchmarks)
    )


def parse(doc: Document) -> ParsedResults:
    root = doc.json()
    common = mapping(root.get("metadata")) if isinstance(root, dict) else {}
    benchmarks = require(doc, root, "benchmarks", list, "")
    series: list[Series] = []
    for i, benchmark in enumerate(benchmarks):
        where = f"benchmarks[{i}]"
        if not isinstance(benchmark, dict):
            raise doc.error(where, "expected a benchmark object with runs")
        meta = {**common, **mapping(benchmark.get("metadata"))}
        name = meta.get("name")
        if not isinstance(name, str) or not name:
            raise doc.error(f"{where}.metadata.name", "missing: pyperf names each benchmark in its metadata")
        unit, metric = _UNITS.get(str(meta.get("unit", "second")), (str(meta.get("unit")), "value"))
        values = [
            v
            for j, run in enumerate(require(doc, benchmark, "runs", list, where))
            for v in _values(doc, run, f"{where}.runs[{j}]")
        ]
        if values:
            series.append(sampled(name, metric, unit, values))
    if not series:
        raise doc.error("benchmarks", "no values: every run has only warmups (was the benchmark interrupted?)")
    env = Environment(
        cpu=_text(common.get("cpu_model_name")),
        os=_text(common.get("platform")),
        interpreter=_text(common.get("python_version")),
        runner=_text(common.get("hostname")),
        tool="pyperf",
        tool_version=_text(common.get("perf_version") or common.get("pyperf_version")),
    )
    return ParsedResults(doc.path, FORMAT.name, tuple(series), env)


def _values(doc: Document, run: Any, where: str) -> list[float]:
    if not isinstance(run, dict):
        raise doc.error(where, "expected a run object (metadata, warmups, values)")
    values = run.get("values")
    return [] if values is None else timings(doc, values, f"{where}.values").tolist()


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


FORMAT = Format(
    name="pyperf",
    description="pyperf / pyperformance JSON (-o results.json), version 1.x",
    yields="every value of every worker run (samples, warmups left out); time, memory (--track-memory) or counts",
    sniff=sniff,
    parse=parse,
)

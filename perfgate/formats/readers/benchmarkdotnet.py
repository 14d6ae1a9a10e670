"""BenchmarkDotNet JSON export (``JsonExporter.Full`` and the brief variants).

Samples are per-operation times from ``Measurements`` (Workload iterations of the Result stage, which
BenchmarkDotNet has already corrected for overhead; Actual if there are none), in nanoseconds per
operation; without measurements, ``Statistics.OriginalValues``; otherwise the statistics as a summary.
``Memory.BytesAllocatedPerOperation`` is an extra metric. A benchmark with no statistics failed.
"""

from __future__ import annotations

from typing import Any

from perfgate.formats import Format
from perfgate.formats.build import MEDIAN_SE_PER_MEAN_SE, median_interval, sampled, summarised
from perfgate.formats.document import Document, integer, mapping, require, root_object, timings
from perfgate.model import Environment, ParsedResults, Series


def sniff(doc: Document) -> bool:
    value = doc.json_or_none()
    return (
        isinstance(value, dict)
        and isinstance(value.get("Benchmarks"), list)
        and ("HostEnvironmentInfo" in value or "Title" in value)
    )


def parse(doc: Document) -> ParsedResults:
    root = root_object(doc)
    benchmarks = require(doc, root, "Benchmarks", list, "")
    if not benchmarks:
        raise doc.error("Benchmarks", "the list is empty")
    series: list[Series] = []
    failures: list[tuple[str, str]] = []
    for i, bench in enumerate(benchmarks):
        path = f"Benchmarks[{i}]"
        name = _name(doc, bench, path)
        stats = bench.get("Statistics")
        if not isinstance(stats, dict):
            failures.append((name, "no statistics: the benchmark did not run"))
            continue
        per_op = _measurements(doc, bench.get("Measurements"), f"{path}.Measurements")
        if not per_op and isinstance(stats.get("OriginalValues"), list):
            per_op = timings(doc, stats["OriginalValues"], f"{path}.Statistics.OriginalValues").tolist()
        if per_op:
            series.append(sampled(name, "time", "ns", per_op))
        else:
            percentiles = mapping(stats.get("Percentiles"))
            # BenchmarkDotNet's standard error is the mean's; the median's is sqrt(pi / 2) of it (normal case).
            error = _num(stats.get("StandardError"))
            low, high = median_interval(
                _num(stats.get("Median")), MEDIAN_SE_PER_MEAN_SE * error if error is not None else None
            )
            series.append(
                summarised(
                    name,
                    "time",
                    "ns",
                    count=integer(doc, stats.get("N") or 1, f"{path}.Statistics.N"),
                    mean=_num(stats.get("Mean")),
                    median=_num(stats.get("Median")),
                    stddev=_num(stats.get("StandardDeviation")),
                    min=_num(stats.get("Min")),
                    max=_num(stats.get("Max")),
                    p90=_num(percentiles.get("P90")),
                    p95=_num(percentiles.get("P95")),
                    median_low=low,
                    median_high=high,
                )
            )
        memory = bench.get("Memory")
        if isinstance(memory, dict) and isinstance(memory.get("BytesAllocatedPerOperation"), int | float):
            value = float(memory["BytesAllocatedPerOperation"])
            series.append(summarised(name, "allocated", "B", count=1, mean=value, median=value))
    return ParsedResults(doc.path, FORMAT.name, tuple(series), _environment(root), failures=tuple(failures))


def _name(doc: Document, bench: Any, path: str) -> str:
    if not isinstance(bench, dict):
        raise doc.error(path, "expected a benchmark object")
    if isinstance(bench.get("FullName"), str) and bench["FullName"]:
        return str(bench["FullName"])
    # Older exports (0.9) have no FullName: namespace, type and method, so two namespaces' types stay apart.
    parts = [bench.get("Namespace"), bench.get("Type"), require(doc, bench, "Method", str, path)]
    name = ".".join(str(part) for part in parts if isinstance(part, str) and part)
    params = bench.get("Parameters")
    return f"{name}({params})" if isinstance(params, str) and params else name


def _measurements(doc: Document, rows: Any, path: str) -> list[float]:
    if not isinstance(rows, list):
        return []
    for stage in ("Result", "Actual"):
        picked = [
            (i, r)
            for i, r in enumerate(rows)
            if isinstance(r, dict) and r.get("IterationMode") == "Workload" and r.get("IterationStage") == stage
        ]
        if picked:
            out = []
            for i, row in picked:
                operations = row.get("Operations")
                if not isinstance(operations, int | float) or operations <= 0:
                    raise doc.error(f"{path}[{i}].Operations", f"expected a positive count, got {operations!r}")
                total = float(timings(doc, [row.get("Nanoseconds")], f"{path}[{i}].Nanoseconds")[0])
                out.append(total / operations)
            return out
    return []


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _environment(root: dict[str, Any]) -> Environment:
    host = mapping(root.get("HostEnvironmentInfo"))

    def text(key: str) -> str | None:
        value = host.get(key)
        return value if isinstance(value, str) else None  # 0.9 exports hold some of these as objects

    return Environment(
        cpu=text("ProcessorName"),
        os=text("OsVersion"),
        interpreter=text("RuntimeVersion"),
        tool="BenchmarkDotNet",
        tool_version=text("BenchmarkDotNetVersion"),
    )


FORMAT = Format(
    name="benchmarkdotnet",
    description="BenchmarkDotNet JSON export (JsonExporter.Full gives per-iteration measurements)",
    yields="time per operation per workload iteration (samples); else statistics (summary); bytes allocated per op",
    sniff=sniff,
    parse=parse,
)

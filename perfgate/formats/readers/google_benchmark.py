"""Google Benchmark JSON (``--benchmark_format=json`` or ``--benchmark_out=FILE --benchmark_out_format=json``).

Each repetition row (``run_type: iteration``) is one sample; aggregate rows (``_mean``, ``_median``,
``_stddev``, ``_cv``, complexity rows) are never counted as samples, but stand in as a summary when the file
holds only aggregates (``--benchmark_report_aggregates_only``). ``real_time`` and ``cpu_time`` are both kept,
in each row's ``time_unit``; ``bytes_per_second`` and ``items_per_second`` are throughput metrics.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

from perfgate.formats import Format
from perfgate.formats.build import MEDIAN_SE_PER_MEAN_SE, MIN_REPEATS_FOR_INTERVAL, median_interval, sampled, summarised
from perfgate.formats.document import Document, integer, mapping, measurement, require, root_object, timestamp
from perfgate.model import Environment, ParsedResults, Series

_AGGREGATE_SUFFIX = re.compile(r"_(mean|median|stddev|cv|BigO|RMS)$")
_COUNTERS = {"bytes_per_second": ("bytes_per_second", "B/s"), "items_per_second": ("items_per_second", "1/s")}


def sniff(doc: Document) -> bool:
    value = doc.json_or_none()
    return (
        isinstance(value, dict)
        and isinstance(value.get("context"), dict)
        and isinstance(value.get("benchmarks"), list)
        and all(isinstance(b, dict) and ("real_time" in b or "error_occurred" in b) for b in value["benchmarks"][:5])
    )


def parse(doc: Document) -> ParsedResults:
    root = root_object(doc)
    benchmarks = require(doc, root, "benchmarks", list, "")
    if not benchmarks:
        raise doc.error("benchmarks", "the list is empty: no benchmark ran")
    iterations: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    aggregates: dict[str, dict[str, dict[str, Any]]] = {}
    failures: dict[str, str] = {}
    for i, row in enumerate(benchmarks):
        path = f"benchmarks[{i}]"
        if not isinstance(row, dict):
            raise doc.error(path, "expected a benchmark object")
        name = require(doc, row, "name", str, path)
        # Old files (before 1.5.0) have no run_type: an aggregate is known only by its name's suffix.
        aggregate = row.get("aggregate_name") or (None if row.get("run_type") == "iteration" else _suffix(name))
        run_name = row.get("run_name")
        if not aggregate and row.get("run_type") == "aggregate":  # no aggregate_name, an unknown suffix
            prefix = f"{run_name}_" if isinstance(run_name, str) else None
            aggregate = name[len(prefix) :] if prefix and name.startswith(prefix) else "unnamed aggregate"
        base = str(run_name) if isinstance(run_name, str) else _without_suffix(name, aggregate)
        if row.get("error_occurred") or row.get("skipped"):
            failures[base] = str(row.get("error_message") or row.get("skip_message") or "skipped")
        elif aggregate:
            aggregates.setdefault(base, {})[str(aggregate)] = row
        elif row.get("run_type") != "aggregate":
            iterations.setdefault(base, []).append((i, row))
    series: list[Series] = []
    for name, rows in iterations.items():
        series.extend(_sampled(doc, name, rows))
    for name, by_kind in aggregates.items():
        if name not in iterations and name not in failures:
            series.extend(_from_aggregates(doc, name, by_kind))
    if not series and aggregates and not failures:
        kinds = sorted({kind for by_kind in aggregates.values() for kind in by_kind})
        raise doc.error(
            "benchmarks",
            f"only aggregate rows ({', '.join(kinds)}), none of them a mean or median: nothing to compare; "
            "keep the repetitions (drop --benchmark_report_aggregates_only) or the mean and median",
        )
    context = mapping(root.get("context"))
    return ParsedResults(
        source=doc.path,
        format=FORMAT.name,
        series=tuple(series),
        environment=_environment(context),
        recorded_at=_date(doc, context.get("date")),
        failures=tuple(failures.items()),
    )


def _suffix(name: str) -> str | None:
    match = _AGGREGATE_SUFFIX.search(name)
    return match.group(1) if match else None


def _without_suffix(name: str, aggregate: Any) -> str:
    suffix = f"_{aggregate}"
    return name[: -len(suffix)] if aggregate and name.endswith(suffix) else name


def _sampled(doc: Document, name: str, rows: list[tuple[int, dict[str, Any]]]) -> list[Series]:
    out = []
    unit = str(rows[0][1].get("time_unit", "ns"))
    for metric in ("real_time", "cpu_time"):
        values = [_value(doc, row, metric, i) for i, row in rows]
        out.append(sampled(name, metric, unit, values))
    for counter, (metric, counter_unit) in _COUNTERS.items():
        if all(counter in row for _, row in rows):
            out.append(sampled(name, metric, counter_unit, [_value(doc, row, counter, i) for i, row in rows]))
    return out


def _value(doc: Document, row: dict[str, Any], key: str, index: int) -> float:
    value = measurement(doc, row, key, f"benchmarks[{index}]")
    if value is None:
        raise doc.error(f"benchmarks[{index}].{key}", "missing")
    return value


def _from_aggregates(doc: Document, name: str, by_kind: dict[str, dict[str, Any]]) -> list[Series]:
    """Only aggregates were written: their mean, median and stddev make a summary-only series."""
    mean, median, stddev = by_kind.get("mean"), by_kind.get("median"), by_kind.get("stddev")
    first = mean or median
    if first is None:
        return []
    unit = str(first.get("time_unit", "ns"))
    count = integer(doc, first.get("repetitions") or 1, f"{name}.repetitions")
    return [_summary_series(name, metric, unit, count, mean, median, stddev) for metric in ("real_time", "cpu_time")]


def _summary_series(
    name: str,
    metric: str,
    unit: str,
    count: int,
    mean: dict[str, Any] | None,
    median: dict[str, Any] | None,
    stddev: dict[str, Any] | None,
) -> Series:
    """One metric of the aggregates, with the run's own interval of its median from the repetitions' standard
    deviation (the median's standard error is sqrt(pi / 2) sigma / sqrt(n) in the normal case)."""
    sd = _float(stddev, metric)
    error = (
        MEDIAN_SE_PER_MEAN_SE * sd / math.sqrt(count) if sd is not None and count >= MIN_REPEATS_FOR_INTERVAL else None
    )
    low, high = median_interval(_float(median, metric), error)
    return summarised(
        name,
        metric,
        unit,
        count=count,
        mean=_float(mean, metric),
        median=_float(median, metric),
        stddev=sd,
        median_low=low,
        median_high=high,
    )


def _float(row: dict[str, Any] | None, key: str) -> float | None:
    value = row.get(key) if row else None
    return float(value) if isinstance(value, int | float) else None


def _environment(context: dict[str, Any]) -> Environment:
    cpus = context.get("num_cpus")
    mhz = context.get("mhz_per_cpu")
    cpu = f"{cpus} CPUs at {mhz} MHz" if cpus and mhz else None
    return Environment(
        runner=context.get("host_name") or None,
        cpu=cpu,
        tool="google-benchmark",
        tool_version=context.get("library_version") or None,
    )


def _date(doc: Document, text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        datetime.fromisoformat(text.strip())
    except ValueError:
        return None  # a form this reader does not know: the ingest time is better than a guess
    return timestamp(doc, text, "context.date")  # before 1.5.2 a zone-less time: taken as UTC


FORMAT = Format(
    name="google-benchmark",
    description="Google Benchmark JSON (--benchmark_out_format=json)",
    yields="real_time and cpu_time per repetition (samples), bytes_per_second / items_per_second; "
    "summary-only when only aggregates were written",
    sniff=sniff,
    parse=parse,
)

"""JMH JSON (``-rf json``): ``rawData`` per fork and iteration as samples.

The score's unit decides the metric: ``ops/ms`` is a throughput (higher is better), ``us/op`` a time per
operation; ``mode`` (``thrpt``; ``avgt``, ``sample``, ``ss``) only when the unit says neither. Parameters are part of the name
(``org.Bench.method:size=10,type=fast``); secondary metrics (profilers, e.g. ``gc.alloc.rate.norm``) become
further metrics of the same benchmark.
"""

from __future__ import annotations

import math
from typing import Any

from perfgate import limits
from perfgate.formats import Format
from perfgate.formats.build import sampled, summarised
from perfgate.formats.document import Document, integer, mapping, require
from perfgate.model import Environment, ParsedResults, Series
from perfgate.units import PER_SECOND, SECONDS, normalize


def sniff(doc: Document) -> bool:
    value = doc.json_or_none()
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(b, dict) and "benchmark" in b and "primaryMetric" in b for b in value)
    )


def parse(doc: Document) -> ParsedResults:
    items = doc.json()
    if not isinstance(items, list):
        raise doc.error("(top level)", "expected a JSON list of benchmarks")
    series: list[Series] = []
    for i, bench in enumerate(items):
        path = f"[{i}]"
        name = require(doc, bench, "benchmark", str, path)
        params = bench.get("params")
        if isinstance(params, dict) and params:
            name += ":" + ",".join(f"{k}={v}" for k, v in params.items())
        mode = str(bench.get("mode", "avgt"))
        primary = require(doc, bench, "primaryMetric", dict, path)
        series.append(_metric(doc, name, _primary_metric(mode, primary), primary, f"{path}.primaryMetric"))
        secondary = mapping(bench.get("secondaryMetrics"))
        for label, metric in secondary.items():
            if isinstance(metric, dict) and "scoreUnit" in metric:
                clean = label.lstrip("·@")  # JMH < 1.37 prefixes profiler metrics with U+00B7, older with @
                series.append(_metric(doc, name, clean, metric, f"{path}.secondaryMetrics.{label}"))
    first = items[0]
    environment = Environment(
        interpreter=" ".join(str(first[k]) for k in ("vmName", "jdkVersion") if first.get(k)) or None,
        tool="jmh",
        tool_version=first.get("jmhVersion"),
    )
    return ParsedResults(doc.path, FORMAT.name, tuple(series), environment)


def _primary_metric(mode: str, block: dict[str, Any]) -> str:
    """The score's unit decides (``ops/ms`` is a throughput, ``us/op`` a time); the mode only when the unit
    says neither. A file whose mode and unit disagree (edited, or written by another tool) is labelled by its
    unit, which is what the numbers are."""
    unit = block.get("scoreUnit")
    canonical = normalize(unit).canonical if isinstance(unit, str) else None
    if canonical == PER_SECOND:
        return "throughput"
    if canonical == SECONDS:
        return "time"
    return "throughput" if mode == "thrpt" else "time"


def _metric(doc: Document, name: str, metric: str, block: dict[str, Any], path: str) -> Series:
    unit = require(doc, block, "scoreUnit", str, path)
    raw = block.get("rawData")
    if isinstance(raw, list) and not all(isinstance(fork, list) for fork in raw):
        raise doc.error(f"{path}.rawData", "expected a list per fork of lists of numbers")
    values = [v for fork in raw for v in fork] if isinstance(raw, list) else []
    histogram = block.get("rawDataHistogram")
    if not values and isinstance(histogram, list):
        values = _expand(doc, histogram, f"{path}.rawDataHistogram")
    numbers = [_number(v) for v in values]
    finite = [v for v in numbers if v is not None and math.isfinite(v)]
    if len(finite) != len(values):
        raise doc.error(f"{path}.rawData", "expected finite numbers")
    if finite:
        return sampled(name, metric, unit, finite)
    percentiles = mapping(block.get("scorePercentiles"))
    return summarised(
        name,
        metric,
        unit,
        count=1,
        mean=_number(block.get("score")),
        median=_number(percentiles.get("50.0")),
        p90=_number(percentiles.get("90.0")),
        p95=_number(percentiles.get("95.0")),
        p99=_number(percentiles.get("99.0")),
    )


def _expand(doc: Document, histogram: list[Any], path: str) -> list[Any]:
    """Values repeated by their counts; thinned evenly when the counts add up to more than the limit."""
    pairs: list[tuple[Any, int]] = []
    for f, fork in enumerate(histogram):
        for i, iteration in enumerate(fork if isinstance(fork, list) else [None]):
            if not isinstance(iteration, list):
                raise doc.error(f"{path}[{f}][{i}]", "expected a list of [value, count] pairs")
            for j, pair in enumerate(iteration):
                if not isinstance(pair, list) or len(pair) != 2:
                    raise doc.error(f"{path}[{f}][{i}][{j}]", "expected a [value, count] pair")
                pairs.append((pair[0], integer(doc, pair[1], f"{path}[{f}][{i}][{j}][1]")))
    total = sum(count for _, count in pairs)
    scale = min(1.0, limits.MAX_HISTOGRAM_SAMPLES / total) if total else 1.0
    return [value for value, count in pairs for _ in range(round(count * scale))]


def _number(value: Any) -> float | None:
    # JMH writes NaN and infinities as the strings "NaN", "+INF", "-INF".
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    return {"NaN": math.nan, "+INF": math.inf, "-INF": -math.inf}.get(str(value))


FORMAT = Format(
    name="jmh",
    description="JMH JSON results (-rf json)",
    yields="rawData per fork/iteration (samples); thrpt as throughput, avgt/sample/ss as time; secondary metrics",
    sniff=sniff,
    parse=parse,
)

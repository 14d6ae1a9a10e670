"""JMeter's HTML dashboard ``statistics.json`` (``jmeter -g results.jtl -o report/``): one summary per label.

Each label (and ``Total``) has ``sampleCount``, ``errorCount``, response times in milliseconds (``meanResTime``,
``medianResTime`` where JMeter 5.5+ writes it, ``minResTime``, ``maxResTime``, and ``pct1ResTime``,
``pct2ResTime``, ``pct3ResTime``: the 90th, 95th and 99th percentiles unless ``aggregate_rpt_pct1..3`` were
changed) and ``throughput`` in requests per second. Every series is summary-only: a latency, an error rate
with its counts and a throughput per label.
"""

from __future__ import annotations

from typing import Any

from perfgate.formats import Format
from perfgate.formats.build import error_rate, summarised, throughput
from perfgate.formats.document import Document, integer, measurement, root_object
from perfgate.model import Environment, ParsedResults, Series

_REQUIRED = ("transaction", "sampleCount", "errorCount", "meanResTime")


def sniff(doc: Document) -> bool:
    root = doc.json_or_none()
    if not isinstance(root, dict) or not root:
        return False
    return all(isinstance(v, dict) and all(k in v for k in _REQUIRED) for v in root.values())


def parse(doc: Document) -> ParsedResults:
    series: list[Series] = []
    for label, block in root_object(doc).items():
        if not isinstance(block, dict):
            raise doc.error(label, "expected an object of statistics")
        count = integer(doc, block.get("sampleCount"), f"{label}.sampleCount")
        errors = integer(doc, block.get("errorCount"), f"{label}.errorCount")
        if errors > count:
            raise doc.error(f"{label}.errorCount", f"expected at most sampleCount ({count}), got {errors}")
        if count == 0:
            continue

        def number(key: str, block: dict[str, Any] = block, label: str = label) -> float | None:
            return measurement(doc, block, key, label)

        series.append(
            summarised(
                label,
                "latency",
                "ms",
                count=count,
                errors=errors,
                mean=number("meanResTime"),
                median=number("medianResTime"),
                min=number("minResTime"),
                max=number("maxResTime"),
                p90=number("pct1ResTime"),
                p95=number("pct2ResTime"),
                p99=number("pct3ResTime"),
            )
        )
        series.append(error_rate(label, errors, count))
        rate = number("throughput")
        if rate is not None:
            series.append(throughput(label, rate, count))
    if not series:
        raise doc.error("", "no label with samples")
    return ParsedResults(doc.path, FORMAT.name, tuple(series), Environment(tool="jmeter"))


FORMAT = Format(
    name="jmeter-statistics",
    description="JMeter HTML dashboard statistics.json (jmeter -g FILE -o DIR)",
    yields="per label and Total: latency (mean, median, p90/p95/p99 as pct1-3), error rate with counts, "
    "throughput; all summary-only",
    sniff=sniff,
    parse=parse,
)

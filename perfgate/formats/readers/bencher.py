"""Bencher Metric Format (BMF) JSON: ``{benchmark: {measure: {value, lower_value?, upper_value?}}}``.

Units belong to the measure, not the file: the built-in measures are ``latency`` (nanoseconds),
``throughput`` (operations per second, higher is better), ``build-time`` (seconds), ``file-size`` and
``allocated`` (bytes). Other measures keep their name as metric and have no unit. One value per measure,
so every series is summary-only; ``lower_value``/``upper_value`` are kept as min and max.
"""

from __future__ import annotations

from typing import Any

from perfgate.formats import Format
from perfgate.formats.build import summarised
from perfgate.formats.document import Document, measurement, root_object
from perfgate.model import Environment, ParsedResults, Series

_BUILT_IN = {"latency": "ns", "throughput": "ops/s", "build-time": "s", "file-size": "B", "allocated": "B"}


def _is_measure(value: Any) -> bool:
    return isinstance(value, dict) and "value" in value and set(value) <= {"value", "lower_value", "upper_value"}


def sniff(doc: Document) -> bool:
    root = doc.json_or_none()
    return (
        isinstance(root, dict)
        and bool(root)
        and all(isinstance(m, dict) and m and all(_is_measure(v) for v in m.values()) for m in root.values())
    )


def parse(doc: Document) -> ParsedResults:
    root = root_object(doc)
    series: list[Series] = []
    for name, measures in root.items():
        if not isinstance(measures, dict):
            raise doc.error(name, "expected an object of measures")
        for measure, block in measures.items():
            where = f"{name}.{measure}"
            if not _is_measure(block):
                raise doc.error(where, "expected {value, lower_value?, upper_value?}")
            value = measurement(doc, block, "value", where)
            metric = "time" if measure == "latency" else measure
            series.append(
                summarised(
                    name,
                    metric,
                    _BUILT_IN.get(measure, ""),
                    count=1,
                    mean=value,
                    median=value,
                    min=measurement(doc, block, "lower_value", where),
                    max=measurement(doc, block, "upper_value", where),
                )
            )
    return ParsedResults(doc.path, FORMAT.name, tuple(series), Environment(tool="bencher"))


FORMAT = Format(
    name="bencher-bmf",
    description="Bencher Metric Format JSON ({benchmark: {measure: {value, lower_value, upper_value}}})",
    yields="one value per benchmark and measure (summary-only); latency in ns, throughput in ops/s",
    sniff=sniff,
    parse=parse,
)

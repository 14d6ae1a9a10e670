"""Bencher Metric Format (BMF) JSON: ``{benchmark: {measure: {value, lower_value?, upper_value?}}}``.

Units belong to the measure, not the file. A measure key that is one of Bencher's built-in measures (its slug,
name or display name, as Bencher matches them: ``instructions``, ``Estimated Cycles``, ``file-size``…) is read
with that measure's unit and direction; other measures keep their name as metric and have no unit. One value
per measure; ``lower_value``/``upper_value`` are kept as min and max.

Counts that a tool measures without noise (instructions, cache accesses and hits, estimated cycles, the other
valgrind counts Bencher's Iai and Gungraun adapters gather, bytes allocated, a file's size) are exact
(``SampleKind.EXACT``: one run per side is enough, as for the ``iai`` reader); everything else (latency,
throughput, build time, GC collections, jitter) is summary-only. The Iai and Gungraun measures are named as the
``iai`` reader names them (``estimated_cycles``, ``l1_hits``, ``total_read_write``), so a project moving between
Bencher's BMF and the console output keeps its history; the measures perfgate read before keep their names
(``latency`` is the metric ``time``, ``build-time`` and ``file-size`` stay as written).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from perfgate.formats import Format
from perfgate.formats.build import sampled, summarised
from perfgate.formats.document import Document, measured, measurement, root_object
from perfgate.model import Direction, Environment, ParsedResults, SampleKind, Series


@dataclass(frozen=True)
class _Measure:
    metric: str
    unit: str
    exact: bool


# Bencher's built-in measures (lib/bencher_json/src/project/measure/built_in.rs): slug, name, unit, exact. The
# first five keep the metrics perfgate gave them before this table; the rest are named as the iai reader does.
_KNOWN: tuple[tuple[str, str, str, bool], ...] = (
    ("latency", "Latency", "ns", False),
    ("throughput", "Throughput", "ops/s", False),
    ("build-time", "Build Time", "s", False),
    ("file-size", "File Size", "B", True),
    ("allocated", "Allocated", "B", True),
    ("gen0-collects", "Gen0 Collects", "", False),
    ("gen1-collects", "Gen1 Collects", "", False),
    ("gen2-collects", "Gen2 Collects", "", False),
    ("total-operations", "Total Operations", "", False),
    ("instructions", "Instructions", "", True),
    ("l1-accesses", "L1 Accesses", "", True),
    ("l2-accesses", "L2 Accesses", "", True),
    ("ram-accesses", "RAM Accesses", "", True),
    ("estimated-cycles", "Estimated Cycles", "", True),
    ("l1-hits", "L1 Hits", "", True),
    ("l2-hits", "L2 Hits", "", True),
    ("ll-hits", "LL Hits", "", True),
    ("ram-hits", "RAM Hits", "", True),
    ("total-read-write", "Total read+write", "", True),
    ("global-bus-events", "Ge", "", True),
    ("dr", "Dr", "", True),
    ("dw", "Dw", "", True),
    ("i1mr", "I1mr", "", True),
    ("d1mr", "D1mr", "", True),
    ("d1mw", "D1mw", "", True),
    ("ilmr", "ILmr", "", True),
    ("dlmr", "DLmr", "", True),
    ("dlmw", "DLmw", "", True),
    ("ildmr", "ILdmr", "", True),
    ("dldmr", "DLdmr", "", True),
    ("dldmw", "DLdmw", "", True),
    ("bc", "Bc", "", True),
    ("bcm", "Bcm", "", True),
    ("bi", "Bi", "", True),
    ("bim", "Bim", "", True),
    ("accost1", "AcCost1", "", True),
    ("accost2", "AcCost2", "", True),
    ("sploss1", "SpLoss1", "", True),
    ("sploss2", "SpLoss2", "", True),
    ("i1-miss-rate", "I1 Miss Rate", "%", True),
    ("lli-miss-rate", "LLi Miss Rate", "%", True),
    ("d1-miss-rate", "D1 Miss Rate", "%", True),
    ("lld-miss-rate", "LLd Miss Rate", "%", True),
    ("ll-miss-rate", "LL Miss Rate", "%", True),
    ("l1-hit-rate", "L1 Hit Rate", "%", True),
    ("ll-hit-rate", "LL Hit Rate", "%", True),
    ("ram-hit-rate", "RAM Hit Rate", "%", True),
    ("sys-count", "SysCount", "", True),
    ("sys-time", "SysTime", "", False),  # time spent in system calls: measured, not counted
    ("sys-cpu-time", "SysCpuTime", "ns", False),
    ("total-bytes", "Total bytes", "B", True),
    ("total-blocks", "Total blocks", "", True),
    ("at-t-gmax-bytes", "At t-gmax bytes", "B", True),
    ("total-units", "Total units", "", True),
    ("total-events", "Total events", "", True),
    ("total-lifetimes", "Total lifetimes", "", True),
    ("at-t-gmax-blocks", "At t-gmax blocks", "", True),
    ("at-t-end-bytes", "At t-end bytes", "B", True),
    ("at-t-end-blocks", "At t-end blocks", "", True),
    ("reads-bytes", "Reads bytes", "B", True),
    ("writes-bytes", "Writes bytes", "B", True),
    ("maximum-bytes", "Maximum bytes", "B", True),
    ("maximum-blocks", "Maximum blocks", "", True),
    # Valgrind's checkers: Bencher's name is "Errors" for all three, so only the slug and display name match.
    *(
        (f"{tool.lower()}-{what.lower().replace(' ', '-')}", f"{tool} {what}", "", True)
        for tool in ("Memcheck", "Helgrind", "DRD")
        for what in ("Errors", "Contexts", "Suppressed Errors", "Suppressed Contexts")
    ),
    ("compute-jitter", "Compute Jitter", "%", False),
    ("cache-jitter", "Cache Jitter", "%", False),
    ("io-jitter", "I/O Jitter", "%", False),
    ("cpu-steal", "CPU Steal", "%", False),
    ("noise-score", "Noise Score", "dB", False),
)
_EARLIER = {"latency": "time", "throughput": "throughput", "build-time": "build-time", "file-size": "file-size"}


def _built_in() -> dict[str, _Measure]:
    """Each built-in measure by every key Bencher matches it by: its slug and its (display) name."""
    known: dict[str, _Measure] = {}
    for slug, name, unit, exact in _KNOWN:
        metric = _EARLIER.get(slug) or re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        known[slug] = known[name] = _Measure(metric, unit, exact)
    return known


_BUILT_IN = _built_in()


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
            series.append(measure_series(doc, name, measure, [(block, where)]))
    return ParsedResults(doc.path, FORMAT.name, tuple(series), Environment(tool="bencher"))


def measure_series(doc: Document, name: str, measure: str, blocks: Sequence[tuple[dict[str, Any], str]]) -> Series:
    """One benchmark's values of one measure (each ``{value, lower_value?, upper_value?}`` at its key path), the
    measure named by its slug or name: one value is a summary (its bounds kept as min and max), several (the
    iterations of one Bencher report, as its perf query gives them: `perfgate.formats.peers.bencher_perf`) are
    samples."""
    known = _BUILT_IN.get(measure) or _Measure(measure, "", exact=False)
    # Hits and hit rates are better higher (as in the iai reader); a rate's unit says so itself.
    direction = Direction.HIGHER_IS_BETTER if "hit" in known.metric else None
    if len(blocks) > 1:
        values = [measured(doc, block.get("value"), f"{where}.value") for block, where in blocks]
        kind = SampleKind.EXACT if known.exact else SampleKind.REPETITION
        return sampled(name, known.metric, known.unit, values, kind=kind, direction=direction)
    [(block, where)] = blocks
    value = measurement(doc, block, "value", where)
    return summarised(
        name,
        known.metric,
        known.unit,
        count=1,
        mean=value,
        median=value,
        min=measurement(doc, block, "lower_value", where),
        max=measurement(doc, block, "upper_value", where),
        direction=direction,
        kind=SampleKind.EXACT if known.exact else SampleKind.SUMMARY_ONLY,
    )


FORMAT = Format(
    name="bencher-bmf",
    description="Bencher Metric Format JSON ({benchmark: {measure: {value, lower_value, upper_value}}})",
    yields="one value per benchmark and measure; Bencher's built-in measures with their units (latency in ns, "
    "throughput in ops/s); instructions, cycles, cache counts, allocated bytes and file sizes as exact counts",
    sniff=sniff,
    parse=parse,
)

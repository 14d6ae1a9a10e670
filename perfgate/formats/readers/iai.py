"""Iai and Gungraun (formerly iai-callgrind) console summaries of ``cargo bench``: instruction counts, cache
hits and the other valgrind metrics per benchmark.

    rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci short:10
      Instructions:                1734|1650            (+5.09090%) [+1.04844x]
      L1 Hits:                     2359|2275            (+3.69230%) [+1.03560x]

A line that is not indented names a benchmark; each indented ``Metric: value`` line under it is a metric of it
(Gungraun's ``new|old``: the new value, ``old`` and the change are the tool's own comparison with its previous
run, not used). Colour escapes are removed. These counts come from valgrind, not a clock: one run is exact
(``SampleKind.EXACT``), so a change beyond the allowance is a regression without a rank test. Hit rates and
hits are better higher, everything else lower.

Gungraun's JSON summaries are read too: a ``summary.json`` (``--save-summary=json``, schema versions 6 and 7)
or the lines of ``--output-format=json`` on standard output (one summary a line, among cargo's own lines).
Each profile's total is used (callgrind, DHAT, …), the ``new`` value of each metric; metric names are those of
the console output (``Ir`` is ``instructions``, ``L1hits`` is ``l1_hits``), so history carries over.
"""

from __future__ import annotations

import math
import re
from typing import Any

from perfgate.errors import InputError
from perfgate.formats import Format
from perfgate.formats.build import summarised
from perfgate.formats.document import Document, loads_json, mapping
from perfgate.model import Direction, Environment, ParsedResults, SampleKind, Series

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_METRIC = re.compile(
    r"^\s+(?P<metric>[A-Za-z][\w +/()-]*?):\s+(?P<new>\d+(?:\.\d+)?|N/A)(?:\|(?:\d+(?:\.\d+)?|N/A))?(?:\s+[(\[].*)?$"
)
_NOT_A_NAME = re.compile(r"^(running \d+ tests?|test result:|Running |Benchmarking |Gungraun|warning:|error:)", re.I)


def sniff(doc: Document) -> bool:
    if _is_summary(doc.json_or_none()):
        return True
    lines = [_ANSI.sub("", line) for line in doc.head_lines(500)]
    return any(re.match(r"^\s+Instructions:\s+\d", line) or _summary_line(line) for line in lines)


def _is_summary(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("profiles"), list) and "module_path" in value


def _summary_line(line: str) -> bool:
    return line.startswith("{") and '"profiles"' in line and '"module_path"' in line


def parse(doc: Document) -> ParsedResults:
    root = doc.json_or_none()
    if _is_summary(root):
        return _from_summaries(doc, [("", root)])
    if any(_summary_line(line) for line in doc.head_lines(500)):
        return _from_summaries(doc, _summary_lines(doc))
    return _console(doc)


def _console(doc: Document) -> ParsedResults:
    series: list[Series] = []
    seen: set[tuple[str, str]] = set()
    name: str | None = None
    for number, raw in doc.lines():
        line = _ANSI.sub("", raw.decode("utf-8", "replace")).rstrip()
        if not line.strip():
            continue
        if not line[0].isspace():
            name = None if _NOT_A_NAME.match(line) else line.strip()
            continue
        found = _METRIC.match(line)
        if name is None or found is None or found.group("new") == "N/A":
            continue
        label = found.group("metric").strip()
        metric = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
        if (name, metric) in seen:
            raise InputError(doc.path, f"{name!r}: {label} appears twice", where=str(number))
        seen.add((name, metric))
        series.append(_count(name, metric, float(found.group("new"))))
    if not series:
        raise InputError(doc.path, "no benchmark with an 'Instructions:' line")
    return ParsedResults(doc.path, FORMAT.name, tuple(series), Environment(tool="iai"))


def _count(name: str, metric: str, value: float) -> Series:
    """One exact count (or rate) of one benchmark."""
    return summarised(
        name,
        metric,
        "%" if "rate" in metric else "",  # miss and hit rates are printed as percentages
        count=1,
        mean=value,
        median=value,
        min=value,
        max=value,
        direction=Direction.HIGHER_IS_BETTER if "hit" in metric else Direction.LOWER_IS_BETTER,
        kind=SampleKind.EXACT,
    )


# JSON metric names whose console names do not follow from them (the console's "Instructions", "Total read+write").
_CONSOLE_NAMES = {
    "Ir": "instructions",
    "TotalRW": "total_read_write",
    "L1hits": "l1_hits",
    "LLhits": "ll_hits",
    "SysCount": "syscount",
    "SysTime": "systime",
    "SysCpuTime": "syscputime",
}


def _metric_name(key: str) -> str:
    """The console's name of a JSON metric: EstimatedCycles and "Estimated Cycles:" are both estimated_cycles,
    LLHitRate ll_hit_rate, AtTGmaxBytes ("At t-gmax bytes") at_t_gmax_bytes; valgrind's short names (DLmr, Bcm)
    stay whole."""
    if key in _CONSOLE_NAMES:
        return _CONSOLE_NAMES[key]
    if re.fullmatch(r"[A-Z0-9]+[a-z]{1,3}", key):
        return key.lower()
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z]{2,})", "_", key).lower()


def _summary_lines(doc: Document) -> list[tuple[str, Any]]:
    """The summaries among the lines of --output-format=json (cargo's own lines are skipped)."""
    found = []
    for number, raw in doc.lines():
        if raw.startswith(b"{"):
            value = loads_json(raw, doc.path, line=number)
            if _is_summary(value):
                found.append((f"line {number}: ", value))
    return found


def _from_summaries(doc: Document, summaries: list[tuple[str, Any]]) -> ParsedResults:
    series: list[Series] = []
    seen: set[tuple[str, str]] = set()
    for where, summary in summaries:
        name = _benchmark_name(doc, summary, where)
        for i, profile in enumerate(summary["profiles"]):
            for key, value in _profile_totals(doc, profile, f"{where}profiles[{i}]"):
                metric = _metric_name(key)
                if (name, metric) in seen:
                    raise doc.error(f"{where}profiles[{i}]", f"{name!r}: {key} appears twice")
                seen.add((name, metric))
                series.append(_count(name, metric, value))
    if not series:
        raise InputError(doc.path, "a Gungraun summary without metrics")
    return ParsedResults(doc.path, FORMAT.name, tuple(series), Environment(tool="gungraun"))


def _benchmark_name(doc: Document, summary: dict[str, Any], where: str) -> str:
    """As the console names it: the module path, then the benchmark's id and its arguments."""
    module = summary.get("module_path")
    if not isinstance(module, str) or not module:
        raise doc.error(f"{where}module_path", "expected the benchmark's module path")
    name = module
    if isinstance(summary.get("id"), str) and summary["id"]:
        name += f" {summary['id']}"
        if isinstance(summary.get("details"), str) and summary["details"]:
            name += f":{summary['details']}"
    return name


def _profile_totals(doc: Document, profile: Any, where: str) -> list[tuple[str, float]]:
    """(metric, new value) of one tool's total: schema 7's data.total.metrics.M.values.new, schema 6's
    summaries.total.summary.TOOL.M.metrics ({"Both": [new, old]} or {"Left": new}, each {"Int"|"Float": n})."""
    if not isinstance(profile, dict):
        raise doc.error(where, "expected a profile object")
    totals: list[tuple[str, float]] = []
    if isinstance(profile.get("data"), dict):  # schema 7
        metrics = mapping(mapping(profile["data"].get("total")).get("metrics"))
        for key, entry in metrics.items():
            new = mapping(mapping(entry).get("values")).get("new")
            totals += _value(doc, key, new, f"{where}.data.total.metrics.{key}.values.new")
    else:  # schema 6
        summary = mapping(mapping(mapping(profile.get("summaries")).get("total")).get("summary"))
        for tool_metrics in summary.values():
            for key, entry in mapping(tool_metrics).items():
                both = mapping(mapping(entry).get("metrics"))
                new = both["Both"][0] if isinstance(both.get("Both"), list) and both["Both"] else both.get("Left")
                number = next(iter(new.values()), None) if isinstance(new, dict) else None
                totals += _value(doc, key, number, f"{where}.summaries.total.summary.{key}")
    return totals


def _value(doc: Document, key: str, value: Any, where: str) -> list[tuple[str, float]]:
    """The new value, or nothing when there is none (a metric only the old run had)."""
    if value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise doc.error(where, f"expected a number, got {value!r}")
    return [(key, float(value))]


FORMAT = Format(
    name="iai",
    description="Iai and Gungraun (iai-callgrind) console summaries of cargo bench; Gungraun's JSON summaries",
    yields="per benchmark: instructions, cache hits/accesses, estimated cycles and other valgrind metrics "
    "(exact counts: one run per side is enough)",
    sniff=sniff,
    parse=parse,
)

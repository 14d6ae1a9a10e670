"""Julia BenchmarkTools JSON (``BenchmarkTools.save("results.json", results)``): ``[{"Julia": …,
"BenchmarkTools": …}, [values…]]`` where each value is ``["TypeName", {fields}]``.

``BenchmarkGroup``s nest (``data``: key → value); their keys join into the series name (``fib/20``). A ``Trial``
(the raw result of ``run``) carries every sample's time (``times``, ns) and GC time, and the memory and
allocations of one evaluation (deterministic); a ``TrialEstimate`` (``median(trial)``, ``minimum(trial)``) one
time. Memory (bytes) and allocations become series of their own.
"""

from __future__ import annotations

from typing import Any

from perfgate.formats import Format
from perfgate.formats.build import sampled, summarised
from perfgate.formats.document import Document, integer, mapping, measurement, timings
from perfgate.model import Environment, ParsedResults, Series


def sniff(doc: Document) -> bool:
    value = doc.json_or_none()
    return (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], dict)
        and "BenchmarkTools" in value[0]
        and isinstance(value[1], list)
    )


def parse(doc: Document) -> ParsedResults:
    root = doc.json()
    if not (isinstance(root, list) and len(root) == 2 and isinstance(root[0], dict) and isinstance(root[1], list)):
        raise doc.error("(top level)", 'expected [{"Julia": …, "BenchmarkTools": …}, [saved values]]')
    header, values = root
    series: list[Series] = []
    for i, value in enumerate(values):
        _walk(doc, value, [], f"[1][{i}]", series)
    if not series:
        raise doc.error("[1]", "no Trial or TrialEstimate in the saved BenchmarkGroups")
    env = Environment(tool="BenchmarkTools.jl", tool_version=str(header.get("BenchmarkTools") or "") or None,
                      interpreter=f"Julia {header['Julia']}" if header.get("Julia") else None)  # fmt: skip
    return ParsedResults(doc.path, FORMAT.name, tuple(series), env)


def _walk(doc: Document, value: Any, path: list[str], where: str, out: list[Series]) -> None:
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], dict)):
        raise doc.error(where, 'expected a saved value ["TypeName", {fields}]')
    kind, fields = value
    if kind == "BenchmarkGroup":
        for key, child in mapping(fields.get("data")).items():
            _walk(doc, child, [*path, str(key)], f"{where}.data.{key}", out)
        return
    name = "/".join(path) or "benchmark"
    if kind == "Trial":
        times = timings(doc, fields.get("times"), f"{where}.times")
        if times.size:
            out.append(sampled(name, "time", "ns", times.tolist()))
    elif kind == "TrialEstimate":
        time = measurement(doc, fields, "time", where)
        if time is not None:
            out.append(summarised(name, "time", "ns", count=1, median=time))
    else:
        return  # other saved values (TrialRatio, TrialJudgement, Parameters) are not results
    memory, allocs = fields.get("memory"), fields.get("allocs")
    if memory is not None:
        out.append(summarised(name, "memory", "B", count=1, median=float(integer(doc, memory, f"{where}.memory"))))
    if allocs is not None:
        out.append(summarised(name, "allocs", "allocs", count=1, median=float(integer(doc, allocs, f"{where}.allocs"))))


FORMAT = Format(
    name="julia-benchmarktools",
    description="Julia BenchmarkTools.save JSON (BenchmarkGroups of Trials or TrialEstimates)",
    yields="per benchmark (group keys joined with /): every sample's time (Trial) or one estimate; memory and "
    "allocations",
    sniff=sniff,
    parse=parse,
)

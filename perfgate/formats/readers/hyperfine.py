"""hyperfine ``--export-json``: one series per command, each run of the command one sample (seconds).

User and system CPU time (means only) become extra summary-only metrics; non-zero exit codes (kept only
with ``--ignore-failure``) are counted as errors; ``memory_usage_byte`` (recent versions) as memory samples.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from perfgate.formats import Format
from perfgate.formats.build import sampled, summarised
from perfgate.formats.document import Document, require, timings
from perfgate.model import Environment, ParsedResults, Series


def sniff(doc: Document) -> bool:
    value = doc.json_or_none()
    results = value.get("results") if isinstance(value, dict) else None
    return (
        isinstance(results, list)
        and bool(results)
        and all(isinstance(r, dict) and "command" in r and "times" in r for r in results)
    )


def parse(doc: Document) -> ParsedResults:
    results = require(doc, doc.json(), "results", list, "")
    seen: Counter[str] = Counter()
    series: list[Series] = []
    for i, result in enumerate(results):
        path = f"results[{i}]"
        command = require(doc, result, "command", str, path)
        seen[command] += 1
        name = command if seen[command] == 1 else f"{command} #{seen[command]}"  # the same command twice
        times = timings(doc, require(doc, result, "times", list, path), f"{path}.times")
        if times.size == 0:
            raise doc.error(f"{path}.times", "no runs recorded")
        series.append(sampled(name, "time", "s", times.tolist(), errors=_failed(result)))
        for key, metric in (("user", "user_time"), ("system", "system_time")):
            if isinstance(result.get(key), int | float):
                series.append(summarised(name, metric, "s", count=int(times.size), mean=float(result[key])))
        memory = result.get("memory_usage_byte")
        if isinstance(memory, list) and memory:
            series.append(sampled(name, "memory", "B", timings(doc, memory, f"{path}.memory_usage_byte").tolist()))
    return ParsedResults(doc.path, FORMAT.name, tuple(series), Environment(tool="hyperfine"))


def _failed(result: dict[str, Any]) -> int | None:
    codes = result.get("exit_codes")
    if not isinstance(codes, list):
        return None
    return sum(1 for code in codes if code != 0)  # null: killed by a signal


FORMAT = Format(
    name="hyperfine",
    description="hyperfine --export-json",
    yields="wall time per command run (samples, s); user/system time (summary); non-zero exit codes as errors",
    sniff=sniff,
    parse=parse,
)

"""Files perfgate does not read but can recognise: a tool's console output instead of its data file, a file of
a tool's that holds no results, a format's older version. The refusal then names the tool and says what to
give perfgate instead, rather than listing every format it knows."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from perfgate.formats.document import Document

_ASV_CONSOLE = re.compile(r"^\[\s*\d+(\.\d+)?%\] ·")
_VEGETA_TEXT = re.compile(r"^Latencies\s+\[min, mean, 50,")


def _lines(doc: Document) -> list[str]:
    return [line.rstrip() for line in doc.head_lines(500)]


def _text_hint(pattern: re.Pattern[str], message: str) -> Callable[[Document, Any], str | None]:
    return lambda doc, _: message if any(pattern.search(line) for line in _lines(doc)) else None


def _asv_benchmarks(doc: Document, value: Any) -> str | None:
    if (
        isinstance(value, dict)
        and "version" in value
        and any(isinstance(v, dict) and "unit" in v and "type" in v for v in value.values())
    ):
        return (
            "asv's benchmarks.json, which describes the benchmarks but holds no results: give perfgate a results "
            "file, results/<machine>/<commit>-<environment>.json"
        )
    return None


def _gab_history(doc: Document, value: Any) -> str | None:
    """github-action-benchmark's data.js (or its JSON): a whole history, not one run's results."""
    is_script = doc.head.lstrip().startswith(b"window.BENCHMARK_DATA")
    if is_script or (isinstance(value, dict) and isinstance(value.get("entries"), dict) and "lastUpdate" in value):
        return (
            "github-action-benchmark's history (data.js), which holds many runs: store them all, with their "
            "commits and dates, with 'perfgate import PATH'"
        )
    return None


def _bencher_perf(doc: Document, value: Any) -> str | None:
    """Bencher's perf query (its REST API's JSON): a whole history too."""
    if isinstance(value, dict) and isinstance(value.get("project"), dict) and isinstance(value.get("results"), list):
        return (
            "Bencher's perf query (its REST API's JSON), which holds many reports: store them all, with their "
            "commits and dates, with 'perfgate import PATH'"
        )
    return None


def _artillery_v1(doc: Document, value: Any) -> str | None:
    aggregate = value.get("aggregate") if isinstance(value, dict) else None
    if isinstance(aggregate, dict) and "latency" in aggregate and "rps" in aggregate:
        return "an Artillery 1.x report; perfgate reads Artillery 2.x reports (artillery run --output report.json)"
    return None


_HINTS: tuple[Callable[[Document, Any], str | None], ...] = (
    _text_hint(_ASV_CONSOLE, "asv's console output: give perfgate asv's results JSON (results/<machine>/…)"),
    _text_hint(_VEGETA_TEXT, "vegeta's text report: give perfgate vegeta report -type=json"),
    _asv_benchmarks,
    _gab_history,
    _bencher_perf,
    _artillery_v1,
)


def closest_tool(doc: Document) -> str | None:
    """What the file looks like when it is a known tool's, but not a results file perfgate reads."""
    value = doc.json_or_none() if doc.looks_like_json() else None
    return next((hint for check in _HINTS if (hint := check(doc, value)) is not None), None)

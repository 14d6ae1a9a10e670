"""airspeed velocity (asv) results: ``results/<machine>/<commit>-<environment>.json``, API versions 1 and 2.

Each benchmark's row is positional, named by ``result_columns`` (result, params, …, samples). The result is
asv's median; with ``asv run --record-samples`` every sample is kept and compared. A parameterised benchmark
has one result per combination of its parameters, in the order of their cartesian product: each is a series
``name(p1, p2)``. A result of ``null`` is a failed benchmark, NaN a skipped one. API version 1 (asv before 0.5:
one object per benchmark, ``{"result": [...], "params": [...], "stats": [...], "samples": [...]}``, or a bare
value) is rewritten as version 2's rows first (`upgrade_v1`), so both are read by one parser.

Units are not in the results file but in ``results/benchmarks.json`` (``seconds``, ``bytes``, or a track
benchmark's own unit), read from the results' directory or its parent; without it, the name's prefix decides
(``time_``: seconds, ``mem_``/``peakmem_``: bytes, ``track_``: the value as it is).
"""

from __future__ import annotations

import itertools
import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from perfgate import limits
from perfgate.formats import Format
from perfgate.formats.build import sampled, summarised
from perfgate.formats.document import Document, mapping, measured, require, timings
from perfgate.model import Environment, ParsedResults, Series

_UNITS = {"seconds": "s", "bytes": "B"}
# asv's benchmark types (benchmarks.json), or the name's prefix when that file is not there.
_METRICS = {"time": "time", "memory": "memory", "mem": "memory", "peakmemory": "peak_memory", "peakmem": "peak_memory"}


def sniff(doc: Document) -> bool:
    value = doc.json_or_none()
    return (
        isinstance(value, dict)
        and (isinstance(value.get("result_columns"), list) or value.get("version") == 1)
        and isinstance(value.get("results"), dict)
        and "commit_hash" in value
    )


# API version 2's columns, as asv 0.5+ writes them; version 1 files are rewritten into these.
V2_COLUMNS = (
    "result",
    "params",
    "version",
    "started_at",
    "duration",
    "stats_ci_99_a",
    "stats_ci_99_b",
    "stats_q_25",
    "stats_q_75",
    "stats_number",
    "stats_repeat",
    "samples",
)


def upgrade_v1(doc: Document, root: dict[str, Any]) -> dict[str, Any]:
    """asv's results API version 1 as version 2's positional rows; errors name the benchmark."""
    described = _benchmarks(doc)
    rows: dict[str, list[Any]] = {}
    for name, entry in require(doc, root, "results", dict, "").items():
        if not isinstance(entry, dict):  # a bare value: an unparameterised result, NaN or null
            entry = {"result": entry}
        stats = entry.get("stats") or []
        stats = stats if isinstance(stats, list) else [stats]
        if not all(isinstance(s, dict | None) for s in stats):
            raise doc.error(f"results.{name}.stats", "expected a list of objects (one per parameter combination)")
        params = entry.get("params") or mapping(described.get(name)).get("params") or []

        def column(key: str, i: int | None = None, stats: list[Any] = stats) -> list[Any]:
            picked = [(s or {}).get(key) for s in stats]
            return picked if i is None else [p[i] if isinstance(p, list) and len(p) == 2 else None for p in picked]

        rows[name] = [entry.get("result"), params, None, None, None, column("ci_99", 0), column("ci_99", 1)]
        rows[name] += [column("q_25"), column("q_75"), column("number"), column("repeat"), entry.get("samples")]
    return {**root, "result_columns": list(V2_COLUMNS), "results": rows, "version": 2}


def parse(doc: Document) -> ParsedResults:
    root = doc.json()
    if isinstance(root, dict) and root.get("version") == 1 and "result_columns" not in root:
        root = upgrade_v1(doc, root)
    columns = require(doc, root, "result_columns", list, "")
    if not all(isinstance(c, str) for c in columns):
        raise doc.error("result_columns", "expected column names (strings)")
    results = require(doc, root, "results", dict, "")
    described = _benchmarks(doc)
    series: list[Series] = []
    failures: list[tuple[str, str]] = []
    for name, row in results.items():
        if not isinstance(row, list):
            raise doc.error(f"results.{name}", "expected a list (a row of result_columns)")
        fields = dict(zip(columns, row, strict=False))  # asv drops trailing nulls
        kind = str(mapping(described.get(name)).get("type") or name.rsplit(".", 1)[-1].split("_", 1)[0])
        unit = str(
            mapping(described.get(name)).get("unit")
            or {"time": "seconds", "mem": "bytes", "peakmem": "bytes"}.get(kind, "")
        )
        values, params = fields.get("result"), fields.get("params") or []
        samples = fields.get("samples") or []
        if not isinstance(params, list) or not all(isinstance(p, list) for p in params):
            raise doc.error(f"results.{name}", "expected params as a list of lists of parameter values")
        if not isinstance(samples, list):
            raise doc.error(f"results.{name}", "expected samples as a list (one list per parameter combination)")
        combinations = [f"{name}({', '.join(map(str, c))})" for c in itertools.product(*params)] if params else [name]
        if len(combinations) > limits.MAX_SAMPLES:
            raise doc.error(
                f"results.{name}", f"{len(combinations):,} parameter combinations: more than perfgate reads"
            )
        values = values if isinstance(values, list) else [values] * len(combinations)
        for i, label in enumerate(combinations):
            value = values[i] if i < len(values) else None
            if value is None:
                failures.append((label, "failed (result null)"))
                continue
            if not isinstance(value, int | float) or isinstance(value, bool) or math.isnan(value):
                continue  # skipped (NaN)
            metric, canonical = _METRICS.get(kind, "value"), _UNITS.get(unit, unit or "1")
            # A track_ benchmark's own unit may be signed; a time or a size is not.
            median = measured(doc, value, f"results.{name}") if canonical in ("s", "B") else float(value)
            drawn = samples[i] if i < len(samples) and isinstance(samples[i], list) and samples[i] else None
            if drawn is not None:
                series.append(
                    sampled(label, metric, canonical, timings(doc, drawn, f"results.{name}.samples").tolist())
                )
            else:
                # asv's own 99 % interval of the median (MEDIAN_INTERVAL_LEVEL), kept where it brackets it.
                low, high = _at(fields.get("stats_ci_99_a"), i), _at(fields.get("stats_ci_99_b"), i)
                bracketed = canonical in ("s", "B") and low is not None and high is not None and low <= median <= high
                series.append(
                    summarised(
                        label,
                        metric,
                        canonical,
                        count=1,
                        median=median,
                        median_low=low if bracketed else None,
                        median_high=high if bracketed else None,
                    )
                )
    recorded = _date(doc, root.get("date"))
    env = Environment(
        tool="asv", interpreter=str(root.get("python") or "") or None, runner=str(root.get("env_name") or "") or None
    )
    commit = root.get("commit_hash") if isinstance(root.get("commit_hash"), str) else None
    return ParsedResults(doc.path, FORMAT.name, tuple(series), env, recorded, commit, failures=tuple(failures))


def _at(column: Any, i: int) -> float | None:
    """One parameter combination's value of a statistics column (a list, or one value for all), if a finite
    non-negative number."""
    value = column[i] if isinstance(column, list) and i < len(column) else column
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value) or value < 0:
        return None
    return float(value)


def _date(doc: Document, value: Any) -> datetime | None:
    """asv's ``date``: the commit's time, in milliseconds since 1970."""
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(float(value) / 1000, UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise doc.error("date", f"expected milliseconds since 1970, got {value!r}") from None


def _benchmarks(doc: Document) -> dict[str, Any]:
    """``benchmarks.json`` beside the results or in their parent directory (asv's layout), if there."""
    for folder in (Path(doc.path).parent, Path(doc.path).parent.parent):
        path = folder / "benchmarks.json"
        if path.is_file():
            try:
                value = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return {}
            return value if isinstance(value, dict) else {}
    return {}


FORMAT = Format(
    name="asv",
    description="airspeed velocity results JSON (results/<machine>/<commit>-<env>.json, API version 1 or 2)",
    yields="per benchmark and parameter combination: samples (--record-samples) or the median; units from "
    "benchmarks.json; failed benchmarks",
    sniff=sniff,
    parse=parse,
)

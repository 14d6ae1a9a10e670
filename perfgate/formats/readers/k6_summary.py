"""k6 end-of-test summary JSON: ``--summary-export`` (legacy, flat) and ``handleSummary`` (``values``), and the
machine-readable summary of ``--new-machine-readable-summary`` (k6 1.5 and later; to be the default in k6 2).

Every trend, counter and rate metric — sub-metrics such as ``http_req_duration{name:search}`` included —
becomes a summary-only series (see k6_names for the naming). Trends carry their statistics (``avg``,
``med``, ``p(90)``, ``p(95)``, ``p(99)``, …) in milliseconds; ``http_req_failed`` becomes an error rate with
its counts. Failed thresholds are reported as notes. Gauges (``vus``) are not performance and are skipped.

The machine-readable summary (schema ``version`` 1.0.0, grafana/k6 internal/lib/summary/machine_readable.go)
is ``{"config": {"duration"}, "metadata": {"k6_version", "generated_at"}, "results": {"metrics": [{"name",
"type", "contains", "values"}], "checks": {"metrics", "results"}}}``. Its values are k6's own, renamed: trends
``p90``/``p95`` (``p(90)`` in the schema's JSON names, accepted too), rates ``{matches, rate, total}``,
counters ``{count}`` alone (the rate is count over ``config.duration``, as k6 computes it). They become the
same series as the older summaries', so a project switching keeps its history; ``checks_succeeded`` is
``checks``. What the format leaves out is not there to read: sub-metrics, thresholds (k6's exit code 99 says
one failed), other trend statistics than avg/min/med/max/p90/p95, and, in k6's default compact mode, the
``http_req_blocked``…``http_req_waiting`` phases.
"""

from __future__ import annotations

from typing import Any

from perfgate.formats import Format
from perfgate.formats.build import summarised
from perfgate.formats.document import Document, integer, mapping, require, root_object, timestamp
from perfgate.formats.readers import k6_names
from perfgate.model import Direction, Environment, ParsedResults, Series

_TREND_KEYS = {"avg", "med"}  # gauges also have min and max
_TIME_TRENDS = ("http_req_", "iteration_duration", "group_duration")


def _is_machine_readable(root: Any) -> bool:
    return (
        isinstance(root, dict)
        and isinstance(root.get("version"), str)
        and isinstance(root.get("results"), dict)
        and isinstance(root["results"].get("metrics"), list)
        and ("metadata" in root or "config" in root)
    )


def sniff(doc: Document) -> bool:
    root = doc.json_or_none()
    if _is_machine_readable(root):
        return True
    if not isinstance(root, dict) or not isinstance(root.get("metrics"), dict):
        return False
    return "root_group" in root or "state" in root


def parse(doc: Document) -> ParsedResults:
    root = root_object(doc)
    if _is_machine_readable(root):
        return _machine_readable(doc, root)
    series: list[Series] = []
    notes: list[str] = []
    for k6_name, block in require(doc, root, "metrics", dict, "").items():
        if not isinstance(block, dict):
            raise doc.error(f"metrics.{k6_name}", "expected an object")
        values = mapping(block.get("values")) or block  # handleSummary nests them; --summary-export does not
        kind = block.get("type") or _infer_type(values)
        made = _series(doc, k6_name, kind, block.get("contains"), values)
        if made is not None:
            series.append(made)
        notes += _failed_thresholds(k6_name, block.get("thresholds"))
    if not series:
        raise doc.error("metrics", "no trend, counter or rate metrics")
    return ParsedResults(doc.path, FORMAT.name, tuple(series), Environment(tool="k6"), notes=tuple(notes))


def _machine_readable(doc: Document, root: dict[str, Any]) -> ParsedResults:
    version = root["version"]
    if not version.startswith("1."):
        raise doc.error("version", f"k6's machine-readable summary {version!r}; perfgate reads schema version 1.x")
    metadata, config = mapping(root.get("metadata")), mapping(root.get("config"))
    duration = config.get("duration")
    results = root["results"]
    listed = [("results.metrics", i, m) for i, m in enumerate(results["metrics"])]
    # checks_succeeded is the checks metric of the older summaries; checks_failed and checks_total count the same.
    checks = mapping(results.get("checks")).get("metrics") or []
    listed += [
        ("results.checks.metrics", i, m) for i, m in enumerate(checks) if mapping(m).get("name") == "checks_succeeded"
    ]
    series: list[Series] = []
    for where, i, metric in listed:
        at = f"{where}[{i}]"
        if not isinstance(metric, dict) or not isinstance(metric.get("name"), str) or not metric["name"]:
            raise doc.error(at, "expected a metric with a name, a type and values")
        name, kind = metric["name"], metric.get("type")
        if kind not in ("counter", "gauge", "rate", "trend"):
            raise doc.error(f"{at}.type", f"expected counter, gauge, rate or trend, got {kind!r}")
        values = _values(doc, at, kind, require(doc, metric, "values", dict, at), duration)
        made = _series(doc, "checks" if name == "checks_succeeded" else name, kind, metric.get("contains"), values)
        if made is not None:
            series.append(made)
    if not series:
        raise doc.error("results.metrics", "no trend, counter or rate metrics")
    k6_version = metadata.get("k6_version", metadata.get("k6Version"))
    generated = metadata.get("generated_at", metadata.get("generatedAt"))
    return ParsedResults(
        doc.path,
        FORMAT.name,
        tuple(series),
        Environment(tool="k6", tool_version=k6_version if isinstance(k6_version, str) else None),
        recorded_at=timestamp(doc, generated, "metadata.generated_at") if generated is not None else None,
    )


def _values(doc: Document, where: str, kind: str, values: dict[str, Any], duration: Any) -> dict[str, Any]:
    """A machine-readable metric's values under the older summaries' keys, which _series reads."""
    where = f"{where}.values"
    if kind == "trend":
        return {{"p90": "p(90)", "p95": "p(95)"}.get(key, key): value for key, value in values.items()}
    if kind == "rate":
        matches, total = _count(doc, values, "matches", where), _count(doc, values, "total", where)
        if matches is None or total is None or matches > total or _number(doc, values, "rate", where) is None:
            raise doc.error(where, f"expected a rate with matches <= total, got {values!r}"[:200])
        return {"passes": matches, "fails": total - matches, "rate": values["rate"]}
    if kind == "counter":
        if isinstance(duration, bool) or not isinstance(duration, int | float) or duration <= 0:
            raise doc.error("config.duration", f"expected the test's duration in seconds, got {duration!r}")
        count = _count(doc, values, "count", where)  # a whole number, as the older summaries' counts are read
        if count is None:
            raise doc.error(f"{where}.count", "expected the counter's count")
        return {"count": count, "rate": count / duration}
    return values


def _infer_type(values: dict[str, Any]) -> str:
    if _TREND_KEYS & values.keys():
        return "trend"
    if "passes" in values and "fails" in values:
        return "rate"
    if "count" in values and "rate" in values:
        return "counter"
    return "gauge"


def _series(doc: Document, k6_name: str, kind: str, contains: Any, values: dict[str, Any]) -> Series | None:
    name, metric = k6_names.split(k6_name)
    where = f"metrics.{k6_name}"
    if kind == "trend":
        timed = contains == "time" or (contains is None and k6_name.startswith(_TIME_TRENDS))
        unit = "ms" if timed else ("B" if contains == "data" else "")
        count = _count(doc, values, "count", where) or 1
        return summarised(
            name,
            metric if metric != k6_name else ("time" if timed else "value"),
            unit,
            count=count,
            mean=_number(doc, values, "avg", where),
            median=_number(doc, values, "med", where),
            min=_number(doc, values, "min", where),
            max=_number(doc, values, "max", where),
            p90=_number(doc, values, "p(90)", where),
            p95=_number(doc, values, "p(95)", where),
            p99=_number(doc, values, "p(99)", where),
        )
    if kind == "rate":
        passes, fails = _count(doc, values, "passes", where), _count(doc, values, "fails", where)
        rate = _number(doc, values, "rate", where)
        rate = rate if rate is not None else _number(doc, values, "value", where)
        total = (passes or 0) + (fails or 0)
        # For http_req_failed a "pass" is a failed request (a non-zero sample); for checks, a passed check.
        failing = "fail" in k6_name or "error" in k6_name
        errors = passes if failing else fails
        direction = Direction.LOWER_IS_BETTER if failing else Direction.HIGHER_IS_BETTER
        return summarised(
            name,
            metric if metric != k6_name else "rate",
            "ratio",
            count=max(total, 1),
            direction=direction,
            mean=rate,
            median=rate,
            errors=errors,
        )
    if kind == "counter":
        rate = _number(doc, values, "rate", where)
        unit = "B/s" if contains == "data" or k6_name.startswith("data_") else "1/s"
        return summarised(
            name,
            metric if metric != k6_name else "rate",
            unit,
            count=_count(doc, values, "count", where) or 1,
            mean=rate,
            median=rate,
        )
    return None  # gauges


def _number(doc: Document, values: dict[str, Any], key: str, where: str) -> float | None:
    value = values.get(key)
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise doc.error(f"{where}.{key}", f"expected a number, got {value!r}")
    return float(value)


def _count(doc: Document, values: dict[str, Any], key: str, where: str) -> int | None:
    value = values.get(key)
    return integer(doc, value, f"{where}.{key}") if value is not None else None


def _failed_thresholds(k6_name: str, thresholds: Any) -> list[str]:
    out = []
    for expression, result in mapping(thresholds).items():
        # --summary-export writes true when the threshold FAILED; handleSummary writes {"ok": false}.
        failed = (result is True) or (isinstance(result, dict) and result.get("ok") is False)
        if failed:
            out.append(f"k6 threshold {expression!r} on {k6_name} failed")
    return out


FORMAT = Format(
    name="k6-summary",
    description="k6 end-of-test summary JSON (--summary-export, or JSON.stringify(data) in handleSummary; "
    "also --new-machine-readable-summary)",
    yields="every trend/counter/rate metric incl. tag sub-metrics (summary-only: avg, med, p90, p95, …); "
    "error and check rates; failed thresholds as notes",
    sniff=sniff,
    parse=parse,
)

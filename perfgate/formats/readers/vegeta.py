"""vegeta's JSON report (``vegeta attack … | vegeta report -type=json``), and vault-benchmark's report of named
tests, each a vegeta report (``{"metrics": {NAME: report, …, "total": report}}``).

A vegeta report has no endpoint name (an attack may mix targets): its series are named ``vegeta attack``, so
reports of the same attack compare; vault-benchmark's test names are kept. Latencies are integer nanoseconds:
mean, min, max and the 50th/90th/95th/99th percentiles. ``throughput`` is vegeta's rate of successful
requests. ``success`` (a ratio) and ``requests`` give the errors: status 0 (never sent) and non-2xx responses,
and transport errors, are failures.
"""

from __future__ import annotations

from typing import Any

from perfgate.formats import Format
from perfgate.formats.build import error_rate, summarised, throughput
from perfgate.formats.document import Document, integer, measurement, require
from perfgate.model import Environment, ParsedResults, Series

ATTACK = "vegeta attack"
_PERCENTILES = {
    "50th": "median",
    "90th": "p90",
    "95th": "p95",
    "99th": "p99",
    "mean": "mean",
    "min": "min",
    "max": "max",
}


def _is_report(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("latencies"), dict)
        and "requests" in value
        and "success" in value
        and "status_codes" in value
    )


def sniff(doc: Document) -> bool:
    value = doc.json_or_none()
    if _is_report(value):
        return True
    metrics = value.get("metrics") if isinstance(value, dict) else None
    return isinstance(metrics, dict) and bool(metrics) and all(_is_report(m) for m in metrics.values())


def parse(doc: Document) -> ParsedResults:
    root = doc.json()
    reports = {ATTACK: root} if _is_report(root) else require(doc, root, "metrics", dict, "")
    series: list[Series] = []
    for name, report in reports.items():
        where = "" if name == ATTACK and report is root else f"metrics.{name}"
        series += _series(doc, str(name), report, where)
    return ParsedResults(doc.path, FORMAT.name, tuple(series), Environment(tool="vegeta"))


def _series(doc: Document, name: str, report: Any, where: str) -> list[Series]:
    prefix = f"{where}." if where else ""
    if not _is_report(report):
        raise doc.error(where or "latencies", "expected a vegeta report (latencies, requests, success, status_codes)")
    requests = integer(doc, report.get("requests"), f"{prefix}requests")
    latencies = report["latencies"]
    statistics = {key: measurement(doc, latencies, key, f"{prefix}latencies") for key in _PERCENTILES}
    latency = summarised(
        name,
        "latency",
        "ns",
        count=requests,
        median=statistics["50th"],
        p90=statistics["90th"],
        p95=statistics["95th"],
        p99=statistics["99th"],
        mean=statistics["mean"],
        min=statistics["min"],
        max=statistics["max"],
    )
    out = [latency]
    rate = measurement(doc, report, "throughput", where)
    if rate is not None:
        out.append(throughput(name, rate, requests))
    success = report.get("success")
    if not isinstance(success, int | float) or isinstance(success, bool) or not 0 <= success <= 1:
        raise doc.error(f"{prefix}success", f"expected a ratio from 0 to 1, got {success!r}")
    failed = round((1 - success) * requests)
    out.append(error_rate(name, failed, requests))
    return out


FORMAT = Format(
    name="vegeta",
    description="vegeta report -type=json (and vault-benchmark's named reports)",
    yields="per attack (or named test): latency mean/min/max/percentiles (summary), throughput, error rate "
    "from success and requests",
    sniff=sniff,
    parse=parse,
)

"""Artillery 2.x JSON report (``artillery run --output report.json test.yml``).

``aggregate`` holds the whole run and ``intermediate`` one entry per reporting period (10 s by default). Every
request together is ``all requests``; with the ``metrics-by-endpoint`` plugin each endpoint (its URL path, or
the request's name with ``useOnlyRequestNames``) is a series of its own. Latency comes from the summaries
(``http.response_time``, ``plugins.metrics-by-endpoint.response_time.NAME``; milliseconds), with one sample
per period (the period's median) when there are several periods. Errors: responses with a 4xx or 5xx status
and Artillery's ``errors.*`` counters (timeouts, refused connections), out of the requests. Throughput:
``http.request_rate``, per period. Endpoint names hold dots and slashes: keys are split on the known prefixes,
never on ``.``.
"""

from __future__ import annotations

import re
from typing import Any

from perfgate.formats import Format
from perfgate.formats.build import error_rate, summarised, throughput
from perfgate.formats.document import Document, integer, mapping, measured, measurement, require
from perfgate.model import Direction, Environment, ParsedResults, SampleKind, Series, as_samples
from perfgate.units import normalize

ALL = "all requests"
_OVERALL = "http.response_time"
_BY_ENDPOINT = "plugins.metrics-by-endpoint.response_time."
_ENDPOINT_COUNTER = re.compile(r"^plugins\.metrics-by-endpoint\.(?P<name>.+)\.(?P<kind>codes|errors)\.(?P<code>[^.]+)$")
_STATUS = re.compile(r"[0-9]{1,3}")
_STATISTICS = {"median": "median", "mean": "mean", "min": "min", "max": "max", "p90": "p90", "p95": "p95", "p99": "p99"}


def sniff(doc: Document) -> bool:
    value = doc.json_or_none()
    aggregate = value.get("aggregate") if isinstance(value, dict) else None
    return (
        isinstance(aggregate, dict)
        and isinstance(aggregate.get("counters"), dict)
        and isinstance(aggregate.get("summaries", aggregate.get("histograms")), dict)
        and isinstance(value.get("intermediate"), list)
    )


def parse(doc: Document) -> ParsedResults:
    root = doc.json()
    aggregate = require(doc, root, "aggregate", dict, "")
    summaries = mapping(aggregate.get("summaries") or aggregate.get("histograms"))
    periods = [mapping(p) for p in root.get("intermediate") or []]
    counters = mapping(aggregate.get("counters"))
    keys = {ALL: _OVERALL} if _OVERALL in summaries else {}
    keys.update({key[len(_BY_ENDPOINT) :]: key for key in summaries if key.startswith(_BY_ENDPOINT)})
    if not keys:
        raise doc.error("aggregate.summaries", f"no {_OVERALL} summary: no HTTP requests in this run")
    outcomes = _outcomes(doc, counters)
    series: list[Series] = []
    for name, key in keys.items():
        series.append(_latency(doc, name, summaries[key], [mapping(p.get("summaries")).get(key) for p in periods], key))
        if name == ALL:
            series += _throughput(doc, aggregate, periods)
        if name in outcomes:
            total, failed = outcomes[name]
            series.append(error_rate(name, failed, total))
    return ParsedResults(doc.path, FORMAT.name, tuple(series), Environment(tool="artillery"))


def _latency(doc: Document, name: str, summary: Any, by_period: list[Any], key: str) -> Series:
    where = f"aggregate.summaries.{key}"
    if not isinstance(summary, dict):
        raise doc.error(where, "expected an object of statistics")
    count = integer(doc, summary.get("count", 0), f"{where}.count")
    statistics = {field: measurement(doc, summary, source, where) for source, field in _STATISTICS.items()}
    if statistics["median"] is None:
        statistics["median"] = measurement(doc, summary, "p50", where)
    latency = summarised(
        name,
        "latency",
        "ms",
        count=count,
        median=statistics["median"],
        mean=statistics["mean"],
        min=statistics["min"],
        max=statistics["max"],
        p90=statistics["p90"],
        p95=statistics["p95"],
        p99=statistics["p99"],
    )
    medians = [
        measured(doc, p["median"], f"intermediate[{i}].summaries.{key}.median")
        for i, p in enumerate(by_period)
        if isinstance(p, dict) and p.get("median") is not None
    ]
    if len(medians) < 2:
        return latency
    factor = normalize("ms").factor
    return Series(
        name, "latency", latency.unit, Direction.LOWER_IS_BETTER, SampleKind.WINDOW, latency.summary,
        as_samples([m * factor for m in medians]),
    )  # fmt: skip


def _throughput(doc: Document, aggregate: dict[str, Any], periods: list[dict[str, Any]]) -> list[Series]:
    rate = measurement(doc, mapping(aggregate.get("rates")), "http.request_rate", "aggregate.rates")
    if rate is None:
        return []
    requests = integer(
        doc, mapping(aggregate.get("counters")).get("http.requests", 0), "aggregate.counters.http.requests"
    )
    series = throughput(ALL, rate, requests)
    by_period = [mapping(p.get("rates")).get("http.request_rate") for p in periods]
    rates = [
        measured(doc, r, f"intermediate[{i}].rates.http.request_rate") for i, r in enumerate(by_period) if r is not None
    ]
    if len(rates) < 2:
        return [series]
    summary = series.summary
    return [Series(ALL, "throughput", "1/s", Direction.HIGHER_IS_BETTER, SampleKind.WINDOW, summary, as_samples(rates))]


def _outcomes(doc: Document, counters: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """(requests, failed) per endpoint and for all requests: 4xx and 5xx responses and errors.* count as failed."""
    totals: dict[str, list[int]] = {}
    for key, value in counters.items():
        count = integer(doc, value, f"aggregate.counters.{key}")
        if key.startswith("http.codes."):
            name, kind, code = ALL, "codes", key[len("http.codes.") :]
        elif key.startswith("errors."):
            name, kind, code = ALL, "errors", key[len("errors.") :]
        elif match := _ENDPOINT_COUNTER.match(key):
            name, kind, code = match.group("name"), match.group("kind"), match.group("code")
        else:
            continue
        tally = totals.setdefault(name, [0, 0])
        tally[0] += count
        # A status code is ASCII digits: "²" and "٤٠٤" are digits to str.isdigit, and not to int().
        tally[1] += count if kind == "errors" or not _STATUS.fullmatch(code) or int(code) >= 400 else 0
    return {name: (total, failed) for name, (total, failed) in totals.items()}


FORMAT = Format(
    name="artillery",
    description="Artillery 2.x JSON report (artillery run --output report.json)",
    yields="all requests and, with metrics-by-endpoint, each endpoint: latency (per-period medians), error rate "
    "from status codes and errors; request rate per period",
    sniff=sniff,
    parse=parse,
)

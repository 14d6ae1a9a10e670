"""k6 ``--out json`` NDJSON (plain or gzip), streamed: a million requests in bounded memory.

Request points are grouped by their ``name`` tag (k6 sets it to the URL unless the script names the
request; an unnamed request is keyed ``METHOD url``). Per group: ``latency`` from ``http_req_duration``
(request samples in time order, exact summary over all of them, at most RESERVOIR samples kept, chosen
with a fixed seed), ``error_rate`` from ``http_req_failed``; per check: ``pass_rate`` from ``checks``.
Points of ``setup()`` and ``teardown()`` are left out. Lines of other metrics are skipped unparsed.
"""

from __future__ import annotations

import json
from array import array
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from perfgate.errors import InputError
from perfgate.formats import Format
from perfgate.formats.build import summarised
from perfgate.formats.document import Document, mapping
from perfgate.model import Direction, Environment, ParsedResults, SampleKind, Series, Summary, as_samples
from perfgate.units import SECONDS

RESERVOIR = 100_000  # request samples kept per endpoint; the summary is exact over all of them
SEED = 20_261_123
_WANTED = (b'"http_req_duration"', b'"http_req_failed"', b'"checks"')


@dataclass
class _Group:
    durations: array[float] = field(default_factory=lambda: array("d"))
    failed: int = 0
    requests: int = 0


def sniff(doc: Document) -> bool:
    for line in doc.head_lines(5):
        if not line.strip():
            continue
        try:
            first = json.loads(line)
        except json.JSONDecodeError:
            return False
        return isinstance(first, dict) and first.get("type") in ("Metric", "Point") and "metric" in first
    return False


def parse(doc: Document) -> ParsedResults:
    groups: dict[str, _Group] = {}
    checks: dict[str, list[int]] = {}
    with doc.stream() as handle:
        for number, raw in enumerate(handle, 1):
            if b'"Point"' not in raw or not any(w in raw for w in _WANTED):
                continue  # Metric lines and the many metrics perfgate does not read: no need to parse
            point = _point(doc, raw, number)
            data = point.get("data")
            if not isinstance(data, dict):
                raise InputError(doc.path, "a Point without data", where=str(number))
            tags = mapping(data.get("tags"))
            if str(tags.get("group", "")).startswith(("::setup", "::teardown")):
                continue
            value = data.get("value")
            if not isinstance(value, int | float) or isinstance(value, bool) or value != value or value < 0:
                raise InputError(
                    doc.path, f"expected a non-negative number as data.value, got {value!r}", where=str(number)
                )
            metric = point.get("metric")
            if metric == "checks":
                tally = checks.setdefault(str(tags.get("check", "")), [0, 0])
                tally[0 if value else 1] += 1
                continue
            group = groups.setdefault(_key(tags), _Group())
            if metric == "http_req_duration":
                group.durations.append(float(value))
                group.requests += 1
            elif metric == "http_req_failed":
                group.failed += 1 if value else 0
    series: list[Series] = []
    for name, group in groups.items():
        if group.durations:
            series.append(_latency(name, group.durations))
            series.append(
                summarised(
                    name,
                    "error_rate",
                    "ratio",
                    count=group.requests,
                    errors=group.failed,
                    mean=group.failed / group.requests,
                    median=group.failed / group.requests,
                    direction=Direction.LOWER_IS_BETTER,
                )
            )
    for check, (passed, failed) in checks.items():
        rate = passed / (passed + failed)
        series.append(
            summarised(
                check,
                "pass_rate",
                "ratio",
                count=passed + failed,
                errors=failed,
                mean=rate,
                median=rate,
                direction=Direction.HIGHER_IS_BETTER,
            )
        )
    if not series:
        raise InputError(doc.path, "no http_req_duration or checks points: nothing to compare")
    return ParsedResults(doc.path, FORMAT.name, tuple(series), Environment(tool="k6"))


def _point(doc: Document, raw: bytes, number: int) -> dict[str, Any]:
    try:
        point = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(doc.path, f"not a JSON line: {getattr(exc, 'msg', exc)}", where=str(number)) from None
    if not isinstance(point, dict):
        raise InputError(doc.path, "expected a JSON object", where=str(number))
    return point


def _key(tags: dict[str, Any]) -> str:
    # k6 sets the name tag to the URL unless the script names the request; then url carries the name too.
    name = str(tags.get("name") or tags.get("url") or "?")
    if name.startswith(("http://", "https://")):
        return f"{tags.get('method', '')} {name}".strip()
    return name


def _latency(name: str, durations: array[float]) -> Series:
    """Exact statistics over every request; a seeded, order-preserving reservoir of the requests."""
    values = np.frombuffer(durations, dtype=np.float64) * 1e-3  # ms → s
    summary = Summary.of(values)
    if values.size > RESERVOIR:
        keep = np.sort(np.random.default_rng(SEED).choice(values.size, RESERVOIR, replace=False))
        values = values[keep]
    return Series(name, "latency", SECONDS, Direction.LOWER_IS_BETTER, SampleKind.REQUEST, summary, as_samples(values))


FORMAT = Format(
    name="k6-ndjson",
    description="k6 --out json=FILE (NDJSON, plain or .gz), streamed",
    yields="per endpoint (name tag, else method + url): latency per request (samples), error rate; "
    "per check: pass rate",
    sniff=sniff,
    parse=parse,
)

"""k6 ``--out json`` NDJSON (plain or gzip), streamed: a million requests in bounded memory.

Request points are grouped by their ``name`` tag (k6 sets it to the URL unless the script names the
request; an unnamed request is keyed ``METHOD url``). Per group: ``latency`` from ``http_req_duration``
and ``error_rate`` from ``http_req_failed`` (see requests.RequestTally); per check: ``pass_rate`` from
``checks``. Points of ``setup()`` and ``teardown()`` are left out. Lines of other metrics are skipped
without being parsed.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from perfgate.errors import InputError
from perfgate.formats import Format
from perfgate.formats.build import summarised
from perfgate.formats.document import Document, mapping
from perfgate.formats.requests import RequestTally
from perfgate.model import Direction, Environment, ParsedResults, Series

_WANTED = (b'"http_req_duration"', b'"http_req_failed"', b'"checks"')


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
    tally = RequestTally("ms")
    checks: dict[str, list[int]] = {}
    for number, raw in doc.lines():
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
            tally_of_check = checks.setdefault(str(tags.get("check", "")), [0, 0])
            tally_of_check[0 if value else 1] += 1
        elif metric == "http_req_duration":
            tally.add(_key(tags), float(value), failed=False, sent=_seconds(data.get("time")))
        elif metric == "http_req_failed" and value:
            tally.fail(_key(tags), _seconds(data.get("time")))
    series: list[Series] = tally.series()
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


FORMAT = Format(
    name="k6-ndjson",
    description="k6 --out json=FILE (NDJSON, plain or .gz), streamed",
    yields="per endpoint (name tag, else method + url): latency per request (samples), throughput per time window, error rate; "
    "per check: pass rate",
    sniff=sniff,
    parse=parse,
)


def _seconds(time: object) -> float | None:
    """A point's time (RFC 3339, nanoseconds allowed) as seconds since the epoch; None when absent or unreadable."""
    if not isinstance(time, str):
        return None
    try:
        return datetime.fromisoformat(time).timestamp()
    except ValueError:
        return None

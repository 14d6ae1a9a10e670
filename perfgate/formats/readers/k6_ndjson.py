"""k6 ``--out json`` NDJSON (plain or gzip), streamed: a million requests in bounded memory.

Request points are grouped by their ``name`` tag (k6 sets it to the URL unless the script names the
request; an unnamed request is keyed ``METHOD url``). Per group: ``latency`` from ``http_req_duration``
and ``error_rate`` from ``http_req_failed`` (see requests.RequestTally); per check: ``pass_rate`` from
``checks``. Points of ``setup()`` and ``teardown()`` are left out. Lines of other metrics are skipped
without being parsed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from perfgate.errors import InputError
from perfgate.formats import Format
from perfgate.formats.build import summarised
from perfgate.formats.document import Document, mapping
from perfgate.formats.requests import RequestTally
from perfgate.model import Direction, Environment, ParsedResults, Series

_WANTED = (b'"http_req_duration"', b'"http_req_failed"', b'"checks"')
_WANTED_NAMES = frozenset(w.strip(b'"') for w in _WANTED)
_PREFIX = b'{"metric":"'


def sniff(doc: Document) -> bool:
    for line in doc.head_lines(5):
        if not line.strip():
            continue
        try:
            first = orjson.loads(line)
        except orjson.JSONDecodeError:
            return False
        return isinstance(first, dict) and first.get("type") in ("Metric", "Point") and "metric" in first
    return False


def parse(doc: Document) -> ParsedResults:
    tally = RequestTally("ms")
    checks: dict[str, list[int]] = {}
    clock = _Clock()
    prefix, skip = _PREFIX, len(_PREFIX)
    for number, raw in doc.lines():
        # Most lines are metrics perfgate does not read, and are never parsed. k6 writes
        # {"metric":"NAME","type":"Point",… (Go's field order): NAME and the type are read in place; a request
        # that did not fail ("value":0) is skipped too. Any other spelling falls back to a search for the names.
        # Inline, not a function: this runs for every line of a file of millions.
        if raw.startswith(prefix):
            end = raw.find(b'"', skip)
            name = raw[skip:end]
            if (
                name not in _WANTED_NAMES
                or not raw.startswith(b'","type":"Point"', end)
                or (name == b"http_req_failed" and b'"value":0,' in raw)
            ):
                continue
        elif b'"Point"' not in raw or not any(w in raw for w in _WANTED):
            continue
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
            tally.add(_key(tags), float(value), failed=False, sent=clock.seconds(data.get("time")))
        elif metric == "http_req_failed" and value:
            tally.fail(_key(tags), clock.seconds(data.get("time")))
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
        point = orjson.loads(raw)
    except (orjson.JSONDecodeError, UnicodeDecodeError) as exc:
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


class _Clock:
    """A point's time (RFC 3339, nanoseconds allowed) as seconds since the epoch; None when absent or unreadable.

    Points of the same second share everything but the fraction: the date and zone are parsed once per second,
    the fraction as a number (a million points a minute make ``datetime.fromisoformat`` a cost of its own)."""

    def __init__(self) -> None:
        self._seconds: dict[str, float | None] = {}

    def seconds(self, time: object) -> float | None:
        if not isinstance(time, str) or len(time) < 20:
            return _parse_time(time)
        whole, rest = time[:19], time[19:]  # 2026-11-22T23:59:21 and .096420714Z
        fraction = 0.0
        if rest[0] == ".":
            digits = len(rest) - len(rest[1:].lstrip("0123456789"))
            if digits > 1:
                fraction = float(rest[:digits])
            rest = rest[digits:]
        key = whole + rest
        base = self._seconds.get(key, -1.0)
        if base == -1.0:
            base = self._seconds[key] = _parse_time(key)
        return None if base is None else base + fraction


def _parse_time(time: object) -> float | None:
    if not isinstance(time, str):
        return None
    try:
        return datetime.fromisoformat(time).timestamp()
    except ValueError:
        return None

"""wrk's text report (``wrk -t2 -c8 -d30s --latency URL``): one endpoint per run, its URL.

``Thread Stats`` gives the latency's mean, standard deviation and maximum; ``--latency`` adds the 50/75/90/99 %
percentiles. ``N requests in T`` and ``Requests/sec`` give the throughput; ``Non-2xx or 3xx responses`` and
``Socket errors`` (connect, read, write, timeout) the errors, counted against the requests (a connect error is
a request that never got an answer). wrk writes times with unit suffixes (``us``, ``ms``, ``s``, ``m``, ``h``).
Lines a Lua ``done()`` script prints are ignored.

One summary per run: file against file, only the errors can be judged; latency and throughput are compared
with main's history.
"""

from __future__ import annotations

import re

from perfgate.errors import InputError
from perfgate.formats import Format
from perfgate.formats.build import error_rate, summarised, throughput
from perfgate.formats.document import Document
from perfgate.model import Environment, ParsedResults

_TIME = r"(\d+(?:\.\d+)?)(us|ms|s|m|h)"
_SECONDS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_RUNNING = re.compile(r"^Running (?P<duration>\S+) test @ (?P<url>\S+)")
_LATENCY = re.compile(rf"^Latency\s+{_TIME}\s+{_TIME}\s+{_TIME}\s+[\d.]+%")
_PERCENTILE = re.compile(rf"^(?P<p>50|75|90|99(?:\.\d+)?)%\s+{_TIME}$")
_REQUESTS = re.compile(rf"^(?P<n>\d+) requests in {_TIME}")
_NON_2XX = re.compile(r"^Non-2xx or 3xx responses: (?P<n>\d+)")
_SOCKET = re.compile(r"^Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_RATE = re.compile(r"^Requests/sec:\s+(?P<rate>\d+(?:\.\d+)?)")


def sniff(doc: Document) -> bool:
    lines = [line.strip() for line in doc.head_lines(20)]
    return any(_RUNNING.match(line) for line in lines) and "Thread Stats   Avg      Stdev     Max   +/- Stdev" in lines


def parse(doc: Document) -> ParsedResults:
    text = [line.strip() for line in doc.text().splitlines()]
    running = next((m for line in text if (m := _RUNNING.match(line))), None)
    latency = next((m for line in text if (m := _LATENCY.match(line))), None)
    requests = next((m for line in text if (m := _REQUESTS.match(line))), None)
    if running is None or latency is None or requests is None:
        missing = [
            what
            for what, found in (("Running … @ URL", running), ("Latency", latency), ("N requests in", requests))
            if found is None
        ]
        raise InputError(doc.path, f"not a complete wrk report: no {', '.join(missing)} line")
    name = running.group("url")
    percentiles = {m.group("p"): _seconds(m.group(2), m.group(3)) for line in text if (m := _PERCENTILE.match(line))}
    count = int(requests.group("n"))
    series = [
        summarised(
            name,
            "latency",
            "s",
            count=count,
            mean=_seconds(latency.group(1), latency.group(2)),
            stddev=_seconds(latency.group(3), latency.group(4)),
            max=_seconds(latency.group(5), latency.group(6)),
            median=percentiles.get("50"),
            p90=percentiles.get("90"),
            p99=percentiles.get("99"),
        )
    ]
    if rate := next((m for line in text if (m := _RATE.match(line))), None):
        per_second = float(rate.group("rate"))
        series.append(throughput(name, per_second, count))
    non_2xx = sum(int(m.group("n")) for line in text if (m := _NON_2XX.match(line)))
    socket = next((tuple(map(int, m.groups())) for line in text if (m := _SOCKET.match(line))), (0, 0, 0, 0))
    attempts = count + socket[0]
    errors = min(non_2xx + sum(socket), attempts)
    series.append(error_rate(name, errors, attempts))
    return ParsedResults(doc.path, FORMAT.name, tuple(series), Environment(tool="wrk"))


def _seconds(value: str, unit: str) -> float:
    return float(value) * _SECONDS[unit]


FORMAT = Format(
    name="wrk",
    description="wrk's text report (with or without --latency)",
    yields="one endpoint (the URL): latency mean/stddev/max and percentiles (summary), throughput, error rate "
    "from non-2xx responses and socket errors",
    sniff=sniff,
    parse=parse,
)

"""Per-request load-test results, tallied per endpoint while a file streams by.

Shared by the readers of k6 NDJSON, JMeter JTL and Gatling logs: each request adds its latency and
whether it failed; at the end every endpoint becomes a ``latency`` series (exact summary over all
requests, a bounded seeded reservoir of the requests in time order) and an ``error_rate`` series.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

import numpy as np

from perfgate.formats.build import summarised
from perfgate.model import Direction, SampleKind, Series, Summary, as_samples
from perfgate.units import normalize

RESERVOIR = 100_000  # request samples kept per endpoint; the summary is exact over all of them
SEED = 20_261_123


@dataclass
class _Endpoint:
    latencies: array[float] = field(default_factory=lambda: array("d"))
    failed: int = 0


@dataclass
class RequestTally:
    """Latencies (in ``unit``) and failures per endpoint, in the order the requests were seen."""

    unit: str = "ms"
    endpoints: dict[str, _Endpoint] = field(default_factory=dict)

    def add(self, name: str, latency: float, failed: bool) -> None:
        endpoint = self._endpoint(name)
        endpoint.latencies.append(latency)
        endpoint.failed += failed

    def fail(self, name: str) -> None:
        """A failure reported apart from the latency (k6 writes http_req_failed as its own point)."""
        self._endpoint(name).failed += 1

    def _endpoint(self, name: str) -> _Endpoint:
        endpoint = self.endpoints.get(name)
        if endpoint is None:
            endpoint = self.endpoints[name] = _Endpoint()
        return endpoint

    def series(self, reservoir: int | None = None) -> list[Series]:
        out: list[Series] = []
        for name, endpoint in self.endpoints.items():
            requests = len(endpoint.latencies)
            if not requests:
                continue
            out.append(latency_series(name, endpoint.latencies, self.unit, reservoir or RESERVOIR))
            rate = endpoint.failed / requests
            out.append(
                summarised(
                    name,
                    "error_rate",
                    "ratio",
                    count=requests,
                    errors=endpoint.failed,
                    mean=rate,
                    median=rate,
                    direction=Direction.LOWER_IS_BETTER,
                )
            )
        return out


def latency_series(name: str, latencies: array[float], unit: str, reservoir: int = RESERVOIR) -> Series:
    """Exact statistics over every request; a seeded, order-preserving reservoir of the requests."""
    conversion = normalize(unit)
    values = np.frombuffer(latencies, dtype=np.float64) * conversion.factor
    summary = Summary.of(values)
    if values.size > reservoir:
        keep = np.sort(np.random.default_rng(SEED).choice(values.size, reservoir, replace=False))
        values = values[keep]
    return Series(
        name,
        "latency",
        conversion.canonical,
        Direction.LOWER_IS_BETTER,
        SampleKind.REQUEST,
        summary,
        as_samples(values),
    )

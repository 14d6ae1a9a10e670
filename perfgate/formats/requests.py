"""Per-request load-test results, tallied per endpoint while a file streams by.

Shared by the readers of k6 NDJSON, JMeter JTL and Gatling logs: each request adds its latency, whether it
failed and, where the tool says, when it was sent; at the end every endpoint becomes a ``latency`` series
(exact summary over all requests, a bounded seeded reservoir of the requests in time order), an
``error_rate`` series and, with times, a ``throughput`` series: requests per second in each of up to
MAX_WINDOWS equal time windows (the run's own variation, so a rate is never judged on one number). With
times, the error rate also keeps its rate per window, so a drift within a long run can be seen.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from perfgate.formats.build import error_rate
from perfgate.model import Direction, FloatArray, SampleKind, Series, Summary, as_samples
from perfgate.units import normalize

BoolArray = npt.NDArray[np.bool_]
RESERVOIR = 100_000  # request samples kept per endpoint; the summary is exact over all of them
MAX_WINDOWS = 30  # throughput windows per endpoint and run
MIN_PER_WINDOW = 20  # requests per window on average, at least: fewer windows for a quiet endpoint
SEED = 20_261_123


@dataclass
class _Endpoint:
    latencies: array[float] = field(default_factory=lambda: array("d"))
    failed: int = 0
    sent: array[float] = field(default_factory=lambda: array("d"))  # seconds since the epoch, when known
    failed_at: array[float] = field(default_factory=lambda: array("d"))  # when the failed requests were sent


@dataclass
class RequestTally:
    """Latencies (in ``unit``) and failures per endpoint, in the order the requests were seen."""

    unit: str = "ms"
    endpoints: dict[str, _Endpoint] = field(default_factory=dict)

    def add(self, name: str, latency: float, failed: bool, sent: float | None = None) -> None:
        endpoint = self._endpoint(name)
        endpoint.latencies.append(latency)
        endpoint.failed += failed
        if sent is not None:
            endpoint.sent.append(sent)
            if failed:
                endpoint.failed_at.append(sent)

    def extend(self, name: str, latencies: FloatArray, failed: BoolArray, sent: FloatArray | None) -> None:
        """Many requests of one endpoint at once (readers that convert a batch of rows with numpy)."""
        endpoint = self._endpoint(name)
        endpoint.latencies.frombytes(np.ascontiguousarray(latencies, dtype=np.float64).tobytes())
        endpoint.failed += int(np.count_nonzero(failed))
        if sent is not None:
            endpoint.sent.frombytes(np.ascontiguousarray(sent, dtype=np.float64).tobytes())
            endpoint.failed_at.frombytes(np.ascontiguousarray(sent[failed], dtype=np.float64).tobytes())

    def fail(self, name: str, sent: float | None = None) -> None:
        """A failure reported apart from the latency (k6 writes http_req_failed as its own point)."""
        endpoint = self._endpoint(name)
        endpoint.failed += 1
        if sent is not None:
            endpoint.failed_at.append(sent)

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
            errors = error_rate(name, endpoint.failed, requests)
            windows = _windows(endpoint.sent) if len(endpoint.sent) == requests else None
            if windows is not None:
                sent, _ = np.histogram(np.frombuffer(endpoint.sent, dtype=np.float64), bins=windows)
                width = float(windows[1] - windows[0])
                samples = as_samples(sent / width)
                summary = replace(Summary.of(samples), count=requests)
                out.append(
                    Series(name, "throughput", "1/s", Direction.HIGHER_IS_BETTER, SampleKind.WINDOW, summary, samples)
                )
                if len(endpoint.failed_at) == endpoint.failed:
                    failed, _ = np.histogram(np.frombuffer(endpoint.failed_at, dtype=np.float64), bins=windows)
                    # The summary stays the exact rate over all requests; the samples are the rate per window.
                    window_rates = as_samples(failed / np.maximum(sent, 1))
                    errors = replace(errors, kind=SampleKind.WINDOW, samples=window_rates)
            out.append(errors)
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


def _windows(sent: array[float]) -> FloatArray | None:
    """Edges of up to MAX_WINDOWS equal time windows over the span of ``sent``; None when too few or no span."""
    if not len(sent):
        return None
    times = np.frombuffer(sent, dtype=np.float64)
    windows = min(MAX_WINDOWS, times.size // MIN_PER_WINDOW)
    start, end = float(times.min()), float(times.max())
    if windows < 2 or end <= start:
        return None
    return np.linspace(start, end, windows + 1)

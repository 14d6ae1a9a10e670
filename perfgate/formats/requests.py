"""Per-request load-test results, tallied per endpoint while a file streams by.

Shared by the readers of k6 NDJSON, JMeter JTL and Gatling logs: each request adds its latency, whether it
failed and, where the tool says, when it was sent; at the end every endpoint becomes a ``latency`` series
(exact summary over all requests, a bounded seeded reservoir of the requests in time order), an
``error_rate`` series and, with times, a ``throughput`` series: requests per second in each of up to
MAX_WINDOWS equal time windows (the run's own variation, so a rate is never judged on one number). With
times, the error rate also keeps its rate per window, so a drift within a long run can be seen.

Each request held costs 16 bytes; once a run has held COMPACT_AFTER of them, they fold into a bounded
`sketch.Sketch` per endpoint (exact count, mean, stddev, min and max; percentiles within 0.1 %; the same
reservoir), and so does every further FOLD_EVERY: memory then stays flat however long the run.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from perfgate.formats.build import error_rate
from perfgate.formats.sketch import Sketch
from perfgate.model import Direction, FloatArray, SampleKind, Series, Summary, as_samples
from perfgate.units import normalize

BoolArray = npt.NDArray[np.bool_]
K = TypeVar("K", str, bytes)  # how a reader names an endpoint before it is a label
RESERVOIR = 100_000  # request samples kept per endpoint; the summary is exact over all of them
MAX_WINDOWS = 30  # throughput windows per endpoint and run
MIN_PER_WINDOW = 20  # requests per window on average, at least: fewer windows for a quiet endpoint
SEED = 20_261_123
COMPACT_AFTER = 4_000_000  # requests held in full per run (64 MB) before the tallies fold into sketches
FOLD_EVERY = 1_000_000  # after that, requests held between folds
FOLD_SLICE = 1 << 20  # requests the sketch takes at a time (8 MB of float64)


@dataclass
class _Endpoint:
    latencies: array[float] = field(default_factory=lambda: array("d"))
    failed: int = 0
    sent: array[float] = field(default_factory=lambda: array("d"))  # seconds since the epoch, when known
    failed_at: array[float] = field(default_factory=lambda: array("d"))  # when the failed requests were sent
    sketch: Sketch | None = None  # what earlier requests folded into, on a very long run

    def fold(self) -> None:
        """Move the requests held into the sketch, a slice at a time: the sketch's work on a slice needs a few
        temporary arrays its size, which for one endpoint's 4 million requests would be 32 MB each."""
        if self.sketch is None:
            self.sketch = Sketch(RESERVOIR, SEED)
        if len(self.sent) == len(self.latencies):  # the reservoir keeps what it samples in the order it is given
            self.latencies = array("d", _in_time_order(self.latencies, self.sent).tobytes())
        for values in _slices(self.latencies):
            self.sketch.add(values)
        for times in _slices(self.sent):
            self.sketch.add_times(times)
        for times in _slices(self.failed_at):
            self.sketch.add_failures(times)
        self.latencies, self.sent, self.failed_at = array("d"), array("d"), array("d")


def _slices(held: array[float]) -> Iterator[FloatArray]:
    values = np.frombuffer(held, dtype=np.float64)
    for start in range(0, values.size, FOLD_SLICE):
        yield values[start : start + FOLD_SLICE]


@dataclass
class RequestTally:
    """Latencies (in ``unit``) and failures per endpoint, in the order the requests were seen; their series are
    in the order the requests were sent, when the tool says when."""

    unit: str = "ms"
    endpoints: dict[str, _Endpoint] = field(default_factory=dict)
    held: int = 0  # requests held in full, over every endpoint
    fold_at: int = field(default_factory=lambda: COMPACT_AFTER)

    def add(self, name: str, latency: float, failed: bool, sent: float | None = None) -> None:
        endpoint = self._endpoint(name)
        endpoint.latencies.append(latency)
        endpoint.failed += failed
        if sent is not None:
            endpoint.sent.append(sent)
            if failed:
                endpoint.failed_at.append(sent)
        self.held += 1
        if self.held >= self.fold_at:
            self._fold()

    def extend(self, name: str, latencies: FloatArray, failed: BoolArray, sent: FloatArray | None) -> None:
        """Many requests of one endpoint at once (readers that convert a batch of rows with numpy)."""
        endpoint = self._endpoint(name)
        endpoint.latencies.frombytes(np.ascontiguousarray(latencies, dtype=np.float64).tobytes())
        endpoint.failed += int(np.count_nonzero(failed))
        if sent is not None:
            endpoint.sent.frombytes(np.ascontiguousarray(sent, dtype=np.float64).tobytes())
            endpoint.failed_at.frombytes(np.ascontiguousarray(sent[failed], dtype=np.float64).tobytes())
        self.held += len(latencies)
        if self.held >= self.fold_at:
            self._fold()

    def extend_each(
        self,
        names: list[str],
        codes: npt.NDArray[np.integer[Any]],
        latencies: FloatArray,
        failed: BoolArray,
        sent: FloatArray | None,
    ) -> None:
        """Many requests of several endpoints at once, request i to endpoint ``names[codes[i]]``: grouped by a
        stable sort, so that each endpoint's requests keep their order. A send time that is not a finite number
        (NaN for one not known) leaves that endpoint's requests of this batch without times, so it has no time
        windows."""
        if len(names) <= 1 << 16:  # numpy sorts 16-bit integers stably by radix, several times faster
            codes = codes.astype(np.uint16)
        order = np.argsort(codes, kind="stable")
        for rows in np.split(order, np.flatnonzero(np.diff(codes[order])) + 1):
            if len(rows):
                times = None if sent is None else sent[rows]
                if times is not None and not bool(np.all(np.isfinite(times))):
                    times = None
                self.extend(names[codes[rows[0]]], latencies[rows], failed[rows], times)

    def _fold(self) -> None:
        for endpoint in self.endpoints.values():
            endpoint.fold()
        self.held, self.fold_at = 0, FOLD_EVERY

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
        if any(e.sketch is not None for e in self.endpoints.values()):
            self._fold()
            return [s for name, e in self.endpoints.items() for s in _sketched(name, e, self.unit)]
        out: list[Series] = []
        for name, endpoint in self.endpoints.items():
            requests = len(endpoint.latencies)
            if not requests:
                continue
            timed = len(endpoint.sent) == requests
            held = np.frombuffer(endpoint.latencies, dtype=np.float64)
            latencies = _in_time_order(endpoint.latencies, endpoint.sent) if timed else held
            out.append(latency_series(name, latencies, self.unit, reservoir or RESERVOIR))
            errors = error_rate(name, endpoint.failed, requests)
            windows = _windows(endpoint.sent) if timed else None
            if windows is not None:
                sent = _counts(endpoint.sent, windows)
                out.append(_throughput(name, requests, sent, windows))
                if len(endpoint.failed_at) == endpoint.failed:
                    errors = _windowed(errors, _counts(endpoint.failed_at, windows), sent)
            out.append(errors)
        return out


def endpoint_codes(known: dict[K, int], keys: Sequence[K] | npt.NDArray[np.object_]) -> npt.NDArray[np.intp]:
    """Each key's endpoint number in ``known``, for extend_each; keys not seen before are numbered in the order
    they first appear (``known`` grows). One dict lookup a key, in a C-level loop."""
    try:
        return np.fromiter(map(known.__getitem__, keys), np.intp, len(keys))
    except KeyError:
        for key in dict.fromkeys(keys):
            known.setdefault(key, len(known))
        return np.fromiter(map(known.__getitem__, keys), np.intp, len(keys))


def _sketched(name: str, endpoint: _Endpoint, unit: str) -> list[Series]:
    """An endpoint of a very long run: the same series as the exact path, from its sketch."""
    sketch = endpoint.sketch
    if sketch is None or not sketch.count:
        return []
    conversion = normalize(unit)
    factor = conversion.factor
    s = sketch.summary()

    timed = ("mean", "stddev", "min", "median", "p90", "p95", "p99", "max")  # in the tool's unit: scaled
    scaled: dict[str, Any] = {k: None if (v := getattr(s, k)) is None else v * factor for k in timed}
    summary = replace(s, **scaled)
    out = [_latency(name, conversion.canonical, summary, as_samples(sketch.samples() * factor))]
    errors = error_rate(name, endpoint.failed, sketch.count)
    windows = min(MAX_WINDOWS, sketch.count // MIN_PER_WINDOW)
    if sketch.timed == sketch.count and windows >= 2 and sketch.last_sent > sketch.first_sent:
        edges = np.linspace(sketch.first_sent, sketch.last_sent, windows + 1)
        sent, failed = sketch.per_window(edges)
        out.append(_throughput(name, sketch.count, sent, edges))
        if int(failed.sum()) == endpoint.failed:
            errors = _windowed(errors, failed, sent)
    return [*out, errors]


def _latency(name: str, unit: str, summary: Summary, samples: FloatArray) -> Series:
    return Series(name, "latency", unit, Direction.LOWER_IS_BETTER, SampleKind.REQUEST, summary, samples)


def _throughput(name: str, requests: int, sent: FloatArray, edges: FloatArray) -> Series:
    """Requests per second in each window; the summary's count is the endpoint's requests."""
    samples = as_samples(sent / float(edges[1] - edges[0]))
    summary = replace(Summary.of(samples), count=requests)
    return Series(name, "throughput", "1/s", Direction.HIGHER_IS_BETTER, SampleKind.WINDOW, summary, samples)


def _windowed(errors: Series, failed: FloatArray, sent: FloatArray) -> Series:
    """The summary stays the exact rate over all requests; the samples are the rate per window."""
    return replace(errors, kind=SampleKind.WINDOW, samples=as_samples(failed / np.maximum(sent, 1)))


def _in_time_order(latencies: array[float], sent: array[float]) -> FloatArray:
    """The latencies in the order their requests were sent: a tool may write them in any order (by thread, by
    completion, sorted by latency), and within-run drift is a trend over time, not over the file."""
    values = np.frombuffer(latencies, dtype=np.float64)
    return values[np.argsort(np.frombuffer(sent, dtype=np.float64), kind="stable")]


def latency_series(name: str, latencies: FloatArray, unit: str, reservoir: int = RESERVOIR) -> Series:
    """Exact statistics over every request; a seeded, order-preserving reservoir of the requests."""
    conversion = normalize(unit)
    values = latencies * conversion.factor
    summary = Summary.of(values)
    if values.size > reservoir:
        keep = np.sort(np.random.default_rng(SEED).choice(values.size, reservoir, replace=False))
        values = values[keep]
    return _latency(name, conversion.canonical, summary, as_samples(values))


def _counts(times: array[float], windows: FloatArray) -> FloatArray:
    """How many of ``times`` fall in each window. The windows are equal, so numpy counts by arithmetic (giving
    the counts it would by searching the edges) rather than by sorting every time."""
    counts = np.histogram(
        np.frombuffer(times, dtype=np.float64), bins=len(windows) - 1, range=(windows[0], windows[-1])
    )
    return counts[0].astype(np.float64)


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

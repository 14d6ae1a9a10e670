"""A bounded summary of one endpoint's requests, for load tests too long to keep every request in memory.

`requests.RequestTally` keeps each request (16 bytes) until a run has held ``COMPACT_AFTER`` of them, then folds
what it holds into one `Sketch` per endpoint, and every further million requests likewise. A sketch keeps:

- count, mean, standard deviation, min and max: exact (running sums, Welford-free: float64 sums of values and
  squares about the first value, which stay accurate for latencies);
- percentiles from a histogram with bins 0.1 % wide (log-spaced, like DDSketch): p50, p90, p95 and p99 within
  0.1 % of the exact value;
- a seeded reservoir of ``RESERVOIR`` requests (Algorithm R), kept in the order they were seen, as the samples
  the rank test uses — the same size as the exact path keeps;
- requests and failures per second, for throughput and error-rate windows.

Memory is then set by the endpoints' latency range and the run's length in seconds, not by its requests.
"""

from __future__ import annotations

import math

import numpy as np

from perfgate.model import FloatArray, Summary, as_samples

RELATIVE_ERROR = 0.001  # a histogram bin's width, as a fraction of its value
_LOG_GAMMA = math.log1p(2 * RELATIVE_ERROR)  # bin i holds [g**i, g**(i+1)), g = 1 + 2 * error


class Sketch:
    def __init__(self, reservoir: int, seed: int) -> None:
        self.count = 0
        self._shift: float | None = None  # sums are taken about the first value: no cancellation
        self._sum = self._squares = 0.0
        self.min, self.max = math.inf, -math.inf
        self._zeros = 0  # values <= 0 (a latency of 0 ms), below every bin
        self._low: int | None = None  # index of the histogram's first bin
        self._bins = np.zeros(0, dtype=np.int64)
        self._size = reservoir
        self._rng = np.random.default_rng(seed)
        self._order = np.zeros(0, dtype=np.int64)  # arrival number of each kept request
        self._kept = np.zeros(0, dtype=np.float64)
        self.origin: int | None = None  # the first second with a timed request
        self.sent = np.zeros(0, dtype=np.int64)  # requests sent in each second from ``origin``
        self.failed_at = np.zeros(0, dtype=np.int64)  # failures sent in each second from ``origin``
        self.first_sent, self.last_sent = math.inf, -math.inf
        self.timed = 0  # requests with a send time

    def add(self, values: FloatArray) -> None:
        """Requests' latencies, in the order they were seen."""
        if not values.size:
            return
        if self._shift is None:
            self._shift = float(values[0])
        centred = values - self._shift
        self._sum += float(np.sum(centred))
        self._squares += float(np.dot(centred, centred))
        self.min, self.max = min(self.min, float(values.min())), max(self.max, float(values.max()))
        positive = values[values > 0]
        self._zeros += values.size - positive.size
        if positive.size:
            self._count_bins(np.floor(np.log(positive) / _LOG_GAMMA).astype(np.int64))
        self._sample(values)
        self.count += values.size

    def _count_bins(self, index: np.ndarray) -> None:
        low, high = int(index.min()), int(index.max())
        if self._low is None:
            self._low, self._bins = low, np.zeros(high - low + 1, dtype=np.int64)
        if low < self._low:
            self._bins = np.concatenate([np.zeros(self._low - low, dtype=np.int64), self._bins])
            self._low = low
        if high - self._low + 1 > self._bins.size:
            self._bins = np.concatenate([self._bins, np.zeros(high - self._low + 1 - self._bins.size, np.int64)])
        self._bins += np.bincount(index - self._low, minlength=self._bins.size)

    def _sample(self, values: FloatArray) -> None:
        """Algorithm R over the requests seen so far, batch by batch: request n (from 0) replaces a random kept
        one with probability size / (n + 1)."""
        order = np.arange(self.count, self.count + values.size, dtype=np.int64)
        room = self._size - self._kept.size
        if room > 0:
            self._order = np.concatenate([self._order, order[:room]])
            self._kept = np.concatenate([self._kept, values[:room]])
            order, values = order[room:], values[room:]
        if not values.size:
            return
        taken = self._rng.random(values.size) < self._size / (order + 1)
        slots = self._rng.integers(0, self._size, int(taken.sum()))
        self._order[slots] = order[taken]  # a slot drawn twice keeps the later request, as one at a time would
        self._kept[slots] = values[taken]

    def add_times(self, sent: FloatArray) -> None:
        """Send times (seconds since the epoch) of requests."""
        if sent.size:
            self.timed += sent.size
            self.first_sent = min(self.first_sent, float(sent.min()))
            self.last_sent = max(self.last_sent, float(sent.max()))
            self.sent = self._per_second(self.sent, sent)

    def add_failures(self, at: FloatArray) -> None:
        """Send times of failed requests."""
        if at.size:
            self.failed_at = self._per_second(self.failed_at, at)

    def _per_second(self, counts: np.ndarray, times: FloatArray) -> np.ndarray:
        seconds = np.floor(times).astype(np.int64)
        first = int(seconds.min())
        if self.origin is None:
            self.origin = first
        if first < self.origin:  # an earlier second: both tallies grow at the front
            grow = self.origin - first
            self.sent = np.concatenate([np.zeros(grow, np.int64), self.sent])
            self.failed_at = np.concatenate([np.zeros(grow, np.int64), self.failed_at])
            counts = np.concatenate([np.zeros(grow, np.int64), counts])
            self.origin = first
        offset = seconds - self.origin
        size = max(counts.size, int(offset.max()) + 1)
        return _grown(counts, size) + np.bincount(offset, minlength=size)

    def summary(self) -> Summary:
        mean = self._sum / self.count
        variance = (self._squares - self.count * mean**2) / (self.count - 1) if self.count > 1 else 0.0
        p50, p90, p95, p99 = (self._quantile(q) for q in (0.5, 0.9, 0.95, 0.99))
        return Summary(
            count=self.count,
            mean=mean + (self._shift or 0.0),
            stddev=math.sqrt(max(variance, 0.0)),
            min=self.min,
            median=p50,
            p90=p90,
            p95=p95,
            p99=p99,
            max=self.max,
        )

    def _quantile(self, q: float) -> float:
        """The value at rank q·(n-1) (numpy's default), as the middle of its bin, clipped to [min, max]."""
        rank = q * (self.count - 1)
        if rank < self._zeros:
            return min(max(0.0, self.min), self.max)
        cumulative = np.cumsum(self._bins)
        i = int(np.searchsorted(cumulative, rank - self._zeros, side="right"))
        assert self._low is not None
        value = math.exp((self._low + i + 0.5) * _LOG_GAMMA)
        return min(max(value, self.min), self.max)

    def samples(self) -> FloatArray:
        """The kept requests, in the order they were seen."""
        return as_samples(self._kept[np.argsort(self._order, kind="stable")])

    def per_window(self, edges: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Requests and failures sent in each window between ``edges``: a second that straddles an edge is shared
        between its two windows in proportion (its requests are taken as spread evenly over it)."""
        assert self.origin is not None
        origin, windows = self.origin, edges.size - 1

        def rebin(counts: np.ndarray) -> FloatArray:
            starts = origin + np.arange(counts.size, dtype=np.float64)
            first = np.clip(np.searchsorted(edges, starts, side="right") - 1, 0, windows - 1)
            edge = edges[np.minimum(first + 1, windows)]
            inside = np.clip(edge - starts, 0.0, 1.0)  # the part of the second before the next edge
            inside[first == windows - 1] = 1.0
            spread = np.bincount(first, weights=counts * inside, minlength=windows)
            spread += np.bincount(np.minimum(first + 1, windows - 1), weights=counts * (1 - inside), minlength=windows)
            return spread.astype(np.float64)

        return rebin(self.sent), rebin(self.failed_at)


def _grown(counts: np.ndarray, size: int) -> np.ndarray:
    return counts if counts.size == size else np.concatenate([counts, np.zeros(size - counts.size, np.int64)])

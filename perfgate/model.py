"""The values that flow through perfgate: runs of series of measurements."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


class Direction(enum.StrEnum):
    """Which way is better for a metric."""

    LOWER_IS_BETTER = "lower"
    HIGHER_IS_BETTER = "higher"


class SampleKind(enum.StrEnum):
    """What one sample stands for; it decides how samples may be compared."""

    REPETITION = "repetition"  # one round/repetition of a microbenchmark (itself an average)
    REQUEST = "request"  # one request or command run of a load test
    WINDOW = "window"  # one statistic per time window of a load test
    SUMMARY_ONLY = "summary-only"  # the tool gave statistics, not samples
    EXACT = "exact"  # a count the tool measures without noise (instructions under valgrind): one value is enough


@dataclass(frozen=True)
class Summary:
    """Statistics of a series in its canonical unit; ``None`` where the source does not say."""

    count: int
    mean: float | None = None
    stddev: float | None = None
    min: float | None = None
    median: float | None = None
    p90: float | None = None
    p95: float | None = None
    p99: float | None = None
    max: float | None = None
    # The tool's own confidence interval of the median in this run, at MEDIAN_INTERVAL_LEVEL, when it computes
    # one (asv): how sure the run itself is of its median. The gate weighs each run by it (docs/statistics.md).
    median_low: float | None = None
    median_high: float | None = None
    errors: int | None = None

    @classmethod
    def of(cls, samples: FloatArray) -> Summary:
        """Exact statistics of a sample array (non-empty); an overflow shows as inf, which readers refuse."""
        with np.errstate(over="ignore", invalid="ignore"):
            p50, p90, p95, p99 = np.percentile(samples, [50, 90, 95, 99])
            return cls(
                count=int(samples.size),
                mean=float(np.mean(samples)),
                stddev=float(np.std(samples, ddof=1)) if samples.size > 1 else 0.0,
                min=float(np.min(samples)),
                median=float(p50),
                p90=float(p90),
                p95=float(p95),
                p99=float(p99),
                max=float(np.max(samples)),
            )


SUMMARY_FIELDS = tuple(f.name for f in fields(Summary))


def astuple_summary(summary: Summary) -> tuple[int | float | None, ...]:
    """The summary's values in SUMMARY_FIELDS' order (dataclasses.astuple copies each value deeply: slower)."""
    d = summary.__dict__
    return tuple(d[f] for f in SUMMARY_FIELDS)


def as_samples(values: object) -> FloatArray:
    """A read-only float64 copy, so a sample array shared between values cannot change under them."""
    array = np.array(values, dtype=np.float64)
    array.setflags(write=False)
    return array


MEDIAN_INTERVAL_LEVEL = 0.99  # of Summary.median_low/median_high: asv's; a reader converts any other level


@dataclass(frozen=True)
class Series:
    """One named thing measured in a run, and one metric of it.

    ``samples`` is empty for summary-only series; ``summary`` is always present.
    """

    name: str
    metric: str
    unit: str
    direction: Direction
    kind: SampleKind
    summary: Summary
    samples: FloatArray = field(default_factory=lambda: as_samples([]), compare=False, repr=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.name, self.metric)

    def values(self) -> FloatArray:
        """The values a comparison uses: the samples, or the one summary value when there are none."""
        if self.samples.size:
            return self.samples
        centre = self.summary.median if self.summary.median is not None else self.summary.mean
        return as_samples([] if centre is None else [centre])


@dataclass(frozen=True)
class SeriesColumns:
    """A run's series as columns, each sample array already encoded (perfgate/codec.py): what an import hands
    the store. An export of 2,000 series a run is a million series; a column of each field costs a fraction of
    building a Series and a Summary for every one of them."""

    names: tuple[str, ...]
    metrics: tuple[str, ...]
    units: tuple[str, ...]
    directions: tuple[str, ...]  # Direction values
    kinds: tuple[str, ...]  # SampleKind values
    summaries: tuple[tuple[int | float | None, ...], ...]  # one column per Summary field, in its order
    samples: tuple[bytes | None, ...]

    @classmethod
    def of(cls, series: Sequence[Series], samples: Sequence[bytes | None]) -> SeriesColumns:
        """The columns of these series, with their samples as encoded."""
        summaries = [astuple_summary(s.summary) for s in series]
        return cls(
            names=tuple(s.name for s in series),
            metrics=tuple(s.metric for s in series),
            units=tuple(s.unit for s in series),
            directions=tuple(s.direction.value for s in series),
            kinds=tuple(s.kind.value for s in series),
            summaries=tuple(zip(*summaries, strict=True)) if summaries else ((),) * len(SUMMARY_FIELDS),
            samples=tuple(samples),
        )

    def __post_init__(self) -> None:
        lengths = {len(c) for c in (self.metrics, self.units, self.directions, self.kinds, *self.summaries)}
        if lengths | {len(self.samples)} != {len(self.names)} or len(self.summaries) != len(SUMMARY_FIELDS):
            raise ValueError("columns of different lengths")

    def __len__(self) -> int:
        return len(self.names)


@dataclass(frozen=True)
class Environment:
    """Where a run was measured; any field may be unknown."""

    runner: str | None = None
    cpu: str | None = None
    os: str | None = None
    interpreter: str | None = None
    tool: str | None = None
    tool_version: str | None = None

    def as_pairs(self) -> tuple[tuple[str, str], ...]:
        return tuple((k, v) for k, v in vars(self).items() if v is not None)


@dataclass(frozen=True)
class ParsedResults:
    """What a format module reads out of one file, before perfgate adds where it came from."""

    source: str
    format: str
    series: tuple[Series, ...]
    environment: Environment = Environment()
    recorded_at: datetime | None = None
    commit: str | None = None
    sha256: str = ""  # of the file's bytes (hex): the default idempotency key is built from it
    failures: tuple[tuple[str, str], ...] = ()  # (benchmark, message) for benchmarks the tool says failed
    notes: tuple[str, ...] = ()  # what the tool itself concluded, e.g. a k6 threshold that failed


@dataclass(frozen=True)
class Run:
    """One recorded run of a suite: the unit of history."""

    suite: str
    branch: str
    commit: str
    recorded_at: datetime
    source_format: str
    idempotency_key: str
    series: tuple[Series, ...]
    environment: Environment = Environment()
    pr_number: int | None = None
    merge_base: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class RunRef:
    """How a report names one run it used: a file, or a stored run with its commit."""

    label: str
    commit: str | None = None
    recorded_at: datetime | None = None
    run_id: int | None = None


@dataclass(frozen=True)
class RunHeader:
    """A stored run without its series: enough to choose a baseline."""

    id: int
    commit: str
    recorded_at: datetime
    environment: Environment = Environment()


@dataclass(frozen=True)
class Pruned:
    """What `perfgate prune` dropped: raw samples of this many series of this many runs, in bytes."""

    runs: int
    series: int
    bytes: int


@dataclass(frozen=True)
class RunListing:
    """A stored run as `perfgate runs list` shows it: what it was recorded as, and how many series it holds."""

    id: int
    suite: str
    branch: str
    commit: str
    recorded_at: datetime
    source_format: str
    series: int
    idempotency_key: str
    environment: Environment = Environment()
    pr_number: int | None = None
    merge_base: str | None = None


@dataclass(frozen=True)
class RunSelection:
    """Which stored runs `perfgate runs` acts on: every condition given must hold (an empty one selects every run).

    ``ids`` names runs; the other fields filter, and with ``ids`` they are a guard each named run must pass.
    ``commit`` is a prefix; ``since`` is inclusive and ``until`` exclusive, so consecutive days do not overlap."""

    ids: tuple[int, ...] = ()
    suite: str | None = None
    branch: str | None = None
    commit: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    @property
    def empty(self) -> bool:
        return not self.ids and all(v is None for v in (self.suite, self.branch, self.commit, self.since, self.until))


@dataclass(frozen=True)
class DeletedRuns:
    """What `perfgate runs delete` removed (or, with ``done`` false, would remove or refused to).

    ``absent``: named ids with no run; ``unmatched``: named runs that fail the selection's filters. Either one
    non-empty means nothing was deleted."""

    runs: tuple[RunListing, ...]
    absent: tuple[int, ...] = ()
    unmatched: tuple[RunListing, ...] = ()
    done: bool = False

    @property
    def series(self) -> int:
        return sum(r.series for r in self.runs)


@dataclass(frozen=True)
class Origin:
    """Where a report was made (a CI job), so that a later step can post it for the right commit."""

    repository: str | None = None
    pr_number: int | None = None
    head_sha: str | None = None
    run_url: str | None = None


@dataclass(frozen=True)
class SeriesDecision:
    """What the gate said of one series that failed or was waived: kept with the pull request's decision."""

    name: str
    metric: str | None  # None in decisions kept before the metric was (a name's every metric then matches)
    verdict: str  # the series' verdict: "regression", "budget-exceeded" or "waived"
    reason: str

    @property
    def waived(self) -> bool:
        return self.verdict == "waived"

    def about(self, name: str, metric: str) -> bool:
        return self.name == name and self.metric in (None, metric)


@dataclass(frozen=True)
class GateDecision:
    """What the gate decided for one pull request's run: kept so the weekly digest and the site can show it."""

    suite: str
    head_commit: str
    recorded_at: datetime
    verdict: str  # "fail", "neutral" or "pass"
    series: int
    decided: tuple[SeriesDecision, ...] = ()  # the failing and the waived series, in the report's order
    pr_number: int | None = None
    base_commit: str | None = None
    run_url: str | None = None

    @property
    def failing(self) -> tuple[str, ...]:
        """ "name: reason" of each failing series, as the digest lists them."""
        return tuple(f"{d.name}: {d.reason}" for d in self.decided if not d.waived)

    @property
    def waived(self) -> tuple[str, ...]:
        """ "name: reason" of each waived series."""
        return tuple(f"{d.name}: {d.reason}" for d in self.decided if d.waived)


@dataclass(frozen=True)
class MergedPull:
    """A pull request merged in a window of commits: what an alert lists as the likely cause."""

    number: int
    title: str
    url: str
    author: str | None


@dataclass(frozen=True)
class Window:
    """The commits after ``base`` up to ``head``, and the pull requests that brought them."""

    commits: int
    pulls: tuple[MergedPull, ...]
    looked_at: int  # commits whose pull requests were asked for (the newest ones, at most the limit)

"""Whole histories kept by another tool, read as runs with their own commits and dates: what `perfgate import`
takes besides perfgate's own export.

- github-action-benchmark's ``data.js`` (its gh-pages data file, ``window.BENCHMARK_DATA = {...}``) or the same
  object as plain JSON (its ``external-data-json-path``): `gab_data`;
- an asv ``results/`` directory (``benchmarks.json``, one folder per machine with ``machine.json`` and one results
  file per commit and environment, API version 1 or 2): `asv_results`;
- Bencher's perf query (its REST API's ``/v0/projects/{project}/perf`` JSON): `bencher_perf`.

Each history is split into named sets (a data.js entry: the Action's ``name``; asv: ``machine/environment``;
Bencher: the testbed), the unit that becomes one perfgate suite.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from perfgate.model import ParsedResults


@dataclass(frozen=True)
class PeerRun:
    """One run of another tool's history."""

    set_name: str  # the data.js entry or asv's machine/environment: the default suite
    commit: str
    recorded_at: datetime  # data.js: when the Action ran; asv: the commit's date (asv's order)
    source_key: str  # unique within the tool's history, stable across exports of it: the idempotency key's seed
    results: ParsedResults  # its source: the file the run is in (the data.js, or the asv results file)
    where: str = ""  # the run's key path in that file, when the file holds many runs: 'entries["Go"][3]'
    branch: str | None = None  # the branch, when the tool records it (Bencher); None: the branch imported to


@dataclass(frozen=True)
class PeerHistory:
    source: str
    tool: str  # as a person calls the format, for messages
    runs: tuple[PeerRun, ...]

    @property
    def sets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.set_name for r in self.runs))


DATA_JS_PREFIX = "window.BENCHMARK_DATA"


def read_history(path: str) -> PeerHistory | None:
    """The history at ``path`` if it is one a peer keeps, else None (perfgate's own export, or not a history)."""
    from perfgate.formats.peers import asv_results, bencher_perf, gab_data

    if Path(path).is_dir():
        return asv_results.read(path)
    return gab_data.read(path) or bencher_perf.read(path)

"""Reports and results files the renderer tests share: every verdict in one report, and hostile results files
run through the real command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from perfgate.gate.evaluate import evaluate
from perfgate.gate.pooling import Side
from perfgate.gate.report import Report
from perfgate.gate.settings import Settings
from perfgate.model import Direction, RunRef, SampleKind, Series, Summary

from ..builders import sampled
from ..conftest import EXAMPLES

BASE = str(EXAMPLES / "pytest-benchmark" / "base.json")


def mixed_report() -> Report:
    """Every verdict at once, names with Markdown and mentions in them, several metrics."""
    rng = np.random.default_rng(21)

    s = sampled

    summary_only = Series(
        "cold start", "time", "s", Direction.LOWER_IS_BETTER, SampleKind.SUMMARY_ONLY, Summary(1, median=2.5)
    )
    base = (
        s("GET /api/search|v2 @team", rng.lognormal(np.log(0.120), 0.02, 30)),
        s(
            "orders <b>",
            rng.lognormal(np.log(500), 0.02, 30),
            Direction.HIGHER_IS_BETTER,
            "throughput",
            "1/s",
        ),
        s("parse #12", rng.lognormal(np.log(1e-6), 0.02, 30)),
        s("flaky", np.array([1.0, 1.3, 0.8, 1.1, 0.9]) * 1e-3),
        s("removed", rng.lognormal(np.log(2e-3), 0.02, 10)),
        summary_only,
    )
    head = (
        s("GET /api/search|v2 @team", rng.lognormal(np.log(0.150), 0.02, 30)),
        s(
            "orders <b>",
            rng.lognormal(np.log(600), 0.02, 30),
            Direction.HIGHER_IS_BETTER,
            "throughput",
            "1/s",
        ),
        s("parse #12", rng.lognormal(np.log(1e-6), 0.02, 30)),
        s("flaky", np.array([1.2, 1.0, 1.4, 0.95, 1.3]) * 1e-3),
        s("added", rng.lognormal(np.log(3e-3), 0.02, 10)),
        Series(
            "cold start",
            "time",
            "s",
            Direction.LOWER_IS_BETTER,
            SampleKind.SUMMARY_ONLY,
            Summary(1, median=2.7),
        ),
    )
    return evaluate(
        Side((RunRef("main@abc (run 3)", "abc"),), (base,)), Side((RunRef("pr.json"),), (head,)), Settings()
    )


def run_perfgate(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m perfgate ARGS`` as a CI step runs it: its own process, no PERFGATE_ or GITHUB_ variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PERFGATE_", "GITHUB_"))}
    return subprocess.run(
        [sys.executable, "-m", "perfgate", *args],
        cwd=cwd,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def write_file(tmp_path: Path, name: str, content: str | bytes) -> str:
    """A results file with exactly these bytes (lone surrogates included); its path."""
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content)
    return str(path)


def pytest_benchmark(**changes: object) -> str:
    """The example pytest-benchmark file with its first benchmark's fields changed."""
    raw = json.loads(Path(BASE).read_text())
    raw["benchmarks"][0].update(changes)
    return json.dumps(raw)

"""One perfgate command as a user runs it: its own process, timed, with its peak memory (the site's and the
digest's benchmarks share this)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    seconds: float
    cpu: float  # user + system seconds: steadier than the wall clock on a shared machine
    rss_mb: float  # the process' peak resident memory


def run_perfgate(args: list[str], *, cwd: Path, perfgate: Path) -> Measured:
    """Run ``python -m perfgate ARGS`` from ``perfgate`` (a checkout: compare two by running each) in ``cwd``."""
    env = {**os.environ, "PYTHONPATH": str(perfgate)}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "perfgate", *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)  # this child's own rusage, not every child's maximum
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"perfgate {' '.join(args)} exited {process.returncode}:\n{output.decode(errors='replace')}")
    return Measured(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)  # ru_maxrss is in kB on Linux


def tree_size(path: Path) -> tuple[int, int]:
    """Bytes and files under ``path``."""
    files = [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)

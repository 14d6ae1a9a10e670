"""The git repository at hand, if any: merge-bases and ancestry for choosing a baseline.

An edge of the program (it runs git), used by app only. Every function returns None when git or the
repository is not available, so perfgate works the same outside a checkout, just with less to go on.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

ANCESTRY_DEPTH = 1000


def _git(cwd: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def merge_base(cwd: Path, branch: str) -> str | None:
    """The merge-base of HEAD with the main branch (local, else origin's)."""
    for ref in (branch, f"origin/{branch}"):
        found = _git(cwd, "merge-base", "HEAD", ref)
        if found:
            return found
    return None


def is_shallow(cwd: Path) -> bool:
    """Whether the checkout holds only part of the history (actions/checkout's default fetch-depth of 1)."""
    return _git(cwd, "rev-parse", "--is-shallow-repository") == "true"


def ancestors(cwd: Path, commit: str, depth: int = ANCESTRY_DEPTH) -> list[str] | None:
    """``commit`` and its ancestors, newest first, at most ``depth`` of them (first-parent order)."""
    out = _git(cwd, "rev-list", "--first-parent", f"--max-count={depth}", commit)
    return out.splitlines() if out else None

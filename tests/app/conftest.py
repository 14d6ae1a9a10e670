"""A GitHub Actions job's environment, as the runner gives it, for the Action's use cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import DATA, EXAMPLES

BASE = str(EXAMPLES / "pytest-benchmark" / "base.json")
HEAD = str(EXAMPLES / "pytest-benchmark" / "head.json")
EVENTS = DATA / "github-events"


@pytest.fixture
def job_environ(tmp_path: Path) -> dict[str, str]:
    """A pull request's job (no token: nothing is posted); set GITHUB_EVENT_NAME and _PATH for another event."""
    return {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(EVENTS / "pull_request.json"),
        "GITHUB_REPOSITORY": "acme/shop",
        "GITHUB_SHA": "9" * 40,
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_RUN_ID": "42",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_OUTPUT": str(tmp_path / "outputs.txt"),
    }

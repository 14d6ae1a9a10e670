"""Real git repositories for the harness's tests and perfgate run's: a main branch with a base and a head commit."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

Files = dict[str, str]


def user_env() -> dict[str, str]:
    """The environment a user's shell would give: none of this test run's own PERFGATE_, GIT_ or PYTEST_ settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PERFGATE_", "GIT_", "PYTEST_"))}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
        env=user_env(),
    )
    return done.stdout.strip()


def commit(repo: Path, files: Files, message: str) -> str:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(textwrap.dedent(text))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def make_repo(where: Path, base: Files, head: Files) -> tuple[Path, str, str]:
    """A repository on main with two commits: the base's files, then the head's."""
    where.mkdir()
    git(where, "init", "-q", "-b", "main")
    return where, commit(where, base, "base"), commit(where, head, "head")


def worktrees(repo: Path) -> list[str]:
    return [line for line in git(repo, "worktree", "list", "--porcelain").splitlines() if line.startswith("worktree")]


def needs(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not installed (the CI script installs them)")

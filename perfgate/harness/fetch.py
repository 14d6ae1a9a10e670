"""The history a shallow clone lacks, fetched: the base commit of a pull request, or the previous commit of a push,
and enough of HEAD's history to find their merge-base (``actions/checkout`` fetches one commit by default).

A token, when given, reaches git through its environment (``GIT_CONFIG_COUNT``/``KEY``/``VALUE``: an
``http.extraheader`` for this one command), never through its arguments, so it shows in no process list, no log
and no ``.git/config``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from pathlib import Path

from perfgate.errors import RepositoryError
from perfgate.harness.git import UNSHALLOW, commit_of, git, is_shallow

REMOTE = "origin"
DEEPENING = (1, 10, 100, 1000)  # commits added per try below the shallow boundary: most PRs need the first


def fetch_parent(cwd: Path, head: str, env: Mapping[str, str], token: str | None) -> str:
    """``head``'s first parent, fetched when the clone is shallow (a push to main: the previous commit)."""
    parent = commit_of(cwd, f"{head}~1")
    if parent is None and is_shallow(cwd):
        _fetch(cwd, env, token, "--deepen=1", head)
        parent = commit_of(cwd, f"{head}~1")
    if parent is None:
        first = not is_shallow(cwd)  # deepened and still no parent: the repository's first commit
        fix = "nothing to compare with yet: the next push compares with this commit" if first else UNSHALLOW
        raise RepositoryError(f"the commit {head[:12]} has no parent commit here", fix=fix)
    return parent


def fetch_merge_base(cwd: Path, head: str, tip: str, env: Mapping[str, str], token: str | None) -> str:
    """The merge-base of ``head`` and ``tip`` (a pull request's base branch as the event saw it). ``tip`` is fetched
    when it is not here; in a shallow clone both histories are then deepened until their merge-base is here."""
    found = _merge_base(cwd, head, tip)
    if found is not None:
        return found
    shallow = is_shallow(cwd)
    if commit_of(cwd, tip) is None:
        _fetch(cwd, env, token, "--depth=1" if shallow else None, tip)  # a full clone stays full
        found = _merge_base(cwd, head, tip)
    if found is None and shallow:
        for deepen in DEEPENING:
            _fetch(cwd, env, token, f"--deepen={deepen}", tip, head)
            found = _merge_base(cwd, head, tip)
            if found is not None:
                break
    if found is None:
        raise RepositoryError(f"{head[:12]} and the base {tip[:12]} have no common commit here", fix=UNSHALLOW)
    return found


def _merge_base(cwd: Path, head: str, tip: str) -> str | None:
    if commit_of(cwd, tip) is None:
        return None
    done = git(cwd, "merge-base", head, tip)
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def _fetch(cwd: Path, env: Mapping[str, str], token: str | None, depth: str | None, *commits: str) -> None:
    how = (depth,) if depth else ()
    args = ("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", *how, REMOTE, *commits)
    done = git(cwd, *args, env=with_token(cwd, env, token))
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()[-1:] or ["no message"]
        raise RepositoryError(
            f"cannot fetch {', '.join(c[:12] for c in commits)} from {REMOTE} (`git {' '.join(args[: -len(commits)])}`): "
            f"{said[0]}",
            fix="give the job `contents: read` and the github-token input, or check out with `fetch-depth: 0`",
        )


def with_token(cwd: Path, env: Mapping[str, str], token: str | None) -> dict[str, str]:
    """``env`` for git, plus the token as an HTTP header, unless git already has credentials configured (what
    actions/checkout leaves with persist-credentials: true; a second Authorization header would be refused)."""
    out = {**env, "GIT_TERMINAL_PROMPT": "0"}
    if not token or _has_extraheader(cwd, env):
        return out
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    index = int(out.get("GIT_CONFIG_COUNT") or 0)
    out.update(
        {
            "GIT_CONFIG_COUNT": str(index + 1),
            f"GIT_CONFIG_KEY_{index}": "http.extraheader",
            f"GIT_CONFIG_VALUE_{index}": f"AUTHORIZATION: basic {basic}",
        }
    )
    return out


def _has_extraheader(cwd: Path, env: Mapping[str, str]) -> bool:
    done = git(cwd, "config", "--get-regexp", r"^http\..*extraheader$", env=env)
    return done.returncode == 0 and bool(done.stdout.strip())

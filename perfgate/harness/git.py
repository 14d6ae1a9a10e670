"""The two sides in the repository: which commit is the base, and whether the head (the working tree) differs from
its commit. Unlike ``perfgate.vcs``, which lets a comparison go on without git, these answers are required: every
problem is a RepositoryError that says how to fix it."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from perfgate.errors import RepositoryError

GIT_TIMEOUT = 120  # seconds; a `git worktree add` of a large repository writes every file
UNSHALLOW = "fetch the history: `git fetch --unshallow` (in GitHub Actions, `fetch-depth: 0` in actions/checkout)"


def git(cwd: Path, *args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run git (in ``env``, else perfgate's own environment); its exit status is the caller's to judge. No git at
    all is a RepositoryError."""
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            env=dict(env) if env is not None else None,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise RepositoryError("git is not installed", fix="perfgate run checks the base out with git") from None
    except subprocess.TimeoutExpired:
        raise RepositoryError(f"`git {' '.join(args)}` took more than {GIT_TIMEOUT} s") from None


def _out(cwd: Path, *args: str) -> str | None:
    done = git(cwd, *args)
    return done.stdout.strip() if done.returncode == 0 else None


def root(cwd: Path) -> Path:
    """The top of the working tree that holds ``cwd``."""
    found = _out(cwd, "rev-parse", "--show-toplevel")
    if not found:
        raise RepositoryError(
            f"{cwd} is not inside a git repository", fix="perfgate run compares the working tree with a commit"
        )
    return Path(found)


def commit_of(cwd: Path, ref: str) -> str | None:
    """A ref's full object name, or None when it names no commit here."""
    return _out(cwd, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")


def is_shallow(cwd: Path) -> bool:
    """Whether the clone's history was cut (a shallow checkout)."""
    return _out(cwd, "rev-parse", "--is-shallow-repository") == "true"


def exclude(cwd: Path, pattern: str) -> None:
    """Add ``pattern`` to the repository's own ignore list (``.git/info/exclude``: never committed, unlike
    .gitignore), once: files a tool keeps in the tree are then no uncommitted change of the head."""
    found = _out(cwd, "rev-parse", "--path-format=absolute", "--git-path", "info/exclude")
    if not found:
        raise RepositoryError(f"{cwd} is not inside a git repository")
    path = Path(found)
    existing = path.read_text(encoding="utf-8") if path.is_file() else ""
    if pattern in existing.splitlines():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(("" if not existing or existing.endswith("\n") else "\n") + pattern + "\n")


def head_commit(cwd: Path) -> str:
    """The commit the working tree is on (the head's, when it has no uncommitted changes)."""
    commit = commit_of(cwd, "HEAD")
    if commit is None:
        raise RepositoryError("the repository has no commit yet", fix="commit the code to compare with first")
    return commit


@dataclass(frozen=True)
class Base:
    """The commit the head is compared with, and how it was chosen (for the report)."""

    commit: str  # the full object name
    chosen: str  # "v1.2 (--base)", "the merge-base of HEAD and origin/main", "HEAD~1 (HEAD is on main)"


def resolve_base(cwd: Path, ref: str | None, main_branch: str) -> Base:
    """``ref`` when given; else the merge-base of HEAD with the main branch (local, else a remote's), and when HEAD is
    on the main branch already (the merge-base is HEAD itself), its parent ``HEAD~1``."""
    root(cwd)
    if ref is not None:
        commit = commit_of(cwd, ref)
        if commit is None:
            fix = UNSHALLOW if is_shallow(cwd) else f"check its spelling, or fetch it (`git fetch origin {ref}`)"
            raise RepositoryError(f"the base {ref!r} is not a commit of this repository", fix=fix)
        return Base(commit, f"{ref} (--base)")
    head = head_commit(cwd)
    main = _main_ref(cwd, main_branch)
    found = _out(cwd, "merge-base", "HEAD", main)
    if not found:
        fix = UNSHALLOW if is_shallow(cwd) else "pass the base with --base REF"
        raise RepositoryError(f"HEAD and {main} have no common commit", fix=fix)
    if found != head:
        return Base(found, f"the merge-base of HEAD and {main}")
    parent = commit_of(cwd, "HEAD~1")
    if parent is None:
        fix = UNSHALLOW if is_shallow(cwd) else "pass the base with --base REF"
        raise RepositoryError(f"HEAD is on {main} and has no parent commit here", fix=fix)
    return Base(parent, f"HEAD~1 (HEAD is on {main})")


def _main_ref(cwd: Path, branch: str) -> str:
    """The main branch as a ref that exists here: the local branch, else origin's, else another remote's."""
    remotes = (_out(cwd, "remote") or "").split()
    remotes.sort(key=lambda name: (name != "origin", name != "upstream", name))
    for candidate in (branch, *(f"{remote}/{branch}" for remote in remotes)):
        full = f"refs/heads/{branch}" if candidate == branch else f"refs/remotes/{candidate}"
        if commit_of(cwd, full) is not None:
            return candidate
    if commit_of(cwd, branch) is not None:  # a ref spelled in full ("origin/main", "refs/...")
        return branch
    tried = ", ".join([branch, *(f"{remote}/{branch}" for remote in remotes)])
    fix = f"fetch it (`git fetch origin {branch}`), pass the base with --base REF, or name the main branch in the settings"
    raise RepositoryError(f"cannot find the main branch {branch!r} here to choose the base (tried {tried})", fix=fix)


@dataclass(frozen=True)
class Changes:
    """How the working tree differs from HEAD: the report says when the head is not a commit."""

    changed: tuple[str, ...]  # tracked paths modified, added, deleted or renamed (staged or not)
    untracked: tuple[str, ...]  # new files not ignored by .gitignore

    def __bool__(self) -> bool:
        return bool(self.changed or self.untracked)


def changes(cwd: Path, *, ignoring: tuple[str, ...] = ()) -> Changes:
    """The working tree's uncommitted changes, leaving out ``ignoring`` (paths relative to ``cwd``: a results file
    from an earlier run is not a change to the code). Ask before the set-up, which adds build outputs."""
    top = root(cwd)
    done = git(cwd, "status", "--porcelain=v1", "-z", "--untracked-files=all")
    if done.returncode != 0:
        raise RepositoryError(f"`git status` failed: {done.stderr.strip()}")
    skip = {(cwd / path).resolve() for path in ignoring}
    changed: list[str] = []
    untracked: list[str] = []
    entries = iter(done.stdout.split("\0"))
    for entry in entries:
        if len(entry) < 4:
            continue
        status, path = entry[:2], entry[3:]
        if status[0] in "RC":
            next(entries, None)  # a rename's or copy's source path follows
        if (top / path).resolve() in skip:
            continue
        (untracked if status == "??" else changed).append(path)
    return Changes(tuple(changed), tuple(untracked))

"""The base checked out beside the user's tree, for as long as the rounds run: a detached ``git worktree`` in a
temporary directory, removed afterwards whatever happens (an error, Ctrl-C, SIGTERM, a closed terminal). The user's
tree is never touched: no checkout, no stash, no change to the index."""

from __future__ import annotations

import contextlib
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Literal

from perfgate.errors import RepositoryError
from perfgate.harness import git

Side = Literal["base", "head"]
SIDES: tuple[Side, Side] = ("base", "head")


@dataclass(frozen=True)
class Trees:
    """Where each side's commands run: the same directory, relative to the top of the repository, in each tree."""

    base: Path  # in the temporary worktree
    head: Path  # the user's working tree (the current directory)

    def of(self, side: Side) -> Path:
        return self.base if side == "base" else self.head


class Terminated(SystemExit):
    """SIGTERM or SIGHUP arrived: unwinds like an exception, so the worktree is removed, then exits 128 + signal."""


_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def checkout(cwd: Path, commit: str) -> Iterator[Trees]:
    """Check ``commit`` out as a temporary detached worktree; yield the trees with ``cwd``'s place in each."""
    top = git.root(cwd)
    place = cwd.resolve().relative_to(top.resolve())
    folder = Path(tempfile.mkdtemp(prefix="perfgate-base-"))
    tree = folder / top.name  # the repository's own name: tools that show or use it see the same one
    with _terminations_unwind():
        try:
            added = git.git(top, "worktree", "add", "--detach", "--quiet", str(tree), commit)
            if added.returncode != 0:
                raise RepositoryError(f"cannot check the base {commit[:12]} out: {added.stderr.strip()}")
            base = tree / place
            if not base.is_dir():
                raise RepositoryError(f"the directory {place} does not exist at the base {commit[:12]}")
            yield Trees(base=base, head=cwd)
        finally:
            with _signals_held():
                _remove(top, tree, folder)


def _remove(top: Path, tree: Path, folder: Path) -> None:
    """``git worktree remove`` (forced: the rounds leave build outputs); should git refuse, the files go and git is
    asked again, which it allows once the directory is gone; prune only if even that failed."""
    removed = git.git(top, "worktree", "remove", "--force", "--force", str(tree)).returncode == 0
    shutil.rmtree(folder, ignore_errors=True)
    if not removed and git.git(top, "worktree", "remove", "--force", "--force", str(tree)).returncode != 0:
        git.git(top, "worktree", "prune")


@contextlib.contextmanager
def _terminations_unwind() -> Iterator[None]:
    """SIGTERM and SIGHUP raise Terminated while the worktree exists (Python's default would exit at once and leave
    it behind); Ctrl-C already raises KeyboardInterrupt. Signals can only be caught on the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def unwind(number: int, frame: FrameType | None) -> None:
        raise Terminated(128 + number)

    previous = {number: signal.signal(number, unwind) for number in _SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP wait while the worktree is removed (a second Ctrl-C must not leave it half gone)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    numbers = {signal.SIGINT, *_SIGNALS}
    signal.pthread_sigmask(signal.SIG_BLOCK, numbers)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, numbers)

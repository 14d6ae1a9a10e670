"""One error hierarchy; only the command line turns these into messages and exit codes."""

from __future__ import annotations

import errno
import os
from pathlib import Path


class PerfgateError(Exception):
    """Base of every error perfgate reports to its user."""

    exit_code = 3


class InputError(PerfgateError):
    """A results file that cannot be read: names the file and, where known, the line or key."""

    def __init__(self, source: str, problem: str, *, where: str | None = None) -> None:
        self.source = source
        self.where = where
        self.problem = problem
        location = f"{source}:{where}" if where else source
        super().__init__(f"{location}: {problem}")


class ConfigError(PerfgateError):
    """Bad configuration or option values (a malformed percentage, an unknown setting)."""


class StoreError(PerfgateError):
    """The history database cannot be used as it is (unreachable, wrong schema version)."""


class UsageError(PerfgateError):
    """The command was called in a way that cannot work (e.g. nothing to compare)."""

    exit_code = 2


class DeliveryError(PerfgateError):
    """A report could not be delivered (GitHub, SMTP). The gate's verdict does not depend on it."""

    def __init__(self, message: str, *, read_only: bool = False) -> None:
        self.read_only = read_only  # the token may not write here (a fork's pull request)
        super().__init__(message)


class NoBaseline(PerfgateError):
    """Nothing to compare with: no runs of the baseline branch are recorded (a typo, a new setup, a lost cache).

    The command line exits 3; the GitHub Action turns it into a neutral check that says so."""

    def __init__(self, problem: str, *, fix: str) -> None:
        self.problem = problem  # what is missing
        self.fix = fix  # what to do about it, in words (it may end with a command: no full stop after it)
        super().__init__(f"nothing was compared: {problem}. {fix}")


class RepositoryError(PerfgateError):
    """The git repository cannot give what a command needs (not a repository, an unknown ref, a shallow clone).

    ``fix`` says what to do about it, in words (fetch the history, name another ref)."""

    def __init__(self, problem: str, *, fix: str = "") -> None:
        self.problem = problem
        self.fix = fix
        super().__init__(f"{problem}. {fix}" if fix else problem)


class CommandFailed(PerfgateError):
    """A command perfgate ran for its user (``perfgate run``'s set-up or one of its rounds) failed: the message names
    the side and the round, the command, what went wrong, and the last lines it printed."""

    def __init__(
        self, step: str, command: str, problem: str, *, tail: str = "", side: str, round: int | None = None
    ) -> None:
        self.step = step  # "base round 3", "head warm-up", "set-up of base"
        self.command = command
        self.problem = problem
        self.tail = tail
        self.side = side
        self.round = round  # None for the set-up; 0 for the warm-up
        message = f"{step}: `{command}` {problem}"
        super().__init__(f"{message}; it printed at the end:\n{tail}" if tail else message)


def os_problem(path: str | Path, exc: OSError) -> str:
    """What an OSError on ``path`` means, in words: a name too long for the file system says which part is."""
    if exc.errno == errno.ENAMETOOLONG:
        longest = max((len(os.fsencode(part)) for part in Path(path).parts), default=0)
        if longest > 255:
            return f"the name is too long for the file system (a part of it is {longest:,} bytes; most allow 255)"
        return f"the path is too long for the file system ({len(os.fsencode(path)):,} bytes)"
    return str(exc.strerror or exc)

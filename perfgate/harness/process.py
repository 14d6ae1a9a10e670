"""One command run in one tree: its ``{filter}`` placeholder filled, its output kept, its failure told.

A command is an argument list (run as it is) or one string (run by ``/bin/sh -c``). It runs in a process group of
its own with no standard input, so that when perfgate is interrupted the whole group — a shell and what it started
— is killed before the worktree goes, and nothing waits for a key.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from perfgate import limits

Command = str | tuple[str, ...]

# `{filter}`, or `{filter:DEFAULT}`: the pattern of the series to run; without one, DEFAULT (or MATCH_ALL).
PLACEHOLDER = re.compile(r"\{filter(?::([^{}]*))?\}")
MATCH_ALL = ".*"


def as_command(argv: Sequence[str]) -> Command:
    """The command of ``perfgate run -- ARG...``: one argument with a space in it is a shell command line
    (``-- 'go test -bench . | tee out.txt'``); anything else an argument list run without a shell."""
    if len(argv) == 1 and any(character.isspace() for character in argv[0]):
        return argv[0]
    return tuple(argv)


def filled(command: Command, pattern: str | None) -> Command:
    """``command`` with each placeholder replaced by ``pattern``, or by the placeholder's default. In a shell command
    line the text is quoted, so ``.*`` is never a glob and an empty default stays an argument."""

    def text(match: re.Match[str]) -> str:
        value = pattern if pattern is not None else (match[1] if match[1] is not None else MATCH_ALL)
        return shlex.quote(value) if isinstance(command, str) else value

    if isinstance(command, str):
        return PLACEHOLDER.sub(text, command)
    return tuple(PLACEHOLDER.sub(text, argument) for argument in command)


def takes_filter(command: Command) -> bool:
    """Whether ``command`` has a ``{filter}`` placeholder: whether some of its benchmarks can be run alone."""
    arguments = (command,) if isinstance(command, str) else command
    return any(PLACEHOLDER.search(argument) for argument in arguments)


def shown(command: Command) -> str:
    """The command as a person would type it, for messages."""
    return command if isinstance(command, str) else shlex.join(command)


@dataclass(frozen=True)
class Finished:
    """What a command did: its exit status (negative: killed by that signal), its output and how long it took."""

    returncode: int
    stdout: bytes
    stderr: bytes  # empty when merged into stdout
    seconds: float


def run(
    command: Command,
    cwd: Path,
    env: Mapping[str, str],
    *,
    merge_output: bool = False,
    clock: Callable[[], float] = time.monotonic,
) -> Finished | OSError:
    """Run ``command`` to its end in ``cwd``; an OSError when it cannot start (no such program). If perfgate is
    interrupted meanwhile (Ctrl-C, SIGTERM), the command's process group is killed and the exception goes on."""
    argv = ["/bin/sh", "-c", command] if isinstance(command, str) else list(command)
    started = clock()
    try:
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env={**env, "PWD": str(cwd)},  # a shell trusts PWD when it names the directory it starts in
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merge_output else subprocess.PIPE,
            process_group=0,
        )
    except OSError as exc:
        return exc
    with process:
        try:
            stdout, stderr = process.communicate()
        except BaseException:
            _kill_group(process)
            raise
    return Finished(process.returncode, stdout, stderr or b"", clock() - started)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def tail(output: bytes) -> str:
    """The last lines of a command's output, indented, for an error message."""
    lines = output.decode("utf-8", "replace").rstrip().splitlines()[-limits.FAILURE_TAIL_LINES :]
    cap = limits.FAILURE_TAIL_LINE_CHARS
    return "\n".join("    " + (line if len(line) <= cap else line[:cap] + " …") for line in lines)


def exit_problem(returncode: int) -> str:
    """A non-zero exit status in words."""
    if returncode < 0:
        with contextlib.suppress(ValueError):
            return f"was killed by {signal.Signals(-returncode).name}"
        return f"was killed by signal {-returncode}"
    return f"exited with status {returncode}"

"""The one place that writes an output file: atomically, so a failure never leaves half a report behind."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from perfgate.errors import InputError, os_problem


def write_output(path: Path, text: str | bytes) -> None:
    """Write a report atomically: a failure never leaves a half-written file behind; one the file system refuses
    (no permission, a name too long) is an InputError naming the path."""
    try:
        _write(path, text)
    except OSError as exc:
        raise InputError(str(path), f"cannot be written: {os_problem(path, exc)}") from None


@contextmanager
def streamed_output(path: Path) -> Iterator[TextIO]:
    """A text file written as it goes and put in place only once whole (an export of any size): a failure
    leaves no half-written file behind, as ``write_output``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise InputError(str(path), f"cannot be written: {os_problem(path, exc)}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as handle:
            yield handle
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(str(path), f"cannot be written: {os_problem(path, exc)}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Not mkstemp: its files are 0600; created with 0666 the umask gives a report the usual permissions.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise

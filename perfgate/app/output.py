"""The one place that writes an output file: atomically, so a failure never leaves half a report behind."""

from __future__ import annotations

import os
from pathlib import Path

from perfgate.errors import InputError, os_problem


def write_output(path: Path, text: str | bytes) -> None:
    """Write a report atomically: a failure never leaves a half-written file behind; one the file system refuses
    (no permission, a name too long) is an InputError naming the path."""
    try:
        _write(path, text)
    except OSError as exc:
        raise InputError(str(path), f"cannot be written: {os_problem(path, exc)}") from None


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

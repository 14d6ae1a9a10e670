"""Results files in: globs expanded, every file parsed before anything is stored or compared, ``-`` read
from standard input."""

from __future__ import annotations

import glob
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from perfgate import formats, progress
from perfgate.errors import InputError, UsageError
from perfgate.model import ParsedResults

STDIN = "-"  # a file argument that means: read standard input
STDIN_LABEL = "<stdin>"


def expand(patterns: Sequence[str]) -> list[str]:
    """File names for paths and globs, in a stable order; a pattern matching nothing is an error."""
    paths: list[str] = []
    for pattern in patterns:
        if glob.has_magic(pattern):
            matches = sorted(glob.glob(pattern, recursive=True))
            if not matches:
                raise InputError(pattern, "no files match this pattern")
            paths.extend(matches)
        else:
            paths.append(pattern)
    return list(dict.fromkeys(paths))


def read_all(
    paths: Sequence[str], format_name: str | None, stdin: BinaryIO | None = None, *, sha256: bool = True
) -> list[ParsedResults]:
    """Parse every file before anything is stored or compared, so one bad file stops the whole job.
    ``-`` reads ``stdin`` (at most once: a stream cannot be read twice). Without ``sha256``, the results are
    for comparing only: they have no file hash to key a stored run with."""
    stdin_once(paths)
    parsed = []
    for p in paths:
        parsed.append(
            _read_stdin(stdin, format_name, sha256) if p == STDIN else formats.read(p, format_name, sha256=sha256)
        )
        progress.files_done(len(parsed), len(paths))
    return parsed


def stdin_once(paths: Sequence[str]) -> None:
    """A stream cannot be read twice: '-' may stand for one file of a command, not two."""
    if list(paths).count(STDIN) > 1:
        raise UsageError("'-' (standard input) can be given only once")


def _read_stdin(stdin: BinaryIO | None, format_name: str | None, sha256: bool) -> ParsedResults:
    """Standard input, spooled to a temporary file: format detection and streaming readers need a file."""
    if stdin is None:
        raise UsageError("'-' (standard input) is not available here")
    with tempfile.TemporaryDirectory(prefix="perfgate-") as folder:
        spooled = Path(folder, "stdin")
        with open(spooled, "wb") as handle:
            shutil.copyfileobj(stdin, handle, 1024 * 1024)
        try:
            return replace(formats.read(spooled, format_name, sha256=sha256), source=STDIN_LABEL)
        except InputError as exc:
            raise InputError(STDIN_LABEL, exc.problem, where=exc.where) from None

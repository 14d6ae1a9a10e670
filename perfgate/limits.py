"""Every size, length and range perfgate enforces, in one place, with why (docs/formats.md and
docs/storage.md list them for users).

Input limits protect the job from hostile or broken files (a gzip bomb, a file with no newlines, a
histogram that claims 10^9 samples); storage limits are the columns' sizes, checked before anything is
written so SQLite and Postgres behave the same.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

# --- storage: the columns' sizes (perfgate/store/schema.py) -------------------------------------

MAX_SUITE = 200
MAX_BRANCH = 255
MAX_COMMIT = 64  # a SHA-256 commit id is 64 hex digits
MAX_KEY = 128
MAX_FORMAT = 64
MAX_METRIC = 100
MAX_UNIT = 50
MAX_NAME = 1000  # a series name; longer names are not a benchmark's name but a mistake
MAX_INTEGER = 2**31 - 1  # counts, error counts, pull-request numbers: Postgres INTEGER
MIN_YEAR, MAX_YEAR = 1970, 9999

# --- periods -----------------------------------------------------------------------------------

MAX_DAYS = 36_500  # --days of the digest and the site: a century is more history than any store holds

# --- input -------------------------------------------------------------------------------------

HEAD_BYTES = 64 * 1024  # what format detection reads of a file
MAX_SAMPLES = 10_000_000  # raw values of one stored series (80 MB of float64)
MAX_HISTOGRAM_SAMPLES = 1_000_000  # values expanded from a JMH `sample`-mode histogram; more are thinned evenly
SNIFF_JSON_BYTES = 64 * 1024 * 1024  # larger files are streamed formats: never parse them whole to sniff
DEFAULT_LINE_BYTES = 16 * 1024**2


@dataclass(frozen=True)
class InputLimits:
    """Limits a user may raise (``--max-input-size``, ``PERFGATE_MAX_INPUT_SIZE``) for unusual files."""

    document_bytes: int = 512 * 1024**2  # a file read whole (JSON): its decompressed size
    stream_bytes: int = 64 * 1024**3  # a streamed file (k6 NDJSON, JMeter, Gatling): its decompressed size
    line_bytes: int = DEFAULT_LINE_BYTES  # one line of a streamed file, one CSV field

    @classmethod
    def of_size(cls, size: int) -> InputLimits:
        """The limits for ``--max-input-size SIZE``: every file up to SIZE, lines up to SIZE/32 (≥ 16 MiB)."""
        return cls(document_bytes=size, stream_bytes=size, line_bytes=max(DEFAULT_LINE_BYTES, size // 32))


DEFAULT_INPUT = InputLimits()
RAISE_HINT = "raise the limit with --max-input-size (or PERFGATE_MAX_INPUT_SIZE) if the file is genuine"

# Set once by the command line (an edge) for the command it runs; readers look it up.
input_limits: contextvars.ContextVar[InputLimits] = contextvars.ContextVar("input_limits", default=DEFAULT_INPUT)


def text_ok(value: str) -> str | None:
    """Why ``value`` cannot be stored or shown as text, or None: NUL and lone surrogates are refused."""
    if "\x00" in value:
        return "contains a NUL character"
    if value.isascii():  # the usual case, and no surrogate is ASCII: no need to encode it
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone UTF-16 surrogate (not valid Unicode)"
    return None


# --- commands perfgate runs (perfgate run's set-up and rounds) -----------------------------------

FAILURE_TAIL_LINES = 20  # of a failed command's stderr, quoted in the error: enough for a compiler's message
FAILURE_TAIL_LINE_CHARS = 400  # a longer line is cut: a minified blob on stderr should not fill the terminal

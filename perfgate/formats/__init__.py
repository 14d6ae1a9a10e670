"""Input formats: a registry of readers, each chosen by sniffing the file's content.

A reader (one module per format, in readers/) exposes ``FORMAT``: its name, a one-line description, ``sniff``
(does this document look like mine?) and ``parse`` (document → ParsedResults, or InputError naming file and key).
Beside the registry are the modules readers share: the document, series building, request tallies, sketches,
the sanity check of what was read, and the near misses named when nothing matches.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from perfgate.errors import InputError
from perfgate.formats.document import Document
from perfgate.formats.sanity import checked
from perfgate.model import ParsedResults
from perfgate.suggest import did_you_mean

_DIGEST_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    yields: str
    sniff: Callable[[Document], bool]
    parse: Callable[[Document], ParsedResults]


# Most specific first: each sniffer looks for keys only its tool writes. Reader modules (and the attribute, where
# it is not FORMAT), imported as sniffing reaches them: a file's format is found without importing every reader.
_SNIFF_ORDER = (
    "k6_ndjson",  # streamed: must be sniffed before any format that parses the whole file
    "jmeter",  # streamed (CSV or XML)
    "locust",
    "gatling",
    "perfgate_json",
    "pytest_benchmark",
    "google_benchmark",
    "hyperfine",
    "jmh",
    "benchmarkdotnet",
    "criterion",
    "go_bench",
    "libtest",
    "iai",
    "wrk",
    "vegeta",
    "artillery",
    "asv",
    "catch2",
    "benchmarkjs",
    "julia",
    "pyperf",
    "vitest",
    "k6_summary",
    "jmeter_statistics",
    "bencher",
    "github_action_benchmark:SMALLER_IS_BETTER",
    "github_action_benchmark:BIGGER_IS_BETTER",
)


def _formats() -> Iterator[Format]:
    for entry in _SNIFF_ORDER:
        module, _, attribute = entry.partition(":")
        found: Format = getattr(importlib.import_module(f"perfgate.formats.readers.{module}"), attribute or "FORMAT")
        yield found


def _registry() -> tuple[Format, ...]:
    return tuple(_formats())


def all_formats() -> tuple[Format, ...]:
    return _registry()


def by_name(name: str) -> Format:
    for fmt in _registry():
        if fmt.name == name:
            return fmt
    names = [f.name for f in _registry()]
    hint = did_you_mean(name, names)
    raise InputError("--format", f"unknown format {name!r}.{hint} Known formats: {', '.join(names)}")


@dataclass(frozen=True)
class Detection:
    """Which format a file was read as, and whether it was sniffed or named by the user."""

    format: Format
    sniffed: bool


def detect(doc: Document) -> Detection:
    """The one format whose sniffer accepts the document; an error that says what the file looked like."""
    if not doc.is_dir and not doc.head.strip():
        raise InputError(doc.path, "the file is empty, expected benchmark results")
    # Formats are ordered most specific first (streamed formats before any that parse the whole file);
    # the custom-JSON pair share a shape on purpose.
    found = next((fmt for fmt in _formats() if fmt.sniff(doc)), None)
    if found is not None:
        return Detection(found, sniffed=True)
    if doc.looks_like_json():
        doc.json()  # a JSON syntax error, with its line and column, is the better message
    known = ", ".join(f.name for f in _registry())
    if doc.is_dir:
        raise InputError(
            doc.path,
            f"is a directory with no results perfgate reads (criterion's target/criterion is one); known formats: {known}",
        )
    from perfgate.formats.near_misses import closest_tool

    if (hint := closest_tool(doc)) is not None:
        raise InputError(doc.path, f"unrecognised results: this looks like {hint}")
    raise InputError(doc.path, f"unrecognised results: {describe(doc)}; known formats: {known}")


def describe(doc: Document) -> str:
    """A short account of what a document looks like, for 'unknown format' errors."""
    value = doc.json_or_none()
    if isinstance(value, dict):
        keys = ", ".join(list(value)[:8])
        return f"a JSON object with keys [{keys}]" if keys else "an empty JSON object"
    if isinstance(value, list):
        return f"a JSON list of {len(value)} item(s)"
    if value is not None:
        return f"a JSON {type(value).__name__}"
    first = doc.head.lstrip()[:40].decode("utf-8", "replace").splitlines()[0:1]
    return f"text starting {first[0]!r}" if first else "no text"


def read(path: str | Path, format_name: str | None = None, *, sha256: bool = True) -> ParsedResults:
    """Read one results file, sniffing its format unless ``format_name`` is given. ``sha256``: the sha256 of the
    file, which keys a stored run; a comparison that stores nothing is spared reading the file again for it."""
    # os.path's checks are False for a name the file system refuses (too long): Document.open says why.
    if not os.path.exists(path) and os.path.isfile(f"{path}_stats.csv"):
        path = f"{path}_stats.csv"  # a Locust --csv PREFIX
    doc = Document.open(path)
    # A format that reads several files (criterion) sets its own sha256 over all of them.
    hashing = _FileHash(doc.path) if sha256 and not doc.is_dir else None
    try:
        results = _parsed(doc, format_name)
    except BaseException:
        if hashing is not None:
            hashing.cancel()
        raise
    return checked(replace(results, sha256=results.sha256 or (hashing.result() if hashing is not None else "")))


def read_bytes(data: bytes, source: str, *, name: str = "stdout", format_name: str | None = None) -> ParsedResults:
    """Read results a command printed or wrote (a round of ``perfgate run``) as a file named ``name`` would be read
    (some formats are known by the file's name); ``source`` names them in the results and in errors."""
    with tempfile.TemporaryDirectory(prefix="perfgate-") as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(data)
        try:
            results = read(path, format_name, sha256=False)
        except InputError as exc:
            raise InputError(source, exc.problem, where=exc.where) from None
    return replace(results, source=source, sha256=results.sha256 or hashlib.sha256(data).hexdigest())


def _parsed(doc: Document, format_name: str | None) -> ParsedResults:
    try:
        fmt = by_name(format_name) if format_name else detect(doc).format
        results = fmt.parse(doc)
    except InputError:
        raise
    except Exception as exc:  # a reader's bug: say which file it was reading when the CLI reports it
        exc.add_note(f"reading {doc.path}" + (f" as {format_name}" if format_name else ""))
        raise
    if not results.series:
        if results.failures:
            names = ", ".join(name for name, _ in results.failures[:5])
            raise InputError(doc.path, f"every benchmark failed or was skipped ({fmt.name}): {names}")
        raise InputError(doc.path, f"no benchmarks found ({fmt.name}): the results list is empty")
    return results


class _FileHash:
    """The sha256 of a file as stored, hashed on another thread while the file is parsed: hashlib lets go of the
    GIL while it hashes, so where there is a second core the hash costs no time (it was 10 % of reading a
    large load-test log)."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._cancelled = threading.Event()
        self._hex: str | None = None
        self._error: OSError | None = None
        self._thread = threading.Thread(target=self._run, name="perfgate-sha256", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        sha = hashlib.sha256()
        try:
            with open(self._path, "rb") as handle:  # in chunks: never all of it in memory
                while (chunk := handle.read(_DIGEST_CHUNK)) and not self._cancelled.is_set():
                    sha.update(chunk)
        except OSError as exc:
            self._error = exc
        self._hex = sha.hexdigest()

    def result(self) -> str:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._hex is not None and not self._cancelled.is_set()
        return self._hex

    def cancel(self) -> None:
        """The file's reading failed: the hash is not needed."""
        self._cancelled.set()

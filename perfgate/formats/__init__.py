"""Input formats: a registry of readers, each chosen by sniffing the file's content.

A format module exposes ``FORMAT``: its name, a one-line description, ``sniff`` (does this document
look like mine?) and ``parse`` (document → ParsedResults, or InputError naming file and key).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from perfgate.errors import InputError
from perfgate.formats.document import Document
from perfgate.formats.sanity import checked
from perfgate.model import ParsedResults


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    yields: str
    sniff: Callable[[Document], bool]
    parse: Callable[[Document], ParsedResults]


def _registry() -> tuple[Format, ...]:
    # Imported here so each format module can import Format from this package.
    from perfgate.formats import (
        artillery,
        asv,
        bencher,
        benchmarkdotnet,
        benchmarkjs,
        catch2,
        criterion,
        gatling,
        github_action_benchmark,
        go_bench,
        google_benchmark,
        hyperfine,
        iai,
        jmeter,
        jmeter_statistics,
        jmh,
        julia,
        k6_ndjson,
        k6_summary,
        libtest,
        locust,
        perfgate_json,
        pyperf,
        pytest_benchmark,
        vegeta,
        vitest,
        wrk,
    )

    # Most specific first: each sniffer looks for keys only its tool writes.
    return (
        k6_ndjson.FORMAT,  # streamed: must be sniffed before any format that parses the whole file
        jmeter.FORMAT,  # streamed (CSV or XML)
        locust.FORMAT,
        gatling.FORMAT,
        perfgate_json.FORMAT,
        pytest_benchmark.FORMAT,
        google_benchmark.FORMAT,
        hyperfine.FORMAT,
        jmh.FORMAT,
        benchmarkdotnet.FORMAT,
        criterion.FORMAT,
        go_bench.FORMAT,
        libtest.FORMAT,
        iai.FORMAT,
        wrk.FORMAT,
        vegeta.FORMAT,
        artillery.FORMAT,
        asv.FORMAT,
        catch2.FORMAT,
        benchmarkjs.FORMAT,
        julia.FORMAT,
        pyperf.FORMAT,
        vitest.FORMAT,
        k6_summary.FORMAT,
        jmeter_statistics.FORMAT,
        bencher.FORMAT,
        github_action_benchmark.SMALLER_IS_BETTER,
        github_action_benchmark.BIGGER_IS_BETTER,
    )


def all_formats() -> tuple[Format, ...]:
    return _registry()


def by_name(name: str) -> Format:
    for fmt in _registry():
        if fmt.name == name:
            return fmt
    known = ", ".join(f.name for f in _registry())
    raise InputError("--format", f"unknown format {name!r}; known formats: {known}")


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
    found = next((fmt for fmt in _registry() if fmt.sniff(doc)), None)
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


def read(path: str | Path, format_name: str | None = None, *, digest: bool = True) -> ParsedResults:
    """Read one results file, sniffing its format unless ``format_name`` is given. ``digest``: the sha256 of the
    file, which keys a stored run; a comparison that stores nothing is spared reading the file again for it."""
    if not Path(path).exists() and Path(f"{path}_stats.csv").is_file():
        path = f"{path}_stats.csv"  # a Locust --csv PREFIX
    doc = Document.open(path)
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
    # A format that reads several files (criterion) sets its own digest over all of them.
    return checked(replace(results, digest=results.digest or (_digest(doc) if digest else "")))


def _digest(doc: Document) -> str:
    with open(doc.path, "rb") as handle:  # the file as stored, in chunks: never all of it in memory
        return hashlib.file_digest(handle, "sha256").hexdigest()

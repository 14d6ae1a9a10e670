"""A pattern of some benchmarks' names in the filter syntax of the tool that wrote them: what ``perfgate run
--confirm`` puts in COMMAND's ``{filter}`` to run only the series still in doubt (docs/run.md has the table).

A pattern may select more than the names given (pytest's ``-k`` matches substrings, Go's ``-bench`` matches each
level of a sub-benchmark's name on its own): the caller keeps only the series it asked for. When the tool cannot
select the names at all, there is no pattern (None) and the placeholder takes its default, which runs everything.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_METACHARACTERS = re.compile(r"([\\.^$|?*+()\[\]{}])")
# A pytest -k identifier (pytest's own grammar): letters, digits, _ : + - . [ ] \ /
_PYTEST_IDENT = re.compile(r"[\w:+\-.\[\]\\/]+")
_PYTEST_KEYWORDS = frozenset({"or", "and", "not", "true", "false", "none"})


def pattern(format_name: str, names: Sequence[str]) -> str | None:
    """The pattern that selects ``names`` (series names as perfgate read them from ``format_name``'s results), or
    None when that tool cannot be told (hyperfine, several libtest names)."""
    names = list(dict.fromkeys(names))
    if not names:
        return None
    if format_name == "go-bench":
        return _go(names)
    if format_name == "pytest-benchmark":
        return _pytest(names)
    if format_name == "hyperfine":
        return None  # no filter: every command runs again
    if format_name == "libtest":
        # libtest's #[bench] filter is a substring, criterion's (whose bencher output is read as libtest) a regular
        # expression: one name without metacharacters means the same to both.
        return names[0] if len(names) == 1 and not _METACHARACTERS.search(names[0]) else None
    return _anchored(names)  # Google Benchmark, criterion, and any tool whose filter is a regular expression


def escape(text: str) -> str:
    """``text`` as a regular expression that matches it literally, in the syntax that RE2 (Go, Google Benchmark),
    Rust's regex, ECMAScript and POSIX extended expressions share: only the metacharacters are escaped."""
    return _METACHARACTERS.sub(r"\\\1", text)


def _anchored(names: Sequence[str]) -> str:
    return "^(" + "|".join(escape(name) for name in names) + ")$"


def _go(names: Sequence[str]) -> str:
    """``go test -bench`` splits its expression on ``/`` and matches each level of a name with its own part
    (``^(BenchmarkA|BenchmarkB)$/^(small)$``). A name with fewer levels than the expression only runs its
    sub-benchmarks, so the expression has as many levels as the shallowest name."""
    levels = [_without_package(name).split("/") for name in names]
    depth = min(len(parts) for parts in levels)
    return "/".join(_anchored(list(dict.fromkeys(parts[level] for parts in levels))) for level in range(depth))


def _without_package(name: str) -> str:
    """``example.com/work.BenchmarkX/small`` (the same name in two packages) as ``BenchmarkX/small``: -bench
    matches the function's name, whatever its package."""
    if name.startswith("Benchmark") or ".Benchmark" not in name:
        return name
    return name[name.index(".Benchmark") + 1 :]


def _pytest(names: Sequence[str]) -> str | None:
    """A ``-k`` expression: the test names joined by ``or`` (a substring match, case-insensitive)."""
    idents = [name.rsplit("::", 1)[-1] for name in names]  # a fullname (two files, one test name): the test's
    if not all(_PYTEST_IDENT.fullmatch(ident) and ident.lower() not in _PYTEST_KEYWORDS for ident in idents):
        return None
    return " or ".join(dict.fromkeys(idents))

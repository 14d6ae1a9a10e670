"""Every reader on thousands of mutated real files: a clear InputError (exit 3) or sane results, never a crash.

Each file in tests/data is damaged by a seeded mutator and read, sniffed and with every format forced.
Whatever is read must also be comparable and storable: every number finite, every count in range.
And in every JSON format (a registered reader that reads no JSON is named in NOT_JSON), seeded changes to its real
files that no tool writes: an integer beyond a float and a key named twice, refused naming the key path (or the
line), and a negated number, refused or read with no negative time, size, rate or ratio.
Larger runs by hand, with another seed: PERFGATE_FUZZ_MUTATIONS=2000 PERFGATE_FUZZ_JSON_TRIES=100 PERFGATE_FUZZ_SEED=2
pytest tests/formats/test_fuzz.py
"""

from __future__ import annotations

import gzip
import json
import math
import os
import random
import resource
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from perfgate import formats
from perfgate.errors import InputError, PerfgateError
from perfgate.limits import MAX_INTEGER
from perfgate.model import ParsedResults

from ..conftest import DATA
from .fixture_files import REFUSED, expected_format, result_files
from .mutate import mutate_bytes, mutate_json

MUTATIONS_PER_FILE = int(os.environ.get("PERFGATE_FUZZ_MUTATIONS", "150"))
SEED = os.environ.get("PERFGATE_FUZZ_SEED", "")
FILES = sorted(
    p
    for p in DATA.rglob("*")
    if p.is_file() and p.name != "PROVENANCE.txt" and not {"github-events", "aa-reruns"} & set(p.parts)
)
FORMAT_NAMES = [f.name for f in formats.all_formats()]


def _original(path: Path) -> bytes:
    raw = path.read_bytes()
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


def _sane(results: ParsedResults) -> None:
    for series in results.series:
        assert all(math.isfinite(v) for v in series.samples), series.name
        for key, value in vars(series.summary).items():
            if value is not None:
                assert math.isfinite(value) and (key not in ("count", "errors") or 0 <= value <= MAX_INTEGER), key
        series.name.encode("utf-8")  # storable text


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_mutated_files_are_read_or_refused_never_crash(path: Path, tmp_path: Path) -> None:
    rng = random.Random(f"perfgate-fuzz{SEED}:{path.relative_to(DATA)}")
    original = _original(path)
    try:
        parsed = json.loads(original)
    except ValueError:
        parsed = None
    target = tmp_path / path.name
    outcomes = {"read": 0, "refused": 0}
    for n in range(MUTATIONS_PER_FILE):
        data = (
            mutate_json(json.loads(original), rng) if parsed is not None and n % 2 == 0 else mutate_bytes(original, rng)
        )
        target.write_bytes(data)
        forced = rng.choice(FORMAT_NAMES) if n % 3 == 0 else None
        try:
            _sane(formats.read(target, forced))
            outcomes["read"] += 1
        except PerfgateError:
            outcomes["refused"] += 1
        except Exception as exc:  # the test's point: name the mutation that crashed a reader
            kept = tmp_path / f"crash-{n}-{path.name}"
            kept.write_bytes(data)
            pytest.fail(
                f"{type(exc).__name__}: {exc} reading mutation {n} of {path.name} (format {forced}), kept as {kept}"
            )
    assert sum(outcomes.values()) == MUTATIONS_PER_FILE
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 2 * 1024 * 1024  # KiB: under 2 GiB


# --- numbers no tool writes, and keys named twice, in every JSON format ---------------------------------------------

# Formats that read no JSON (text, CSV, XML), with what they read: every other registered format is covered below.
NOT_JSON = {
    "wrk": "wrk's text summary",
    "jmeter": "JMeter's CSV or XML JTL",
    "benchmarkjs": "Benchmark.js's console lines",
    "catch2": "Catch2's console or XML reporter",
    "locust": "Locust's CSV files",
}
SAME_FILES = {"customBiggerIsBetter": "customSmallerIsBetter"}  # one shape, told apart by --format only
HUGE = ("1" * 5_000, "9" * 401)  # a plain ValueError from int(), and an OverflowError from float()
TRIES = int(os.environ.get("PERFGATE_FUZZ_JSON_TRIES", "8"))


def _json_targets() -> list[tuple[str, str, str]]:
    """(fixture, its format, how its JSON is laid out: a document, JSON lines, a directory of documents)."""
    targets = []
    for fixture in result_files():
        path, fmt = DATA / fixture, expected_format(fixture)
        if path.is_dir():
            targets.append((fixture, fmt, "directory"))
            continue
        if fixture in REFUSED:
            continue
        raw = _original(path)
        try:
            json.loads(raw)
            layout = "document"
        except ValueError:
            layout = "lines" if any(_json_line(line) is not None for line in raw.splitlines()) else ""
        if layout:
            targets += [(fixture, f, layout) for f in (fmt, *(k for k, v in SAME_FILES.items() if v == fmt))]
    return targets


def _json_line(line: bytes) -> object:
    try:
        return json.loads(line) if line.lstrip().startswith(b"{") else None
    except ValueError:
        return None


JSON_TARGETS = _json_targets()


def test_every_registered_format_is_fuzzed_with_impossible_json_or_reads_no_json() -> None:
    fuzzed = {fmt for _, fmt, _ in JSON_TARGETS}
    assert fuzzed | set(NOT_JSON) == set(FORMAT_NAMES), set(FORMAT_NAMES) - fuzzed - set(NOT_JSON)
    assert not fuzzed & set(NOT_JSON)


def _nodes(value: Any, path: str = "") -> Iterator[tuple[str, Any, Any, Any]]:
    """Every node below the top as (key path, parent, key, node), in the key path spelling of the errors."""
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, node in children:
        where = (f"{path}.{key}" if path else str(key)) if isinstance(value, dict) else f"{path}[{key}]"
        yield where, value, key, node
        yield from _nodes(node, where)


def _mutated(value: Any, kind: str, rng: random.Random, n: int) -> tuple[bytes, str] | None:
    """``value`` as JSON text with one impossible thing in it, and the key path an error must name; None when the
    document has no place for it (no number to negate)."""
    nodes = list(_nodes(value))
    marker = '"@@perfgate-fuzz@@"'
    if kind == "huge":
        where, parent, key, _ = rng.choice(nodes)
        parent[key] = marker[1:-1]
        return json.dumps(value).replace(marker, ("-" if n % 3 == 2 else "") + HUGE[n % 2]).encode(), where
    if kind == "repeated":
        objects = [("", None, None, value)] if isinstance(value, dict) and value else []
        objects += [node for node in nodes if isinstance(node[3], dict) and node[3]]
        if not objects:
            return None
        where, parent, key, obj = rng.choice(objects)
        name = rng.choice(list(obj))
        again = obj[name] * 2 if _is_number(obj[name]) else obj[name]
        text = json.dumps(obj)[:-1] + f", {json.dumps(name)}: {json.dumps(again)}}}"
        if parent is None:
            return text.encode(), name
        parent[key] = marker[1:-1]
        return json.dumps(value).replace(marker, text).encode(), f"{where}.{name}"
    numbers = [node for node in nodes if _is_number(node[3])]
    if not numbers:
        return None
    _, parent, key, number = rng.choice(numbers)
    parent[key] = -abs(number) or -1.5
    return json.dumps(value).encode(), ""


def _non_negative(results: ParsedResults) -> None:
    for series in results.series:
        if series.unit in ("s", "B", "1/s", "B/s", "ratio"):
            assert (series.samples >= 0).all(), series.key
            assert all(v is None or v >= 0 for v in vars(series.summary).values()), series.key


@pytest.mark.parametrize("kind", ["huge", "repeated", "negative"])
@pytest.mark.parametrize(("fixture", "fmt", "layout"), JSON_TARGETS, ids=lambda v: str(v))
def test_impossible_json_is_refused_naming_its_key(
    fixture: str, fmt: str, layout: str, kind: str, tmp_path: Path
) -> None:
    """An integer beyond a float (5,000 and 401 digits) and a key named twice anywhere in a JSON document are
    refused naming the key path; a negated number is refused or read with no negative time, size, rate or ratio.
    JSON lines and directories: the line or file changed may be one the reader skips, so each is refused (naming
    the line) or read sanely, and at least one of the tries is refused."""
    rng = random.Random(f"perfgate-json{SEED}:{fixture}:{fmt}:{kind}")
    refused = applied = 0
    for n in range(TRIES):
        target, changed, line = _json_copy(fixture, layout, tmp_path / str(n), rng, negate=kind == "negative")
        original = json.loads(changed.read_bytes().splitlines()[line - 1] if line else changed.read_bytes())
        mutation = _mutated(original, kind, rng, n)
        if mutation is None:
            continue  # this line or file holds no number to negate
        applied += 1
        text, where = mutation
        if line:
            lines = changed.read_bytes().splitlines()
            lines[line - 1] = text
            text = b"\n".join(lines) + b"\n"
        changed.write_bytes(text)
        try:
            results = formats.read(target, fmt)
        except PerfgateError as exc:
            refused += 1
            if kind != "negative":
                _assert_named(exc, where, layout, fmt, target if layout == "document" else changed, line)
            continue
        except Exception as exc:  # the test's point: name the change that crashed a reader
            pytest.fail(f"{type(exc).__name__}: {exc} reading {kind} try {n} of {fixture} as {fmt}: {where}")
        assert kind == "negative" or layout != "document", f"read {kind} at {where} of {fixture} as {fmt}"
        _sane(results)
        _non_negative(results)
    assert applied, f"no number to negate in {TRIES} tries"
    assert kind == "negative" or refused or (fmt, kind) in KEEPS_THE_LAST, f"no {kind} change in {fixture} was refused"


# k6's NDJSON lines are read by orjson, for speed (most are never parsed at all: their metric is read in place):
# it refuses an integer beyond a float itself, and keeps the last of two equal keys.
KEEPS_THE_LAST = {("k6-ndjson", "repeated")}


def _assert_named(exc: PerfgateError, where: str, layout: str, fmt: str, changed: Path, line: int) -> None:
    assert isinstance(exc, InputError) and exc.source == str(changed), str(exc)
    if line:
        assert (exc.where or "").split(":")[0] == str(line), str(exc)
        if fmt != "k6-ndjson":
            assert exc.problem.startswith(f"{where}: "), str(exc)
    else:
        assert exc.where == where, str(exc)


def _json_copy(fixture: str, layout: str, folder: Path, rng: random.Random, *, negate: bool) -> tuple[Path, Path, int]:
    """A copy of the fixture to read, the JSON file in it to change, and the line of it (0: the whole file)."""
    source = DATA / fixture
    if layout == "directory":
        shutil.copytree(source, folder)
        return folder, rng.choice(sorted(folder.rglob("*.json"))), 0
    folder.mkdir()
    target = folder / source.name.removesuffix(".gz")
    target.write_bytes(_original(source))
    if layout == "document":
        return target, target, 0
    lines = {i: _json_line(line) for i, line in enumerate(target.read_bytes().splitlines(), 1)}
    numbered = [i for i, value in lines.items() if value is not None]
    if negate:  # go test -json: most events hold no number
        numbered = [i for i in numbered if any(_is_number(node) for *_, node in _nodes(lines[i]))] or numbered
    return target, target, rng.choice(numbered)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)

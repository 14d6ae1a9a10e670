"""github-action-benchmark's history: ``data.js`` on its gh-pages branch (``window.BENCHMARK_DATA = {...}``),
or the same object as JSON (``external-data-json-path``).

``{"lastUpdate", "repoUrl", "entries": {NAME: [{"commit": {"id", "timestamp", ...}, "date", "tool", "benches":
[{"name", "value", "unit", "range"?, "extra"?}]}]}}``: one list of runs per benchmark set (the Action's ``name``
input). ``date`` (milliseconds since 1970) is when the Action ran, so it is the run's time; ``commit.id`` its
commit. Each run's ``benches`` are read as the custom JSON reader reads a file (repeated names become samples).

Which way is better: ``customBiggerIsBetter`` and ``customSmallerIsBetter`` say so; for every other tool the unit
decides, a rate (``ops/sec``, ``iter/sec``, ``ops/s``) being bigger-is-better and anything else smaller. That is
github-action-benchmark's own table except for ``jmh``, which it treats as smaller-is-better even in ops/s.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

from perfgate.formats.document import Document, loads_json, require
from perfgate.formats.peers import DATA_JS_PREFIX, PeerHistory, PeerRun
from perfgate.formats.readers.github_action_benchmark import series_of
from perfgate.model import Direction, Environment, ParsedResults

FORMAT = "github-action-benchmark"
_FIXED = {"customBiggerIsBetter": Direction.HIGHER_IS_BETTER, "customSmallerIsBetter": Direction.LOWER_IS_BETTER}


def read(path: str) -> PeerHistory | None:
    """The history in the file, or None when the file is not a data.js nor its JSON."""
    doc = Document.open(path)
    text = doc.head.decode("utf-8", errors="replace").lstrip()
    if text.startswith(DATA_JS_PREFIX):
        data = doc.data
        equals = data.find(b"=", data.find(DATA_JS_PREFIX.encode()))
        if equals < 0:
            raise doc.error("(top level)", f"expected '{DATA_JS_PREFIX} = {{...}}'")
        body = data[equals + 1 :].rstrip().removesuffix(b";")
        # The assignment is blanked, not cut (newlines kept), so that a JSON error's line and column are the file's.
        root = loads_json(re.sub(rb"[^\n]", b" ", data[: equals + 1]) + body, path)
    elif text.startswith("{") and '"entries"' in text and ('"lastUpdate"' in text or '"repoUrl"' in text):
        root = doc.json()
    else:
        return None
    return PeerHistory(path, "github-action-benchmark data.js", tuple(_runs(doc, root)))


def _runs(doc: Document, root: Any) -> list[PeerRun]:
    if not isinstance(root, dict):
        raise doc.error("(top level)", "expected an object with 'entries'")
    entries = require(doc, root, "entries", dict, "")
    if not entries:
        raise doc.error("entries", "no benchmark sets: there is nothing to import")
    runs = []
    for name, items in entries.items():
        where = f"entries[{json.dumps(name, ensure_ascii=False)}]"
        if not isinstance(items, list):
            raise doc.error(where, "expected a list of runs")
        for i, item in enumerate(items):
            runs.append(_run(doc, name, item, f"{where}[{i}]"))
    return runs


def _run(doc: Document, set_name: str, item: Any, where: str) -> PeerRun:
    if not isinstance(item, dict):
        raise doc.error(where, "expected a run: {commit, date, tool, benches}")
    commit = require(doc, require(doc, item, "commit", dict, where), "id", str, f"{where}.commit")
    if not commit.strip():
        raise doc.error(f"{where}.commit.id", "expected a commit id, got an empty string")
    millis = require(doc, item, "date", (int, float), where)
    try:
        when = datetime.fromtimestamp(millis / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        raise doc.error(f"{where}.date", f"expected milliseconds since 1970, got {millis!r}") from None
    tool = require(doc, item, "tool", str, where)
    benches = require(doc, item, "benches", list, where)
    if not benches:
        raise doc.error(f"{where}.benches", "the list is empty")
    series = series_of(doc, benches, f"{where}.benches", _FIXED.get(tool))
    seed = hashlib.sha256(f"{set_name}\0{commit}\0{millis!r}".encode()).hexdigest()
    environment = Environment(tool=f"github-action-benchmark ({tool})")
    results = ParsedResults(doc.path, f"{FORMAT}/{tool}"[:64], series, environment, when, commit)
    return PeerRun(set_name, commit, when, seed, results, where)

"""airspeed velocity's history: its ``results/`` directory.

``results/benchmarks.json`` (units, parameters), and per machine ``results/<machine>/machine.json`` (cpu, os,
...) with one results file per commit and environment, ``<commit>-<environment>.json``, API version 1 (asv
before 0.5) or 2. Each results file is one run, read by the asv reader; ``date`` there is the commit's date, the
order asv plots, so it is the run's time. Runs of one machine and environment form one set,
``<machine>/<environment>``: another environment or machine is another line on asv's graphs, and another suite
here. Where ``machine.json`` is missing, the results file's own ``params`` (asv copies the machine's there) say.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

from perfgate.errors import InputError
from perfgate.formats.document import Document
from perfgate.formats.peers import PeerHistory, PeerRun
from perfgate.formats.readers import asv
from perfgate.model import ParsedResults

_NOT_RESULTS = {"machine.json", "benchmarks.json"}


def read(path: str) -> PeerHistory:
    """Every results file under the directory (``results/``, or a folder holding ``results/``)."""
    root = Path(path)
    if not (root / "benchmarks.json").is_file() and (root / "results" / "benchmarks.json").is_file():
        root = root / "results"
    machines = sorted(p for p in root.iterdir() if p.is_dir()) if (root / "benchmarks.json").is_file() else []
    files = [(m, f) for m in machines for f in sorted(m.glob("*.json")) if f.name not in _NOT_RESULTS]
    if not files:
        raise InputError(
            path,
            "expected an asv results directory (benchmarks.json and a folder per machine of <commit>-<env>.json "
            "files), a github-action-benchmark data.js, or a perfgate export (.jsonl)",
        )
    described = {m: _machine(m) for m in machines}
    return PeerHistory(path, "asv results", tuple(_run(f, described[m]) for m, f in files))


def _machine(folder: Path) -> dict[str, Any]:
    """``machine.json``, or {} when absent; a malformed one is an error naming it."""
    path = folder / "machine.json"
    if not path.is_file():
        return {}
    doc = Document.open(path)
    value = doc.json()
    if not isinstance(value, dict):
        raise doc.error("(top level)", "expected an object (asv's machine description)")
    return value


def _run(path: Path, machine: dict[str, Any]) -> PeerRun:
    doc = Document.open(path)
    if not asv.sniff(doc):
        raise doc.error("(top level)", "expected an asv results file (commit_hash, results, version 1 or 2)")
    parsed = asv.parse(doc)
    root = doc.json()
    params = root.get("params") if isinstance(root.get("params"), dict) else {}
    facts = {**params, **machine}
    name = str(facts.get("machine") or path.parent.name)
    env_name = str(root.get("env_name") or path.stem.partition("-")[2] or "default")
    if not parsed.commit:
        raise doc.error("commit_hash", "expected the commit's id (a string)")
    if parsed.recorded_at is None:
        raise doc.error("date", "missing: asv's commit date (milliseconds since 1970) places the run in history")
    environment = dataclasses.replace(
        parsed.environment,
        runner=name,
        cpu=_text(facts.get("cpu")),
        os=_text(facts.get("os")),
        tool_version=f"results API {root.get('version')}",
    )
    results: ParsedResults = dataclasses.replace(parsed, environment=environment)
    set_name = f"{name}/{env_name}"
    seed = hashlib.sha256(json.dumps([name, env_name, parsed.commit]).encode()).hexdigest()
    return PeerRun(set_name, parsed.commit, parsed.recorded_at, seed, results)


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, str) and value else None

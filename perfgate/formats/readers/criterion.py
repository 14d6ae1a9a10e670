"""Rust criterion: ``target/criterion/<benchmark>/new/{benchmark,sample,estimates}.json``.

Give the ``target/criterion`` directory, one benchmark's directory, its ``new`` directory, or a file in
it. Each sample is ``times[i] / iters[i]`` (nanoseconds per iteration); the name is ``full_id`` from
``benchmark.json`` (directory names are sanitised, so never used). A declared throughput adds a
throughput metric per sample. ``base/`` (the previous run) and ``change/`` are ignored: perfgate keeps its
own history.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from perfgate.errors import InputError
from perfgate.formats import Format
from perfgate.formats.build import sampled
from perfgate.formats.document import Document, loads_json, require, timings
from perfgate.model import Environment, ParsedResults, Series

_FILES = ("benchmark.json", "sample.json", "estimates.json")


def _new_dirs(doc: Document) -> list[Path]:
    path = Path(doc.path)
    if not doc.is_dir:
        return [path.parent] if path.name in _FILES and (path.parent / "benchmark.json").is_file() else []
    if (path / "benchmark.json").is_file():
        return [path]
    return sorted(p.parent for p in path.rglob("new/benchmark.json"))


def sniff(doc: Document) -> bool:
    if doc.is_dir:
        return bool(_new_dirs(doc))
    value = doc.json_or_none()
    if not isinstance(value, dict):
        return False
    return bool(_new_dirs(doc)) and (
        {"iters", "times"} <= value.keys() or "full_id" in value or ("mean" in value and "median" in value)
    )


def parse(doc: Document) -> ParsedResults:
    directories = _new_dirs(doc)
    if not directories:
        raise InputError(doc.path, "no criterion results (expected new/benchmark.json and new/sample.json)")
    hashed = hashlib.sha256()
    series: list[Series] = []
    for directory in directories:
        benchmark = _load(directory / "benchmark.json", hashed)
        sample = _load(directory / "sample.json", hashed)
        source = Document(str(directory / "sample.json"), b"")
        name = require(source, benchmark, "full_id", str, "") if isinstance(benchmark, dict) else None
        if name is None:
            raise InputError(str(directory / "benchmark.json"), "expected an object with full_id")
        iters = timings(source, require(source, sample, "iters", list, ""), "iters", allow_zero=False)
        times = timings(source, require(source, sample, "times", list, ""), "times")
        if iters.size != times.size or iters.size == 0:
            raise InputError(
                source.path, f"iters ({iters.size}) and times ({times.size}) must be equally long and not empty"
            )
        per_iteration = (times / iters).tolist()
        series.append(sampled(name, "time", "ns", per_iteration))
        throughput = benchmark.get("throughput")
        if isinstance(throughput, dict) and len(throughput) == 1:
            kind, amount = next(iter(throughput.items()))
            unit = {"Bytes": "B/s", "BytesDecimal": "B/s", "Elements": "1/s", "Bits": "1/s"}.get(kind)
            if unit and isinstance(amount, int | float) and all(t > 0 for t in per_iteration):
                rates = [amount / (t * 1e-9) for t in per_iteration]
                metric = "throughput" if kind != "Bits" else "bits_per_second"
                series.append(sampled(name, metric, unit, rates))
    return ParsedResults(doc.path, FORMAT.name, tuple(series), Environment(tool="criterion"), sha256=hashed.hexdigest())


def _load(path: Path, hashed: Any) -> Any:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "missing: criterion writes it beside benchmark.json") from None
    hashed.update(data)
    return loads_json(data, str(path))


FORMAT = Format(
    name="criterion",
    description="Rust criterion results: target/criterion (a directory) or a benchmark's new/*.json",
    yields="time per iteration per sample (times/iters); throughput when declared",
    sniff=sniff,
    parse=parse,
)

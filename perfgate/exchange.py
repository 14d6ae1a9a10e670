"""Runs as versioned JSON Lines: the export/import format that moves history between databases.

One run per line, everything a run holds (samples included, exactly: the stored float64 bytes in one of
perfgate/codec.py's encodings, base64-encoded), so history can move from SQLite to Postgres or live on a git
branch. Export and import stream: one run in memory at a time; the samples go out and come in as stored.

Format history:
  1 — first version (samples zlib-compressed float64, codec tag 1).
  2 — samples in any of the codec's exact encodings (tags 1-5). Still read: 1.
"""

from __future__ import annotations

import binascii
import json
import math
import zlib
from collections.abc import Sequence
from dataclasses import fields, replace
from datetime import datetime
from typing import Any

from perfgate import codec, storable
from perfgate.errors import InputError
from perfgate.model import Direction, Environment, Run, SampleKind, Series, Summary, as_samples

VERSION = 2
READS = (1, 2)
_SUMMARY_FIELDS = ("count", "mean", "stddev", "min", "median", "p90", "p95", "p99", "max", "errors")
_NONE = as_samples([])
_DIRECTIONS = {d.value: d for d in Direction}
_KINDS = {k.value: k for k in SampleKind}
_NUMBERS = (int, float)  # exact types: a bool is neither
assert tuple(f.name for f in fields(Summary)) == _SUMMARY_FIELDS, "a line's summary is read in Summary's order"
_ENV_FIELDS = ("runner", "cpu", "os", "interpreter", "tool", "tool_version")


def dump(run: Run, samples: Sequence[bytes | None] | None = None) -> str:
    """One line of JSON (without the newline); ``samples``: the series' samples already encoded (as stored)."""
    blobs = samples if samples is not None else [codec.encode(s.samples) for s in run.series]
    document = {
        "perfgate_export": VERSION,
        "suite": run.suite,
        "branch": run.branch,
        "commit": run.commit,
        "pr_number": run.pr_number,
        "merge_base": run.merge_base,
        "recorded_at": run.recorded_at.isoformat(),
        "source_format": run.source_format,
        "idempotency_key": run.idempotency_key,
        "environment": dict(run.environment.as_pairs()),
        "series": [_series(s, blob) for s, blob in zip(run.series, blobs, strict=True)],
    }
    return json.dumps(document, separators=(",", ":"), allow_nan=False)


def _series(series: Series, blob: bytes | None) -> dict[str, Any]:
    return {
        "name": series.name,
        "metric": series.metric,
        "unit": series.unit,
        "direction": series.direction.value,
        "kind": series.kind.value,
        "summary": {k: getattr(series.summary, k) for k in _SUMMARY_FIELDS},
        "samples": binascii.b2a_base64(blob, newline=False).decode("ascii") if blob else None,
    }


def load(line: str, source: str, number: int) -> Run:
    """Parse one line; errors name the file, the line and the key."""
    return _load(line, source, number, decode=True)[0]


def load_encoded(line: str, source: str, number: int) -> tuple[Run, list[bytes | None]]:
    """Parse one line, checked as ``load`` checks it, but leave the samples encoded: the run's series have none,
    and the list holds each series' samples as stored (an import copies them; a version-1 line's, in the
    encoding perfgate no longer writes, are encoded again). All of a run's samples are checked at once, which
    at 2,000 series of 20 samples is most of the time ``load`` spends."""
    return _load(line, source, number, decode=False)


def _load(line: str, source: str, number: int, *, decode: bool) -> tuple[Run, list[bytes | None]]:
    where = str(number)
    try:
        doc = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(source, f"not valid JSON: {exc.msg} (column {exc.colno})", where=where) from None
    if not isinstance(doc, dict) or "perfgate_export" not in doc:
        raise InputError(source, "not a perfgate export line (no 'perfgate_export' key)", where=where)
    if doc["perfgate_export"] not in READS or isinstance(doc["perfgate_export"], bool):
        raise InputError(
            source,
            f"export version {doc['perfgate_export']!r}; this perfgate reads {' and '.join(map(str, READS))}",
            where=where,
        )
    blobs: list[bytes | None] = []
    try:
        run = Run(
            suite=_str(doc, "suite"),
            branch=_str(doc, "branch"),
            commit=_str(doc, "commit"),
            pr_number=_optional(doc, "pr_number", int, "a whole number"),
            merge_base=_optional(doc, "merge_base", str, "a commit id (a string)"),
            recorded_at=_time(doc),
            source_format=_str(doc, "source_format"),
            idempotency_key=_str(doc, "idempotency_key"),
            environment=_environment(doc),
            series=tuple(_load_series(s, i, blobs, decode) for i, s in enumerate(_list(doc, "series"))),
        )
    except _Bad as bad:
        raise InputError(source, bad.problem, where=f"{where}:{bad.key}") from None
    except InputError as bad:  # undecodable samples
        raise InputError(source, bad.problem, where=where) from None
    # What ingest checks too (perfgate.storable): SQLite must not take what Postgres would refuse.
    if problem := storable.run_problem(run):
        raise InputError(source, problem.message, where=f"{where}:{problem.key}")
    if not decode:
        signed = [storable.signed(s.unit) for s in run.series]
        if (index := codec.first_unstorable(blobs, signed)) is not None:  # say why, as load would
            try:
                values = codec.decode(blobs[index])
            except InputError as exc:
                raise InputError(source, exc.problem, where=f"{where}:series[{index}].samples") from None
            found = storable.series_problem(replace(run.series[index], samples=values))
            assert found is not None, "first_unstorable and storable disagree"
            raise InputError(source, found.message, where=f"{where}:series[{index}].{found.key}")
    return run, blobs


class _Bad(Exception):
    def __init__(self, key: str, problem: str) -> None:
        self.key, self.problem = key, problem


def _str(doc: dict[str, Any], key: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not value:
        raise _Bad(key, "expected a non-empty string")
    return value


def _optional(doc: dict[str, Any], key: str, kind: type, expected: str) -> Any:
    value = doc.get(key)
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise _Bad(key, f"expected {expected} or null, got {json.dumps(value)[:40]}")
    return value


def _environment(doc: dict[str, Any]) -> Environment:
    value = doc.get("environment", {})
    if not isinstance(value, dict):
        raise _Bad("environment", "expected an object")
    for field in _ENV_FIELDS:  # unknown fields are a newer perfgate's; ignored
        if not isinstance(value.get(field), str | None):
            raise _Bad(f"environment.{field}", f"expected a string or null, got {json.dumps(value[field])[:40]}")
    return Environment(**{k: v for k, v in value.items() if k in _ENV_FIELDS})


def _list(doc: dict[str, Any], key: str) -> list[Any]:
    value = doc.get(key)
    if not isinstance(value, list):
        raise _Bad(key, "expected a list")
    return value


def _time(doc: dict[str, Any]) -> datetime:
    try:
        value = datetime.fromisoformat(_str(doc, "recorded_at"))
    except ValueError:
        raise _Bad("recorded_at", "expected an ISO 8601 time") from None
    if value.tzinfo is None:
        raise _Bad("recorded_at", "expected a time with a UTC offset")
    return value


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _load_series(item: Any, index: int, blobs: list[bytes | None], decode: bool) -> Series:
    """One series; the checks are written for speed (an import reads a million of them): exact types, no
    per-series numpy call unless ``decode``."""
    key = f"series[{index}]"
    if type(item) is not dict:
        raise _Bad(key, "expected an object")
    direction, kind = item.get("direction"), item.get("kind")
    direction = _DIRECTIONS.get(direction) if type(direction) is str else None
    kind = _KINDS.get(kind) if type(kind) is str else None
    if direction is None or kind is None:
        raise _Bad(key, "unknown direction or kind")
    summary = item.get("summary")
    if type(summary) is not dict or type(summary.get("count")) is not int:  # not bool: its type is bool
        raise _Bad(f"{key}.summary", "expected an object with a count (a whole number)")
    stats: list[Any] = [summary.get(k) for k in _SUMMARY_FIELDS]
    if stats[-1] is not None and type(stats[-1]) is not int:
        raise _Bad(f"{key}.summary.errors", "expected a whole number or null")
    for field, value in zip(_SUMMARY_FIELDS[1:-1], stats[1:-1], strict=True):
        if value is not None and (type(value) not in _NUMBERS or not math.isfinite(value)):
            raise _Bad(f"{key}.summary.{field}", "expected a finite number or null")
    samples = item.get("samples")
    try:
        blob = binascii.a2b_base64(samples, strict_mode=True) if samples else None
        legacy = blob is not None and blob[:1] == codec.LEGACY
        values = codec.decode(blob) if decode or legacy else _NONE
    except (binascii.Error, ValueError, TypeError):
        raise _Bad(f"{key}.samples", "expected base64-encoded samples") from None
    except zlib.error:
        raise _Bad(f"{key}.samples", "the samples are damaged") from None
    unit = item.get("unit")
    if type(unit) is not str:  # a unitless count has an empty one
        raise _Bad(f"{key}.unit", "expected a string")
    blobs.append(codec.encode(values) if legacy else blob)
    return Series(_str(item, "name"), _str(item, "metric"), unit, direction, kind, Summary(*stats), values)

"""Runs as versioned JSON Lines: the export/import format that moves history between databases.

One run per line, everything a run holds (samples included, exactly: the stored float64 bytes in one of
perfgate/codec.py's encodings, base64-encoded), so history can move from SQLite to Postgres or live on a git
branch. Export and import stream: one run in memory at a time; the samples go out and come in as stored.

Format history:
  1 — first version (samples zlib-compressed float64, codec tag 1).
  2 — samples in any of the codec's exact encodings (tags 1-5). Still read: 1.
      Since schema revision 0007 a summary may also hold median_low and median_high (the tool's own interval
      of the median), written only where known: a file without them is version 2 as before, and a perfgate
      that predates them reads one with them, leaving them out.
"""

from __future__ import annotations

import binascii
import functools
import itertools
import json
import math
import operator
import zlib
from collections.abc import Sequence
from dataclasses import fields, replace
from datetime import datetime
from typing import Any

import numpy as np
import orjson

from perfgate import codec, limits, storable
from perfgate.errors import InputError
from perfgate.model import Direction, Environment, Run, SampleKind, Series, SeriesColumns, Summary, as_samples

VERSION = 2
READS = (1, 2)
_SUMMARY_FIELDS = (
    "count",
    "mean",
    "stddev",
    "min",
    "median",
    "p90",
    "p95",
    "p99",
    "max",
    "median_low",
    "median_high",
    "errors",
)
_OPTIONAL = frozenset({"median_low", "median_high"})  # written only where known; absent reads as null
_NONE = as_samples([])
_DIRECTIONS = {d.value: d for d in Direction}
_KINDS = {k.value: k for k in SampleKind}
_NUMBERS = (int, float)  # exact types: a bool is neither
assert tuple(f.name for f in fields(Summary)) == _SUMMARY_FIELDS, "a line's summary is read in Summary's order"
_ENV_FIELDS = ("runner", "cpu", "os", "interpreter", "tool", "tool_version")


def dump(run: Run, samples: Sequence[bytes | None] | None = None) -> str:
    """One line of JSON (without the newline); ``samples``: the series' samples already encoded (as stored)."""
    blobs = samples if samples is not None else [codec.encode(s.samples) for s in run.series]
    return dump_columns(run, SeriesColumns.of(run.series, blobs))


def dump_columns(run: Run, columns: SeriesColumns) -> str:
    """One line of JSON (without the newline) of a run's header and its series as columns (``run.series`` is
    not read): what export writes for each stored run, without a Series per series."""
    summaries = [_summary(values) for values in zip(*columns.summaries, strict=True)]
    samples = [binascii.b2a_base64(b, newline=False).decode("ascii") if b else None for b in columns.samples]
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
        "series": [
            {"name": n, "metric": m, "unit": u, "direction": d, "kind": k, "summary": s, "samples": b}
            for n, m, u, d, k, s, b in zip(
                columns.names,
                columns.metrics,
                columns.units,
                columns.directions,
                columns.kinds,
                summaries,
                samples,
                strict=True,
            )
        ],
    }
    return json.dumps(document, separators=(",", ":"), allow_nan=False)


def _summary(values: tuple[int | float | None, ...]) -> dict[str, int | float | None]:
    """A series' summary as a line holds it: every field, but the optional ones only where known."""
    return {k: v for k, v in zip(_SUMMARY_FIELDS, values, strict=True) if v is not None or k not in _OPTIONAL}


def load(line: str, source: str, number: int) -> Run:
    """Parse one line; errors name the file, the line and the key."""
    return _load(_document(line, source, number), source, number, decode=True)[0]


def load_encoded(line: str, source: str, number: int) -> tuple[Run, SeriesColumns]:
    """Parse one line, checked as ``load`` checks it, but leave the samples encoded: the run comes without its
    series, which are in the columns with each one's samples as stored (an import copies them; a version-1
    line's, in the encoding perfgate no longer writes, are encoded again).

    A line is first checked column by column (``_columns``): one pass of C over each field of a run's 2,000
    series instead of building a Series for each. Whatever that pass is unsure of, it leaves to the checks of
    ``load``, which name the key."""
    if (fast := _fast(_quick_document(line))) is not None:
        return fast
    doc = _document(line, source, number)  # read again by json, whose reading every message is written for
    run, blobs = _load(doc, source, number, decode=False)
    return replace(run, series=()), SeriesColumns.of(run.series, blobs)


def _quick_document(line: str) -> dict[str, Any] | None:
    """The line's object as orjson reads it (2.7x json's speed), or None: not JSON to orjson, or not an export
    line of a version read. orjson refuses what json reads (NaN, a lone surrogate) and reads an integer beyond
    64 bits as a float; such a line fails a check of ``_fast`` or here, and is read again by ``_document``."""
    try:
        doc = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if type(doc) is not dict or type(version := doc.get("perfgate_export")) is not int or version not in READS:
        return None
    if version == 1:  # its samples are zlib float64 (codec.LEGACY), which only the series-by-series path reads
        return None
    return doc


def _document(line: str, source: str, number: int) -> dict[str, Any]:
    """The line's JSON object, of an export version this perfgate reads."""
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
    return doc


def _load(doc: dict[str, Any], source: str, number: int, *, decode: bool) -> tuple[Run, list[bytes | None]]:
    where = str(number)
    blobs: list[bytes | None] = []
    try:
        header = _header(doc)  # read before the series, so a bad header is the error named
        run = Run(**header, series=tuple(_load_series(s, i, blobs, decode) for i, s in enumerate(_list(doc, "series"))))
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


def _header(doc: dict[str, Any]) -> dict[str, Any]:
    """A run's fields but its series, checked in the order a reader meets them."""
    return {
        "suite": _str(doc, "suite"),
        "branch": _str(doc, "branch"),
        "commit": _str(doc, "commit"),
        "pr_number": _optional(doc, "pr_number", int, "a whole number"),
        "merge_base": _optional(doc, "merge_base", str, "a commit id (a string)"),
        "recorded_at": _time(doc),
        "source_format": _str(doc, "source_format"),
        "idempotency_key": _str(doc, "idempotency_key"),
        "environment": _environment(doc),
    }


def _fast(doc: dict[str, Any] | None) -> tuple[Run, SeriesColumns] | None:
    """The run and its series' columns when every check passes column-wise; None when any might not (``_load``
    then finds which, and says so)."""
    if doc is None:
        return None
    try:
        run = Run(**_header(doc), series=())
    except _Bad:
        return None
    if storable.run_problem(run) is not None:
        return None
    columns = _columns(doc.get("series"))
    return None if columns is None else (run, columns)


_from_base64 = functools.partial(binascii.a2b_base64, strict_mode=True)
_SERIES_FIELDS = operator.itemgetter("name", "metric", "unit", "direction", "kind", "summary", "samples")
# Rows of _numbers' float matrix (the fields between count and errors).
_MEDIAN, _LOW, _HIGH = (_SUMMARY_FIELDS.index(k) - 1 for k in ("median", "median_low", "median_high"))
_REQUIRED_VALUES = operator.itemgetter(*(k for k in _SUMMARY_FIELDS if k not in _OPTIONAL))
assert _SUMMARY_FIELDS[-3:] == ("median_low", "median_high", "errors"), "_summary_values puts them there"


def _summary_values(summary: dict[str, Any]) -> tuple[Any, ...]:
    """A summary's values in _SUMMARY_FIELDS' order; a required field left out raises KeyError."""
    required = _REQUIRED_VALUES(summary)
    return (*required[:-1], summary.get("median_low"), summary.get("median_high"), required[-1])


_DIRECTION_VALUES = frozenset(_DIRECTIONS)
_KIND_VALUES = frozenset(_KINDS)
_INT, _NUMBER = frozenset({int}), frozenset({int, float})
_OR_NONE = frozenset({type(None)})


def _columns(items: Any) -> SeriesColumns | None:
    """A run's series as columns, or None unless every check of ``_load_series`` and storable.series_problem
    surely passes. Each check looks at a whole column at once: the set of a column's types (exact types: a
    bool is not a number), its texts joined, its numbers as one array."""
    if type(items) is not list or not items or set(map(type, items)) != {dict}:
        return None
    try:
        names, metrics, units, directions, kinds, summaries, encoded = zip(*map(_SERIES_FIELDS, items), strict=True)
        if set(map(type, summaries)) != {dict}:
            return None
        stats = tuple(zip(*map(_summary_values, summaries), strict=True))
    except KeyError:  # a field left out: _load_series reads it as null or refuses it
        return None
    texts = (names, metrics, units)
    if any(set(map(type, column)) != {str} for column in texts):
        return None
    try:
        if not _DIRECTION_VALUES.issuperset(directions) or not _KIND_VALUES.issuperset(kinds):
            return None
    except TypeError:  # a list or an object is not hashable, nor a direction
        return None
    if not all(map(str.strip, names)) or not all(map(str.strip, metrics)):  # also the empty ones
        return None
    longest = (limits.MAX_NAME, limits.MAX_METRIC, limits.MAX_UNIT)
    if any(max(map(len, column)) > cap for column, cap in zip(texts, longest, strict=True)):
        return None
    if any(limits.text_ok("".join(column)) for column in texts):  # NUL, or a lone surrogate
        return None
    if len(set(zip(names, metrics, strict=True))) != len(items):  # a series twice
        return None
    signs = {unit: storable.signed(unit) for unit in set(units)}
    signed = list(map(signs.__getitem__, units))
    if not _numbers(stats, signed):
        return None
    types = set(map(type, encoded))
    if types - {str, type(None)}:
        return None
    try:
        if types == {str} and all(encoded):  # every series with samples: no test per series
            blobs: tuple[bytes | None, ...] = tuple(map(_from_base64, encoded))
        else:
            blobs = tuple(_from_base64(e) if e else None for e in encoded)
    except ValueError:  # not base64 (binascii.Error), or not ASCII
        return None
    if any(b is not None and b[:1] == codec.LEGACY for b in blobs):  # version 1: encoded again by _load_series
        return None
    if codec.first_unstorable(blobs, signed) is not None:
        return None
    return SeriesColumns(names, metrics, units, directions, kinds, stats, blobs)


def _numbers(stats: tuple[tuple[Any, ...], ...], signed: list[bool]) -> bool:
    """Whether a run's summaries surely pass: counts whole numbers, errors whole or null, statistics finite
    numbers or null; none negative where the unit may not be; counts and errors within an INTEGER column."""
    count, *floats, errors = stats
    if set(map(type, count)) != _INT or not set(map(type, errors)) <= _INT | _OR_NONE:
        return False
    if not set(map(type, itertools.chain.from_iterable(floats))) <= _NUMBER | _OR_NONE:
        return False
    try:
        whole = np.array([count, [0 if e is None else e for e in errors]], dtype=np.int64)
        values = np.array(floats, dtype=np.float64)  # null reads as NaN
    except OverflowError:  # beyond int64, or a whole number beyond a float
        return False
    if whole.min() < 0 or whole.max() > limits.MAX_INTEGER:
        return False
    nulls = sum(column.count(None) for column in floats)
    if int(np.isnan(values).sum()) != nulls or np.isinf(values).any():  # NaN or Infinity in the file
        return False
    median, low, high = values[_MEDIAN], values[_LOW], values[_HIGH]  # storable's interval rule, null as NaN
    given = ~np.isnan(low) | ~np.isnan(high)
    if given.any() and not np.all(~given | ((low <= median) & (median <= high))):
        return False
    kept = ~np.asarray(signed, dtype=bool)
    return not (values[:, kept] < 0).any()


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


def _finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # a whole number beyond any float
        return False


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
    for i, (field, value) in enumerate(zip(_SUMMARY_FIELDS[1:-1], stats[1:-1], strict=True), start=1):
        if value is not None and (type(value) not in _NUMBERS or not _finite(value)):
            raise _Bad(f"{key}.summary.{field}", "expected a finite number or null")
        if value is not None:
            stats[i] = float(value)  # a whole number beyond 64 bits is stored as the float it is (as orjson reads it)
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

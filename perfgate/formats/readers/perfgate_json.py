"""perfgate's own generic JSON: any tool can write it (see docs/formats.md for the schema)."""

from __future__ import annotations

from typing import Any, TypeVar

from perfgate.formats import Format
from perfgate.formats.document import Document, measurement, optional, require, root_object, timestamp, timings
from perfgate.model import Direction, Environment, ParsedResults, SampleKind, Series, Summary, as_samples
from perfgate.units import PER_SECOND, normalize

VERSION_KEY = "perfgate_format"
SUPPORTED_VERSIONS = (1,)
_TOP_KEYS = {VERSION_KEY, "series", "environment", "recorded_at", "commit", "tool", "tool_version"}
_SERIES_KEYS = {"name", "metric", "unit", "direction", "kind", "samples", "summary"}
_SUMMARY_VALUES = ("mean", "stddev", "min", "median", "p90", "p95", "p99", "max", "median_low", "median_high")
_ENV_KEYS = ("runner", "cpu", "os", "interpreter")


def sniff(doc: Document) -> bool:
    value = doc.json_or_none()
    return isinstance(value, dict) and VERSION_KEY in value


def parse(doc: Document) -> ParsedResults:
    root = root_object(doc)
    version = require(doc, root, VERSION_KEY, int, "")
    if version not in SUPPORTED_VERSIONS:
        raise doc.error(VERSION_KEY, f"version {version} is not supported; this perfgate reads {SUPPORTED_VERSIONS}")
    _no_unknown_keys(doc, root, _TOP_KEYS, "")
    items = require(doc, root, "series", list, "")
    if not items:
        raise doc.error("series", "the list is empty")
    series = tuple(_series(doc, item, f"series[{i}]") for i, item in enumerate(items))
    seen: set[tuple[str, str]] = set()
    for i, s in enumerate(series):
        if s.key in seen:
            raise doc.error(f"series[{i}]", f"duplicate series {s.name!r} (metric {s.metric!r})")
        seen.add(s.key)
    env = optional(doc, root, "environment", dict, "") or {}
    _no_unknown_keys(doc, env, set(_ENV_KEYS), "environment")
    environment = Environment(
        **{k: str(env[k]) for k in _ENV_KEYS if env.get(k) is not None},
        tool=optional(doc, root, "tool", str, "") or "perfgate-json",
        tool_version=optional(doc, root, "tool_version", str, ""),
    )
    recorded = optional(doc, root, "recorded_at", str, "")
    return ParsedResults(
        source=doc.path,
        format=FORMAT.name,
        series=series,
        environment=environment,
        recorded_at=timestamp(doc, recorded, "recorded_at") if recorded else None,
        commit=optional(doc, root, "commit", str, ""),
    )


def _series(doc: Document, item: Any, path: str) -> Series:
    if not isinstance(item, dict):
        raise doc.error(path, "expected a series object")
    _no_unknown_keys(doc, item, _SERIES_KEYS, path)
    name = require(doc, item, "name", str, path)
    metric = optional(doc, item, "metric", str, path) or "time"
    conversion = normalize(require(doc, item, "unit", str, path))
    direction = _choice(doc, item, "direction", Direction, path) or (
        Direction.HIGHER_IS_BETTER if conversion.canonical == PER_SECOND else Direction.LOWER_IS_BETTER
    )
    raw_samples = item.get("samples")
    raw_summary = optional(doc, item, "summary", dict, path)
    if raw_samples is None and raw_summary is None:
        raise doc.error(path, "expected 'samples' (a list of numbers) or 'summary' (an object)")
    if raw_samples is not None:
        samples = as_samples(timings(doc, raw_samples, f"{path}.samples") * conversion.factor)
        if samples.size == 0:
            raise doc.error(f"{path}.samples", "the list is empty")
        kind = _choice(doc, item, "kind", SampleKind, path) or SampleKind.REPETITION
        summary = Summary.of(samples)
        if raw_summary and raw_summary.get("errors") is not None:
            summary = Summary(**{**vars(summary), "errors": _errors(doc, raw_summary, path)})
        return Series(name, metric, conversion.canonical, direction, kind, summary, samples)
    assert raw_summary is not None
    summary_path = f"{path}.summary"
    _no_unknown_keys(doc, raw_summary, {"count", "errors", *_SUMMARY_VALUES}, summary_path)
    values = {k: measurement(doc, raw_summary, k, summary_path) for k in _SUMMARY_VALUES}
    scaled = {k: (v * conversion.factor if v is not None else None) for k, v in values.items()}
    if scaled["median"] is None and scaled["mean"] is None:
        raise doc.error(summary_path, "expected 'median' or 'mean'")
    low, high, median = scaled["median_low"], scaled["median_high"], scaled["median"]
    bracketed = low is None or high is None or (median is not None and low <= median <= high)
    if (low is None) != (high is None) or not bracketed:
        raise doc.error(
            summary_path,
            "expected 'median_low' and 'median_high' together, with the median between them "
            "(the tool's 99 % interval of the median)",
        )
    count = optional(doc, raw_summary, "count", int, summary_path) or 1
    summary = Summary(count=count, errors=_errors(doc, raw_summary, path), **scaled)
    return Series(name, metric, conversion.canonical, direction, SampleKind.SUMMARY_ONLY, summary)


def _errors(doc: Document, summary: dict[str, Any], path: str) -> int | None:
    errors: int | None = optional(doc, summary, "errors", int, f"{path}.summary")
    if errors is not None and errors < 0:
        raise doc.error(f"{path}.summary.errors", f"expected a count >= 0, got {errors}")
    return errors


E = TypeVar("E", Direction, SampleKind)


def _choice(doc: Document, item: dict[str, Any], key: str, enum: type[E], path: str) -> E | None:
    value = optional(doc, item, key, str, path)
    if value is None:
        return None
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(repr(e.value) for e in enum)
        raise doc.error(f"{path}.{key}", f"expected one of {allowed}, got {value!r}") from None


def _no_unknown_keys(doc: Document, obj: dict[str, Any], known: set[str], path: str) -> None:
    for key in obj:
        if key not in known:
            where = f"{path}.{key}" if path else key
            raise doc.error(where, f"unknown key; expected one of {', '.join(sorted(known))}")


FORMAT = Format(
    name="perfgate-json",
    description="perfgate's generic JSON: series with samples or a summary, any unit (docs/formats.md)",
    yields="any metric; samples of any kind, or summary-only",
    sniff=sniff,
    parse=parse,
)

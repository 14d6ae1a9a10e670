"""github-action-benchmark's custom JSON: ``[{"name", "unit", "value", "range"?, "extra"?}, ...]``.

The file does not say which way is better; that is the tool's name (``customSmallerIsBetter`` or
``customBiggerIsBetter``). When sniffed, a rate unit (``req/s``, ``ops/s``) is taken as bigger-is-better
and anything else as smaller-is-better; ``--format`` settles it. Repeated names are repeated
measurements of one benchmark and become its samples.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from perfgate.formats import Format
from perfgate.formats.document import Document, optional, require, timings
from perfgate.model import Direction, Environment, ParsedResults, SampleKind, Series, Summary, as_samples
from perfgate.units import PER_SECOND, UnitConversion, normalize


def sniff(doc: Document) -> bool:
    value = doc.json_or_none()
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) and {"name", "unit", "value"} <= v.keys() for v in value)
    )


def _parser(fixed: Direction | None, format_name: str) -> Callable[[Document], ParsedResults]:
    def parse(doc: Document) -> ParsedResults:
        items = doc.json()
        if not isinstance(items, list):
            raise doc.error("(top level)", "expected a JSON list of {name, unit, value} objects")
        if not items:
            raise doc.error("(top level)", "the list is empty")
        series = series_of(doc, items, "", fixed)
        notes = _mixed_directions(series) if fixed is None else ()
        return ParsedResults(doc.path, format_name, series, Environment(tool="github-action-benchmark"), notes=notes)

    return parse


def series_of(doc: Document, items: list[Any], path: str, fixed: Direction | None) -> tuple[Series, ...]:
    """The series of a list of ``{name, unit, value}`` entries (a custom JSON file, or one run of a data.js).

    ``path`` is the key path of the list, for errors. A unit with a tab in it is an old github-action-benchmark's
    misreading of a Go line with extra metrics (``"ns/op\\t 4.000 auxMetricUnits"``): its first word is the unit.
    """
    grouped: dict[str, tuple[UnitConversion, list[float]]] = {}
    for i, item in enumerate(items):
        where = f"{path}[{i}]"
        if not isinstance(item, dict):
            raise doc.error(where, "expected an object with name, unit and value")
        name = require(doc, item, "name", str, where)
        unit = require(doc, item, "unit", str, where)
        require(doc, item, "value", (int, float), where)
        optional(doc, item, "range", (str, int, float), where)
        value = float(timings(doc, [item["value"]], f"{where}.value")[0])
        conversion = normalize(unit.split()[0] if "\t" in unit and unit.split() else unit)
        previous = grouped.setdefault(name, (conversion, []))
        if previous[0] != conversion:
            raise doc.error(f"{where}.unit", f"{unit!r} differs from the unit of earlier {name!r} entries")
        previous[1].append(value * conversion.factor)
    return tuple(_series(name, conv, vals, fixed) for name, (conv, vals) in grouped.items())


def _mixed_directions(series: tuple[Series, ...]) -> tuple[str, ...]:
    """A file with rates and other units may well be a customBiggerIsBetter file: say how the others were read."""
    lower = [s for s in series if s.direction is Direction.LOWER_IS_BETTER]
    if not lower or len(lower) == len(series):
        return ()
    shown = ", ".join(repr(s.name) for s in lower[:3]) + (f" and {len(lower) - 3} more" if len(lower) > 3 else "")
    return (
        f"{shown} read as smaller is better (only rates such as req/s are taken as bigger is better); "
        "if this is a customBiggerIsBetter file, give --format customBiggerIsBetter",
    )


def _series(name: str, conversion: UnitConversion, values: list[float], fixed: Direction | None) -> Series:
    direction = fixed or (
        Direction.HIGHER_IS_BETTER if conversion.canonical == PER_SECOND else Direction.LOWER_IS_BETTER
    )
    metric = {"s": "time", "B": "memory", PER_SECOND: "throughput"}.get(conversion.canonical, "value")
    samples = as_samples(values)
    if len(values) == 1:
        return Series(
            name,
            metric,
            conversion.canonical,
            direction,
            SampleKind.SUMMARY_ONLY,
            Summary(count=1, mean=values[0], median=values[0], min=values[0], max=values[0]),
        )
    return Series(name, metric, conversion.canonical, direction, SampleKind.REPETITION, Summary.of(samples), samples)


def _describe(direction: str) -> str:
    return f"github-action-benchmark custom JSON, {direction} is better ([{{name, unit, value}}])"


SMALLER_IS_BETTER = Format(
    name="customSmallerIsBetter",
    description=_describe("smaller") + "; chosen when sniffed unless the unit is a rate",
    yields="one value per entry (summary-only); repeated names become samples",
    sniff=sniff,
    parse=_parser(None, "customSmallerIsBetter"),
)
BIGGER_IS_BETTER = Format(
    name="customBiggerIsBetter",
    description=_describe("bigger"),
    yields="one value per entry (summary-only); repeated names become samples",
    sniff=lambda doc: False,  # same shape as customSmallerIsBetter: only chosen with --format
    parse=_parser(Direction.HIGHER_IS_BETTER, "customBiggerIsBetter"),
)

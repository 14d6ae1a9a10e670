"""Units: turn the spelling of a tool into a canonical unit and a factor, and print values back."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from perfgate.errors import ConfigError

SECONDS = "s"
BYTES = "B"
PER_SECOND = "1/s"
BYTES_PER_SECOND = "B/s"
RATIO = "ratio"
HIGHER_IS_BETTER_UNITS = frozenset({PER_SECOND, BYTES_PER_SECOND})
# What a slower machine moves (times and rates); sizes and counts it does not.
RUNNER_UNITS = frozenset({SECONDS, PER_SECOND, BYTES_PER_SECOND})


@dataclass(frozen=True)
class UnitConversion:
    """Multiply a raw value by ``factor`` to express it in ``canonical``."""

    factor: float
    canonical: str


_TIME = {
    "ns": 1e-9,
    "us": 1e-6,
    "\u00b5s": 1e-6,  # micro sign, as Go and k6 print it
    "\u03bcs": 1e-6,  # Greek mu, as asv prints it
    "ms": 1e-3,
    "s": 1.0,
    "sec": 1.0,
    "seconds": 1.0,
    "min": 60.0,
    "h": 3600.0,
}
_BYTES = {
    "b": 1.0,
    "bytes": 1.0,
    "kb": 1e3,
    "mb": 1e6,
    "gb": 1e9,
    "kib": 1024.0,
    "mib": 1024.0**2,
    "gib": 1024.0**3,
    "kilobytes": 1e3,
    "megabytes": 1e6,
    "gigabytes": 1e9,
}
_RATE = re.compile(r"^(?:ops|op|req|requests|iter|iterations|items|events|msgs|messages)?\s*/\s*(s|sec|second)$")


_PER_OP = re.compile(r"^(.+)/(?:op|iter)$")  # JMH and Go: "us/op", "ns/op", "B/op"; cargo bench: "ns/iter"
_OPS_PER = re.compile(r"^ops?/(.+)$")  # JMH throughput: "ops/ms"
_BYTES_PER = re.compile(r"^(.+)/s(?:ec)?$")  # "MB/s", "GiB/s"


def normalize(unit: str) -> UnitConversion:
    """Map a unit as a tool writes it to the canonical unit; unknown units are kept verbatim."""
    raw = unit.strip()
    lowered = raw.lower()
    per_op = _PER_OP.match(raw)
    if per_op and per_op.group(1) not in ("allocs", "op"):
        inner = normalize(per_op.group(1))
        if inner.canonical in (SECONDS, BYTES):
            return inner
    ops_per = _OPS_PER.match(lowered)
    if ops_per and ops_per.group(1) in _TIME:
        return UnitConversion(1.0 / _TIME[ops_per.group(1)], PER_SECOND)
    bytes_per = _BYTES_PER.match(lowered)
    if bytes_per and bytes_per.group(1) in _BYTES:
        return UnitConversion(_BYTES[bytes_per.group(1)], BYTES_PER_SECOND)
    if raw in _TIME:
        return UnitConversion(_TIME[raw], SECONDS)
    if lowered in _TIME:
        return UnitConversion(_TIME[lowered], SECONDS)
    if lowered in _BYTES:
        return UnitConversion(_BYTES[lowered], BYTES)
    if _RATE.match(lowered) or lowered in {"hz", "1/s"}:
        return UnitConversion(1.0, PER_SECOND)
    if lowered in {"%", "percent"}:
        return UnitConversion(0.01, RATIO)
    if lowered == "ratio":
        return UnitConversion(1.0, RATIO)
    return UnitConversion(1.0, raw)


def parse_percentage(text: str | float, *, key: str) -> float:
    """Read ``"5%"``, ``"0.05"`` or ``0.05`` as the fraction 0.05; ``key`` names the setting in errors.

    A bare number of 1 or more is refused: ``5`` is far likelier to mean 5 % than 500 %, and reading it as
    written would switch the gate off without a word. Write ``"500%"`` for that.
    """
    if isinstance(text, int | float):
        value, percent = float(text), False
    else:
        stripped = text.strip()
        percent = stripped.endswith("%")
        try:
            value = float(stripped[:-1]) / 100 if percent else float(stripped)
        except ValueError:
            raise ConfigError(f"{key}: expected a percentage like '5%' or a fraction like 0.05, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise ConfigError(f"{key}: expected a non-negative percentage, got {text!r}")
    if not percent and value >= 1:
        shown = f"{value:g}"
        raise ConfigError(
            f"{key}: {text!r} has no unit: write '{shown}%' for {shown} percent, or a fraction below 1 "
            f"(0.05 means 5%); a bare {shown} would mean {value * 100:g}% and switch the gate off"
        )
    return value


_SIZE_SUFFIXES = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 1000**2, "mb": 1000**2, "mib": 1024**2}
_SIZE_SUFFIXES |= {"g": 1000**3, "gb": 1000**3, "gib": 1024**3, "t": 1000**4, "tb": 1000**4, "tib": 1024**4}


def parse_size(text: str, *, key: str) -> int:
    """Read a size such as ``"2GiB"``, ``"500MB"`` or ``"1048576"`` as bytes; ``key`` names the option in errors."""
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*", text)
    factor = _SIZE_SUFFIXES.get(match.group(2).lower()) if match else None
    if match is None or factor is None:
        raise ConfigError(f"{key}: expected a size like '2GiB', '500MB' or a number of bytes, got {text!r}")
    return int(float(match.group(1)) * factor)


_DURATION = re.compile(
    r"\s*(?:([0-9]+(?:\.[0-9]+)?)h)?\s*(?:([0-9]+(?:\.[0-9]+)?)m)?\s*(?:([0-9]+(?:\.[0-9]+)?)s?)?\s*"
)


def count(n: int, singular: str, plural: str | None = None) -> str:
    """``1 run``, ``2 runs``: a number with its noun in the right number."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def format_duration(seconds: float) -> str:
    """A duration as perfgate says it: ``45 s``, ``3 min 20 s``, ``1 h 5 min`` (at least ``1 s``)."""
    whole = max(1, round(seconds))
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60} min"


def parse_duration(text: str, *, key: str) -> float:
    """Read a duration such as ``"90s"``, ``"15m"``, ``"1h30m"`` or ``"600"`` (seconds) as seconds; ``key`` names
    the option in errors."""
    match = _DURATION.fullmatch(text.lower())
    if match is None or not any(match.groups()):
        raise ConfigError(f"{key}: expected a duration like '90s', '15m' or '1h30m', got {text!r}")
    hours, minutes, seconds = (float(part) if part else 0.0 for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


_TIME_STEPS = ((1.0, "s"), (1e-3, "ms"), (1e-6, "\u00b5s"), (1e-9, "ns"))
_BYTE_STEPS = ((1024.0**3, "GiB"), (1024.0**2, "MiB"), (1024.0, "KiB"), (1.0, "B"))


def format_value(value: float, unit: str) -> str:
    """Print a value with 4 significant digits in the most readable multiple of its unit."""
    if not math.isfinite(value):
        return str(value)
    if unit == RATIO:
        return format_rate(value)
    if unit not in (SECONDS, BYTES, PER_SECOND, BYTES_PER_SECOND) and value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,} {unit}".rstrip()  # counts (instructions, allocations) in full
    scale, suffix = display_scale(value, unit)
    return f"{value / scale:.4g}{suffix}"


def format_rate(rate: float) -> str:
    """A rate (0.0083) as a percentage to two decimals ('0.83%', '9.91%', '99.95%', '0%'), with two significant
    digits below 0.01 % ('0.0012%'): every table cell, reason and budget line shows a rate this one way, so the
    numbers that describe one quantity agree."""
    percent = rate * 100
    if percent == 0:
        return "0%"
    if abs(percent) < 0.005:
        return f"{percent:.2g}%"
    return f"{percent:.2f}%"


def display_scale(value: float, unit: str) -> tuple[float, str]:
    """The multiple of ``unit`` that `format_value` shows ``value`` in, as (scale, suffix): a chart's axis
    uses the scale of its typical value."""
    if unit == RATIO:
        return 0.01, "%"
    if unit == PER_SECOND:
        return 1.0, "/s"
    if unit not in (SECONDS, BYTES, BYTES_PER_SECOND):
        return 1.0, f" {unit}" if unit else ""
    steps = _TIME_STEPS if unit == SECONDS else _BYTE_STEPS
    per = "/s" if unit == BYTES_PER_SECOND else ""
    for scale, suffix in steps:
        if abs(value) >= scale * (1 - 5e-5):  # 999.99µs prints as 1ms, not 1000µs
            return scale, suffix + per
    scale, suffix = steps[-1]
    return scale, suffix + per

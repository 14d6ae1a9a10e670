"""A digest chart as a PNG: a series' per-run values, the period shaded, change points and the budget line.

PNG, not SVG: most mail clients (Gmail, Outlook) do not show SVG. Pillow draws it directly at twice the
displayed size, so it stays sharp on high-density screens; a chart takes a few milliseconds.
"""

from __future__ import annotations

import io
import math
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from perfgate.history.digest import Chart
from perfgate.units import count, format_value

WIDTH, HEIGHT = 600, 170  # as displayed, in CSS pixels
SCALE = 2
_LEFT, _RIGHT, _TOP, _BOTTOM = 70, 14, 12, 24

INK = (55, 65, 81)
GRID = (229, 231, 235)
LINE = (37, 99, 235)
PERIOD = (239, 246, 255)
STEP = (220, 38, 38)
BUDGET = (217, 119, 6)
MUTED = (107, 114, 128)

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont


FONT = Path(__file__).parent / "fonts" / "DejaVuSans-perfgate.ttf"  # scripts/subset-font.sh makes it


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    """DejaVu Sans, shipped with perfgate: Pillow's own default font has no µ, ± or → (labels showed boxes)."""
    from PIL import ImageFont

    return ImageFont.truetype(FONT, size * SCALE)


def png(chart: Chart) -> bytes:
    """The chart as PNG bytes: WIDTH by HEIGHT CSS pixels, drawn at SCALE times that."""
    from PIL import Image, ImageDraw  # Pillow loads when a chart is drawn, not with every command

    image = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), "white")
    draw = ImageDraw.Draw(image)
    values = [v for v in chart.values if math.isfinite(v)]
    if not values:
        draw.text((_s(_LEFT), _s(HEIGHT / 2)), "no values", fill=MUTED, font=_font(11))
        return _encode(image)
    low, high = min(values), max(values)
    if chart.limit is not None:
        low, high = min(low, chart.limit), max(high, chart.limit)
    pad = (high - low) * 0.12 or abs(high) * 0.05 or 1.0
    low, high = max(low - pad, 0.0) if low >= 0 else low - pad, high + pad
    n = len(chart.values)
    left, right, top, bottom = _LEFT, WIDTH - _RIGHT, _TOP, HEIGHT - _BOTTOM

    def x(i: float) -> float:
        return left + (right - left) * ((i + 0.5) / n)

    def y(v: float) -> float:
        return bottom - (bottom - top) * ((v - low) / (high - low))

    # The period: shaded, so "this week" is where the eye goes.
    if chart.period_start < n:
        draw.rectangle([_s(x(chart.period_start - 0.5)), _s(top), _s(right), _s(bottom)], fill=PERIOD)
        draw.text((_s(right - 4), _s(bottom + 5)), "this period", fill=MUTED, font=_font(10), anchor="ra")
    for fraction in (0.0, 0.5, 1.0):
        level = low + (high - low) * fraction
        draw.line([_s(left), _s(y(level)), _s(right), _s(y(level))], fill=GRID, width=SCALE)
        label = format_value(level, chart.unit)
        draw.text((_s(left - 6), _s(y(level))), label, fill=MUTED, font=_font(10), anchor="rm")
    draw.text((_s(left), _s(bottom + 5)), f"{count(n, 'run')} on main, oldest first", fill=MUTED, font=_font(10))
    if chart.limit is not None:
        _dashed(draw, (x(-0.5), y(chart.limit)), (right, y(chart.limit)), BUDGET)
        draw.text(
            (_s(left + 4), _s(y(chart.limit) - 3)),
            chart.limit_label or "budget",
            fill=BUDGET,
            font=_font(10),
            anchor="ld",
        )
    for index in chart.marks:
        _dashed(draw, (x(index - 0.5), top), (x(index - 0.5), bottom), STEP)
    points = [(_s(x(i)), _s(y(v))) for i, v in enumerate(chart.values) if math.isfinite(v)]
    if len(points) > 1:
        draw.line(points, fill=LINE, width=2 * SCALE, joint="curve")
    radius = SCALE * (2.5 if n <= 60 else 1.5)
    for px, py in points:
        draw.ellipse([px - radius, py - radius, px + radius, py + radius], fill=LINE)
    return _encode(image)


def _s(value: float) -> float:
    return value * SCALE


def _dashed(
    draw: ImageDraw.ImageDraw, start: tuple[float, float], end: tuple[float, float], colour: tuple[int, int, int]
) -> None:
    (x0, y0), (x1, y1) = start, end
    length = math.hypot(x1 - x0, y1 - y0)
    if length == 0:
        return
    dash, gap = 5.0, 4.0
    position = 0.0
    while position < length:
        stop = min(position + dash, length)
        a, b = position / length, stop / length
        draw.line(
            [_s(x0 + (x1 - x0) * a), _s(y0 + (y1 - y0) * a), _s(x0 + (x1 - x0) * b), _s(y0 + (y1 - y0) * b)],
            fill=colour,
            width=int(1.5 * SCALE),
        )
        position += dash + gap


def _encode(image: Image.Image) -> bytes:
    from PIL import Image

    # A few colours only: a palette PNG is a quarter of the size of an RGB one, and as sharp.
    buffer = io.BytesIO()
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(buffer, format="PNG")
    return buffer.getvalue()

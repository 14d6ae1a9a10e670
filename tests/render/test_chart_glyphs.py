"""The digest charts' labels render without missing-glyph boxes (Pillow's default font has no µ: "750.5▯s").

A glyph is missing when the font draws it as its .notdef box: the same bitmap as a private-use code point,
which no font maps. Every string the chart code draws is recorded while real charts are drawn.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PIL import ImageDraw, ImageFont

from perfgate.history.digest import Chart
from perfgate.render import chart
from perfgate.units import format_value

NOTDEF_PROBE = "\ue000"  # private use: no font has it, so it draws as the missing-glyph box


def missing_glyphs(font: ImageFont.FreeTypeFont, text: str) -> list[str]:
    box = bytes(font.getmask(NOTDEF_PROBE))
    return [ch for ch in dict.fromkeys(text) if not ch.isspace() and bytes(font.getmask(ch)) == box]


@pytest.fixture
def drawn_text(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every string the chart code hands to Pillow."""
    seen: list[str] = []
    original = ImageDraw.ImageDraw.text

    def record(self: ImageDraw.ImageDraw, xy: Any, text: Any, *args: Any, **kwargs: Any) -> None:
        seen.append(str(text))
        original(self, xy, text, *args, **kwargs)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", record)
    yield seen


def _chart(unit: str, values: tuple[float, ...], limit: float | None = None) -> Chart:
    label = f"budget: p95 < {format_value(limit, unit)}" if limit is not None else None
    return Chart("c1", "t", unit, "median", values, period_start=2, marks=(3,), limit=limit, limit_label=label)


@pytest.mark.parametrize(
    ("unit", "values", "limit"),
    [
        ("s", (750.5e-6, 752e-6, 749e-6, 812e-6, 815e-6), 900e-6),  # µs: the label that showed a box
        ("s", (2.5e-9, 2.6e-9, 2.4e-9, 2.5e-9), None),
        ("B", (1.5 * 1024**2, 1.6 * 1024**2, 1.7 * 1024**2), 2 * 1024**2),
        ("1/s", (1200.0, 1180.0, 1250.0), 1000.0),
        ("ratio", (0.001, 0.002, 0.0015), 0.01),
        ("instructions", (1_234_567.0, 1_234_600.0, 1_250_000.0), None),
    ],
)
def test_every_label_a_chart_draws_has_its_glyphs(
    drawn_text: list[str], unit: str, values: tuple[float, ...], limit: float | None
) -> None:
    chart.png(_chart(unit, values, limit))
    assert drawn_text, "the chart drew no text"
    font = chart._font(10)
    for text in drawn_text:
        assert missing_glyphs(font, text) == [], f"{text!r} renders with missing-glyph boxes"
    if unit == "s" and limit is not None:
        assert any("µs" in text for text in drawn_text)  # the case that used to fail is really drawn


def test_the_symbols_of_the_reports_are_in_the_shipped_font() -> None:
    font = chart._font(10)
    assert missing_glyphs(font, "µ ± → ← ≤ ≥ \u2013 \u2014 … ▲ ▼ ✓ δ τ") == []


def test_the_check_sees_a_missing_glyph() -> None:
    """The shipped font is a subset: CJK is not in it, and the check says so (it can fail)."""
    assert missing_glyphs(chart._font(10), "a漢b") == ["漢"]

"""The words a report prints a change, a share or a p-value with: one spelling for the reasons and the renderers."""

from __future__ import annotations

import math


def format_change(ratio: float) -> str:
    """A ratio as a signed percentage change: 1.073 → '+7.3%'."""
    if math.isinf(ratio) or ratio <= 0:
        return "-100%" if ratio <= 0 else "+inf"
    pct = (ratio - 1) * 100
    text = f"{pct:+.1f}%" if abs(pct) < 1000 else f"x{ratio:.3g}"
    return "+0.0%" if text == "-0.0%" else text


def format_ends(low: float, high: float) -> str:
    """An interval of a ratio as signed percentage changes, (1.152, 1.206) → '[+15.2%, +20.6%]'; both ends as
    factors when one is (format_change's x11.4 from +1000% on): '[x10.7, x11.4]', not '[+974.2%, x11.4]'."""
    if math.isfinite(high) and high >= 11 and low > 0:
        return f"[x{low:.3g}, x{high:.3g}]"
    return f"[{format_change(low)}, {format_change(high)}]"


def format_percent(fraction: float) -> str:
    return f"{fraction * 100:g}%"


def format_p(p: float) -> str:
    """A p-value as people read it: two significant digits, and '<0.0001' for the tiny ones."""
    if p < 1e-4:
        return "<0.0001"
    return f"{p:.2g}" if p < 0.01 else f"{p:.3f}".rstrip("0").rstrip(".")


def p_phrase(label: str, p: float) -> str:
    text = format_p(p)
    return f"{label} {text[0]} {text[1:]}" if text.startswith("<") else f"{label} = {text}"

"""The words a change and its interval are printed with: one spelling in every report."""

from __future__ import annotations

import pytest

from perfgate.gate.phrases import format_change, format_ends


@pytest.mark.parametrize(
    ("ratio", "said"), [(1.073, "+7.3%"), (0.9, "-10.0%"), (1.0, "+0.0%"), (11.05, "x11.1"), (0.0, "-100%")]
)
def test_a_change_is_a_signed_percentage_or_a_factor_from_1000_percent_on(ratio: float, said: str) -> None:
    assert format_change(ratio) == said


@pytest.mark.parametrize(
    ("ends", "said"),
    [
        ((1.152, 1.206), "[+15.2%, +20.6%]"),
        ((0.793, 0.887), "[-20.7%, -11.3%]"),
        ((10.742, 11.4), "[x10.7, x11.4]"),  # the demo's detect_clearsky step: not '[+974.2%, x11.4]'
    ],
)
def test_an_intervals_ends_are_said_alike(ends: tuple[float, float], said: str) -> None:
    assert format_ends(*ends) == said

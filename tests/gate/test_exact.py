"""Values without noise (allocations, B/op, instruction counts): compared as they are, no test needed."""

from __future__ import annotations

import numpy as np
import pytest

from perfgate.gate.evaluate import evaluate
from perfgate.gate.report import Settings, Verdict
from perfgate.model import Direction, SampleKind, Series, Summary

from ..builders import side


def _bytes(name: str, values: list[float]) -> Series:
    array = np.array(values, dtype=float)
    return Series(name, "memory", "B", Direction.LOWER_IS_BETTER, SampleKind.REPETITION, Summary.of(array), array)


@pytest.mark.parametrize(
    ("base", "head", "verdict"),
    [
        ([16.0] * 3, [32.0] * 3, Verdict.REGRESSION),  # 16 B/op -> 32 B/op in every run: no test needed
        ([1000.0] * 2, [1030.0] * 2, Verdict.UNCHANGED),  # +3 %: within the 5 % allowed
        ([1000.0] * 2, [900.0] * 2, Verdict.IMPROVEMENT),
        ([0.0] * 4, [16.0] * 4, Verdict.REGRESSION),  # from nothing
        ([16.0] * 3, [16.0] * 3, Verdict.UNCHANGED),
    ],
)
def test_values_that_never_vary_are_compared_as_they_are(
    base: list[float], head: list[float], verdict: Verdict
) -> None:
    for settings in (Settings(), Settings(between_runs=True)):
        comparison = evaluate(side((_bytes("m", base),)), side((_bytes("m", head),)), settings).comparisons[0]
        assert comparison.verdict is verdict
        assert comparison.test == "deterministic" and comparison.p_value is None
        assert "every run" in comparison.reason


def test_one_value_per_side_or_any_variation_is_not_deterministic() -> None:
    one = evaluate(side((_bytes("m", [16.0]),)), side((_bytes("m", [32.0]),)), Settings()).comparisons[0]
    assert one.test != "deterministic"  # one value says nothing about whether it varies
    varied = evaluate(
        side((_bytes("m", [16.0, 16.0, 17.0, 16.0, 16.0, 16.0]),)), side((_bytes("m", [32.0] * 6),)), Settings()
    ).comparisons[0]
    assert varied.test != "deterministic" and varied.verdict is Verdict.REGRESSION

"""Stored samples come back bit for bit, in the smallest exact encoding; damaged or crafted arrays are refused."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from perfgate import codec, formats
from perfgate.errors import InputError
from perfgate.limits import MAX_SAMPLES

from .conftest import DATA


def _real_series() -> list[np.ndarray]:
    found: list[np.ndarray] = []
    for path in sorted(DATA.rglob("*")):
        try:
            results = formats.read(path)
        except Exception:  # not a results file (provenance notes, fixtures of bad input)
            continue
        found.extend(s.samples for s in results.series if s.samples.size)
    return found


def test_every_real_tools_samples_come_back_bit_for_bit_and_smaller_than_before() -> None:
    series = _real_series()
    assert len(series) > 300
    new = old = 0
    tags = set()
    for samples in series:
        blob = codec.encode(samples)
        assert blob is not None
        assert codec.decode(blob).tobytes() == samples.astype("<f8").tobytes()
        tags.add(blob[0])
        new += len(blob)
        old += 1 + len(zlib.compress(samples.astype("<f8").tobytes(), 6))  # tag 1, what perfgate wrote before
    assert tags == {2, 3, 4, 5}
    assert new < 0.95 * old


@pytest.mark.parametrize(
    "values, tag",
    [
        ([0.0012345678901234, 0.0012399999999871, 0.0012211111111119], 2),  # full precision, few: raw
        ([1.234e-6, 1.301e-6, 1.199e-6], 4),  # whole nanoseconds in seconds
        ([0.125, 0.25, 0.5, 0.0], 4),
        ([-0.0, 1.0], 2),  # -0.0 is not n / 10**k: it would come back as 0.0
        ([5e-324, 1.0], 2),  # the smallest subnormal has no decimal form within 15 places
        ([1e300, 2e300], 2),  # too large for the decimal form's 53 bits
    ],
)
def test_the_encoding_is_exact_whatever_the_precision(values: list[float], tag: int) -> None:
    samples = np.array(values)
    blob = codec.encode(samples)
    assert blob is not None and blob[0] == tag
    back = codec.decode(blob)
    assert back.tobytes() == samples.tobytes() and not back.flags.writeable


@pytest.mark.parametrize(
    "blob, problem",
    [
        (b"\x09abc", "not one this perfgate reads"),
        (b"\x02" + b"\x00" * 7, "truncated"),
        (b"\x02" + np.array([1.0, np.inf]).tobytes(), "not a finite number"),
        (b"\x01" + zlib.compress(b"\x00" * (MAX_SAMPLES * 8 + 8)), "more than"),
        (b"\x05\x03\x00" + zlib.compress(b"\x01" * (MAX_SAMPLES + 1)), "more than"),
        (b"\x04\x10\x00\x01", "damaged"),  # a scale beyond 10**15
        (b"\x04\x03\x01\x01", "truncated"),  # two-byte integers, one byte
        (b"\x03" + b"not zlib", "not readable"),
    ],
)
def test_damaged_or_crafted_arrays_are_refused(blob: bytes, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        codec.decode(blob)


def test_a_runs_arrays_are_checked_together_and_the_bad_one_named() -> None:
    good = [codec.encode(np.array(v)) for v in ([1.5, 2.5], [0.0012345678901234, 0.00123456789], [-1.0, 2.0])]
    assert codec.first_unstorable(good, [False, False, True]) is None
    assert codec.first_unstorable(good, [False, False, False]) == 2  # negative where the unit forbids it
    broken = [good[0], b"\x02" + np.array([np.nan]).tobytes(), good[1]]
    assert codec.first_unstorable(broken, [True, True, True]) == 1
    assert codec.first_unstorable([None, b"\x07", good[0]], [True, True, True]) == 1
    decimal = [codec.encode(np.array(v)) for v in ([0.25, 0.5], [1e-9, 3e-9] * 20, [0.75, -0.25], [0.5, 0.125])]
    assert [b[0] for b in decimal if b] == [4, 5, 4, 4]  # checked together, the zlib'd one too
    assert codec.first_unstorable(decimal, [False, False, True, False]) is None
    assert codec.first_unstorable(decimal, [False, False, False, False]) == 2
    assert codec.first_unstorable([*good[:2], *decimal], [False] * 6) == 4

"""A run's samples packed into one value (revision 0006): what goes in comes out, in order; damage is a StoreError."""

from __future__ import annotations

import numpy as np
import pytest

from perfgate import codec
from perfgate.errors import StoreError
from perfgate.store import packed


def test_each_series_bytes_come_back_in_their_order_with_none_where_there_were_none() -> None:
    blobs = [codec.encode(np.array([0.0012, 0.0013])), None, codec.encode(np.arange(1.0, 40.0)), None]
    data = packed.pack(blobs)
    assert data is not None and packed.held(blobs) == 2
    assert packed.unpack(data, 4, 7) == blobs


def test_a_run_without_samples_stores_no_value() -> None:
    assert packed.pack([None, None]) is None and packed.pack([]) is None
    assert packed.unpack(None, 3, 7) == [None, None, None]


@pytest.mark.parametrize(
    "damage, words",
    [
        (lambda d: d[:-1], "bytes, not"),  # truncated
        (lambda d: d + b"x", "bytes, not"),  # trailing bytes
        (lambda d: b"\x09" + d[1:], "unknown packing"),
        (lambda d: d[:3], "unknown packing"),
    ],
)
def test_a_damaged_value_is_reported_with_its_run(damage: object, words: str) -> None:
    data = packed.pack([codec.encode(np.array([1.5, 2.5])), codec.encode(np.array([3.5]))])
    assert data is not None
    with pytest.raises(StoreError, match=f"run 7 .*{words}"):
        packed.unpack(damage(data), 2, 7)  # type: ignore[operator]


def test_a_value_for_another_number_of_series_is_reported() -> None:
    data = packed.pack([codec.encode(np.array([1.5])), None])
    with pytest.raises(StoreError, match="2 series packed, 3 stored"):
        packed.unpack(data, 3, 7)
    assert packed.unpack(b"\x01\x00\x00\x00\x00", 0, 7) == []  # no series: nothing, not a crash

"""A run's samples packed into one value: each series' encoded samples (perfgate/codec.py), in the order of the
run's series rows (their ids), behind a table of their lengths.

    b"\\x01"  uint32 LE: n  n x uint32 LE: the length of each series' bytes (0: no samples)  the bytes, in order

One value per run, so that pruning a run's samples deletes one row (revision 0006; docs/storage.md). The
series rows are read in id order and zipped with the lengths: the count is checked, so a run whose rows and
value disagree is reported, not misread."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from perfgate.errors import StoreError

_FORMAT = b"\x01"
_HEADER = len(_FORMAT) + 4


def pack(blobs: Sequence[bytes | None]) -> bytes | None:
    """The run's value; None when no series has samples (a summary-only run stores no value)."""
    if not any(blobs):
        return None
    lengths = np.fromiter((len(b) if b else 0 for b in blobs), dtype="<u4", count=len(blobs))
    return b"".join((_FORMAT, np.uint32(len(blobs)).astype("<u4").tobytes(), lengths.tobytes(), *filter(None, blobs)))


def held(blobs: Sequence[bytes | None]) -> int:
    """How many series have samples in the value ``pack`` makes of these."""
    return sum(1 for b in blobs if b)


def unpack(data: bytes | None, count: int, run_id: int) -> list[bytes | None]:
    """Each of the run's ``count`` series' encoded samples (None: none kept); ``data`` None: the run has none."""
    if data is None:
        return [None] * count
    if data[:1] != _FORMAT or len(data) < _HEADER:
        raise StoreError(f"the samples of run {run_id} are damaged (an unknown packing)")
    stored = int(np.frombuffer(data, "<u4", 1, len(_FORMAT))[0])
    if stored != count or len(data) < _HEADER + 4 * count:
        raise StoreError(f"the samples of run {run_id} are damaged: {stored} series packed, {count} stored")
    if count == 0:  # never packed so (pack stores no value for no series), but a value may be damaged
        return []
    lengths = np.frombuffer(data, "<u4", count, _HEADER).astype(np.int64)
    ends = (_HEADER + 4 * count + np.cumsum(lengths)).tolist()
    if ends and ends[-1] != len(data):
        raise StoreError(f"the samples of run {run_id} are damaged: {len(data)} bytes, not {ends[-1]}")
    starts = [_HEADER + 4 * count, *ends[:-1]]
    return [data[a:b] if b > a else None for a, b in zip(starts, ends, strict=True)]

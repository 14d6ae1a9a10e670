"""Sample arrays as stored and exported: the smallest of a few exact encodings, behind a one-byte tag.

Every encoding gives back the same float64 bits (the store's promise: what a tool wrote is what a
comparison reads). Measured on the real tools' files in tests/data (442 series, 47,118 samples; see
docs/storage.md): raw float64 is 377 KB, zlib of it (tag 1, perfgate before 0.5) 187 KB, the smallest
of the encodings below 168 KB. Most series are 10-30 samples of full-precision floats, where zlib only
adds its 11 bytes of header and checksum: those are kept raw. float32 is never used: 73 of the 442
series would survive it exactly, and every one of those is also caught, smaller, by the decimal
encoding.

Tags:
  1 — zlib of little-endian float64 (still read; no longer written).
  2 — little-endian float64, as is.
  3 — zlib of the float64 bytes shuffled by byte position (the exponent bytes of a series repeat).
  4 — decimal: every sample is n / 10**k for a whole n (a tool that prints 3 decimals, nanoseconds as
      integers); a byte k, a byte w, then the zigzagged differences of consecutive n as w-byte
      little-endian unsigned integers. Decoding divides by 10**k, which gives back the very float64 that
      was stored (the check at encoding is that division).
  5 — tag 4's integers, zlib-compressed.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence

import numpy as np

from perfgate.errors import InputError
from perfgate.limits import MAX_SAMPLES
from perfgate.model import FloatArray, as_samples

_ZLIB_F8, _RAW_F8, _SHUFFLED, _DECIMAL, _DECIMAL_ZLIB = b"\x01", b"\x02", b"\x03", b"\x04", b"\x05"
LEGACY = _ZLIB_F8  # read, never written: an array of it is encoded again when it is copied (an import)
_MAX_SCALE = 15  # 10**15: beyond it n / 10**k needs more than a float64's 53 bits for most values
_WIDTHS = ("<u1", "<u2", "<u4", "<u8")
_SMALL = 32  # below this many samples zlib saves a few bytes at most, for 20 us a series: not tried


def encode(samples: FloatArray) -> bytes | None:
    if samples.size == 0:
        return None
    values = np.ascontiguousarray(samples, dtype="<f8")
    raw = values.tobytes()
    best = _RAW_F8 + raw
    decimal = _decimal(values)
    if decimal is not None and len(decimal) < len(best):
        best = decimal
    if values.size >= _SMALL and len(best) > 2 * values.size:  # under 2 bytes a sample, zlib will not do better
        shuffled = _SHUFFLED + zlib.compress(np.frombuffer(raw, np.uint8).reshape(-1, 8).T.tobytes(), 6)
        if len(shuffled) < len(best):
            best = shuffled
    return best


def _scale(values: list[float]) -> int | None:
    """The smallest k with every value exactly n / 10**k for a whole n (no -0.0), or None.

    Plain floats: for the usual 10-30 samples numpy's per-call cost is most of the time. The first value's
    scale is where the array's can start, so full-precision samples are turned down after one pass."""
    first, top = values[0], max(map(abs, values))
    start = next((k for k in range(_MAX_SCALE + 1) if round(first * 10.0**k) / 10.0**k == first), _MAX_SCALE)
    for k in range(start, _MAX_SCALE + 1):
        scale = 10.0**k
        if top * scale >= 2**53:
            return None
        if all(round(v * scale) / scale == v for v in values):
            return None if any(v == 0 and math.copysign(1, v) < 0 for v in values) else k
    return None


def _decimal(values: FloatArray) -> bytes | None:
    """Tag 4 or 5, when every value is exactly n / 10**k for one k; else None."""
    k = _scale(values.tolist())
    if k is None:
        return None
    n = np.round(values * 10.0**k).astype(np.int64)
    steps = np.diff(n, prepend=np.int64(0))
    zigzag = ((steps << 1) ^ (steps >> 63)).view(np.uint64)
    largest = int(zigzag.max())
    width = next(w for w in range(4) if largest < 1 << (8 << w))
    body = zigzag.astype(_WIDTHS[width]).tobytes()
    head = bytes((k, width))
    if values.size >= _SMALL:
        packed = zlib.compress(body, 6)
        if len(packed) < len(body):
            return _DECIMAL_ZLIB + head + packed
    return _DECIMAL + head + body


def decode(blob: bytes | None) -> FloatArray:
    if not blob:
        return as_samples([])
    tag, body = blob[:1], blob[1:]
    if tag == _RAW_F8:
        samples = _float64(body)
    elif tag == _ZLIB_F8:
        samples = _float64(_inflate(body, MAX_SAMPLES * 8))
    elif tag == _SHUFFLED:
        raw = _inflate(body, MAX_SAMPLES * 8)
        if len(raw) % 8:
            raise InputError("samples", "a truncated array of samples")
        samples = _float64(np.frombuffer(raw, np.uint8).reshape(8, -1).T.tobytes())
    elif tag in (_DECIMAL, _DECIMAL_ZLIB):
        samples = _decimals(body, packed=tag == _DECIMAL_ZLIB)
    else:
        raise InputError("samples", f"encoding {tag!r} is not one this perfgate reads")
    if not np.isfinite(samples).all():
        raise InputError("samples", "a sample that is not a finite number")
    if samples.flags.writeable:  # an array made here; frombuffer's of bytes is read-only already, so no copy
        samples.setflags(write=False)
    return samples


def first_unstorable(blobs: Sequence[bytes | None], signed: Sequence[bool]) -> int | None:
    """The index of the first array that does not decode to finite samples (or holds a negative one where
    ``signed`` is False), or None: a run's arrays checked together, since one numpy call per array of 20
    samples costs more than the check itself. Raw float64 arrays are checked as one array; decimal ones as one
    per integer width (their values are finite by construction: only a sign can be wrong)."""
    raw: list[int] = []
    decimal: dict[int, list[tuple[int, bytes]]] = {}
    first_bad: int | None = None
    for index, blob in enumerate(blobs):
        if not blob:
            continue
        tag = blob[:1]
        if tag == _RAW_F8 and len(blob) % 8 == 1 and len(blob) <= MAX_SAMPLES * 8 + 1:
            raw.append(index)
            continue
        if tag in (_DECIMAL, _DECIMAL_ZLIB) and (body := _decimal_body(blob)) is not None:
            if not signed[index]:  # a decimal array that may be negative is storable once it decodes
                decimal.setdefault(blob[2], []).append((index, body))
            continue
        if not _storable(blob, signed[index]):
            first_bad = index
            break
    together = np.frombuffer(b"".join([blobs[i][1:] for i in raw]), dtype="<f8")  # type: ignore[index]
    kept = np.frombuffer(b"".join([blobs[i][1:] for i in raw if not signed[i]]), dtype="<f8")  # type: ignore[index]
    suspects = [i for i in raw] if not (np.isfinite(together).all() and not (kept < 0).any()) else []
    for width, arrays in decimal.items():
        if _any_negative(width, [body for _, body in arrays]):
            suspects.extend(i for i, _ in arrays)
    bad = [i for i in sorted(suspects) if not _storable(blobs[i], signed[i])][:1]  # which one, then
    return min([*bad, *([] if first_bad is None else [first_bad])], default=None)


def _decimal_body(blob: bytes) -> bytes | None:
    """A decimal array's integers, inflated; None when the header or the length is wrong (decode says why)."""
    if len(blob) < 3 or blob[1] > _MAX_SCALE or blob[2] >= len(_WIDTHS):
        return None
    size = np.dtype(_WIDTHS[blob[2]]).itemsize
    try:
        data = _inflate(blob[3:], MAX_SAMPLES * size) if blob[:1] == _DECIMAL_ZLIB else blob[3:]
    except InputError:
        return None
    return data if data and len(data) % size == 0 and len(data) <= MAX_SAMPLES * size else None


def _any_negative(width: int, bodies: list[bytes]) -> bool:
    """Whether any of these arrays (of one integer width) decodes to a negative value: one running sum over
    all of them, each array's start taken off its values."""
    kind = _WIDTHS[width]
    zigzag = np.frombuffer(b"".join(bodies), dtype=kind).astype(np.int64)
    steps = ((zigzag >> 1) & 0x7FFF_FFFF_FFFF_FFFF) ^ -(zigzag & 1)
    total = np.cumsum(steps)
    lengths = np.array([len(b) for b in bodies]) // np.dtype(kind).itemsize
    ends = np.cumsum(lengths)
    before = np.concatenate(([0], total[ends[:-1] - 1]))  # the running sum before each array
    return bool(((total - np.repeat(before, lengths)) < 0).any())


def _storable(blob: bytes | None, may_be_negative: bool) -> bool:
    try:
        values = decode(blob)
    except InputError:
        return False
    return may_be_negative or not values.size or float(values.min()) >= 0


def _float64(raw: bytes) -> FloatArray:
    if len(raw) > MAX_SAMPLES * 8:
        raise InputError("samples", f"more than {MAX_SAMPLES:,} samples in one series")
    if len(raw) % 8:
        raise InputError("samples", "a truncated array of samples")
    return np.frombuffer(raw, dtype="<f8")


def _decimals(body: bytes, *, packed: bool) -> FloatArray:
    if len(body) < 2 or body[0] > _MAX_SCALE or body[1] >= len(_WIDTHS):
        raise InputError("samples", "a damaged decimal array of samples")
    k, width = body[0], _WIDTHS[body[1]]
    size = np.dtype(width).itemsize
    data = _inflate(body[2:], MAX_SAMPLES * size) if packed else body[2:]
    if len(data) > MAX_SAMPLES * size:
        raise InputError("samples", f"more than {MAX_SAMPLES:,} samples in one series")
    if len(data) % size or not data:
        raise InputError("samples", "a truncated array of samples")
    zigzag = np.frombuffer(data, dtype=width).astype(np.int64)  # u8 wraps to negative: the bits are what count
    steps = ((zigzag >> 1) & 0x7FFF_FFFF_FFFF_FFFF) ^ -(zigzag & 1)
    return np.cumsum(steps) / 10.0**k


def _inflate(body: bytes, limit: int) -> bytes:
    """Bounded: a crafted blob (an import from an untrusted export) cannot inflate past the sample limit."""
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise InputError("samples", f"not readable compressed samples ({exc})") from None
    if len(raw) > limit or inflater.unconsumed_tail:
        raise InputError("samples", f"more than {MAX_SAMPLES:,} samples in one series")
    return raw

"""Sample arrays as stored and exported: little-endian float64, zlib-compressed, behind a one-byte version tag."""

from __future__ import annotations

import zlib

import numpy as np

from perfgate.errors import InputError
from perfgate.limits import MAX_SAMPLES
from perfgate.model import FloatArray, as_samples

_VERSION = b"\x01"


def encode(samples: FloatArray) -> bytes | None:
    if samples.size == 0:
        return None
    return _VERSION + zlib.compress(samples.astype("<f8").tobytes(), level=6)


def decode(blob: bytes | None) -> FloatArray:
    if not blob:
        return as_samples([])
    if blob[:1] != _VERSION:
        raise InputError("samples", f"encoding {blob[:1]!r} is not one this perfgate reads")
    # Bounded: a crafted blob (an import from an untrusted export) cannot inflate past the sample limit.
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(blob[1:], MAX_SAMPLES * 8 + 1)
    except zlib.error as exc:
        raise InputError("samples", f"not readable compressed samples ({exc})") from None
    if len(raw) > MAX_SAMPLES * 8 or inflater.unconsumed_tail:
        raise InputError("samples", f"more than {MAX_SAMPLES:,} samples in one series")
    if len(raw) % 8:
        raise InputError("samples", "a truncated array of samples")
    samples = np.frombuffer(raw, dtype="<f8")
    if not np.isfinite(samples).all():
        raise InputError("samples", "a sample that is not a finite number")
    return as_samples(samples)

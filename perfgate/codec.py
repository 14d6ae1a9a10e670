"""Sample arrays as stored and exported: little-endian float64, zlib-compressed, behind a one-byte version tag."""

from __future__ import annotations

import zlib

import numpy as np

from perfgate.errors import InputError
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
    return as_samples(np.frombuffer(zlib.decompress(blob[1:]), dtype="<f8"))

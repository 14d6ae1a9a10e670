"""A seeded mutator of real results files: byte-level damage, and JSON values swapped for hostile ones.

Deterministic for a seed, so a failure found in CI is reproduced by running the same test again.
"""

from __future__ import annotations

import json
import random
from typing import Any

# What hostile or broken tools put where a number, a name or an object belongs.
HOSTILE_VALUES: tuple[Any, ...] = (
    [],
    {},
    "abc",
    float("nan"),
    float("inf"),
    -float("inf"),
    -1,
    2**64,
    1e308,
    None,
    True,
    "\ud800",  # a lone surrogate
    [[1]],
    0,
    "",
    "1e400",
    [1.5, "x"],
    "2019-11-29 21:26:59",
    "99999-01-01T00:00:00",
    "a\nb::error::x",
)
HOSTILE_BYTES = (b"NaN", b"+Inf", b"-1", b"99999999999999999999999", b",", b"\n", b'"', b"\xff\xfe", b"e999", b"\x00")


def mutate_json(value: Any, rng: random.Random) -> bytes:
    """Replace one to three nodes of a JSON document with hostile values."""
    slots: list[tuple[Any, Any]] = []

    def walk(node: Any, parent: Any, key: Any) -> None:
        if parent is not None:
            slots.append((parent, key))
        if isinstance(node, dict):
            for k in list(node):
                walk(node[k], node, k)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, node, i)

    walk(value, None, None)
    for _ in range(rng.randint(1, 3)):
        if slots:
            parent, key = rng.choice(slots)
            parent[key] = rng.choice(HOSTILE_VALUES)
    return json.dumps(value).encode("utf-8", "surrogatepass")


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    """Flip, delete, insert, truncate or duplicate a few spans of bytes."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not out:
            break
        i = rng.randrange(len(out))
        match rng.randrange(5):
            case 0:
                out[i] = rng.randrange(256)
            case 1:
                del out[i : i + rng.randint(1, 50)]
            case 2:
                out[i:i] = rng.choice(HOSTILE_BYTES)
            case 3:
                del out[i:]
            case _:
                out[i:i] = out[i : i + rng.randint(1, 100)]
    return bytes(out)

"""Every reader on thousands of mutated real files: a clear InputError (exit 3) or sane results, never a crash.

Each file in tests/data is damaged by a seeded mutator and read, sniffed and with every format forced.
Whatever is read must also be comparable and storable: every number finite, every count in range.
Larger runs by hand, with another seed: PERFGATE_FUZZ_MUTATIONS=2000 PERFGATE_FUZZ_SEED=2 pytest tests/formats/test_fuzz.py
"""

from __future__ import annotations

import gzip
import json
import math
import os
import random
import resource
from pathlib import Path

import pytest

from perfgate import formats
from perfgate.errors import PerfgateError
from perfgate.limits import MAX_INTEGER
from perfgate.model import ParsedResults

from ..conftest import DATA
from .mutate import mutate_bytes, mutate_json

MUTATIONS_PER_FILE = int(os.environ.get("PERFGATE_FUZZ_MUTATIONS", "150"))
SEED = os.environ.get("PERFGATE_FUZZ_SEED", "")
FILES = sorted(
    p
    for p in DATA.rglob("*")
    if p.is_file() and p.name != "PROVENANCE.txt" and not {"github-events", "aa-reruns"} & set(p.parts)
)
FORMAT_NAMES = [f.name for f in formats.all_formats()]


def _original(path: Path) -> bytes:
    raw = path.read_bytes()
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


def _sane(results: ParsedResults) -> None:
    for series in results.series:
        assert all(math.isfinite(v) for v in series.samples), series.name
        for key, value in vars(series.summary).items():
            if value is not None:
                assert math.isfinite(value) and (key not in ("count", "errors") or 0 <= value <= MAX_INTEGER), key
        series.name.encode("utf-8")  # storable text


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_mutated_files_are_read_or_refused_never_crash(path: Path, tmp_path: Path) -> None:
    rng = random.Random(f"perfgate-fuzz{SEED}:{path.relative_to(DATA)}")
    original = _original(path)
    try:
        parsed = json.loads(original)
    except ValueError:
        parsed = None
    target = tmp_path / path.name
    outcomes = {"read": 0, "refused": 0}
    for n in range(MUTATIONS_PER_FILE):
        data = (
            mutate_json(json.loads(original), rng) if parsed is not None and n % 2 == 0 else mutate_bytes(original, rng)
        )
        target.write_bytes(data)
        forced = rng.choice(FORMAT_NAMES) if n % 3 == 0 else None
        try:
            _sane(formats.read(target, forced))
            outcomes["read"] += 1
        except PerfgateError:
            outcomes["refused"] += 1
        except Exception as exc:  # the test's point: name the mutation that crashed a reader
            kept = tmp_path / f"crash-{n}-{path.name}"
            kept.write_bytes(data)
            pytest.fail(
                f"{type(exc).__name__}: {exc} reading mutation {n} of {path.name} (format {forced}), kept as {kept}"
            )
    assert sum(outcomes.values()) == MUTATIONS_PER_FILE
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 2 * 1024 * 1024  # KiB: under 2 GiB

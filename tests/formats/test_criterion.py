"""Criterion.rs: its data directory (target/criterion) or one of its files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from perfgate import formats
from perfgate.errors import InputError

from ..conftest import DATA
from .reading import one_series


def test_criterion_from_the_directory_or_a_file(tmp_path: Path) -> None:
    root = DATA / "rust-criterion" / "target" / "criterion"
    sample = json.loads((root / "fib 15" / "new" / "sample.json").read_text())
    fib = one_series(root, "fib 15", "time")
    expected = np.array(sample["times"]) / np.array(sample["iters"]) * 1e-9
    assert fib.samples.tolist() == pytest.approx(expected.tolist())
    by_file = one_series(root / "fib 15" / "new" / "sample.json", "fib 15", "time")
    assert by_file.samples.tolist() == fib.samples.tolist()
    copy = tmp_path / "fib"
    shutil.copytree(root / "fib 15", copy)
    (copy / "new" / "sample.json").unlink()
    with pytest.raises(InputError, match=r"new/sample\.json: missing"):
        formats.read(copy, "criterion")

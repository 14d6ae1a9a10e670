"""formats.read beyond its reader: the file's sha256, hashed while the file is parsed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from perfgate import formats
from perfgate.errors import InputError

from ..conftest import DATA


@pytest.mark.parametrize("fixture", ["k6/k6_points.ndjson.gz", "pytest-benchmark/example_base.json"])
def test_the_digest_is_the_sha256_of_the_file_as_stored(fixture: str, tmp_path: Path) -> None:
    """Hashed on another thread while the file is read: the same digest as hashing it in one go, over several of
    the digest's chunks, and of the compressed bytes of a gzip file."""
    stored = tmp_path / Path(fixture).name
    stored.write_bytes((DATA / fixture).read_bytes())
    if stored.suffix == ".gz":  # a stream of several gzip members, as long as a few digest chunks
        stored.write_bytes(stored.read_bytes() * (3 * formats._DIGEST_CHUNK // stored.stat().st_size + 1))
    assert formats.read(stored).sha256 == hashlib.sha256(stored.read_bytes()).hexdigest()
    assert formats.read(stored, sha256=False).sha256 == ""


def test_a_file_that_cannot_be_read_stops_its_digest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[formats._FileHash] = []

    class Recorded(formats._FileHash):
        def __init__(self, path: str) -> None:
            super().__init__(path)
            started.append(self)

    monkeypatch.setattr(formats, "_FileHash", Recorded)
    bad = tmp_path / "bad.json"
    bad.write_text('{"machine_info": {}, "benchmarks": []}')
    with pytest.raises(InputError):
        formats.read(bad)
    assert len(started) == 1 and started[0]._cancelled.is_set()

"""What the format tests share: a file's series by key or by name, the series of two readers of one file
compared, and an input file written from text or bytes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from perfgate import formats
from perfgate.model import Series


def by_key(path: Path | str) -> dict[tuple[str, str], Series]:
    return {s.key: s for s in formats.read(path).series}


def one_series(path: Path | str, name: str, metric: str) -> Series:
    return next(s for s in formats.read(path).series if s.name == name and s.metric == metric)


def assert_same_series(fast: Sequence[Series], slow: Sequence[Series]) -> None:
    assert [(s.name, s.metric) for s in fast] == [(s.name, s.metric) for s in slow]
    for a, b in zip(fast, slow, strict=True):
        assert a.summary == b.summary, a.key
        assert a.samples.tolist() == b.samples.tolist(), a.key


def write_input(tmp_path: Path, name: str, content: str | bytes) -> str:
    """The file NAME in tmp_path; text is written as UTF-8, lone surrogates included (hostile names are)."""
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content)
    return str(path)

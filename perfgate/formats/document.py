"""A results file as the format modules see it: its path, its bytes and, lazily, its JSON."""

from __future__ import annotations

import gzip
import json
import math
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from perfgate.errors import InputError
from perfgate.model import FloatArray, as_samples

HEAD_BYTES = 64 * 1024
SNIFF_JSON_LIMIT = 64 * 1024 * 1024  # larger files are streamed formats: never json.loads them whole to sniff


@dataclass
class Document:
    """One input file, read lazily: a head for sniffing, the whole content only when a format asks.

    Gzip-compressed files are decompressed transparently. JSON is parsed once, on first use, and errors
    name the line and column. Streaming formats read ``stream()`` and never hold the file in memory.
    """

    path: str
    head: bytes
    is_dir: bool = False  # criterion results are a directory tree
    gzipped: bool = False
    size: int = 0
    _data: bytes | None = field(default=None, init=False, repr=False)
    _json: Any = field(default=None, init=False, repr=False)
    _json_error: InputError | None = field(default=None, init=False, repr=False)
    _parsed: bool = field(default=False, init=False, repr=False)

    @classmethod
    def open(cls, path: str | Path) -> Document:
        p = Path(path)
        if p.is_dir():
            return cls(str(path), b"", is_dir=True)
        try:
            with open(p, "rb") as handle:
                raw = handle.read(HEAD_BYTES)
            gzipped = raw[:2] == b"\x1f\x8b"
            if gzipped:
                with gzip.open(p, "rb") as unzipped:
                    raw = unzipped.read(HEAD_BYTES)
            return cls(str(path), raw, gzipped=gzipped, size=p.stat().st_size)
        except FileNotFoundError:
            raise InputError(str(path), "no such file") from None
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(str(path), f"cannot be read: {getattr(exc, 'strerror', None) or exc}") from None

    @property
    def data(self) -> bytes:
        """The whole (decompressed) content."""
        if self._data is None:
            if self.is_dir or not Path(self.path).is_file():
                self._data = self.head
            else:
                with self.stream() as handle:
                    self._data = handle.read()
        return self._data

    def stream(self) -> IO[bytes]:
        """The content as a binary stream, decompressed if need be."""
        try:
            if self.gzipped:
                return gzip.open(self.path, "rb")  # type: ignore[return-value]  # GzipFile is a binary stream
            return open(self.path, "rb")
        except OSError as exc:
            raise InputError(self.path, f"cannot be read: {exc.strerror}") from None

    def head_lines(self, count: int) -> list[str]:
        """The first ``count`` complete lines of the head, decoded leniently (for sniffing)."""
        lines = self.head.decode("utf-8", "replace").splitlines()
        complete = lines if len(self.head) < HEAD_BYTES else lines[:-1]
        return complete[:count]

    def text(self) -> str:
        try:
            return self.data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(self.path, f"not UTF-8 text (byte {exc.start})") from None

    def looks_like_json(self) -> bool:
        return self.head.lstrip()[:1] in (b"{", b"[")

    def json(self) -> Any:
        """The parsed JSON value; raises InputError with line:column when the file is not JSON."""
        if not self._parsed:
            self._parsed = True
            try:
                self._json = json.loads(self.data.decode("utf-8-sig"))
            except UnicodeDecodeError as exc:
                self._json_error = InputError(self.path, f"not UTF-8 text (byte {exc.start})")
            except json.JSONDecodeError as exc:
                self._json_error = InputError(
                    self.path, f"not valid JSON: {exc.msg}", where=f"{exc.lineno}:{exc.colno}"
                )
        if self._json_error is not None:
            raise self._json_error
        return self._json

    def json_or_none(self) -> Any:
        """The parsed JSON, or None when the file is not JSON (for sniffing)."""
        if not self.looks_like_json() or self.size > SNIFF_JSON_LIMIT:
            return None
        try:
            return self.json()
        except InputError:
            return None

    def error(self, key: str, problem: str) -> InputError:
        return InputError(self.path, problem, where=key)


def mapping(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one: for optional, informative parts of a file."""
    return value if isinstance(value, dict) else {}


def require(doc: Document, obj: Any, key: str, kind: type | tuple[type, ...], path: str) -> Any:
    """``obj[key]``, checked to be of ``kind``; the error names the key path and what was expected."""
    where = f"{path}.{key}" if path else key
    if not isinstance(obj, dict) or key not in obj:
        raise doc.error(where, "missing")
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise doc.error(where, f"expected {_kind_name(kind)}, got {_json_type(value)}")
    return value


def optional(doc: Document, obj: dict[str, Any], key: str, kind: type | tuple[type, ...], path: str) -> Any:
    if obj.get(key) is None:
        return None
    return require(doc, obj, key, kind, path)


def timings(doc: Document, values: Any, path: str, *, allow_zero: bool = True) -> FloatArray:
    """A list of finite, non-negative numbers; anything else is an error naming the element."""
    if not isinstance(values, list):
        raise doc.error(path, f"expected a list of numbers, got {_json_type(values)}")
    for i, v in enumerate(values):
        if not isinstance(v, int | float) or isinstance(v, bool):
            raise doc.error(f"{path}[{i}]", f"expected a number, got {_json_type(v)} {v!r:.40}")
        if not math.isfinite(v):
            raise doc.error(f"{path}[{i}]", f"expected a finite number, got {v}")
        if v < 0 or (v == 0 and not allow_zero):
            raise doc.error(f"{path}[{i}]", f"expected a non-negative measurement, got {v}")
    return as_samples(values)


def measurement(doc: Document, obj: dict[str, Any], key: str, path: str) -> float | None:
    """An optional single measurement ``obj[key]``: finite and non-negative when present."""
    if obj.get(key) is None:
        return None
    where = f"{path}.{key}" if path else key
    value = obj[key]
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise doc.error(where, f"expected a number, got {_json_type(value)}")
    if not math.isfinite(value) or value < 0:
        raise doc.error(where, f"expected a finite, non-negative number, got {value}")
    return float(value)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)


_TYPE_NAMES = {dict: "an object", list: "a list", str: "a string", int: "a number", float: "a number"}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return _TYPE_NAMES.get(type(value), type(value).__name__)

"""A results file as the format modules see it: its path, its bytes and, lazily, its JSON."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import math
import stat
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from perfgate import limits, progress
from perfgate.errors import InputError, os_problem
from perfgate.formats import strict_json
from perfgate.model import FloatArray, as_samples

_CHUNK = 1024 * 1024  # bytes read at a time by lines()
HEAD_BYTES = limits.HEAD_BYTES
BOM = b"\xef\xbb\xbf"


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
    bom: bool = False  # a UTF-8 byte order mark, left out of head, data and stream
    _data: bytes | None = field(default=None, init=False, repr=False)
    _json: Any = field(default=None, init=False, repr=False)
    _json_error: InputError | None = field(default=None, init=False, repr=False)
    _parsed: bool = field(default=False, init=False, repr=False)

    @classmethod
    def open(cls, path: str | Path) -> Document:
        p = Path(path)
        try:
            info = p.stat()
            if stat.S_ISDIR(info.st_mode):
                return cls(str(path), b"", is_dir=True)
            if not stat.S_ISREG(info.st_mode):  # a FIFO, a device (/dev/zero), a socket: could be read forever
                raise InputError(str(path), "not a regular file; expected a results file")
            with open(p, "rb") as handle:
                raw = handle.read(HEAD_BYTES + len(BOM))
            gzipped = raw[:2] == b"\x1f\x8b"
            if gzipped:
                with gzip.open(p, "rb") as unzipped:
                    raw = unzipped.read(HEAD_BYTES + len(BOM))
            bom = raw.startswith(BOM)
            raw = raw[len(BOM) :] if bom else raw[:HEAD_BYTES]
            return cls(str(path), raw[:HEAD_BYTES], gzipped=gzipped, size=info.st_size, bom=bom)
        except FileNotFoundError:
            raise InputError(str(path), "no such file") from None
        except OSError as exc:
            raise InputError(str(path), f"cannot be read: {os_problem(p, exc)}") from None
        except (EOFError, zlib.error) as exc:
            raise InputError(str(path), f"cannot be read: {exc}") from None

    @property
    def data(self) -> bytes:
        """The whole (decompressed) content."""
        if self._data is None:
            if self.is_dir or not Path(self.path).is_file():
                self._data = self.head
            else:
                cap = limits.input_limits.get().document_bytes
                with self._open(cap, "read whole") as handle:
                    self._data = handle.read()
        return self._data

    def stream(self) -> IO[bytes]:
        """The content as a binary stream, decompressed if need be, capped at the streamed-input limit."""
        return self._open(limits.input_limits.get().stream_bytes, "streamed")

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """Numbered non-blank lines of the stream, without their line ending's ``\\n`` (a ``\\r`` stays); a line
        longer than the line limit is an error naming it. Every line-oriented reader ignores blank lines, so
        they are skipped here (and counted, so later line numbers stay right)."""
        for first, block in self.line_blocks():
            for number, line in enumerate(block, first):
                if line and not line.isspace():
                    yield number, line

    def line_blocks(self) -> Iterator[tuple[int, list[bytes]]]:
        """The stream's lines (without ``\\n``, blank ones included) about a megabyte at a time, with the number of
        each block's first line: readers of very large files work on whole blocks with C-level loops (a
        statement per line costs more than parsing it). A line longer than the line limit is an error."""
        cap = limits.input_limits.get().line_bytes
        number = 1
        pending = b""
        with self.stream() as handle:
            while chunk := handle.read(_CHUNK):
                block = chunk.split(b"\n")
                block[0] = pending + block[0]
                pending = block.pop()
                if block and max(map(len, block)) > cap:
                    raise self._too_long(cap, number + next(i for i, line in enumerate(block) if len(line) > cap))
                if len(pending) > cap:
                    raise self._too_long(cap, number + len(block))
                if block:
                    yield number, block
                number += len(block)
        if pending:
            yield number, [pending]

    @contextlib.contextmanager
    def text_lines(self) -> Iterator[IO[str]]:
        """The stream as UTF-8 text (bad bytes replaced), to read line by line with each line's ending (what the
        csv module needs for line breaks within quoted fields). A line longer than the line limit is an error
        naming it, raised as soon as the limit is passed: the text is never asked to hold such a line."""
        cap = limits.input_limits.get().line_bytes
        with self.stream() as binary:
            guarded = io.BufferedReader(_LineGuard(binary, cap, self._too_long), buffer_size=256 * 1024)
            yield io.TextIOWrapper(guarded, encoding="utf-8", errors="replace", newline="")

    def blocks(self) -> Iterator[bytes]:
        """The stream about a megabyte at a time, each block whole lines (the last may lack its ``\\n``): for
        readers that find their fields with numpy in the bytes themselves. A line that goes on past the line
        limit is an error."""
        cap = limits.input_limits.get().line_bytes
        given = 0  # bytes given out so far: the line too long starts there
        pending = b""
        with self.stream() as handle:
            while chunk := handle.read(_CHUNK):
                cut = chunk.rfind(b"\n") + 1
                if cut:
                    block, pending = pending + chunk[:cut], chunk[cut:]
                    yield block
                    given += len(block)
                else:
                    pending += chunk
                if len(pending) > cap:
                    raise self._too_long(cap, self._line_at(given))
        if pending:
            yield pending

    def _line_at(self, offset: int) -> int:
        """The number of the line that starts at byte ``offset`` of the stream (for an error: reads it again)."""
        number = 1
        with self.stream() as handle:
            while offset > 0 and (chunk := handle.read(min(_CHUNK, offset))):
                number += chunk.count(b"\n")
                offset -= len(chunk)
        return number

    def _too_long(self, cap: int, number: int) -> InputError:
        return InputError(self.path, f"a line longer than {cap:,} bytes; {limits.RAISE_HINT}", where=str(number))

    def _open(self, cap: int, how: str) -> IO[bytes]:
        try:
            # Closed by the BufferedReader returned below, which the caller uses as a context manager.
            stored: IO[bytes] = open(self.path, "rb")  # noqa: SIM115
        except OSError as exc:
            raise InputError(self.path, f"cannot be read: {exc.strerror}") from None
        if (watcher := progress.sink.get()) is not None:
            stored = _Watched(stored, watcher, self.path, self.size)  # type: ignore[assignment]
        raw: IO[bytes] = gzip.GzipFile(fileobj=stored, mode="rb") if self.gzipped else stored  # type: ignore[assignment]
        if self.bom:
            raw.read(len(BOM))
        # GzipFile leaves the file it reads open: the cap closes both.
        closing = (raw, stored) if raw is not stored else (raw,)
        return io.BufferedReader(_Capped(closing, cap, self.path, how), buffer_size=256 * 1024)

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
                self._json = loads_json(self.data, self.path)
            except InputError as exc:
                self._json_error = exc
        if self._json_error is not None:
            raise self._json_error
        return self._json

    def json_or_none(self) -> Any:
        """The parsed JSON, or None when the file is not JSON (for sniffing)."""
        if not self.looks_like_json() or self.size > limits.SNIFF_JSON_BYTES:
            return None
        try:
            return self.json()
        except RefusedJSON:  # JSON, but not readable as meant: the reason is the better message for any format
            raise
        except InputError:
            return None

    def error(self, key: str, problem: str) -> InputError:
        return InputError(self.path, problem, where=key)


class _Capped(io.RawIOBase):
    """A stream that refuses to yield more than ``cap`` bytes: a gzip bomb or an endless file stops here."""

    def __init__(self, streams: tuple[IO[bytes], ...], cap: int, path: str, how: str) -> None:
        self._inner, self._left, self._cap, self._path, self._how = streams[0], cap, cap, path, how
        self._streams = streams

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)
        try:
            count = self._inner.readinto(view[: self._left + 1])  # type: ignore[attr-defined]
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(self._path, f"cannot be read: {getattr(exc, 'strerror', None) or exc}") from None
        self._left -= count
        if self._left < 0:
            raise InputError(
                self._path,
                f"more than {self._cap:,} bytes (decompressed), the limit for a file {self._how}; {limits.RAISE_HINT}",
            )
        return int(count)

    def close(self) -> None:
        for stream in self._streams:
            stream.close()
        super().close()


class _LineGuard(io.RawIOBase):
    """A stream that stops when more than ``cap`` bytes go by without a newline: the check costs a search per
    chunk, not a statement per line, so a reader may iterate lines at C speed over it."""

    def __init__(self, inner: IO[bytes], cap: int, too_long: Callable[[int, int], InputError]) -> None:
        self._inner, self._cap, self._too_long = inner, cap, too_long
        self._run = 0  # bytes since the last newline
        self._lines = 0  # newlines so far

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)[: self._cap]  # a chunk no longer than the limit: a line too long spans two
        count = int(self._inner.readinto(view))  # type: ignore[attr-defined]
        chunk = view[:count].tobytes()
        first = chunk.find(b"\n")
        if (first if first >= 0 else count) + self._run > self._cap:
            raise self._too_long(self._cap, self._lines + 1)
        if first >= 0:
            self._lines += chunk.count(b"\n")
            self._run = count - chunk.rfind(b"\n") - 1
        else:
            self._run += count
        return count


class _Watched(io.RawIOBase):
    """The stored file, telling a progress sink how far into it reading has come."""

    def __init__(self, inner: IO[bytes], watcher: progress.Sink, path: str, size: int | None) -> None:
        self._inner, self._watcher, self._done = inner, watcher, 0
        watcher.start(path, size)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = int(self._inner.readinto(buffer))  # type: ignore[attr-defined]
        self._done += count
        self._watcher.advance(self._done)
        return count

    def close(self) -> None:
        if not self.closed:
            self._watcher.finish()
            self._inner.close()
        super().close()


class RefusedJSON(InputError):
    """Valid JSON that no reader can take as meant (a key named twice, an integer beyond a float)."""


def loads_json(data: bytes, path: str, *, line: int | None = None) -> Any:
    """JSON from bytes (a UTF-8 BOM allowed); every failure is an InputError naming the file and place. Valid JSON
    perfgate cannot read as meant (a key twice in an object, an integer beyond a float) is refused too, naming the
    key. ``line``: the line of a file of JSON lines that ``data`` is."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text (byte {exc.start})", where=_on(line)) from None
    try:
        return strict_json.loads(text, data)
    except json.JSONDecodeError as exc:
        at = f"{exc.lineno}:{exc.colno}" if line is None else f"{line}:{exc.colno}"
        raise InputError(path, f"not valid JSON: {exc.msg}", where=at) from None
    except strict_json.JSONProblem as exc:
        if line is None:
            raise RefusedJSON(path, exc.problem, where=exc.where) from None
        raise RefusedJSON(path, f"{exc.where}: {exc.problem}", where=str(line)) from None
    except RecursionError:  # the decoder's own depth check: no results file nests this deep
        raise InputError(
            path, "JSON nested more than the parser allows (about 1,000 levels); no results file is", where=_on(line)
        ) from None


def json_line(path: str, raw: bytes, line: int) -> Any:
    """One line of a log that mixes JSON events with text (cargo bench): its JSON value, or None when the line is
    not JSON; valid JSON perfgate refuses (a key twice, an integer beyond a float) is an error naming the line."""
    try:
        return strict_json.loads(raw.decode("utf-8", "replace"), raw)
    except json.JSONDecodeError:
        return None
    except strict_json.JSONProblem as exc:
        raise RefusedJSON(path, f"{exc.where}: {exc.problem}", where=str(line)) from None
    except RecursionError:
        return None


def _on(line: int | None) -> str | None:
    return None if line is None else str(line)


def timestamp(doc: Document, text: Any, key: str) -> datetime:
    """An ISO 8601 time; one without a zone is UTC (what older pytest-benchmark and Google Benchmark write)."""
    if not isinstance(text, str):
        raise doc.error(key, f"expected an ISO 8601 date and time, got {_json_type(text)}")
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise doc.error(key, f"expected an ISO 8601 date and time, got {text[:60]!r}") from None
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    try:
        value = value.astimezone(UTC)
    except OverflowError:
        raise doc.error(key, f"a date out of range: {text[:60]!r}") from None
    if not limits.MIN_YEAR <= value.year <= limits.MAX_YEAR:
        raise doc.error(key, f"a date out of range ({limits.MIN_YEAR}-{limits.MAX_YEAR}): {text[:60]!r}")
    return value


def integer(doc: Document, value: Any, key: str) -> int:
    """A count: a whole, non-negative number up to perfgate's limit (strings of digits accepted, as some tools write)."""
    number: float
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise doc.error(key, f"expected a whole number, got {_json_type(value)}")
    try:
        number = float(value) if not isinstance(value, int) else value
    except ValueError:
        raise doc.error(key, f"expected a whole number, got {str(value)[:40]!r}") from None
    if not math.isfinite(number) or number < 0 or number != int(number) or number > limits.MAX_INTEGER:
        raise doc.error(key, f"expected a whole number from 0 to {limits.MAX_INTEGER:,}, got {str(value)[:40]}")
    return int(number)


def root_object(doc: Document) -> dict[str, Any]:
    """The document's JSON value, which must be an object."""
    value = doc.json()
    if not isinstance(value, dict):
        raise InputError(doc.path, f"expected a JSON object at the top, got {_json_type(value)}")
    return value


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
    return measured(doc, obj[key], f"{path}.{key}" if path else key)


def measured(doc: Document, value: Any, where: str) -> float:
    """One measurement (a time, a size, a rate) at key path ``where``: a finite, non-negative number."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise doc.error(where, f"expected a number, got {_json_type(value)}")
    if not math.isfinite(value) or value < 0:
        raise doc.error(where, f"expected a finite, non-negative number, got {value}")
    return float(value)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(dict.fromkeys(_TYPE_NAMES.get(k, k.__name__) for k in kinds))  # int or float: "a number"


_TYPE_NAMES = {dict: "an object", list: "a list", str: "a string", int: "a number", float: "a number"}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return _TYPE_NAMES.get(type(value), type(value).__name__)

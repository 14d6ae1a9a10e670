"""JSON as every reader gets it: no object names a key twice, and no integer is beyond what a float can hold.

Python's decoder keeps the last of two equal keys without a word (a benchmark named twice in asv's ``results``
would be half read), turns an integer of more than 4,300 digits into a plain ValueError, and keeps one of 400
digits as an int that no reader can turn into a float. Each is refused here, once, for every JSON format, naming
the key path where it was found.
"""

from __future__ import annotations

import json
import sys
from typing import Any

# An integer beyond the largest float (1.8e308) has at least 309 digits: files without such a run of digits,
# all real ones, are decoded without the (slower) integer hook.
_LONG_RUN = 309
_DIGITS = bytes(48 if 48 <= i <= 57 else 32 for i in range(256))  # every digit to "0", the rest to " "
_SCAN = 1024 * 1024


class JSONProblem(ValueError):
    """Valid JSON perfgate refuses: ``where`` is the key path (``results.time_x``), ``problem`` what is wrong."""

    def __init__(self, where: str, problem: str) -> None:
        self.where, self.problem = where, problem
        super().__init__(f"{where}: {problem}")


def loads(text: str, raw: bytes) -> Any:
    """``text`` (the decoded ``raw``) as JSON; a key named twice or an integer beyond a float is a JSONProblem.
    A syntax error is json.JSONDecodeError, as from json.loads."""
    odd: list[Any] = []  # the values that are wrong, found again in the tree for their key path
    big = _has_long_digit_run(raw)
    # With a long run of digits, every integer goes through the hook: one of 5,000 digits never reaches int().
    value = json.loads(text, object_pairs_hook=_unique_keys(odd), parse_int=_bounded_integer(odd) if big else None)
    if odd:
        raise _located(value, odd[0])
    return value


class _Repeated(dict[str, Any]):
    """An object that named ``key`` twice (kept as a dict so that decoding goes on to find where it is)."""

    key: str


class _TooLarge:
    """An integer of ``digits`` digits, beyond the largest float."""

    def __init__(self, digits: int) -> None:
        self.digits = digits


def _unique_keys(odd: list[Any]) -> Any:
    def build(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) == len(pairs):
            return obj
        seen: set[str] = set()
        repeated = _Repeated(obj)
        repeated.key = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        odd.append(repeated)
        return repeated

    return build


def _bounded_integer(odd: list[Any]) -> Any:
    def build(text: str) -> int | _TooLarge:
        digits = len(text.lstrip("-"))
        if digits < _LONG_RUN or (digits == _LONG_RUN and abs(int(text)) <= sys.float_info.max):
            return int(text)
        found = _TooLarge(digits)
        odd.append(found)
        return found

    return build


def _has_long_digit_run(raw: bytes) -> bool:
    """Whether ``raw`` holds 309 digits in a row, looked for in megabyte slices (a translated copy of each)."""
    run = b"0" * _LONG_RUN
    for start in range(0, len(raw), _SCAN):
        if run in raw[max(0, start - _LONG_RUN) : start + _SCAN].translate(_DIGITS):
            return True
    return False


def _located(root: Any, wrong: Any) -> JSONProblem:
    where = _path_to(root, wrong)
    if isinstance(wrong, _TooLarge):
        return JSONProblem(
            where, f"an integer of {wrong.digits:,} digits; expected a number up to {sys.float_info.max:.3g}"
        )
    assert isinstance(wrong, _Repeated)
    return JSONProblem(
        f"{where}.{wrong.key}" if where else wrong.key,
        f"named twice in {'the object ' + where if where else 'the top object'}; expected each key once",
    )


def _path_to(root: Any, wrong: Any) -> str:
    """The key path of ``wrong`` (by identity) in ``root``, depth first; only walked when something is wrong."""
    stack: list[tuple[str, Any]] = [("", root)]
    while stack:
        path, node = stack.pop()
        if node is wrong:
            return path
        if isinstance(node, dict):
            stack.extend(reversed([(f"{path}.{k}" if path else str(k), v) for k, v in node.items()]))
        elif isinstance(node, list):
            stack.extend(reversed([(f"{path}[{i}]", v) for i, v in enumerate(node)]))
    return ""

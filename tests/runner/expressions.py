"""GitHub Actions expressions (``${{ … }}``) as the runner evaluates them.

The subset action.yml and the example workflows use, with the runner's semantics: ``||`` and ``&&`` return an
operand (not a boolean), ``==`` compares strings case-insensitively and coerces mixed types to numbers, a missing
property is null, null renders as the empty string, and ``if:`` without a status function means
``success() && (…)``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

_TOKEN = re.compile(
    r"\s*(?:(?P<num>-?\d+(?:\.\d+)?)|(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|<=|>=|&&|\|\||[!<>().,\[\]*])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)
STATUS_FUNCTIONS = ("success(", "failure(", "always(", "cancelled(")


class ExpressionError(ValueError):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match:
            raise ExpressionError(f"cannot read {text[pos:]!r} in {text!r}")
        kind = match.lastgroup
        assert kind is not None
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


def truthy(value: Any) -> bool:
    if isinstance(value, float) and math.isnan(value):
        return False
    return value not in (None, False, 0, "")


def to_string(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, indent=2)
    return str(value)


def _number(value: Any) -> float:
    if value is None or value is False:
        return 0.0
    if value is True:
        return 1.0
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip() or 0)
        except ValueError:
            return math.nan
    return math.nan


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    if type(a) is type(b) or a is None or b is None:
        if a is None or b is None:
            return a is None and b is None
        return bool(a == b)
    return _number(a) == _number(b)


class _Parser:
    def __init__(self, text: str, contexts: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]) -> None:
        self.tokens = _tokens(text)
        self.pos = 0
        self.contexts = contexts
        self.functions = functions
        self.text = text

    def peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise ExpressionError(f"unexpected end of {self.text!r}")
        token = self.tokens[self.pos]
        if expected is not None and token[1] != expected:
            raise ExpressionError(f"expected {expected!r}, got {token[1]!r} in {self.text!r}")
        self.pos += 1
        return token

    def parse(self) -> Any:
        value = self.or_()
        if self.pos != len(self.tokens):
            raise ExpressionError(f"unexpected {self.peek()!r} in {self.text!r}")
        return value

    def or_(self) -> Any:
        value = self.and_()
        while self.peek() == "||":
            self.take()
            right = self.and_()
            value = value if truthy(value) else right
        return value

    def and_(self) -> Any:
        value = self.compare()
        while self.peek() == "&&":
            self.take()
            right = self.compare()
            value = right if truthy(value) else value
        return value

    def compare(self) -> Any:
        value = self.unary()
        while self.peek() in ("==", "!=", "<", ">", "<=", ">="):
            op = self.take()[1]
            right = self.unary()
            if op == "==":
                value = _equal(value, right)
            elif op == "!=":
                value = not _equal(value, right)
            else:
                a, b = _number(value), _number(right)
                value = {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
        return value

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            return not truthy(self.unary())
        return self.postfix()

    def postfix(self) -> Any:
        value = self.primary()
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                name = self.take()[1]
                value = _property(value, name)
            else:
                key = self.or_()
                self.take("]")
                value = _property(value, to_string(key)) if not isinstance(value, list) else _index(value, key)
        return value

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "num":
            return float(text)
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if text == "(":
            value = self.or_()
            self.take(")")
            return value
        if kind == "name":
            if text in ("true", "false"):
                return text == "true"
            if text == "null":
                return None
            if self.peek() == "(":
                self.take()
                args: list[Any] = []
                while self.peek() != ")":
                    args.append(self.or_())
                    if self.peek() == ",":
                        self.take()
                self.take(")")
                function = self.functions.get(text.lower())
                if function is None:
                    raise ExpressionError(f"unknown function {text}()")
                return function(*args)
            return self.contexts.get(text.lower())
        raise ExpressionError(f"unexpected {text!r} in {self.text!r}")


def _property(value: Any, name: str) -> Any:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key.lower() == name.lower():
                return item
    return None


def _index(value: list[Any], key: Any) -> Any:
    i = int(_number(key))
    return value[i] if 0 <= i < len(value) else None


def _format(template: str, *args: Any) -> str:
    return re.sub(r"\{(\d+)\}", lambda m: to_string(args[int(m.group(1))]), template)


BUILTINS: dict[str, Callable[..., Any]] = {
    "contains": lambda a, b: (
        any(_equal(x, b) for x in a) if isinstance(a, list) else to_string(b).lower() in to_string(a).lower()
    ),
    "startswith": lambda a, b: to_string(a).lower().startswith(to_string(b).lower()),
    "endswith": lambda a, b: to_string(a).lower().endswith(to_string(b).lower()),
    "format": _format,
    "join": lambda a, sep=",": to_string(sep).join(map(to_string, a)) if isinstance(a, list) else to_string(a),
    "tojson": lambda a: json.dumps(a, indent=2),
    "fromjson": lambda a: json.loads(to_string(a)),
}


def evaluate(text: str, contexts: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]) -> Any:
    return _Parser(text, contexts, {**BUILTINS, **functions}).parse()


def interpolate(text: str, contexts: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]) -> str:
    """A string with every ``${{ … }}`` replaced by its value as text."""
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: to_string(evaluate(m.group(1), contexts, functions)), text, flags=re.S)


def condition(
    text: str | bool | None, contexts: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]
) -> bool:
    """An ``if:``: with or without ``${{ }}``, implicitly ``success() && (…)`` without a status function."""
    if text is None:
        text = "success()"
    if isinstance(text, bool):
        return text
    body = text.strip()
    if body.startswith("${{") and body.endswith("}}"):
        body = body[3:-2]
    if not any(f in body.replace(" ", "") for f in STATUS_FUNCTIONS):
        body = f"success() && ({body})"
    return truthy(evaluate(body, contexts, functions))

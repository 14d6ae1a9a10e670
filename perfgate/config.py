"""perfgate.toml (or [tool.perfgate] in pyproject.toml) → frozen settings, budgets and waivers.

Validation is strict: an unknown key, a bad unit or glob, or a waiver without a reason is an error that
quotes the file, the key and its line, so a typo can never silently switch a budget off.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from perfgate.choices import DEFAULT_SUITE
from perfgate.errors import ConfigError
from perfgate.gate.rules import MODES, Budget, Limit, Mode, Waiver
from perfgate.gate.settings import Settings
from perfgate.suggest import did_you_mean
from perfgate.units import BYTES, PER_SECOND, RATIO, SECONDS, normalize, parse_percentage

CONFIG_FILE = "perfgate.toml"
PYPROJECT = "pyproject.toml"

# Statistics a budget can limit, and the kind of unit each takes.
LATENCY_STATISTICS = ("p50", "median", "p90", "p95", "p99", "mean", "max")
STATISTICS = (*LATENCY_STATISTICS, "error_rate", "throughput")
_SETTINGS: dict[str, type | tuple[type, ...]] = {
    "suite": str,
    "main_branch": str,
    "max_regression": (str, float, int),
    "run_noise": (str, float, int),
    "max_error_increase": (str, float, int),
    "max_error_ratio": (float, int),
    "fdr": (float, int),
    "confidence": (float, int),
    "min_samples": int,
    "baseline_runs": int,
    "site_url": str,
    "mode": str,
    "accept_label": str,
}
_BUDGET_KEYS = {"match", "max_regression", "max_error_increase", "max_error_ratio", "max_drift", "mode", *STATISTICS}
DEFAULT_ACCEPT_LABEL = "perfgate: accept"
LABEL_LIMIT = 50  # GitHub's longest label name
_WAIVER_KEYS = {"match", "until", "reason"}
_ALERT_KEYS = {"labels", "webhooks", "runs"}
WEBHOOK_FORMATS = ("slack", "generic")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LIMIT = re.compile(r"^\s*([<>])\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(\S*)\s*$")


@dataclass(frozen=True)
class WebhookSetting:
    """A webhook named in [alert]: the environment variable that holds its URL (never the URL: it is a secret)."""

    env: str
    format: str = "slack"  # one of WEBHOOK_FORMATS


@dataclass(frozen=True)
class AlertSettings:
    """[alert]: how `perfgate alert` announces a step on main."""

    labels: tuple[str, ...] = ("perfgate",)  # the first one is how perfgate finds its issues again
    webhooks: tuple[WebhookSetting, ...] = ()
    runs: int = 60  # main runs looked at, newest last


@dataclass(frozen=True)
class Config:
    source: str | None = None
    suite: str = DEFAULT_SUITE
    main_branch: str = "main"
    main_branch_given: bool = False  # set in the file; else the Action follows the repository's default branch
    # The decision rule's defaults are written once, in the Settings every report states.
    max_regression: float = Settings.max_regression
    run_noise: float = Settings.run_noise  # spread between CI runs assumed while history is short
    max_error_increase: float = Settings.max_error_increase  # percentage points of error rate (a fraction)
    max_error_ratio: float = Settings.max_error_ratio  # times the baseline's error rate; inf: off
    fdr: float = Settings.fdr
    confidence: float = Settings.confidence
    min_samples: int = Settings.min_samples
    baseline_runs: int = 5
    site_url: str | None = None  # where `perfgate site` is published: the comment and the digest link to it
    mode: Mode = "block"  # "warn": failing verdicts are shown and never fail the check (a budget may say otherwise)
    accept_label: str = DEFAULT_ACCEPT_LABEL  # a pull request with this label has its failing verdicts waived; "": off
    budgets: tuple[Budget, ...] = field(default_factory=tuple)
    waivers: tuple[Waiver, ...] = field(default_factory=tuple)
    alert: AlertSettings = field(default_factory=AlertSettings)


def find(start: Path) -> Path | None:
    """perfgate.toml, or a pyproject.toml with [tool.perfgate], in ``start`` or the nearest parent."""
    for directory in (start, *start.parents):
        candidate = directory / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        return "perfgate" in tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False


def load(path: Path) -> Config:
    """Read and validate a config file; errors name the file, key and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror}") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    locate = _Locator(str(path), text)
    if path.name == PYPROJECT:
        document = document.get("tool", {}).get("perfgate", {})
        locate.prefix = "tool.perfgate."
        return _parse_pyproject(document, locate)
    return _parse(document, locate)


def _parse_pyproject(table: dict[str, Any], locate: _Locator) -> Config:
    # In pyproject.toml the settings sit in [tool.perfgate]; budgets and waivers in [[tool.perfgate.budget]].
    tables = ("budget", "waiver", "alert")
    settings = {k: v for k, v in table.items() if k not in tables}
    document: dict[str, Any] = {"perfgate": settings, **{k: table[k] for k in tables if k in table}}
    return _parse(document, locate)


def _parse(document: dict[str, Any], locate: _Locator) -> Config:
    for key in document:
        if key in _SETTINGS and not isinstance(document[key], (dict, list)):
            raise locate.error(key, "a setting outside [perfgate]: move it under the [perfgate] line")
        if key not in ("perfgate", "budget", "waiver", "alert"):
            hint = did_you_mean(key, ("perfgate", "budget", "waiver", "alert"))
            raise locate.error(key, f"unknown table; expected [perfgate], [[budget]], [[waiver]] or [alert].{hint}")
    settings = document.get("perfgate", {})
    if not isinstance(settings, dict):
        raise locate.error("perfgate", "expected a table")
    values: dict[str, Any] = {}
    for key, value in settings.items():
        if key not in _SETTINGS:
            hint = did_you_mean(key, _SETTINGS)
            raise locate.error(f"perfgate.{key}", f"unknown setting; expected one of {', '.join(_SETTINGS)}.{hint}")
        expected = _SETTINGS[key]
        if not isinstance(value, expected) or isinstance(value, bool):
            raise locate.error(f"perfgate.{key}", f"expected {_type_name(expected)}, got {value!r}")
        values[key] = value
    for key in ("max_regression", "run_noise", "max_error_increase"):
        if key in values:
            values[key] = _percentage(locate, f"perfgate.{key}", values[key])
    if "max_error_ratio" in values:
        values["max_error_ratio"] = _ratio(locate, "perfgate.max_error_ratio", values["max_error_ratio"])
    for key, low, high in (("fdr", 0.0, 1.0), ("confidence", 0.5, 1.0)):
        if key in values and not low < float(values[key]) < high:
            raise locate.error(f"perfgate.{key}", f"expected a number between {low:g} and {high:g}, got {values[key]}")
    for key in ("min_samples", "baseline_runs"):
        if key in values and values[key] < (2 if key == "min_samples" else 1):
            raise locate.error(f"perfgate.{key}", f"too small: {values[key]}")
    site = values.get("site_url")
    if site is not None and not re.fullmatch(r"https?://[^\s\"'<>()\[\]]+", site):
        raise locate.error("perfgate.site_url", f"expected the site's address, https://..., got {site!r}")
    if "mode" in values:
        values["mode"] = _mode(locate, "perfgate.mode", values["mode"])
    if "accept_label" in values:
        values["accept_label"] = _label(locate, values["accept_label"])
    budgets = tuple(_budget(locate, item, i) for i, item in enumerate(_tables(locate, document, "budget")))
    waivers = tuple(_waiver(locate, item, i) for i, item in enumerate(_tables(locate, document, "waiver")))
    given = "main_branch" in values
    alert = _alert(locate, document.get("alert", {}))
    return Config(source=locate.path, budgets=budgets, waivers=waivers, alert=alert, main_branch_given=given, **values)


def _alert(locate: _Locator, table: Any) -> AlertSettings:
    if not isinstance(table, dict):
        raise locate.error("alert", "expected a table: [alert]")
    for key in table:
        if key not in _ALERT_KEYS:
            hint = did_you_mean(key, _ALERT_KEYS)
            raise locate.error(f"alert.{key}", f"unknown key; expected labels, webhooks or runs.{hint}")
    labels = table.get("labels", list(AlertSettings.labels))
    if (
        not isinstance(labels, list)
        or not labels
        or not all(isinstance(label, str) and 0 < len(label.strip()) <= 50 for label in labels)
    ):
        raise locate.error("alert.labels", f"expected a list of label names (up to 50 characters), got {labels!r}")
    runs = table.get("runs", AlertSettings.runs)
    if not isinstance(runs, int) or isinstance(runs, bool) or not 6 <= runs <= 10_000:
        raise locate.error("alert.runs", f"expected a whole number of main runs from 6 to 10,000, got {runs!r}")
    raw = table.get("webhooks", [])
    if not isinstance(raw, list):
        raise locate.error("alert.webhooks", 'expected a list like ["SLACK_WEBHOOK_URL"]')
    return AlertSettings(tuple(label.strip() for label in labels), tuple(_webhook(locate, w) for w in raw), runs)


def _webhook(locate: _Locator, item: Any) -> WebhookSetting:
    env, form = (item, "slack") if isinstance(item, str) else (None, None)
    if isinstance(item, dict):
        unknown = set(item) - {"env", "format"}
        if unknown:
            raise locate.error("alert.webhooks", f"unknown key {sorted(unknown)[0]!r}; expected env and format")
        env, form = item.get("env"), item.get("format", "slack")
    if not isinstance(env, str) or not _ENV_NAME.match(env):
        shown = "a URL" if isinstance(env, str) and "://" in env else repr(env)
        raise locate.error(
            "alert.webhooks",
            f"expected the name of an environment variable that holds the webhook's URL (a secret, never written "
            f'here), like "SLACK_WEBHOOK_URL", got {shown}',
        )
    if form not in WEBHOOK_FORMATS:
        raise locate.error("alert.webhooks", f"format: expected one of {', '.join(WEBHOOK_FORMATS)}, got {form!r}")
    return WebhookSetting(env, form)


def _tables(locate: _Locator, document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = document.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise locate.error(key, f"expected [[{key}]] tables")
    return items


def _budget(locate: _Locator, item: dict[str, Any], index: int) -> Budget:
    where = f"budget[{index}]"
    for key in item:
        if key not in _BUDGET_KEYS:
            raise locate.error(
                f"{where}.{key}",
                "unknown key; expected match, max_regression, max_error_increase, max_error_ratio, max_drift, mode or "
                "one of " + ", ".join(STATISTICS) + "." + did_you_mean(key, _BUDGET_KEYS),
            )
    pattern = _glob(locate, item, where)
    limits = tuple(_limit(locate, f"{where}.{k}", k, v) for k, v in item.items() if k in STATISTICS)
    delta = _percentage(locate, f"{where}.max_regression", item["max_regression"]) if "max_regression" in item else None
    errors = item.get("max_error_increase")
    error_delta = _percentage(locate, f"{where}.max_error_increase", errors) if errors is not None else None
    drift = _percentage(locate, f"{where}.max_drift", item["max_drift"]) if "max_drift" in item else None
    mode = _mode(locate, f"{where}.mode", item["mode"]) if "mode" in item else None
    ratio = _ratio(locate, f"{where}.max_error_ratio", item["max_error_ratio"]) if "max_error_ratio" in item else None
    return Budget(pattern, limits, delta, locate.line(f"{where}.match"), error_delta, drift, mode, ratio)


def _mode(locate: _Locator, key: str, value: Any) -> Mode:
    for mode in MODES:
        if value == mode:
            return mode
    raise locate.error(
        key, f'expected "block" (failing verdicts fail the check) or "warn" (they never do), got {value!r}'
    )


def _label(locate: _Locator, value: str) -> str:
    """A GitHub label name, or "" to switch the accept label off."""
    label = value.strip()
    if len(label) > LABEL_LIMIT or any(not ch.isprintable() for ch in label):
        raise locate.error(
            "perfgate.accept_label", f'expected a GitHub label name (at most {LABEL_LIMIT} characters), or "" for none'
        )
    return label


def _waiver(locate: _Locator, item: dict[str, Any], index: int) -> Waiver:
    where = f"waiver[{index}]"
    for key in item:
        if key not in _WAIVER_KEYS:
            hint = did_you_mean(key, _WAIVER_KEYS)
            raise locate.error(f"{where}.{key}", f"unknown key; expected match, until and reason.{hint}")
    pattern = _glob(locate, item, where)
    until = item.get("until")
    if isinstance(until, datetime):
        until = until.date()
    if not isinstance(until, date):
        raise locate.error(
            f"{where}.until" if "until" in item else where,
            "expected a date like 2026-12-31 (every waiver expires)"
            if "until" in item
            else "missing key 'until': a date like 2026-12-31 (every waiver expires)",
        )
    reason = item.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise locate.error(
            f"{where}.reason" if "reason" in item else where,
            "a waiver needs a reason (say why the regression is accepted, and where it is tracked)",
        )
    return Waiver(pattern, until, reason.strip(), locate.line(f"{where}.match"))


def _glob(locate: _Locator, item: dict[str, Any], where: str) -> str:
    pattern = item.get("match")
    if not isinstance(pattern, str) or not pattern:
        raise locate.error(f"{where}.match" if "match" in item else where, 'expected match = "<glob>"')
    if pattern.count("[") != pattern.count("]"):
        raise locate.error(f"{where}.match", f"bad glob {pattern!r}: unbalanced [ ]")
    return pattern


def _limit(locate: _Locator, key: str, statistic: str, raw: Any) -> Limit:
    if not isinstance(raw, str):
        raise locate.error(key, f'expected a quoted limit like "< 120ms", got {raw!r}')
    parsed = _LIMIT.match(raw)
    if not parsed:
        raise locate.error(key, f'expected a limit like "< 120ms", "< 1%" or "> 500/s", got {raw!r}')
    op, number, unit = parsed.groups()
    conversion = normalize(unit or "")
    expected = {"error_rate": RATIO, "throughput": PER_SECOND}.get(statistic)
    if expected is None:
        allowed = {SECONDS, BYTES}
        if conversion.canonical not in allowed:
            got = f"unit {unit!r}" if unit else "no unit"
            raise locate.error(
                key, f"expected a time (ms, s, …) or a size (MB, …) for {statistic}, got {got} in {raw!r}"
            )
    elif conversion.canonical != expected:
        example = "1%" if expected == RATIO else "500/s"
        got = f"unit {unit!r}" if unit else "no unit"
        raise locate.error(key, f"expected a unit like {example!r} for {statistic}, got {got} in {raw!r}")
    value = float(number) * conversion.factor
    if not math.isfinite(value):
        raise locate.error(key, f"expected a finite limit, got {raw!r}")
    return Limit(statistic, op, value, conversion.canonical, raw.strip())


def _ratio(locate: _Locator, key: str, value: Any) -> float:
    """A factor above 1 (2: the error rate may double); inf switches the relative rule off."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) or value <= 1:
        raise locate.error(
            key,
            f"expected a factor above 1 (2: the error rate may double before the gate fails; inf: off), got {value!r}",
        )
    return float(value)


def _percentage(locate: _Locator, key: str, value: Any) -> float:
    try:
        return parse_percentage(value, key=key)
    except ConfigError as exc:
        raise locate.error(key, str(exc).split(": ", 1)[-1]) from None


def _type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "a string", int: "a whole number", float: "a number"}
    return " or ".join(dict.fromkeys(names[k] for k in kinds))


class _Locator:
    """Finds the line of a key in the TOML text, since tomllib does not report positions."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.prefix = ""
        self._lines = text.splitlines()

    def line(self, key: str) -> int | None:
        # key: "perfgate.fdr", "budget[1].p95", "waiver[0]", "budget"
        match = re.match(r"^(\w+)(?:\[(\d+)\])?(?:\.(\w+))?$", key)
        if not match:
            return None
        table, index, leaf = match.group(1), match.group(2), match.group(3)
        header = self._header(table)
        seen = -1
        inside = False
        for number, raw in enumerate(self._lines, 1):
            line = raw.strip()
            if line.startswith("["):
                name = line.strip("[] ")
                inside = name == header
                if inside and line.startswith("[["):
                    seen += 1
                    inside = index is None or seen == int(index)
                if inside and leaf is None:
                    return number
                continue
            if inside and leaf is not None and re.match(rf"^{re.escape(leaf)}\s*=", line):
                return number
        if index is None and leaf is None:  # a key before any table: "max_regression = ..." at the top
            for number, raw in enumerate(self._lines, 1):
                if raw.strip().startswith("["):
                    break
                if re.match(rf"^{re.escape(table)}\s*=", raw.strip()):
                    return number
        return None

    def _header(self, table: str) -> str:
        # perfgate.toml: [perfgate], [[budget]]; pyproject.toml: [tool.perfgate], [[tool.perfgate.budget]].
        if not self.prefix:
            return table
        return self.prefix.rstrip(".") if table == "perfgate" else self.prefix + table

    def error(self, key: str, problem: str) -> ConfigError:
        line = self.line(key)
        where = f"{self.path}:{line}" if line else self.path
        shown = self._header(key.split(".")[0].split("[")[0]) + key[len(key.split(".")[0].split("[")[0]) :]
        return ConfigError(f"{where}: {shown}: {problem}")

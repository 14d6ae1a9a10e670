"""perfgate.toml and [tool.perfgate]: strict validation with file, key and line; discovery upwards."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from perfgate import config
from perfgate.errors import ConfigError
from perfgate.gate.policy import Policy

from .conftest import EXAMPLES, Invoke

EXAMPLE = """\
[perfgate]
suite = "api"
main_branch = "trunk"
max_regression = "5%"
fdr = 0.05
min_samples = 6

[[budget]]
match = "GET /api/search"
p95 = "< 120ms"
max_regression = "3%"

[[budget]]
match = "POST /api/orders"
error_rate = "< 1%"
throughput = "> 500/s"

[[budget]]
match = "GET *"
p99 = "< 1s"

[[waiver]]
match = "test_parse*"
until = 2026-12-31
reason = "new validator; tracked in #123"
"""


def _write(tmp_path: Path, text: str, name: str = "perfgate.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_reads_settings_budgets_and_waivers(tmp_path: Path) -> None:
    cfg = config.load(_write(tmp_path, EXAMPLE))
    assert (cfg.suite, cfg.main_branch, cfg.max_regression, cfg.min_samples) == ("api", "trunk", 0.05, 6)
    search = Policy(cfg.budgets, cfg.waivers).budget_for("GET /api/search")
    assert search is not None and search.max_regression == pytest.approx(0.03) and search.line == 9
    (p95,) = search.limits
    assert (p95.statistic, p95.op, p95.unit) == ("p95", "<", "s") and p95.value == pytest.approx(0.12)
    orders = Policy(cfg.budgets, cfg.waivers).budget_for("POST /api/orders")
    assert orders is not None
    assert [(lim.statistic, lim.value, lim.unit) for lim in orders.limits] == [
        ("error_rate", pytest.approx(0.01), "ratio"),
        ("throughput", 500.0, "1/s"),
    ]
    waiver = Policy(cfg.budgets, cfg.waivers).waiver_for("test_parse_json")
    assert waiver is not None and waiver.until == date(2026, 12, 31) and waiver.active(date(2026, 12, 31))
    assert not waiver.active(date(2027, 1, 1))


def test_first_matching_budget_wins(tmp_path: Path) -> None:
    cfg = config.load(_write(tmp_path, EXAMPLE))
    search, other = (
        Policy(cfg.budgets, cfg.waivers).budget_for("GET /api/search"),
        Policy(cfg.budgets, cfg.waivers).budget_for("GET /api/users"),
    )
    assert search is not None and search.match == "GET /api/search"
    assert other is not None and other.match == "GET *"
    assert Policy(cfg.budgets, cfg.waivers).budget_for("test_render") is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("fdr = 0.05", "fdr = 0.05\ncolour = 1"), "perfgate.toml:6: perfgate.colour: unknown setting"),
        (('p95 = "< 120ms"', 'p95 = "< 120 parsecs"'), "perfgate.toml:10: budget[0].p95: expected a time"),
        (('p95 = "< 120ms"', 'p95 = "about 120ms"'), 'budget[0].p95: expected a limit like "< 120ms"'),
        (
            ('p95 = "< 120ms"', 'p95 = "< 120"'),
            "perfgate.toml:10: budget[0].p95: expected a time (ms, s, …) or a size (MB, …) for p95, got no unit in '< 120'",
        ),
        (('p95 = "< 120ms"', "p95 = 120"), "budget[0].p95: expected a quoted limit"),
        (
            ('error_rate = "< 1%"', 'error_rate = "< 1ms"'),
            "perfgate.toml:15: budget[1].error_rate: expected a unit like '1%'",
        ),
        (('throughput = "> 500/s"', 'throughput = "> 500MB"'), "budget[1].throughput: expected a unit like '500/s'"),
        (('p99 = "< 1s"', 'p99 = "< 1s"\np42 = "< 1s"'), "perfgate.toml:21: budget[2].p42: unknown key"),
        (('match = "GET *"', 'match = "GET [a-z"'), "perfgate.toml:19: budget[2].match: bad glob"),
        (('reason = "new validator; tracked in #123"\n', ""), "perfgate.toml:22: waiver[0]: a waiver needs a reason"),
        (("until = 2026-12-31", 'until = "soon"'), "perfgate.toml:24: waiver[0].until: expected a date"),
        (("until = 2026-12-31\n", ""), "waiver[0]: missing key 'until': a date like 2026-12-31"),
        (
            ("[perfgate]", '[alert]\nwebhook = "x"\n[perfgate]'),
            "perfgate.toml:2: alert.webhook: unknown key; expected labels, webhooks or runs. Did you mean 'webhooks'?",
        ),
        (
            ("until = 2026-12-31", "until = 2026-12-31\nreson = 1"),
            "waiver[0].reson: unknown key; expected match, until and reason. Did you mean 'reason'?",
        ),
        (('p99 = "< 1s"', 'p99 = "< 1s"\np59 = "< 1s"'), "Did you mean 'p99'?"),
        (
            ('max_regression = "5%"', 'max_regression = "five"'),
            "perfgate.toml:4: perfgate.max_regression: expected a percentage",
        ),
        (("fdr = 0.05", "fdr = 2"), "perfgate.toml:5: perfgate.fdr: expected a number between 0 and 1"),
        (("min_samples = 6", 'min_samples = "6"'), "perfgate.toml:6: perfgate.min_samples: expected a whole number"),
        (
            ("[perfgate]", "[perfgat]"),
            "perfgate.toml:1: perfgat: unknown table; expected [perfgate], [[budget]], "
            "[[waiver]] or [alert]. Did you mean 'perfgate'?",
        ),
        (
            ("[perfgate]", 'max_regression = "5%"\n[perfgate]'),
            "perfgate.toml:1: max_regression: a setting outside [perfgate]: move it under the [perfgate] line",
        ),
        (
            ("fdr = 0.05", "fdr = 0.05\nmax_regresion = 0.1"),
            "perfgate.toml:6: perfgate.max_regresion: unknown "
            "setting; expected one of suite, main_branch, max_regression",
        ),
        (("fdr = 0.05", "fdr = 0.05\nmax_regresion = 0.1"), "Did you mean 'max_regression'?"),
        (
            ("fdr = 0.05", 'fdr = 0.05\nsite_url = "acme.github.io/shop"'),
            "perfgate.toml:6: perfgate.site_url: expected the site's address, https://...",
        ),
        (("fdr = 0.05", "fdr = = 0.05"), "perfgate.toml: not valid TOML: Invalid value (at line 5, column 7)"),
        (
            ("fdr = 0.05", 'fdr = 0.05\nmode = "warning"'),
            'perfgate.toml:6: perfgate.mode: expected "block" (failing verdicts fail the check) or "warn" (they never '
            "do), got 'warning'",
        ),
        (('p99 = "< 1s"', 'p99 = "< 1s"\nmode = "Warn"'), 'perfgate.toml:21: budget[2].mode: expected "block"'),
        (('p99 = "< 1s"', 'p99 = "< 1s"\nmode = true'), 'perfgate.toml:21: budget[2].mode: expected "block"'),
        (("fdr = 0.05", "fdr = 0.05\nmode = 1"), "perfgate.toml:6: perfgate.mode: expected a string, got 1"),
        (
            ("fdr = 0.05", f'fdr = 0.05\naccept_label = "{"x" * 51}"'),
            "perfgate.toml:6: perfgate.accept_label: expected a GitHub label name (at most 50 characters)",
        ),
        (
            ("fdr = 0.05", "fdr = 0.05\naccept_label = false"),
            "perfgate.toml:6: perfgate.accept_label: expected a string",
        ),
    ],
)
def test_errors_quote_file_key_and_line(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    path = _write(tmp_path, EXAMPLE.replace(*change))
    with pytest.raises(ConfigError) as info:
        config.load(path)
    assert message in str(info.value)
    assert str(info.value).startswith(str(path))


def test_pyproject_tool_table(tmp_path: Path) -> None:
    text = '[project]\nname = "x"\n\n[tool.perfgate]\nsuite = "web"\n\n[[tool.perfgate.budget]]\nmatch = "*"\np50 = "< 2ms"\n'
    path = _write(tmp_path, text, "pyproject.toml")
    cfg = config.load(path)
    assert cfg.suite == "web" and cfg.budgets[0].limits[0].value == pytest.approx(0.002)
    assert cfg.budgets[0].line == 8
    broken = _write(tmp_path, text.replace('p50 = "< 2ms"', 'p50 = "< 2 apples"'), "pyproject.toml")
    with pytest.raises(ConfigError, match=r"pyproject\.toml:9: tool\.perfgate\.budget\[0\]\.p50: expected a time"):
        config.load(broken)


def test_found_from_the_working_directory_upwards(tmp_path: Path) -> None:
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert config.find(nested) is None or not str(config.find(nested)).startswith(str(tmp_path))
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')  # no [tool.perfgate]: not a config
    assert config.find(nested) is None or not str(config.find(nested)).startswith(str(tmp_path))
    _write(tmp_path / "a", "[perfgate]\n")
    assert config.find(nested) == tmp_path / "a" / "perfgate.toml"


def test_mode_and_accept_label(tmp_path: Path) -> None:
    """mode: "block" by default, "warn" in [perfgate] and per budget (a budget's mode wins); the accept label's
    name, "perfgate: accept" by default, "" for none."""
    defaults = config.load(_write(tmp_path, EXAMPLE))
    assert defaults.mode == "block" and defaults.accept_label == "perfgate: accept"
    assert all(b.mode is None for b in defaults.budgets)
    text = EXAMPLE.replace("fdr = 0.05", 'fdr = 0.05\nmode = "warn"\naccept_label = "perf-ok"').replace(
        'max_regression = "3%"', 'max_regression = "3%"\nmode = "block"'
    )
    cfg = config.load(_write(tmp_path, text))
    assert cfg.mode == "warn" and cfg.accept_label == "perf-ok"
    policy = Policy(cfg.budgets, cfg.waivers, mode=cfg.mode)
    assert policy.mode_for("GET /api/search") == "block"  # its budget says so
    assert policy.mode_for("POST /api/orders") == "warn"  # its budget says nothing: the [perfgate] mode
    assert policy.mode_for("test_render") == "warn"  # no budget
    off = config.load(_write(tmp_path, EXAMPLE.replace("fdr = 0.05", 'fdr = 0.05\naccept_label = ""')))
    assert off.accept_label == ""


def test_config_check_shows_the_modes_and_the_label(run_cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "perfgate.toml").write_text(
        '[perfgate]\nmode = "warn"\n\n[[budget]]\nmatch = "test_tok*"\nmode = "block"\n'
    )
    result = run_cli("config", "check", "--results", str(EXAMPLES / "pytest-benchmark" / "head.json"))
    assert result.exit_code == 0, result.output
    assert (
        "mode 'warn' (failing verdicts are shown as warn-only and never fail the check), accept_label" in result.output
    )
    lines = {line.split("  ")[0]: line for line in result.output.splitlines()}
    assert lines["test_tokenize (time)"].endswith("max_regression 5%")  # its budget blocks
    assert lines["test_render (time)"].endswith("; warn-only")


def test_max_error_ratio_is_a_factor_above_one(tmp_path: Path) -> None:
    cfg = config.load(
        _write(tmp_path, '[perfgate]\nmax_error_ratio = 4\n[[budget]]\nmatch = "GET *"\nmax_error_ratio = inf\n')
    )
    assert cfg.max_error_ratio == 4.0
    budget = Policy(cfg.budgets).budget_for("GET /x")
    assert budget is not None and budget.max_error_ratio == float("inf")
    assert config.load(_write(tmp_path, "")).max_error_ratio == 2.0
    for bad in ("1", "0.5", "nan"):
        with pytest.raises(
            ConfigError, match=r"perfgate\.toml:2: perfgate\.max_error_ratio: expected a factor above 1"
        ):
            config.load(_write(tmp_path, f"[perfgate]\nmax_error_ratio = {bad}\n"))

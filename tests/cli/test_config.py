"""The configuration on the command line: perfgate.toml in the working directory, `config check`, and
options that override the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..conftest import EXAMPLES, Invoke

BASE = str(EXAMPLES / "pytest-benchmark" / "base.json")
HEAD = str(EXAMPLES / "pytest-benchmark" / "head.json")


CONFIG = """\
[perfgate]
suite = "examples"

[[budget]]
match = "test_render"
p95 = "< 500us"

[[budget]]
match = "test_*"
max_regression = "3%"

[[waiver]]
match = "test_tokenize"
until = 2999-12-31
reason = "second pass kept on purpose; tracked in #7"
"""


def test_config_in_the_working_directory_drives_budgets_and_waivers(run_cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "perfgate.toml").write_text(CONFIG)
    result = run_cli("compare", BASE, HEAD, "--output-format", "json")
    assert result.exit_code == 1  # test_render's p95 (~670 µs) is over its 500 µs budget
    series = {s["name"]: s for s in json.loads(result.output)["series"]}
    assert series["test_tokenize"]["verdict"] == "waived"
    assert series["test_render"]["verdict"] == "budget-exceeded"
    assert series["test_render"]["budget"][0]["status"] == "exceeded"
    assert series["test_checksum"]["max_regression"] == 0.03
    ingested = run_cli("ingest", BASE, "--branch", "main", "--commit", "abc")
    assert "suite 'examples'" in ingested.output


def test_config_check_shows_what_applies(run_cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "perfgate.toml").write_text(CONFIG)
    result = run_cli("config", "check", "--results", BASE)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == f"configuration: {tmp_path / 'perfgate.toml'}"
    render = next(line for line in lines if line.startswith("test_render (time)"))
    assert "budget 1 ('test_render'): p95 < 500us, max_regression 5%" in render
    tokenize = next(line for line in lines if line.startswith("test_tokenize (time)"))
    assert "budget 2 ('test_*')" in tokenize and "waiver 'test_tokenize' until 2999-12-31" in tokenize


def test_bad_config_is_exit_3_with_file_and_line(run_cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "perfgate.toml").write_text(CONFIG.replace('p95 = "< 500us"', 'p95 = "< 500 lightyears"'))
    for args in (("compare", BASE, HEAD), ("config", "check")):
        result = run_cli(*args)
        assert result.exit_code == 3
        assert f"{tmp_path / 'perfgate.toml'}:6: budget[0].p95: expected a time" in result.output
    missing = run_cli("compare", BASE, HEAD, "--config", "nope.toml")
    assert missing.exit_code == 3 and "nope.toml: no such configuration file" in missing.output


def test_command_line_overrides_the_config(run_cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "perfgate.toml").write_text('[perfgate]\nmax_regression = "150%"\n')
    assert run_cli("compare", BASE, HEAD).exit_code == 0  # +91 % is within 150 %
    assert run_cli("compare", BASE, HEAD, "--max-regression", "10%").exit_code == 1


@pytest.mark.parametrize("given", ["5", "1", "2.5"])
def test_an_allowance_without_a_unit_is_refused_with_the_fix(run_cli: Invoke, given: str) -> None:
    result = run_cli("compare", BASE, HEAD, "--max-regression", given)
    assert result.exit_code == 2  # an option's value: a usage error
    assert f"write '{float(given):g}%'" in result.output and "switch the gate off" in result.output


@pytest.mark.parametrize("written", ["max_regression = 5", 'run_noise = "4"', "run_noise = 3"])
def test_percent_settings_in_the_config_need_a_unit(run_cli: Invoke, tmp_path: Path, written: str) -> None:
    (tmp_path / "perfgate.toml").write_text(f"[perfgate]\n{written}\n")
    result = run_cli("compare", BASE, HEAD)
    assert result.exit_code == 3 and "perfgate.toml:2" in result.output and "has no unit" in result.output


@pytest.mark.parametrize("written", ['max_regression = "500%"', "max_regression = 0.05", 'run_noise = "2%"'])
def test_percent_settings_with_a_unit_or_a_fraction_are_read(run_cli: Invoke, tmp_path: Path, written: str) -> None:
    (tmp_path / "perfgate.toml").write_text(f"[perfgate]\n{written}\n")
    assert run_cli("compare", BASE, BASE).exit_code == 0


def test_config_check_warns_of_what_compare_would_judge_otherwise(run_cli: Invoke, tmp_path: Path) -> None:
    """A budget that fits no series, a throughput limit on time series, a floor on latency: said before any
    pull request meets them."""
    Path("perfgate.toml").write_text(
        '[[budget]]\nmatch = "test_*"\nthroughput = "> 500/s"\np95 = "> 1ms"\n\n[[budget]]\nmatch = "nothing*"\np95 = "< 1ms"\n',
        encoding="utf-8",
    )
    result = run_cli("config", "check", "--results", str(EXAMPLES / "pytest-benchmark" / "head.json"))
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning: ")]
    assert warnings == [
        "warning: budget 1 (line 2): p95 > 1ms is a floor: the series fails when it is faster than that; "
        "a ceiling is 'p95 = \"< 1ms\"'",
        "warning: budget match 'nothing*' fits no series here: check the name (or the glob's * and ?)",
        "warning: budget 1 (line 2): throughput > 500/s judges none of its 3 series (they measure time); "
        "a throughput limit judges a throughput series (load tests)",
    ]
    alone = run_cli("config", "check")  # without results, the floor is still said
    assert [line for line in alone.output.splitlines() if line.startswith("warning: ")] == warnings[:1]

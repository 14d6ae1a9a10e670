"""`perfgate compare` as a user types it: the baseline from files, globs, standard input or history; exit
codes and messages when something is missing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfgate.cli import main

from ..conftest import DATA, EXAMPLES, Invoke, check_golden

BASE = str(EXAMPLES / "pytest-benchmark" / "base.json")
HEAD = str(EXAMPLES / "pytest-benchmark" / "head.json")


def test_compare_two_files_prints_a_table_and_fails_on_the_regression(run_cli: Invoke) -> None:
    result = run_cli("compare", BASE, HEAD)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    row = next(line for line in lines if line.startswith("test_tokenize"))
    assert "regression" in row and "+91.1%" in row and "<0.0001" in row
    assert "~" in next(line for line in lines if line.startswith("test_checksum"))
    assert lines[-1] == "FAIL: 1 regression (test_tokenize)"


def test_compare_passes_when_nothing_regressed(run_cli: Invoke) -> None:
    result = run_cli("compare", BASE, BASE)
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "PASS: 3 unchanged"


def test_a_warn_only_regression_is_shown_and_exits_0(run_cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "perfgate.toml").write_text('[perfgate]\nmode = "warn"\n')
    result = run_cli("compare", BASE, HEAD)
    assert result.exit_code == 0, result.output
    assert "regression (warn-only)" in result.output
    assert 'NEUTRAL (warn-only: 1 failing under mode = "warn", test_tokenize)' in result.output
    (tmp_path / "perfgate.toml").write_text(
        '[perfgate]\nmode = "warn"\n\n[[budget]]\nmatch = "test_tok*"\nmode = "block"\n'
    )
    assert run_cli("compare", BASE, HEAD).exit_code == 1  # moved to blocking


def test_several_runs_per_side_are_pooled(run_cli: Invoke, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    runs.mkdir()
    for i in range(2):
        shutil.copy(BASE, runs / f"main-{i}.json")
        shutil.copy(HEAD, runs / f"pr-{i}.json")
    result = run_cli(
        "compare",
        "--base",
        str(runs / "main-*.json"),
        "--head",
        str(runs / "pr-*.json"),
        "--output-format",
        "json",
    )
    assert result.exit_code == 1
    report = json.loads(result.output)
    tokenize = report["series"][0]
    assert (tokenize["n_baseline"], tokenize["n_candidate"]) == (2 * 714, 2 * 351)
    assert len(report["baseline"]) == 2


def test_json_report_schema(run_cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.json"
    result = run_cli("compare", BASE, HEAD, "--output-format", "json", "-o", str(out))
    assert result.exit_code == 1
    assert "FAIL: 1 regression" in result.output  # the table still goes to the terminal
    report = json.loads(out.read_text())
    assert report["schema_version"] == 1 and report["verdict"] == "fail"
    series = {s["name"]: s for s in report["series"]}
    tokenize = series["test_tokenize"]
    for key in (
        "name",
        "metric",
        "unit",
        "verdict",
        "change",
        "ci",
        "p_value",
        "n_baseline",
        "n_candidate",
        "reason",
    ):
        assert key in tokenize
    assert tokenize["verdict"] == "regression" and tokenize["unit"] == "s"
    assert tokenize["ci"][0] < tokenize["change"] < tokenize["ci"][1]
    assert series["test_checksum"]["verdict"] == "unchanged"


def test_compare_against_a_missing_history_is_an_error_and_creates_nothing(run_cli: Invoke, tmp_path: Path) -> None:
    result = run_cli("compare", HEAD, "--against", "main")
    assert result.exit_code == 3, result.output
    assert "no history database at" in result.output and "nothing was compared" in result.output
    assert "PASS" not in result.output
    assert not (tmp_path / ".perfgate").exists()


def test_compare_against_a_branch_without_runs_names_the_branches_that_have_some(run_cli: Invoke) -> None:
    assert run_cli("ingest", BASE, "--branch", "main", "--commit", "c1").exit_code == 0
    result = run_cli("compare", HEAD, "--against", "mian")
    assert result.exit_code == 3
    assert "no mian-branch runs of suite 'default'" in result.output
    assert "has runs of: main (1 run)" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("compare", BASE),
        ("compare", BASE, HEAD, HEAD),
        ("compare", "--base", BASE),
        ("compare", HEAD, "--against", "main", "--base", BASE),
        ("compare", BASE, HEAD, "--output-format", "yaml"),
        ("ingest", BASE),
    ],
)
def test_usage_errors_exit_2(run_cli: Invoke, args: tuple[str, ...]) -> None:
    assert run_cli(*args).exit_code == 2


@pytest.mark.parametrize(
    ("value", "said"), [("five", "expected a percentage like '5%'"), ("5", "'5' has no unit: write '5%'")]
)
def test_a_bad_max_regression_is_a_usage_error(run_cli: Invoke, value: str, said: str) -> None:
    """A bad option value is exit 2, as --fdr's; the same value in perfgate.toml is exit 3 (tests/cli/test_config.py)."""
    result = run_cli("compare", BASE, HEAD, "--max-regression", value)
    assert result.exit_code == 2 and f"Invalid value for '--max-regression': {said}" in result.output


def test_an_empty_commit_is_a_usage_error_that_names_the_likely_cause(run_cli: Invoke) -> None:
    """`--commit "$GITHUB_SHA"` with the variable unset: not "the file names no commit", which --commit was for."""
    result = run_cli("ingest", BASE, "--branch", "main", "--commit", "")
    assert result.exit_code == 2
    assert "Invalid value for '--commit': empty (an unset variable, such as $GITHUB_SHA" in result.output
    blank = run_cli("ingest", BASE, "--branch", "main", "--commit", "c", "--suite", " ")  # was stored as suite ' '
    assert blank.exit_code == 2 and "Invalid value for '--suite': empty (an unset variable?)" in blank.output
    assert not Path(".perfgate").exists()


def test_a_glob_matching_nothing_is_named(run_cli: Invoke) -> None:
    result = run_cli("compare", "--base", "nothing-*.json", "--head", HEAD)
    assert result.exit_code == 3 and "nothing-*.json: no files match this pattern" in result.output


def test_two_files_with_no_series_in_common_are_not_a_pass(run_cli: Invoke, tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    renamed = json.loads(Path(BASE).read_text())
    for bench in renamed["benchmarks"]:
        bench["name"] = bench["fullname"] = "unrelated_" + bench["name"]
    other.write_text(json.dumps(renamed))
    result = run_cli("compare", BASE, str(other))
    assert result.exit_code == 3
    assert (
        "nothing was compared: " in result.output
        and "no series in common" in result.output
        and "unrelated" in result.output
    )


def test_a_budget_that_fits_no_series_is_a_note(run_cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "perfgate.toml").write_text('[[budget]]\nmatch = "test_tokenise"\np50 = "< 10ms"\n')
    result = run_cli("compare", BASE, BASE)
    assert result.exit_code == 0 and "match 'test_tokenise' fits no series" in result.output


def test_a_dash_reads_standard_input(run_cli: Invoke) -> None:
    head = Path(HEAD).read_bytes()
    result = CliRunner().invoke(main, ["compare", BASE, "-"], input=head, catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert "candidate: <stdin>" in result.output and "FAIL: 1 regression (test_tokenize)" in result.output
    bad = CliRunner().invoke(main, ["compare", BASE, "-"], input=b"garbage\n")
    assert bad.exit_code == 3 and "<stdin>: unrecognised results" in bad.output
    twice = CliRunner().invoke(main, ["compare", "-", "-"], input=head)
    assert twice.exit_code == 2 and "can be given only once" in twice.output


def test_a_glob_the_shell_expanded_gets_a_hint_to_quote_it(run_cli: Invoke, tmp_path: Path) -> None:
    files = [str(EXAMPLES / "pytest-benchmark" / name) for name in ("base.json", "base.json", "head.json", "head.json")]
    result = run_cli("compare", *files)
    assert result.exit_code == 2
    assert "4 files were given: a glob the shell expanded? Quote it (--base 'base/*.json'" in result.output


def test_junit_says_the_change_once(run_cli: Invoke, tmp_path: Path) -> None:
    """A failing test case: the message is the reason, the text names the series once and the change once."""
    import xml.etree.ElementTree as ET

    result = run_cli("compare", BASE, HEAD, "--output-format", "junit", "-o", "j.xml")
    assert result.exit_code == 1
    [failure] = ET.parse(tmp_path / "j.xml").getroot().iter("failure")
    assert failure.get("message", "").startswith("+91.1% [+90.1%, +92.0%] is beyond the 5% allowed")
    assert failure.text is not None and failure.text.count("+91.1%") == 1
    assert failure.text.startswith("test_tokenize (time): +91.1% [+90.1%, +92.0%] is beyond")


HYPERFINE = DATA / "hyperfine"


@pytest.mark.parametrize("output", ["text", "markdown"])
def test_hyperfine_rows_show_both_sides_mean_sd_and_user_time_said_once(
    run_cli: Invoke, tmp_path: Path, update_golden: bool, output: str
) -> None:
    """Real hyperfine files (pr.json's 'sleep 0.01' ran sleep 0.013): each cell is baseline → candidate, the
    regression's reason gives hyperfine's mean ± σ and '1.NN× slower', and user/system time (means only, one
    value a file) are shown with one note for all rows, not a footnote per cell."""
    args = [str(HYPERFINE / "main.json"), str(HYPERFINE / "pr.json")]
    if output == "markdown":
        args += ["--output-format", "markdown", "-o", str(tmp_path / "report.md")]
    result = run_cli("compare", *args)
    assert result.exit_code == 1, result.output
    shown = result.output if output == "text" else (tmp_path / "report.md").read_text()
    shown = shown.replace(str(HYPERFINE), "DATA")
    assert "12.05ms → 20.11ms" in shown and "1.36× slower" in shown and "mean ± σ 15.28ms ± 6.343ms" in shown
    assert shown.count("shown, not judged") == 1 and "insufficient-data" not in shown
    check_golden(f"hyperfine-rows.{'txt' if output == 'text' else 'md'}", shown, update_golden)
